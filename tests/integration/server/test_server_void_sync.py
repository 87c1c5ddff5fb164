"""撤销上一单 reaching the store (issue 12), over real HTTP on SQLite and PostgreSQL: a real
window database sells and voids (`selling`, `window_voids`), its outbox is pushed as the sync
engine pushes it, and the store re-checks the void by its own rules (DESIGN.md §14) — taken as
a cash refund with rule `void` and no fee, refused with nothing written, or recorded (the cash
went back) and flagged for a supervisor."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from anomaly_kit import anomaly_rows, events, one_open, order_of, scan
from conftest import snapshot
from test_server_sync import push, stock

from app.domain.timeline import iso_utc
from app.services.admin import seeding
from app.services.refunds import window_voids
from app.services.sales import selling
from app.services.shifts import shifts
from app.store.db import Database
from app.store.models import Refund
from sync import outbox


class Window:
    """Window `terminal`'s own SQLite database, its clerk's shift open since an hour ago."""

    def __init__(self, path, live, *, terminal="01", clerk="clerk1", device="dev-1"):
        self.db = Database.open(f"sqlite:///{path}")
        self.live, self.terminal, self.clerk, self.device = live, terminal, clerk, device
        now = live.clock()
        seeding.seed_catalog(self.db.session(), now=now, venue=live.venue)
        shifts.open_shift(self.db.session(), terminal=terminal, clerk=clerk, float_fen=0,
                          now=now - timedelta(hours=1))

    def sell(self, at, qty=1):
        request = selling.SaleRequest(
            terminal=self.terminal, clerk=self.clerk, device_id=self.device,
            visit_date=self.live.venue.local_date(at),
            lines=(selling.SaleLine("ADULT", qty),), tendered_fen=10000 * qty)
        return selling.sell(self.db.session(), request, now=at, venue=self.live.venue,
                            require_shift=True)

    def void(self, order_no, at, **rules):
        return window_voids.void_last_sale(
            self.db.session(), order_no, terminal=self.terminal, clerk=self.clerk,
            role="clerk", now=at, venue=self.live.venue, **rules)

    def ops(self):
        """What the sync engine would push now, shift ops left out."""
        return [op for op in outbox.claim(self.db.session(), now=self.live.clock())
                if op["kind"] in ("sale", "refund")]

    def push(self, headers=None, ops=None):
        return push(self.live, headers or self.live.login(self.clerk, terminal=self.terminal,
                                                           device_id=self.device),
                    self.ops() if ops is None else ops, device_id=self.device)


@pytest.fixture
def window(live, tmp_path):
    w = Window(tmp_path / "window.sqlite3", live)
    yield w
    w.db.dispose()


def refund_of(live, order_no):
    with live.db.session() as s:
        order = order_of(live, order_no)
        return s.execute(sa.select(Refund).where(Refund.order_id == order["order_id"])
                         ).scalars().all()


def test_a_void_is_a_cash_refund_at_no_fee(live, window):
    now = live.clock()
    day = live.venue.local_date(now)
    before = stock(live, "ADULT", day)[1]
    sale = window.sell(now - timedelta(minutes=5), qty=2)
    window.void(sale.order_no, now - timedelta(minutes=2))

    results = window.push()
    assert [r["status"] for r in results] == ["applied", "applied"], results
    [refund] = refund_of(live, sale.order_no)
    assert (refund.rule, refund.method, refund.status, refund.amount_fen, refund.fee_fen,
            refund.payment_fee_fen, refund.paid_out_terminal, refund.requested_by) == (
        "void", "cash", "succeeded", 20000, 0, 0, "01", "clerk1")
    order = order_of(live, sale.order_no)
    assert (order["status"], order["refunded_fen"]) == ("refunded", 20000)
    assert {t["status"] for t in order["tickets"]} == {"refunded"}
    assert stock(live, "ADULT", day)[1] == before  # back on sale at the store too
    actions = [e["action"] for e in events(live, sale.order_no)]
    assert actions[2:] == ["sale.voided", "refund.succeeded", "ticket.refunded",
                           "ticket.refunded"]
    assert anomaly_rows(live, "refund_mismatch") == []


def test_a_void_of_another_window_is_forbidden_and_writes_nothing(live, window, tmp_path):
    other = Window(tmp_path / "w02.sqlite3", live, terminal="02", clerk="clerk2",
                   device="dev-2")
    now = live.clock()
    sale = other.sell(now - timedelta(minutes=3))
    other.void(sale.order_no, now - timedelta(minutes=1))
    sale_op, void_op = other.ops()
    assert other.push(ops=[sale_op])[0]["status"] == "applied"
    void_op["payload"] |= {"clerk": "clerk1", "terminal": "01"}  # window 01 pushes it as its own
    h = live.login("clerk1")
    before = snapshot(live.db)
    [result] = window.push(h, ops=[void_op])
    assert (result["status"], result["error"]["code"]) == ("rejected", "forbidden")
    assert snapshot(live.db) == before
    other.db.dispose()


def test_a_sale_voided_twice_is_rejected(live, window):
    now = live.clock()
    sale = window.sell(now - timedelta(minutes=3))
    window.void(sale.order_no, now - timedelta(minutes=1))
    sale_op, void_op = window.ops()
    again = {**void_op, "op_id": str(uuid.uuid4()), "seq": void_op["seq"] + 1,
             "payload": void_op["payload"] | {"refund_id": str(uuid.uuid4())}}
    results = window.push(ops=[sale_op, void_op, again])
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
    assert results[2]["error"]["message"] == f"订单 {sale.order_no} 已退票或已撤销，不能再撤销"
    assert len(refund_of(live, sale.order_no)) == 1


def test_a_void_of_part_of_the_order_is_rejected(live, window):
    now = live.clock()
    sale = window.sell(now - timedelta(minutes=3), qty=2)
    window.void(sale.order_no, now - timedelta(minutes=1))
    sale_op, void_op = window.ops()
    void_op["payload"] |= {"ticket_ids": void_op["payload"]["ticket_ids"][:1],
                           "amount_fen": 10000}
    results = window.push(ops=[sale_op, void_op])
    assert results[1]["status"] == "rejected"
    assert "全部门票" in results[1]["error"]["message"]
    assert refund_of(live, sale.order_no) == []


def test_a_void_too_old_for_the_store_is_recorded_and_flagged(live, window):
    """A window that let itself void a 20-minute-old sale (its own setting, or its clock):
    the cash went back, so the store records it — and tells a supervisor what a refund
    would have cost (the same-day 30 % fee)."""
    now = live.clock()
    sale = window.sell(now - timedelta(minutes=21))
    window.void(sale.order_no, now - timedelta(minutes=1), window=timedelta(hours=1))
    assert [r["status"] for r in window.push()] == ["applied", "applied"]
    assert order_of(live, sale.order_no)["refunded_fen"] == 10000
    a = one_open(live, "refund_mismatch", sale.order_no)
    assert a["evidence"]["void_rule"] == "too_old"
    assert (a["evidence"]["quote_fen"], a["evidence"]["difference_fen"]) == (7000, 3000)
    assert "超过 10 分钟" in a["reason"] and "clerk1" in a["reason"]
    voided = next(e for e in events(live, sale.order_no) if e["action"] == "sale.voided")
    assert voided["detail"]["store_check"] == "too_old"


def test_more_cash_than_was_paid_is_recorded_and_flagged(live, window):
    now = live.clock()
    sale = window.sell(now - timedelta(minutes=3))
    window.void(sale.order_no, now - timedelta(minutes=1))
    sale_op, void_op = window.ops()
    void_op["payload"]["amount_fen"] = 15000
    assert [r["status"] for r in window.push(ops=[sale_op, void_op])] == ["applied"] * 2
    a = one_open(live, "refund_mismatch", sale.order_no)
    assert a["evidence"]["void_rule"] == "amount" and a["evidence"]["refunded_fen"] == 15000


def test_another_clerks_void_is_recorded_and_flagged(live, window):
    now = live.clock()
    sale = window.sell(now - timedelta(minutes=3))
    window.void(sale.order_no, now - timedelta(minutes=1))
    sale_op, void_op = window.ops()
    assert window.push(ops=[sale_op])[0]["status"] == "applied"
    void_op["payload"]["clerk"] = "clerk2"
    clerk2 = live.login("clerk2", terminal="01", device_id="dev-1")
    assert window.push(clerk2, ops=[void_op])[0]["status"] == "applied"
    a = one_open(live, "refund_mismatch", sale.order_no)
    assert a["evidence"]["void_rule"] == "other_clerk" and "clerk2" in a["reason"]


def test_a_supervisor_at_the_window_may_void_the_clerks_sale(live, window):
    now = live.clock()
    sale = window.sell(now - timedelta(minutes=3))
    window.void(sale.order_no, now - timedelta(minutes=1))
    sale_op, void_op = window.ops()
    assert window.push(ops=[sale_op])[0]["status"] == "applied"
    void_op["payload"]["clerk"] = "supervisor"
    sup = live.login("supervisor", terminal="01", device_id="dev-1")
    assert window.push(sup, ops=[void_op])[0]["status"] == "applied"
    assert anomaly_rows(live, "refund_mismatch") == []


def test_a_ticket_the_gate_let_in_stays_redeemed_and_is_flagged(live, window):
    now = live.clock()
    sale = window.sell(now - timedelta(minutes=5), qty=2)
    window.void(sale.order_no, now - timedelta(minutes=2))
    sale_op, void_op = window.ops()
    assert window.push(ops=[sale_op])[0]["status"] == "applied"
    assert scan(live, sale.tickets[0].code, at=now - timedelta(minutes=1))["outcome"] == "valid"
    assert window.push(ops=[void_op])[0]["status"] == "applied"
    order = order_of(live, sale.order_no)
    assert [t["status"] for t in order["tickets"]] == ["redeemed", "refunded"]
    assert one_open(live, "redeemed_after_refund", sale.order_no)
    assert anomaly_rows(live, "refund_mismatch") == []  # nothing else was wrong


def test_a_refund_op_without_the_void_rule_is_still_a_refund(live, window):
    """The same op without `rule`: the store quotes it as a refund (same day: 30 % fee), and
    the fee-less amount is above its quote."""
    now = live.clock()
    sale = window.sell(now - timedelta(minutes=3))
    window.void(sale.order_no, now - timedelta(minutes=1))
    sale_op, void_op = window.ops()
    del void_op["payload"]["rule"]
    window.push(ops=[sale_op, void_op])
    [refund] = refund_of(live, sale.order_no)
    assert refund.rule == "same_day"
    assert one_open(live, "refund_mismatch", sale.order_no)["evidence"]["quote_fen"] == 7000


def test_the_void_is_dated_by_the_window_not_by_the_push(live, window):
    now = live.clock()
    sale = window.sell(now - timedelta(minutes=9))
    window.void(sale.order_no, now - timedelta(minutes=8))
    live.clock.at = now + timedelta(hours=2)  # pushed two hours later: still within the rules
    try:
        assert [r["status"] for r in window.push()] == ["applied", "applied"]
    finally:
        live.clock.at = now
    voided = next(e for e in events(live, sale.order_no) if e["action"] == "sale.voided")
    assert voided["detail"]["voided_at"] == iso_utc(now - timedelta(minutes=8))
    assert voided["detail"]["store_check"] == "ok"

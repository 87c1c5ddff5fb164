"""Pushed ops are checked, not trusted (DESIGN.md §14), over real HTTP on SQLite and
PostgreSQL: each attack of issue 11 on `POST /sync/push`, then what the store does now —
`rejected` `forbidden` with nothing written, or recorded with an anomaly and the money, stock
and timeline as they really are."""

import uuid
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa
from anomaly_kit import channel_order, events, fixed, one_open, order_of
from conftest import snapshot
from signed import SECRET
from test_server_sync import push, sale_op

from app.domain.timeline import iso_utc
from app.store.models import Refund


@pytest.fixture(autouse=True)
def _signed(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)


def _gate(live):
    return live.login("gate1", terminal=None, device_id="G1")


def _refund_op(order, ticket_ids, *, amount, clerk="clerk1", seq=2, at=None, **extra):
    payload = {"order_no": order["order_no"], "order_id": order["order_id"],
               "refund_id": str(uuid.uuid4()), "refund_no": f"{order['order_no']}-R1",
               "ticket_ids": ticket_ids, "amount_fen": amount, "fee_fen": 0,
               "payment_fee_fen": 0, "reason": "游客临时有事", "clerk": clerk,
               "created_at": at or "2026-11-21T02:30:00Z"} | extra
    return {"op_id": str(uuid.uuid4()), "seq": seq, "kind": "refund",
            "device_time": payload["created_at"], "payload": payload}


def _sold_at(live, headers, qty, days=0):
    """A cash sale of `qty` adults over POST /orders by the window of `headers`."""
    day = live.venue.local_date(live.clock()) + timedelta(days=days)
    r = requests.post(live.url("/orders"), timeout=20, json={
        "channel": "window", "visit_date": day.isoformat(),
        "lines": [{"ticket_type": "ADULT", "qty": qty}],
        "payment": {"method": "cash", "amount_fen": 10000 * qty}},
        headers=headers | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    return r.json()


def _forbidden(result):
    assert result["status"] == "rejected", result
    assert result["error"]["code"] == "forbidden", result
    assert any("\u4e00" <= c <= "\u9fff" for c in result["error"]["message"]), result
    return result["error"]["message"]


def test_the_gate_pushes_nothing(live, now):
    """Attack: the gate pushed a ¥9,999,999.99 refund of a ¥100 OTA order, and a sale
    numbered CTRIP-FAKE…. Now every op of a gate is rejected `forbidden`, nothing written."""
    order = channel_order(live, "OTA-T1", paid=True, channel="ota_ctrip", days=3,
                          lines=(("ADULT", 1),))
    gate = _gate(live)
    day = live.venue.local_date(now)
    fake_sale = sale_op(day=day, order_no="CTRIP-FAKE-0001", seq=1)
    fake_sale["payload"] |= {"device_id": "G1", "clerk": "gate1"}
    refund = _refund_op(order, [order["tickets"][0]["ticket_id"]], amount=999_999_999,
                        clerk="gate1")
    before = snapshot(live.db)
    results = push(live, gate, [fake_sale, refund], device_id="G1")
    assert [r["op_id"] for r in results] == [fake_sale["op_id"], refund["op_id"]]
    assert all("闸机" in _forbidden(r) for r in results)
    assert snapshot(live.db) == before  # no order, no refund, no applied_ops row
    assert order_of(live, order["order_no"])["refunded_fen"] == 0


def test_a_user_with_no_window_pushes_nothing(live, now):
    sup = live.login("supervisor", terminal=None)  # an office sign-in: no terminal
    before = snapshot(live.db)
    _forbidden(push(live, sup, [sale_op(day=live.venue.local_date(now))])[0])
    assert snapshot(live.db) == before


def test_a_sale_under_another_window_and_clerk_is_forbidden(live, now):
    """Attack: clerk1 at window 01 pushed W02-…-9001 as clerk2 at window 02."""
    h = live.login("clerk1")
    day = live.venue.local_date(now)
    as_other = sale_op(day=day, terminal="02", seq=9001)
    as_other["payload"]["clerk"] = "clerk2"
    other_no = sale_op(day=day, seq=9002, order_no=f"W02-{day:%Y%m%d}-9002")
    other_clerk = sale_op(day=day, seq=9003)
    other_clerk["payload"]["clerk"] = "clerk2"
    other_device = sale_op(day=day, seq=9004)
    other_device["payload"]["device_id"] = "dev-2"
    before = snapshot(live.db)
    results = push(live, h, [as_other, other_no, other_clerk, other_device])
    messages = [_forbidden(r) for r in results]
    assert "W01-" in messages[1] and "clerk2" in messages[2] and "dev-2" in messages[3]
    assert snapshot(live.db) == before
    # the same op from window 02's own token is no longer someone else's
    own = live.login("clerk2", terminal="02", device_id="dev-2")
    as_other["payload"]["device_id"] = "dev-2"
    assert push(live, own, [as_other], device_id="dev-2")[0]["status"] == "applied"


def test_a_sale_at_zero_is_recorded_as_paid_and_flagged(live, now):
    """Attack: 2 valid adult tickets for ¥0. Now the ¥0 is what was recorded (the tickets are
    worth ¥0 to a refund), and a price_mismatch anomaly names the ¥200 missing."""
    h = live.login("clerk1")
    day = live.venue.local_date(now) + timedelta(days=5)
    op = sale_op(day=day, qty=2)
    op["payload"]["payment"] = {"method": "wechat", "amount_fen": 0, "tendered_fen": 20000}
    assert push(live, h, [op])[0]["status"] == "applied"
    order = order_of(live, op["payload"]["order_no"])
    assert (order["total_fen"], order["paid_fen"]) == (0, 0)
    assert [t["price_fen"] for t in order["tickets"]] == [0, 0]
    a = one_open(live, "price_mismatch", order["order_no"])
    assert a["category"] == "payment" and a["fixes"] == ["mark_resolved"]
    assert "¥200.00" in a["reason"] and "clerk1" in a["reason"]
    assert a["evidence"]["expected_fen"] == 20000 and a["evidence"]["paid_fen"] == 0
    quote = requests.post(live.url(f"/orders/{order['order_no']}/refund-quote"), timeout=10,
                          json={"ticket_ids": [t["ticket_id"] for t in order["tickets"]]},
                          headers=h).json()
    assert quote["total_refund_fen"] == 0  # nothing to pocket back
    body = fixed(live, a, "mark_resolved", note="核实：窗口误操作，已补收")
    assert body["anomaly"]["status"] == "resolved"


def test_a_sale_at_an_old_price_in_cash_is_recorded_not_refused(live, now):
    """A window that sold at last season's ¥80 in cash: the money changed hands."""
    h = live.login("clerk1")
    op = sale_op(day=live.venue.local_date(now), price=8000)
    assert push(live, h, [op])[0]["status"] == "applied"
    order = order_of(live, op["payload"]["order_no"])
    assert order["paid_fen"] == 8000 and order["status"] == "paid"
    assert one_open(live, "price_mismatch", order["order_no"])["evidence"][
        "difference_fen"] == -2000
    assert "anomaly.detected" in [e["action"] for e in events(live, order["order_no"])]


def test_a_sale_older_than_the_offline_window_is_rejected(live, now):
    h = live.login("clerk1")
    op = sale_op(day=live.venue.local_date(now))
    op["payload"]["created_at"] = iso_utc(now - timedelta(days=8))
    before = snapshot(live.db)
    result = push(live, h, [op])[0]
    assert result["status"] == "rejected" and result["error"]["code"] == "validation_error"
    assert "离线期限" in result["error"]["message"]
    assert snapshot(live.db)["counts"]["orders"] == before["counts"]["orders"]


def test_a_second_refund_of_a_ticket_is_rejected(live, now):
    """Attack: the same ticket refunded twice, refunded_fen above what was paid."""
    h = live.login("clerk1")
    day = live.venue.local_date(now) + timedelta(days=5)
    sale = sale_op(day=day, qty=1)
    assert push(live, h, [sale])[0]["status"] == "applied"
    order = order_of(live, sale["payload"]["order_no"])
    tid = order["tickets"][0]["ticket_id"]
    assert push(live, h, [_refund_op(order, [tid], amount=10000)])[0]["status"] == "applied"
    before = snapshot(live.db)
    again = push(live, h, [_refund_op(order, [tid], amount=10000, seq=3)])[0]
    assert again["status"] == "rejected" and "已退票" in again["error"]["message"]
    after = snapshot(live.db)
    assert after["counts"]["refunds"] == before["counts"]["refunds"]
    assert after["stock"] == before["stock"]
    assert order_of(live, order["order_no"])["refunded_fen"] == 10000


def test_a_refund_above_the_quote_is_recorded_and_flagged(live, now):
    """¥9,999,999.99 pushed for a ¥100 ticket: the cash left the drawer, so it is recorded
    against the pushing window, and refund_mismatch names the excess."""
    h = live.login("clerk1")
    day = live.venue.local_date(now) + timedelta(days=5)
    sale = sale_op(day=day, qty=1)
    assert push(live, h, [sale])[0]["status"] == "applied"
    order = order_of(live, sale["payload"]["order_no"])
    tid = order["tickets"][0]["ticket_id"]
    op = _refund_op(order, [tid], amount=999_999_999, terminal="01")
    assert push(live, h, [op])[0]["status"] == "applied"
    a = one_open(live, "refund_mismatch", order["order_no"])
    assert a["category"] == "refund" and a["fixes"] == ["mark_resolved"]
    assert a["evidence"]["quote_fen"] == 10000
    assert a["evidence"]["difference_fen"] == 999_999_999 - 10000
    assert "窗口 01" in a["reason"] and "clerk1" in a["reason"]
    with live.db.engine.connect() as conn:
        row = conn.execute(sa.select(Refund.paid_out_terminal, Refund.amount_fen,
                                     Refund.requested_by)).one()
    assert tuple(row) == ("01", 999_999_999, "clerk1")


def test_a_refund_in_another_name_or_drawer_is_forbidden(live, now):
    h = live.login("clerk1")
    day = live.venue.local_date(now) + timedelta(days=5)
    sale = sale_op(day=day, qty=1)
    push(live, h, [sale])
    order = order_of(live, sale["payload"]["order_no"])
    tid = order["tickets"][0]["ticket_id"]
    before = snapshot(live.db)
    results = push(live, h, [_refund_op(order, [tid], amount=100, clerk="clerk2"),
                             _refund_op(order, [tid], amount=100, seq=3, terminal="02")])
    assert "clerk2" in _forbidden(results[0]) and "02" in _forbidden(results[1])
    assert snapshot(live.db) == before


def test_a_refund_the_rules_do_not_allow_is_rejected(live, now):
    """A special ticket a day before its visit: not refundable (special_late)."""
    h = live.login("clerk1")
    sale = sale_op(day=live.venue.local_date(now) + timedelta(days=1), ticket_type="SPECIAL",
                   price=6000)
    assert push(live, h, [sale])[0]["status"] == "applied"
    order = order_of(live, sale["payload"]["order_no"])
    result = push(live, h, [_refund_op(order, [order["tickets"][0]["ticket_id"]],
                                       amount=6000)])[0]
    assert result["status"] == "rejected" and "48小时内不能退" in result["error"]["message"]
    assert order_of(live, order["order_no"])["refunded_fen"] == 0


def test_timeline_actors_are_the_token_user(live, now):
    """Attack: the gate wrote `user:supervisor` into a timeline. Now a pushed op names no
    actor but its pusher: a payload actor of someone else is forbidden."""
    h = live.login("clerk1")
    sale = sale_op(day=live.venue.local_date(now) + timedelta(days=5))
    push(live, h, [sale])
    p = sale["payload"]
    reprint = {"op_id": str(uuid.uuid4()), "seq": 2, "kind": "reprint", "device_time": None,
               "payload": {"order_id": p["order_id"], "order_no": p["order_no"],
                           "tickets": [{"ticket_id": p["tickets"][0]["ticket_id"],
                                        "reprint_no": 1}], "actor": "user:supervisor"}}
    assert "user:supervisor" in _forbidden(push(live, h, [reprint])[0])
    _forbidden(push(live, _gate(live), [reprint | {"op_id": str(uuid.uuid4())}],
                    device_id="G1")[0])
    reprint["payload"]["actor"] = "user:clerk1"
    reprint["op_id"] = str(uuid.uuid4())
    assert push(live, h, [reprint])[0]["status"] == "applied"
    actors = {e["actor"] for e in events(live, p["order_no"])}
    assert actors <= {"user:clerk1", "system"} and "user:supervisor" not in actors


def test_a_payout_is_taken_only_at_its_window(live, now):
    """Attack: window 01 paid out a cash refund approved for window 02."""
    from test_server_refund_approvals import _approve, _payout_op
    from test_server_refunds import _ids

    two = live.login("clerk1", terminal="02", device_id="dev-2")
    order = _sold_at(live, two, 2)  # window 02's sale: only that window may ask its refund
    r = requests.post(live.url(f"/orders/{order['order_no']}/refunds"), timeout=20,
                      json={"ticket_ids": _ids(order), "method": "cash", "reason": "就医",
                            "override": {"fee_bp": 0, "reason": "就医",
                                         "evidence_no": "YY-1"}},
                      headers=two | {"Idempotency-Key": "k-02"})
    assert r.status_code == 201 and r.json()["status"] == "awaiting_approval", r.text
    refund = r.json()
    assert _approve(live, refund["refund_no"], "supervisor").json()["status"] == "approved"
    row = next(x for x in requests.get(live.url("/refunds?status=approved"), timeout=10,
                                       headers=live.login("supervisor")).json()["refunds"]
               if x["refund_no"] == refund["refund_no"])
    assert row["payout_terminal"] == "02"
    before = snapshot(live.db)
    one = live.login("clerk1")
    assert "02" in _forbidden(push(live, one, [_payout_op(order, row)])[0])
    assert snapshot(live.db) == before
    paid = push(live, two, [_payout_op(order, row)], device_id="dev-2")[0]
    assert paid["status"] == "applied", paid
    with live.db.engine.connect() as conn:
        assert conn.execute(sa.select(Refund.paid_out_terminal)).scalar_one() == "02"


def test_a_cash_refund_settled_at_once_is_charged_to_the_asking_window(live, now):
    """Attack: a cash refund settled at once was charged to no drawer."""
    two = live.login("clerk1", terminal="02", device_id="dev-2")
    order = _sold_at(live, two, 1, days=5)
    r = requests.post(live.url(f"/orders/{order['order_no']}/refunds"), timeout=20,
                      json={"ticket_ids": [order["tickets"][0]["ticket_id"]],
                            "method": "cash", "reason": "改期"},
                      headers=two | {"Idempotency-Key": "k-cash"})
    assert r.status_code == 201 and r.json()["status"] == "succeeded", r.text
    with live.db.engine.connect() as conn:
        assert conn.execute(sa.select(Refund.paid_out_terminal)).scalar_one() == "02"


def test_a_window_refunds_only_orders_it_may_read(live, now):
    """Attack: a clerk paid back in cash at once another window's sale or an OTA order (a
    refund op pushed for an order he may not read). Now `forbidden`, nothing written; the
    window that sold it may."""
    day = live.venue.local_date(now) + timedelta(days=5)
    sale = sale_op(day=day, qty=1)
    assert push(live, live.login("clerk1"), [sale])[0]["status"] == "applied"
    order = order_of(live, sale["payload"]["order_no"])
    ota = channel_order(live, "OTA-T9", paid=True, channel="ota_ctrip", days=5,
                        lines=(("ADULT", 1),))
    other = live.login("clerk2", terminal="02", device_id="dev-2")
    before = snapshot(live.db)
    results = push(live, other, [
        _refund_op(order, [order["tickets"][0]["ticket_id"]], amount=7000, clerk="clerk2",
                   terminal="02"),
        _refund_op(ota, [ota["tickets"][0]["ticket_id"]], amount=7000, clerk="clerk2", seq=3,
                   terminal="02")], device_id="dev-2")
    assert all("本窗口" in _forbidden(r) for r in results)
    assert snapshot(live.db) == before
    mine = push(live, live.login("clerk1"),
                [_refund_op(order, [order["tickets"][0]["ticket_id"]], amount=10000)])[0]
    assert mine["status"] == "applied", mine

"""The day close of a whole test day (issue 15's evidence), over real HTTP on SQLite and
PostgreSQL, every figure computed by hand below and compared to the fen. The store's clock is
the test's (`live.clock`), so the day does not depend on the hour the suite runs at.

Day D = 2026-11-21 (Asia/Shanghai); every visit is D+10 (refunds at tier_72h: no fee; WeChat
and Alipay keep their 0.6 % payment fee, ¥100.00 → ¥99.40). Local times:

| 08:00 | W01 S1 opens (clerk1, float 500.00) · W02 S2 opens (clerk2, float 300.00) — sync ops |
| 08:30 | W01 offline cash sale W01-…-0101, 2 ADULT 200.00 (sync op, pushed at 08:31) |
| 09:00 | W01 POST /orders cash FAMILY 130.00 (a) · 09:05 cash CHILD 50.00 (v), voided 09:07 (op) |
| 09:30 | W02 POST /orders cash 3 ADULT 300.00 (b) · 09:40 wechat ADULT 100.00 at W02 (w) |
| 10:00 | miniprogram c ADULT 100.00, paid by WeChat callback WX-C at 10:01 |
| 10:10 | miniprogram m2 2 ADULT 200.00, paid by Alipay callback ALI-M2 at 10:11 |
| 10:20 | a second WeChat callback for c (WX-C2, 100.00): paid twice |
| 10:30 | ota_meituan d ADULT 100.00 · 10:35 ota_ctrip e 2 ADULT 200.00 (signed channel API) |
| 11:00 | W01 cash refund of one ticket of 0101 at the window: 100.00 |
| 11:15 | w refunded by WeChat (99.40), the sweep pays it out at 11:16: succeeded |
| 11:30 | c refunded by WeChat (99.40): still processing at the close |
| 11:45 | d refunded through Meituan (100.00): submitted, still waiting |
| 12:00 | a refunded with a fee override → approval; the supervisor approves at 12:05; W01 pays |
|       | the 130.00 out at 12:10 (a `refund` op) |
| 12:20 | the supervisor at window 02 refunds 0101's other ticket in cash: 100.00 from drawer 02 |
| 12:30 | W01 S1 closes: expected 600.00, counted 200.00 → −400.00 (the shortfall) |
| 12:35 | W01 S3 opens (clerk3, float 200.00) · 13:00 cash ADULT 100.00 (f) · 17:00 S3 closes after a |
|       | bank drop of 100.00: expected 200.00, counted 200.00 |
| 19:00 | settlement files: wechat (WX-C, WX-C2, MP-GHOST extra; w missing), alipay (m2 at 200.01), |
|       | ota_ctrip (e); nothing from Meituan |
| 19:25 | miniprogram m3 ADULT 100.00 ordered, not paid yet |
| 20:00 | finance closes the day (W02 S2 still open) |
| 21:00 | W02 comes back: its 17:30 offline sale W02-…-0102 (100.00), a 17:40 cash refund of |
|       | one of b's tickets (100.00) and its 18:00 shift close |
| 21:05 | m3's WeChat callback arrives, paid at 19:30 |
"""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from signed import SECRET, post_signed

from app.domain.ids import new_ticket_code
from app.services.refunds.refund_processing import process_due

SH = ZoneInfo("Asia/Shanghai")
D = date(2026, 11, 21)
VISIT = (D + timedelta(days=10)).isoformat()
S1, S2, S3 = (str(uuid.uuid4()) for _ in range(3))
DEVICE = {"01": "dev-1", "02": "dev-2"}
PASSWORD = {"clerk3": "clerk3-2026"}


@pytest.fixture(autouse=True)
def _webhook_secret(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)


def at(h: int, m: int = 0, day: date = D) -> datetime:
    return datetime.combine(day, time(h, m), SH).astimezone(UTC)


class Day:
    """The test day's actors on one live store."""

    def __init__(self, live) -> None:
        self.live = live
        self.seq = {"01": 0, "02": 0}

    def tick(self, h: int, m: int = 0) -> None:
        self.live.clock.at = at(h, m)

    def window(self, who: str, terminal: str) -> dict:
        return self.live.login(who, PASSWORD.get(who), terminal=terminal,
                               device_id=DEVICE[terminal])

    def office(self, who: str) -> dict:
        return self.live.login(who, terminal=None)

    def push(self, who: str, terminal: str, *ops: tuple[str, dict, datetime]) -> None:
        sent = []
        for kind, payload, when in ops:
            self.seq[terminal] += 1
            sent.append({"op_id": str(uuid.uuid4()), "seq": self.seq[terminal], "kind": kind,
                         "device_time": when.isoformat(), "payload": payload})
        r = requests.post(self.live.url("/sync/push"), timeout=30,
                          json={"device_id": DEVICE[terminal], "ops": sent},
                          headers=self.window(who, terminal))
        assert r.status_code == 200, r.text
        assert [x["status"] for x in r.json()["results"]] == ["applied"] * len(sent), r.text

    def sell(self, who: str, terminal: str, lines: dict, method: str = "cash") -> dict:
        amount = sum(PRICE[t] * q for t, q in lines.items())
        body = {"channel": "window", "visit_date": VISIT,
                "lines": [{"ticket_type": t, "qty": q} for t, q in lines.items()],
                "payment": {"method": method, "amount_fen": amount}}
        r = requests.post(self.live.url("/orders"), json=body, timeout=20,
                          headers=self.window(who, terminal) | {"Idempotency-Key": key()})
        assert r.status_code == 201, r.text
        return r.json()

    def channel(self, name: str, qty: int, *, paid: bool) -> dict:
        body = {"external_id": uuid.uuid4().hex[:12], "visit_date": VISIT,
                "lines": [{"ticket_type": "ADULT", "qty": qty}],
                "customer": {"name": "李四", "phone": "13900001111", "id_no": None},
                "amount_fen": 10000 * qty, "paid": paid}
        r = post_signed(self.live, f"/channels/{name}/orders", body)
        assert r.status_code == 201, r.text
        return r.json()

    def callback(self, provider: str, txn: str, order: dict, paid_at: datetime) -> None:
        body = {"provider_txn_id": txn, "order_no": order["order_no"],
                "amount_fen": order["total_fen"], "status": "success",
                "paid_at": paid_at.isoformat()}
        r = post_signed(self.live, f"/payments/{provider}/callback", body)
        assert r.status_code == 200 and r.json() == {"ok": True}, r.text

    def refund(self, order: dict, tickets: int | list, method: str, headers: dict,
               **extra) -> dict:
        ids = [t["ticket_id"] for t in order["tickets"]]
        body = {"ticket_ids": ids[:tickets] if isinstance(tickets, int) else tickets,
                "method": method, "reason": "游客行程变更"} | extra
        r = requests.post(self.live.url(f"/orders/{order['order_no']}/refunds"), json=body,
                          timeout=20, headers=headers | {"Idempotency-Key": key()})
        assert r.status_code == 201, r.text
        return r.json()

    def settle(self, source: str, lines: list[tuple[str, str, int, int]]) -> dict:
        text = "order_no,txn_id,amount_fen,fee_fen,date\n" + "".join(
            f"{o},{t},{a},{f},{D}\n" for o, t, a, f in lines)
        r = requests.post(self.live.url("/reports/settlements"), timeout=20,
                          json={"source": source, "csv": text}, headers=self.office("finance"))
        assert r.status_code == 200, r.text
        return r.json()

    def report(self) -> dict:
        r = requests.get(self.live.url("/reports/day-close"), params={"date": D.isoformat()},
                         headers=self.office("finance"), timeout=20)
        assert r.status_code == 200, r.text
        return without_shift_refs(r.json())


def without_shift_refs(report: dict) -> dict:
    """The report with each shift's `shift_id` and `z_report` (what the screen reprints)
    checked for presence and then left out of the figures compared to the fen."""
    for window in report["windows"]:
        for shift in window["shifts"]:
            assert shift.pop("shift_id")
            z = shift.pop("z_report")
            assert (z is None) == (shift["closed_at"] is None)
    return report


PRICE = {"ADULT": 10000, "CHILD": 5000, "FAMILY": 13000}


def key() -> str:
    return str(uuid.uuid4())


def opening(terminal: str, clerk: str, sid: str, float_fen: int, when: datetime) -> dict:
    return {"shift_id": sid, "terminal": terminal, "clerk": clerk,
            "opening_float_fen": float_fen, "opened_at": when.isoformat()}


def closing(terminal: str, clerk: str, sid: str, opened: datetime, closed: datetime, *,
            float_fen: int, sales: int, refunds: int, out: int, counted: int) -> dict:
    """The window's Z report as `shifts.close_shift` pushes it."""
    expected = float_fen + sales - refunds - out
    report = {"shift_id": sid, "terminal": terminal, "clerk": clerk, "float_fen": float_fen,
              "cash_sales_fen": sales, "refunds_fen": refunds, "cash_in_fen": 0,
              "cash_out_fen": out, "expected_fen": expected, "counted_fen": counted,
              "variance_fen": counted - expected}
    return opening(terminal, clerk, sid, float_fen, opened) | {
        "closed_at": closed.isoformat(), "cash_expected_fen": expected,
        "cash_counted_fen": counted, "variance_fen": counted - expected, "report": report}


def offline_sale(order_no: str, terminal: str, clerk: str, qty: int, when: datetime) -> dict:
    return {"order_id": str(uuid.uuid4()), "order_no": order_no, "channel": "window",
            "visit_date": VISIT, "lines": [{"ticket_type": "ADULT", "qty": qty}],
            "customer": None,
            "payment": {"method": "cash", "amount_fen": 10000 * qty, "tendered_fen": 10000 * qty},
            "tickets": [{"ticket_id": str(uuid.uuid4()), "code": new_ticket_code(),
                         "ticket_type": "ADULT"} for _ in range(qty)],
            "lease_id": None, "leases": [], "terminal": terminal, "clerk": clerk,
            "device_id": DEVICE[terminal], "created_at": when.isoformat()}


def refund_op(order: dict, refund: dict, when: datetime, **extra) -> dict:
    """A window's `refund` op: a void (`rule: void`) or the payout of an approved refund."""
    return {"order_no": order["order_no"], "order_id": order["order_id"],
            "refund_id": refund.get("refund_id") or str(uuid.uuid4()),
            "refund_no": refund.get("refund_no") or f"{order['order_no']}-V1",
            "ticket_ids": refund.get("ticket_ids") or [t["ticket_id"] for t in order["tickets"]],
            "amount_fen": refund.get("amount_fen", order["total_fen"]),
            "fee_fen": refund.get("fee_fen", 0), "payment_fee_fen": refund.get("payment_fee_fen", 0),
            "reason": refund.get("reason", "收错票种，撤销"), "created_at": when.isoformat()} | extra


def get_order(day: Day, order_no: str) -> dict:
    r = requests.get(day.live.url(f"/orders/{order_no}"), headers=day.office("supervisor"),
                     timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def build(day: Day) -> dict:  # noqa: PLR0915 — the day, event by event, as in the docstring
    live = day.live
    day.tick(7, 50)
    r = requests.post(live.url("/users"), headers=day.office("admin"), timeout=10, json={
        "username": "clerk3", "role": "clerk", "password": PASSWORD["clerk3"],
        "display_name": "售票员三"})
    assert r.status_code == 201, r.text
    day.tick(8)
    day.push("clerk1", "01", ("shift_open", opening("01", "clerk1", S1, 50000, at(8)), at(8)))
    day.push("clerk2", "02", ("shift_open", opening("02", "clerk2", S2, 30000, at(8)), at(8)))
    day.tick(8, 31)
    day.push("clerk1", "01", ("sale", offline_sale("W01-20261121-0101", "01", "clerk1", 2,
                                                   at(8, 30)), at(8, 30)))
    o = {"0101": get_order(day, "W01-20261121-0101")}
    day.tick(9)
    o["a"] = day.sell("clerk1", "01", {"FAMILY": 1})
    day.tick(9, 5)
    o["v"] = day.sell("clerk1", "01", {"CHILD": 1})
    day.tick(9, 8)
    day.push("clerk1", "01", ("refund", refund_op(o["v"], {}, at(9, 7), rule="void",
                                                  clerk="clerk1", terminal="01"), at(9, 7)))
    day.tick(9, 30)
    o["b"] = day.sell("clerk2", "02", {"ADULT": 3})
    day.tick(9, 40)
    o["w"] = day.sell("clerk2", "02", {"ADULT": 1}, method="wechat")
    day.tick(10)
    o["c"] = day.channel("miniprogram", 1, paid=False)
    day.tick(10, 1)
    day.callback("wechat", "WX-C", o["c"], at(10, 1))
    day.tick(10, 10)
    o["m2"] = day.channel("miniprogram", 2, paid=False)
    day.tick(10, 11)
    day.callback("alipay", "ALI-M2", o["m2"], at(10, 11))
    day.tick(10, 20)
    day.callback("wechat", "WX-C2", o["c"], at(10, 20))  # paid twice
    day.tick(10, 30)
    o["d"] = day.channel("ota_meituan", 1, paid=True)
    day.tick(10, 35)
    o["e"] = day.channel("ota_ctrip", 2, paid=True)

    day.tick(11)
    assert day.refund(o["0101"], 1, "cash", day.window("clerk1", "01"))["status"] == "succeeded"
    day.tick(11, 15)
    rw = day.refund(o["w"], 1, "wechat", day.window("clerk2", "02"))
    assert (rw["status"], rw["amount_fen"]) == ("processing", 9940)
    day.tick(11, 16)
    with live.db.session() as s:  # the store's sweep, by hand: the provider pays it out
        process_due(s, live.provider, now=live.clock(), today=D)
    assert [x["status"] for x in get_order(day, o["w"]["order_no"])["refunds"]] == ["succeeded"]
    day.tick(11, 30)
    rc = day.refund(o["c"], 1, "wechat", day.office("supervisor"))
    assert (rc["status"], rc["amount_fen"]) == ("processing", 9940)
    day.tick(11, 45)
    rd = day.refund(o["d"], 1, "ota", day.office("supervisor"))
    assert (rd["status"], rd["amount_fen"]) == ("submitted", 10000)

    day.tick(12)
    ra = day.refund(o["a"], 2, "cash", day.window("clerk1", "01"),
                    override={"fee_bp": 0, "reason": "就医", "evidence_no": "YY-2026-015"})
    assert ra["status"] == "awaiting_approval", ra
    day.tick(12, 5)
    approved = requests.post(live.url(f"/refunds/{ra['refund_no']}/approve"), json={},
                             headers=day.office("supervisor"), timeout=20)
    assert approved.status_code == 200 and approved.json()["status"] == "approved", approved.text
    waiting = requests.get(live.url("/refunds?status=approved"), timeout=10,
                           headers=day.window("clerk1", "01")).json()["refunds"]
    [payout] = [x for x in waiting if x["refund_no"] == ra["refund_no"]]
    assert payout["amount_fen"] == 13000
    day.tick(12, 11)
    day.push("clerk1", "01", ("refund", refund_op(o["a"], payout, at(12, 10), clerk="clerk1"),
                              at(12, 10)))
    day.tick(12, 20)
    other = day.refund(o["0101"], [o["0101"]["tickets"][1]["ticket_id"]], "cash",
                       day.window("supervisor", "02"))
    assert (other["status"], other["amount_fen"]) == ("succeeded", 10000)

    day.tick(12, 30)
    # S1's Z report: cash sales 200.00 + 130.00 + 50.00 = 380.00; cash refunds out of drawer
    # 01: void 50.00 + refund 100.00 + payout 130.00 = 280.00; expected 500.00 + 380.00 −
    # 280.00 = 600.00; counted 200.00 → −400.00
    day.push("clerk1", "01", ("shift_close", closing(
        "01", "clerk1", S1, at(8), at(12, 30), float_fen=50000, sales=38000, refunds=28000,
        out=0, counted=20000), at(12, 30)))
    day.tick(12, 35)
    day.push("clerk3", "01", ("shift_open", opening("01", "clerk3", S3, 20000, at(12, 35)),
                              at(12, 35)))
    day.tick(13)
    o["f"] = day.sell("clerk3", "01", {"ADULT": 1})
    day.tick(17)
    # S3: 200.00 + 100.00 − 100.00 bank drop = 200.00, counted 200.00
    day.push("clerk3", "01", ("shift_close", closing(
        "01", "clerk3", S3, at(12, 35), at(17), float_fen=20000, sales=10000, refunds=0,
        out=10000, counted=20000), at(17)))

    day.tick(19)
    assert day.settle("wechat", [(o["c"]["order_no"], "WX-C", 10000, 60),
                                 (o["c"]["order_no"], "WX-C2", 10000, 60),
                                 ("MP-GHOST", "WX-GHOST", 5000, 30)]) == {
        "source": "wechat", "lines": 3, "matched": 2, "unknown_order": 1,
        "amount_differs": 0, "skipped": 0, "duplicate": 0}
    assert day.settle("alipay", [(o["m2"]["order_no"], "ALI-M2", 20001, 120)])[
        "amount_differs"] == 1
    assert day.settle("ota_ctrip", [(o["e"]["order_no"], "CT-E", 20000, 0)])["matched"] == 1
    day.tick(19, 25)
    o["m3"] = day.channel("miniprogram", 1, paid=False)
    day.tick(20)
    return o | {"rc": rc, "rd": rd}


def money(key: str, name: str, paid: int = 0, refunded: int = 0, **extra) -> dict:
    return {key: name, **extra, "paid_fen": paid, "refunded_fen": refunded,
            "net_fen": paid - refunded}


def shift(clerk: str, opened: datetime, closed: datetime | None, float_fen: int, sales: int,
          refunds: int, out: int, expected: int, counted: int | None) -> dict:
    return {"clerk": clerk, "opened_at": opened.isoformat(),
            "closed_at": closed.isoformat() if closed else None, "float_fen": float_fen,
            "cash_sales_fen": sales, "cash_refunds_fen": refunds, "cash_in_fen": 0,
            "cash_out_fen": out, "expected_fen": expected, "counted_fen": counted,
            "variance_fen": None if counted is None else counted - expected}


FIGURES = {
    "windows": [
        {"terminal": "01", "shifts": [
            shift("clerk1", at(8), at(12, 30), 50000, 38000, 28000, 0, 60000, 20000),
            shift("clerk3", at(12, 35), at(17), 20000, 10000, 0, 10000, 20000, 20000)]},
        # still open: the store's own tally to 20:00 — cash sales b 300.00; refunds out of
        # drawer 02: the supervisor's 100.00; 300.00 + 300.00 − 100.00 = 500.00
        {"terminal": "02", "shifts": [
            shift("clerk2", at(8), None, 30000, 30000, 10000, 0, 50000, None)]}],
    "methods": [
        # cash in: 0101 200.00 + a 130.00 + v 50.00 + b 300.00 + f 100.00 = 780.00
        # cash out: void 50.00 + 0101 100.00 + payout a 130.00 + drawer 02 100.00 = 380.00
        money("method", "cash", 78000, 38000),
        # wechat in: w 100.00 + c 100.00 + c again 100.00 = 300.00; out: w 99.40 (c's 99.40
        # is still processing)
        money("method", "wechat", 30000, 9940),
        money("method", "alipay", 20000),  # m2
        money("method", "ota", 30000),  # d 100.00 + e 200.00 (d's refund only submitted)
        money("method", "voucher")],
    "channels": [
        # window: cash 780.00 + w 100.00 = 880.00 in; 380.00 + 99.40 = 479.40 out
        money("channel", "window", 88000, 47940, orders=6),
        money("channel", "miniprogram", 40000, orders=2),  # c 100.00 × 2 + m2 200.00
        money("channel", "website", orders=0),
        money("channel", "ota_ctrip", 20000, orders=1),
        money("channel", "ota_meituan", 10000, orders=1),
        money("channel", "agency", orders=0)],
    # paid 780.00 + 300.00 + 200.00 + 300.00 = 1580.00; refunded 380.00 + 99.40 = 479.40;
    # net 1100.60; cash expected 600.00 + 200.00 + 500.00 = 1300.00; counted 200.00 + 200.00
    "totals": {"paid_fen": 158000, "refunded_fen": 47940, "net_fen": 110060,
               "cash_expected_fen": 130000, "cash_counted_fen": 40000,
               "variance_fen": -40000}}


def test_a_whole_day_closes_to_the_hand_computed_fen(quiet_live):
    day = Day(quiet_live)
    o = build(day)
    got = day.report()
    assert {k: got[k] for k in FIGURES} == FIGURES
    assert (got["date"], got["closed_by"], got["closed_at"]) == ("2026-11-21", None, None)
    assert (got["late_entries"], got["late_totals"]) == (
        [], {"paid_fen": 0, "refunded_fen": 0, "net_fen": 0})
    no = {k: v["order_no"] for k, v in o.items() if "order_no" in v}
    found = [(x["kind"], x["order_no"], x["amount_fen"]) for x in got["discrepancies"]]
    assert found == [
        ("unsettled", no["w"], 10000),  # 09:40 WeChat at W02: missing from the wechat file
        ("unsettled", no["m2"], 20000),  # 10:11 Alipay: the file says 200.01
        ("ota_unsettled", no["d"], 10000),  # 10:30 Meituan sent no file
        ("settlement_amount_differs", no["m2"], 20001),
        ("settlement_unknown_order", "MP-GHOST", 5000),  # the extra line
        ("refund_processing", no["c"], 9940),
        ("refund_processing", no["d"], 10000),
        ("cash_refund_other_drawer", no["0101"], 10000),  # sold at 01, paid by drawer 02
        ("shift_open", None, 50000), ("sync_behind", None, 0),  # W02
        ("payment_ticket_mismatch", no["c"], 10000)]  # paid 200.00 for a 100.00 ticket
    assert all(x["reason"] and not x["reason"].isascii() for x in got["discrepancies"])

    closed = requests.post(quiet_live.url("/reports/day-close/2026-11-21"), timeout=20,
                           headers=day.office("finance"))
    assert closed.status_code == 200, closed.text
    assert {k: without_shift_refs(closed.json())[k] for k in FIGURES} == FIGURES

    # 21:00 W02 is back online: its 17:30 sale, a 17:40 cash refund of one of b's tickets and
    # its 18:00 shift close (W02 S2: cash sales 300.00 + 100.00 = 400.00, refunds 100.00 +
    # 100.00 = 200.00, 300.00 + 400.00 − 200.00 = 500.00, counted 500.00)
    day.tick(21)
    b = o["b"]
    day.push("clerk2", "02",
             ("sale", offline_sale("W02-20261121-0102", "02", "clerk2", 1, at(17, 30)),
              at(17, 30)),
             ("refund", refund_op(b, {"ticket_ids": [b["tickets"][0]["ticket_id"]],
                                      "refund_no": f"{b['order_no']}-R9", "amount_fen": 10000,
                                      "reason": "游客行程变更"}, at(17, 40),
                                  clerk="clerk2", terminal="02"), at(17, 40)),
             ("shift_close", closing("02", "clerk2", S2, at(8), at(18), float_fen=30000,
                                     sales=40000, refunds=20000, out=0, counted=50000), at(18)))
    day.tick(21, 5)
    day.callback("wechat", "WX-M3", o["m3"], at(19, 30))
    after = day.report()
    assert {k: after[k] for k in FIGURES} == FIGURES  # the closed figures, never merged
    assert (after["closed_by"], after["closed_at"]) == ("finance", at(20).isoformat())
    assert [(e["kind"], e["order_no"], e["method"], e["terminal"], e["amount_fen"], e["at"])
            for e in after["late_entries"]] == [
        ("payment", "W02-20261121-0102", "cash", "02", 10000, at(17, 30).isoformat()),
        ("payment", no["m3"], "wechat", None, 10000, at(19, 30).isoformat()),
        ("refund", no["b"], "cash", "02", -10000, at(17, 40).isoformat()),
        ("shift", None, "cash", "02", 0, at(18).isoformat())]
    # paid 100.00 + 100.00; refunded 100.00; net 100.00
    assert after["late_totals"] == {"paid_fen": 20000, "refunded_fen": 10000, "net_fen": 10000}
    found = [(x["kind"], x["order_no"], x["amount_fen"]) for x in after["discrepancies"]]
    assert ("shift_open", None, 50000) not in found and ("sync_behind", None, 0) not in found
    assert ("unsettled", no["m3"], 10000) in found  # paid at 19:30: no file has it yet
    assert found[-4:] == [("late_entry", "W02-20261121-0102", 10000),
                          ("late_entry", no["m3"], 10000), ("late_entry", no["b"], -10000),
                          ("late_entry", None, 0)]

"""Which day money belongs to on the day close (DESIGN.md §15), over real HTTP on SQLite and
PostgreSQL, with the store's clock moved across midnight: money belongs to the venue-local day
in which it moved — a sale at 23:50 and its refund at 00:10 land on two days, a provider's
payment counts at its `paid_at` even when the callback arrives after midnight, a provider
refund on the day the provider paid it out, and an order paid today for a visit next week
counts today, never on the visit date. Also: a cash refund no window's drawer paid out."""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from conftest import assert_error, snapshot
from signed import SECRET, post_signed

from app.services.refunds.refund_processing import process_due

SH = ZoneInfo("Asia/Shanghai")
D = date(2026, 11, 21)
NEXT = D + timedelta(days=1)
VISIT = D + timedelta(days=7)  # next week


@pytest.fixture(autouse=True)
def _webhook_secret(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)


def at(day: date, h: int, m: int = 0) -> datetime:
    return datetime.combine(day, time(h, m), SH).astimezone(UTC)


def clerk(live) -> dict:
    return live.login("clerk1", terminal="01", device_id="dev-1")


def sell(live, method: str = "cash") -> dict:
    body = {"channel": "window", "visit_date": VISIT.isoformat(),
            "lines": [{"ticket_type": "ADULT", "qty": 1}],
            "payment": {"method": method, "amount_fen": 10000}}
    r = requests.post(live.url("/orders"), json=body, timeout=20,
                      headers=clerk(live) | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    return r.json()


def refund(live, order: dict, method: str, headers: dict) -> dict:
    body = {"ticket_ids": [order["tickets"][0]["ticket_id"]], "method": method,
            "reason": "游客行程变更"}
    r = requests.post(live.url(f"/orders/{order['order_no']}/refunds"), json=body, timeout=20,
                      headers=headers | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    return r.json()


def close_of(live, day: date) -> dict:
    r = requests.get(live.url("/reports/day-close"), params={"date": day.isoformat()},
                     headers=live.login("finance", terminal=None), timeout=20)
    assert r.status_code == 200, r.text
    return r.json()


def money(report: dict, key: str) -> dict[str, tuple[int, int]]:
    """{name: (paid, refunded)} of the methods or channels that moved any money."""
    name = key[:-1]
    return {m[name]: (m["paid_fen"], m["refunded_fen"]) for m in report[key]
            if m["paid_fen"] or m["refunded_fen"]}


def test_money_lands_on_the_local_day_it_moved(quiet_live):
    live = quiet_live
    live.clock.at = at(D, 23, 50)
    cash = sell(live)  # 23:50 D, for a visit next week
    live.clock.at = at(D, 23, 55)
    body = {"external_id": "night1", "visit_date": VISIT.isoformat(),
            "lines": [{"ticket_type": "ADULT", "qty": 1}], "amount_fen": 10000, "paid": False}
    mp = post_signed(live, "/channels/miniprogram/orders", body).json()
    live.clock.at = at(NEXT, 0, 2)  # the callback arrives after midnight, paid at 23:58
    paid = {"provider_txn_id": "WX-NIGHT1", "order_no": mp["order_no"], "amount_fen": 10000,
            "status": "success", "paid_at": at(D, 23, 58).isoformat()}
    assert post_signed(live, "/payments/wechat/callback", paid).status_code == 200
    live.clock.at = at(NEXT, 0, 10)
    assert refund(live, cash, "cash", clerk(live))["status"] == "succeeded"
    live.clock.at = at(D, 23, 59) + timedelta(seconds=30)  # asked before midnight …
    asked = refund(live, mp, "wechat", live.login("supervisor", terminal=None))
    assert (asked["status"], asked["amount_fen"]) == ("processing", 9940)
    assert [x["kind"] for x in close_of(live, D)["discrepancies"]] == [  # (no shift was open
        "unsettled", "refund_processing", "cash_outside_shift"]  # at window 01 at 23:50)
    live.clock.at = at(NEXT, 0, 20)  # … paid out by the provider after it
    with live.db.session() as s:
        process_due(s, live.provider, now=live.clock(), today=NEXT)

    day, nxt, visit = close_of(live, D), close_of(live, NEXT), close_of(live, VISIT)
    # D: cash 23:50 100.00 in; WeChat 23:58 100.00 in; nothing back yet
    assert money(day, "methods") == {"cash": (10000, 0), "wechat": (10000, 0)}
    assert money(day, "channels") == {"window": (10000, 0), "miniprogram": (10000, 0)}
    assert day["totals"]["paid_fen"] == 20000 and day["totals"]["refunded_fen"] == 0
    assert [c["orders"] for c in day["channels"][:2]] == [1, 1]
    # D+1: the 00:10 cash refund 100.00 and the 00:20 WeChat payout 99.40 (100.00 − 0.60 fee)
    assert money(nxt, "methods") == {"cash": (0, 10000), "wechat": (0, 9940)}
    assert (nxt["totals"]["paid_fen"], nxt["totals"]["refunded_fen"],
            nxt["totals"]["net_fen"]) == (0, 19940, -19940)
    assert [c["orders"] for c in nxt["channels"]] == [0] * 6
    # the visit date: no money at all
    assert money(visit, "methods") == {} and visit["totals"]["paid_fen"] == 0
    # the refund asked on D is no longer waiting: D lists only the WeChat payment unsettled
    assert [x["kind"] for x in close_of(live, D)["discrepancies"]] == [
        "unsettled", "cash_outside_shift"]


def test_a_cash_refund_no_window_drawer_paid_is_a_discrepancy(quiet_live):
    live = quiet_live
    order = sell(live)  # window 01, cash
    done = refund(live, order, "cash", live.login("supervisor", terminal=None))
    assert done["status"] == "succeeded"
    found = [x for x in close_of(live, D)["discrepancies"]
             if x["kind"] == "cash_refund_other_drawer"]
    assert [(x["order_no"], x["amount_fen"]) for x in found] == [(order["order_no"], 10000)]
    assert "没有经过窗口钱箱" in found[0]["reason"], found[0]["reason"]


def test_a_day_that_has_not_begun_cannot_be_closed(quiet_live):
    live = quiet_live
    live.clock.at = at(D, 23, 59)
    finance = live.login("finance", terminal=None)
    before = snapshot(live.db)
    early = requests.post(live.url(f"/reports/day-close/{NEXT}"), headers=finance, timeout=20)
    assert "还没有开始" in assert_error(early, 422, "validation_error")
    assert snapshot(live.db) == before
    live.clock.at = at(NEXT, 0, 0)  # from its first instant on, it can be
    done = requests.post(live.url(f"/reports/day-close/{NEXT}"), headers=finance, timeout=20)
    assert done.status_code == 200 and done.json()["closed_by"] == "finance", done.text


def test_a_z_report_the_store_cannot_account_for_is_a_discrepancy(quiet_live):
    """W01's Z report says 200.00 cash taken; the store holds one 100.00 sale of that drawer
    (the other sale op was never received, or rejected): 100.00 the store cannot see."""
    live = quiet_live
    sid = str(uuid.uuid4())
    opened, closed = at(D, 8), at(D, 12)
    shift = {"shift_id": sid, "terminal": "01", "clerk": "clerk1", "opening_float_fen": 0,
             "opened_at": opened.isoformat()}
    report = {"shift_id": sid, "terminal": "01", "clerk": "clerk1", "float_fen": 0,
              "cash_sales_fen": 20000, "refunds_fen": 0, "cash_in_fen": 0, "cash_out_fen": 0,
              "expected_fen": 20000, "counted_fen": 20000, "variance_fen": 0}
    close = shift | {"closed_at": closed.isoformat(), "cash_expected_fen": 20000,
                     "cash_counted_fen": 20000, "variance_fen": 0, "report": report}
    live.clock.at = opened
    ops = [{"op_id": str(uuid.uuid4()), "seq": 1, "kind": "shift_open",
            "device_time": opened.isoformat(), "payload": shift}]
    push = requests.post(live.url("/sync/push"), json={"device_id": "dev-1", "ops": ops},
                         headers=clerk(live), timeout=30)
    assert [x["status"] for x in push.json()["results"]] == ["applied"], push.text
    live.clock.at = at(D, 9)
    sell(live)
    live.clock.at = closed
    ops = [{"op_id": str(uuid.uuid4()), "seq": 2, "kind": "shift_close",
            "device_time": closed.isoformat(), "payload": close}]
    push = requests.post(live.url("/sync/push"), json={"device_id": "dev-1", "ops": ops},
                         headers=clerk(live), timeout=30)
    assert [x["status"] for x in push.json()["results"]] == ["applied"], push.text
    found = [x for x in close_of(live, D)["discrepancies"]
             if x["kind"] == "shift_report_differs"]
    assert [(x["order_no"], x["amount_fen"]) for x in found] == [(None, 10000)]
    assert "¥200.00" in found[0]["reason"] and "¥100.00" in found[0]["reason"], found


def test_a_close_is_refused_when_the_totals_moved_since_finance_confirmed(quiet_live):
    """The close carries the totals finance confirmed; a sale landing between the last look
    and the click makes it a 409 naming what moved, and nothing is written. Confirming the
    totals as they now are closes the day. A bad `expected`: 422."""
    live = quiet_live
    live.clock.at = at(D, 9)
    sell(live)
    seen = close_of(live, D)["totals"]
    live.clock.at = at(D, 9, 5)
    sell(live)  # while finance reads the confirmation
    live.clock.at = at(D, 20)
    finance = live.login("finance", terminal=None)
    url = live.url(f"/reports/day-close/{D}")
    before = snapshot(live.db)
    moved = requests.post(url, json={"expected": seen}, headers=finance, timeout=20)
    words = assert_error(moved, 409, "conflict")
    assert "收款合计 ¥100.00 → ¥200.00" in words and "请核对" in words, words
    assert snapshot(live.db) == before and close_of(live, D)["closed_by"] is None
    for bad in ({"expected": {"paid_fen": "20000"}}, {"expected": {"paid": 20000}},
                {"totals": {}}):
        assert_error(requests.post(url, json=bad, headers=finance, timeout=20), 422,
                     "validation_error")
    unknown = requests.post(url, json={"expected": {"paid": 20000}}, headers=finance, timeout=20)
    assert "日结合计没有这一项：paid" in assert_error(unknown, 422, "validation_error")
    assert snapshot(live.db) == before
    now = close_of(live, D)["totals"]
    done = requests.post(url, json={"expected": now}, headers=finance, timeout=20)
    assert done.status_code == 200 and done.json()["closed_by"] == "finance", done.text
    assert done.json()["totals"] == now and now["paid_fen"] == 20000


def _shift_op(live, seq: int, kind: str, payload: dict) -> None:
    ops = [{"op_id": str(uuid.uuid4()), "seq": seq, "kind": kind,
            "device_time": live.clock.at.isoformat(), "payload": payload}]
    push = requests.post(live.url("/sync/push"), json={"device_id": "dev-1", "ops": ops},
                         headers=clerk(live), timeout=30)
    assert [x["status"] for x in push.json()["results"]] == ["applied"], push.text


def test_cash_a_window_took_or_paid_out_with_no_shift_open_is_a_discrepancy(quiet_live):
    """Window 01 sells for cash at 07:50 before its shift opens and refunds that sale in cash
    at 13:00 after it closed: both are `cash_outside_shift` (in no shift's expected cash).
    A cash sale and a cash refund inside the 08:00–12:00 shift, and a WeChat sale outside
    it, are not."""
    live = quiet_live
    sid = str(uuid.uuid4())
    shift = {"shift_id": sid, "terminal": "01", "clerk": "clerk1", "opening_float_fen": 0,
             "opened_at": at(D, 8).isoformat()}
    live.clock.at = at(D, 7, 50)
    early = sell(live)
    sell(live, "wechat")
    live.clock.at = at(D, 8)
    _shift_op(live, 1, "shift_open", shift)
    live.clock.at = at(D, 9)
    inside = sell(live)
    live.clock.at = at(D, 9, 30)
    refund(live, inside, "cash", clerk(live))
    live.clock.at = at(D, 12)
    report = {"shift_id": sid, "terminal": "01", "clerk": "clerk1", "float_fen": 0,
              "cash_sales_fen": 10000, "refunds_fen": 10000, "cash_in_fen": 0,
              "cash_out_fen": 0, "expected_fen": 0, "counted_fen": 0, "variance_fen": 0}
    _shift_op(live, 2, "shift_close", shift | {
        "closed_at": at(D, 12).isoformat(), "cash_expected_fen": 0, "cash_counted_fen": 0,
        "variance_fen": 0, "report": report})
    live.clock.at = at(D, 13)
    refund(live, early, "cash", clerk(live))
    found = [x for x in close_of(live, D)["discrepancies"] if x["kind"] == "cash_outside_shift"]
    assert [(x["order_no"], x["amount_fen"], x["terminal"]) for x in found] == [
        (early["order_no"], 10000, "01")] * 2
    assert "07:50 收现金 ¥100.00 时没有开着的班次" in found[0]["reason"], found
    assert "13:00 退现金 ¥100.00" in found[1]["reason"], found
    assert not any(x["kind"] == "shift_report_differs"
                   for x in close_of(live, D)["discrepancies"])

"""The day close (DESIGN.md §15) over real HTTP on SQLite and PostgreSQL: a test day with two
windows and two clerks, cash and channel sales, refunds by cash, WeChat and the OTA, a
¥400.00 shortfall at window 01, a settlement file with one extra line (and the OTA order
missing from any file), the close, a second close refused, and window 02's offline sale and
shift close pushed after the close — a late entry, never merged into the closed figures.

Day D = 2026-11-21 (Asia/Shanghai), local times:
| 08:00 | window 01 (clerk1) opens, float 500.00; window 02 (clerk2) opens, float 300.00 |
| 09:00 | W01 cash 2 ADULT 200.00 (a) · 09:30 W02 cash 1 ADULT 100.00 (b) |
| 10:00 | miniprogram paid ADULT 100.00 (c, wechat) · 10:30 ota_meituan paid 100.00 (d, ota) |
| 11:00 | a: one ticket refunded in cash at 01, 100.00 · 11:30 c: wechat refund, processing |
| 12:00 | d: OTA refund, submitted |
| 17:00 | window 01 closes: expected 600.00, counted 200.00 → variance −400.00 |
| 17:30 | window 02 sells 1 ADULT 100.00 offline (pushed at 21:00, after the close) |
| 19:00 | settlement file wechat: c 100.00 (matches) and MP-GHOST 50.00 (no such order) |
| 20:00 | finance closes the day |
"""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from conftest import assert_error
from signed import SECRET, post_signed

from app.domain.ids import new_ticket_code

SH = ZoneInfo("Asia/Shanghai")
D = date(2026, 11, 21)
VISIT = D + timedelta(days=10)
S1, S2 = str(uuid.uuid4()), str(uuid.uuid4())


@pytest.fixture(autouse=True)
def _webhook_secret(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)


def at(h: int, m: int = 0) -> datetime:
    return datetime.combine(D, time(h, m), SH).astimezone(UTC)


def clerk(live, n: int) -> dict:
    return live.login(f"clerk{n}", terminal=f"0{n}", device_id=f"dev-{n}")


def push(live, n: int, ops: list) -> None:
    r = requests.post(live.url("/sync/push"), json={"device_id": f"dev-{n}", "ops": ops},
                      headers=clerk(live, n), timeout=30)
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["applied"] * len(ops), r.text


def op(kind: str, payload: dict, seq: int, when: datetime) -> dict:
    return {"op_id": str(uuid.uuid4()), "seq": seq, "kind": kind,
            "device_time": when.isoformat(), "payload": payload}


def shift_open(n: int, sid: str, float_fen: int) -> dict:
    return {"shift_id": sid, "terminal": f"0{n}", "clerk": f"clerk{n}",
            "opening_float_fen": float_fen, "opened_at": at(8).isoformat()}


def shift_close(n: int, sid: str, float_fen: int, sales: int, refunds: int,
                counted: int, when: datetime) -> dict:
    expected = float_fen + sales - refunds
    report = {"shift_id": sid, "terminal": f"0{n}", "clerk": f"clerk{n}",
              "float_fen": float_fen, "cash_sales_fen": sales, "refunds_fen": refunds,
              "cash_in_fen": 0, "cash_out_fen": 0, "expected_fen": expected,
              "counted_fen": counted, "variance_fen": counted - expected}
    return shift_open(n, sid, float_fen) | {
        "closed_at": when.isoformat(), "cash_expected_fen": expected,
        "cash_counted_fen": counted, "variance_fen": counted - expected, "report": report}


def offline_sale(when: datetime) -> dict:
    return {"order_id": str(uuid.uuid4()), "order_no": "W02-20261121-0002",
            "channel": "window", "visit_date": VISIT.isoformat(),
            "lines": [{"ticket_type": "ADULT", "qty": 1}], "customer": None,
            "payment": {"method": "cash", "amount_fen": 10000, "tendered_fen": 10000},
            "tickets": [{"ticket_id": str(uuid.uuid4()), "code": new_ticket_code(),
                         "ticket_type": "ADULT"}],
            "lease_id": None, "leases": [], "terminal": "02", "clerk": "clerk2",
            "device_id": "dev-2", "created_at": when.isoformat()}


def sell(live, n: int, qty: int) -> dict:
    body = {"channel": "window", "visit_date": VISIT.isoformat(),
            "lines": [{"ticket_type": "ADULT", "qty": qty}],
            "payment": {"method": "cash", "amount_fen": 10000 * qty}}
    r = requests.post(live.url("/orders"), json=body, timeout=20,
                      headers=clerk(live, n) | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    return r.json()


def channel(live, name: str) -> dict:
    body = {"external_id": uuid.uuid4().hex[:12], "visit_date": VISIT.isoformat(),
            "lines": [{"ticket_type": "ADULT", "qty": 1}], "amount_fen": 10000, "paid": True}
    r = post_signed(live, f"/channels/{name}/orders", body)
    assert r.status_code == 201, r.text
    return r.json()


def refund(live, order: dict, method: str, headers: dict) -> dict:
    body = {"ticket_ids": [order["tickets"][0]["ticket_id"]], "method": method,
            "reason": "游客行程变更"}
    r = requests.post(live.url(f"/orders/{order['order_no']}/refunds"), json=body, timeout=20,
                      headers=headers | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    return r.json()


def office(live, who: str) -> dict:
    return live.login(who, terminal=None)


def get_close(live, who: str = "finance") -> requests.Response:
    return requests.get(live.url("/reports/day-close"), params={"date": D.isoformat()},
                        headers=office(live, who), timeout=20)


def build_day(live) -> dict:
    clock = live.clock
    clock.at = at(8)
    push(live, 1, [op("shift_open", shift_open(1, S1, 50000), 1, at(8))])
    push(live, 2, [op("shift_open", shift_open(2, S2, 30000), 1, at(8))])
    clock.at = at(9)
    a = sell(live, 1, 2)
    clock.at = at(9, 30)
    b = sell(live, 2, 1)
    clock.at = at(10)
    c = channel(live, "miniprogram")
    clock.at = at(10, 30)
    d = channel(live, "ota_meituan")
    clock.at = at(11)
    assert refund(live, a, "cash", clerk(live, 1))["status"] == "succeeded"
    clock.at = at(11, 30)
    rc = refund(live, c, "wechat", office(live, "supervisor"))
    assert rc["status"] == "processing"
    clock.at = at(12)
    rd = refund(live, d, "ota", office(live, "supervisor"))
    assert rd["status"] == "submitted"
    clock.at = at(17)
    push(live, 1, [op("shift_close", shift_close(1, S1, 50000, 20000, 10000, 20000, at(17)),
                      2, at(17))])
    clock.at = at(19)
    csv = ("order_no,txn_id,amount_fen,fee_fen,date\n"
           f"{c['order_no']},WX-1,10000,60,2026-11-21\n"
           "MP-GHOST,WX-2,5000,30,2026-11-21\n")
    r = requests.post(live.url("/reports/settlements"), json={"source": "wechat", "csv": csv},
                      headers=office(live, "finance"), timeout=20)
    assert r.status_code == 200, r.text
    assert r.json() == {"source": "wechat", "lines": 2, "matched": 1, "unknown_order": 1,
                        "amount_differs": 0, "skipped": 0, "duplicate": 0}
    clock.at = at(20)
    return {"a": a, "b": b, "c": c, "d": d, "rc": rc, "rd": rd}


def money(key: str, name: str, paid: int = 0, refunded: int = 0, **extra) -> dict:
    return {key: name, **extra, "paid_fen": paid, "refunded_fen": refunded,
            "net_fen": paid - refunded}


def shift(clerk: str, float_fen: int, sales: int, refunds: int, expected: int,
          counted: int | None, closed: datetime | None) -> dict:
    return {"clerk": clerk, "opened_at": at(8).isoformat(),
            "closed_at": closed.isoformat() if closed else None, "float_fen": float_fen,
            "cash_sales_fen": sales, "cash_refunds_fen": refunds, "cash_in_fen": 0,
            "cash_out_fen": 0, "expected_fen": expected, "counted_fen": counted,
            "variance_fen": None if counted is None else counted - expected}


def bare(report: dict) -> dict:
    """The report with each shift's `shift_id` and `z_report` set aside (checked apart)."""
    windows = [{**w, "shifts": [{k: v for k, v in s.items() if k not in ("shift_id", "z_report")}
                                for s in w["shifts"]]} for w in report["windows"]]
    return report | {"windows": windows}


def test_the_day_close_equals_the_hand_computed_day_and_keeps_late_entries_apart(quiet_live):
    live = quiet_live
    o = build_day(live)
    r = get_close(live)
    assert r.status_code == 200, r.text
    got = r.json()
    figures = {
        "windows": [
            {"terminal": "01", "shifts": [shift("clerk1", 50000, 20000, 10000, 60000, 20000,
                                                at(17))]},
            # still open on the store: tallied to now, 300.00 + 100.00
            {"terminal": "02", "shifts": [shift("clerk2", 30000, 10000, 0, 40000, None,
                                                None)]}],
        "methods": [money("method", "cash", 30000, 10000), money("method", "wechat", 10000),
                    money("method", "alipay"), money("method", "ota", 10000),
                    money("method", "voucher")],
        "channels": [money("channel", "window", 30000, 10000, orders=2),
                     money("channel", "miniprogram", 10000, orders=1),
                     money("channel", "website", orders=0),
                     money("channel", "ota_ctrip", orders=0),
                     money("channel", "ota_meituan", 10000, orders=1),
                     money("channel", "agency", orders=0)],
        "totals": {"paid_fen": 50000, "refunded_fen": 10000, "net_fen": 40000,
                   "cash_expected_fen": 100000, "cash_counted_fen": 20000,
                   "variance_fen": -40000}}
    assert {k: bare(got)[k] for k in figures} == figures
    (w1,), (w2,) = (w["shifts"] for w in got["windows"])
    assert (w1["shift_id"], w2["shift_id"], w2["z_report"]) == (S1, S2, None)
    assert (w1["z_report"]["shift_id"], w1["z_report"]["variance_fen"]) == (S1, -40000)
    assert [x.get("terminal") for x in got["discrepancies"][-2:]] == ["02", "02"]
    assert (got["date"], got["closed_by"], got["closed_at"]) == ("2026-11-21", None, None)
    kinds = [(x["kind"], x["order_no"], x["amount_fen"]) for x in got["discrepancies"]]
    assert kinds == [
        ("ota_unsettled", o["d"]["order_no"], 10000),  # missing from any settlement file
        ("settlement_unknown_order", "MP-GHOST", 5000),  # the extra line
        ("refund_processing", o["c"]["order_no"], o["rc"]["amount_fen"]),
        ("refund_processing", o["d"]["order_no"], o["rd"]["amount_fen"]),
        ("shift_open", None, 40000), ("sync_behind", None, 0)]
    assert all(x["reason"] and not x["reason"].isascii() for x in got["discrepancies"])
    assert "终端 02" in got["discrepancies"][-1]["reason"]

    # roles: a clerk and a supervisor read nothing; only finance closes
    assert_error(get_close(live, "clerk1"), 403, "forbidden")
    assert_error(get_close(live, "supervisor"), 403, "forbidden")
    assert get_close(live, "admin").status_code == 200
    for who in ("clerk1", "admin"):
        refused = requests.post(live.url("/reports/day-close/2026-11-21"), timeout=20,
                                headers=office(live, who) if who != "clerk1"
                                else clerk(live, 1))
        assert_error(refused, 403, "forbidden")

    closed = requests.post(live.url("/reports/day-close/2026-11-21"), timeout=20,
                           headers=office(live, "finance"))
    assert closed.status_code == 200, closed.text
    assert (closed.json()["closed_by"], closed.json()["closed_at"]) == (
        "finance", at(20).isoformat())
    live.clock.at = at(20, 5)
    again = requests.post(live.url("/reports/day-close/2026-11-21"), timeout=20,
                          headers=office(live, "finance"))
    assert_error(again, 409, "conflict")
    assert "已由 finance" in again.json()["error"]["message"]

    # 21:00: window 02 comes back and pushes its 17:30 sale and its shift close
    live.clock.at = at(21)
    push(live, 2, [op("sale", offline_sale(at(17, 30)), 2, at(17, 30)),
                   op("shift_close", shift_close(2, S2, 30000, 20000, 0, 50000, at(18)), 3,
                      at(18))])
    after = get_close(live).json()
    assert {k: bare(after)[k] for k in figures} == figures  # the closed figures, unchanged
    assert [(e["kind"], e["order_no"], e["amount_fen"], e["terminal"])
            for e in after["late_entries"]] == [
        ("payment", "W02-20261121-0002", 10000, "02"), ("shift", None, 0, "02")]
    assert after["late_totals"] == {"paid_fen": 10000, "refunded_fen": 0, "net_fen": 10000}
    late = [x for x in after["discrepancies"] if x["kind"] == "late_entry"]
    assert [x["order_no"] for x in late] == ["W02-20261121-0002", None]
    assert not any(x["kind"] in ("shift_open", "sync_behind") for x in after["discrepancies"])


def test_bad_dates_and_bad_settlement_files_are_refused_in_chinese(live):
    h = office(live, "finance")
    bad = requests.get(live.url("/reports/day-close"), params={"date": "2026-13-01"},
                       headers=h, timeout=20)
    assert_error(bad, 422, "validation_error")
    for text in ("order_no,amount_fen\nX,1\n", "order_no,txn_id,amount_fen,fee_fen,date\n"
                 "X,T,12.5,0,2026-11-21\n"):
        r = requests.post(live.url("/reports/settlements"), json={"source": "wechat",
                                                                  "csv": text},
                          headers=h, timeout=20)
        assert_error(r, 422, "validation_error")
        assert not r.json()["error"]["message"].isascii()

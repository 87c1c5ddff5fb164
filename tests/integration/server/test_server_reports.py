"""The reports of DESIGN.md §15 over real HTTP on SQLite and PostgreSQL, checked against a
hand-built day whose figures are computed by hand below, to the fen.

The day D = 2026-11-21 (Asia/Shanghai, UTC+8). What happens, in local time:

| when | what | order |
|---|---|---|
| D-1 23:59:59 | window cash 1 ADULT 100.00, visit D, phone P2 | o1 |
| D 00:00:00 | window cash 3 ADULT 300.00, visit D | o2 |
| 08:30 | gate admits o1's ticket | |
| 09:00 | gate admits two of o2's tickets | |
| 09:15 | miniprogram paid ADULT+CHILD 150.00, visit D, phone P1 | o3 |
| 09:40 | ota_meituan paid FAMILY 129.88, visit D+2 (paid today, visit later), phone P1 | o4 |
| 10:05 | window wechat 1 SPECIAL 60.00, visit D+5 | o5 |
| 10:10 | gate reports o3's CHILD failed → redeem_failed | |
| 10:20 | supervisor: manual_redeem (an entry at 10:20; anomaly resolved in 10 min) | |
| 10:30 | miniprogram ADULT 100.00 paying (wechat TXN-R6), phone P3 | o6 |
| 10:45 | website ADULT 100.00 unpaid, phone P3 (expires → cancelled) | o7 |
| 11:00 | o1's ticket scanned again → duplicate_redemption A1 | |
| 11:10 | wechat callback pays o6 (revenue at 11, order at 10) | |
| 11:30 | A1 mark_resolved (30 min) | |
| 12:10 | an offline gate uploads o2's third ticket, scanned at 11:50 (an entry at 11) | |
| 12:30 | wechat pays 42.00 for an order nobody has → paid_no_order, open (not revenue) | |
| 13:00 | o1's ticket scanned again → duplicate_redemption A2, left open (came back) | |
| 13:20 | agency paid 10 GROUP 800.00, visit D+3, no phone | o8 |
| 14:00 | window cash 1 ADULT 100.00, visit D+10, phone P2 | o9 |
| 14:30 | o9 refunded cash, tier_72h: 100.00 back at once | |
| 15:00 | o5 refunded by wechat, special_48h: fee 30.00, payment fee 0.36, 29.64 | |
| 15:05 | sweep: the provider pays o5's refund; o7 expires | |
| 15:20 | force majeure for D+2 (暴雨闭园, 0 %), set and confirmed | |
| 15:30 | o4 refunded through the OTA (submitted, not money back yet): 129.88 | |
| 16:00 | o3's ADULT: override 0 % (就医证明) → waits; 16:10 admin approves; 16:20 sweep pays 99.40 | |
| 17:00 | o6: override 0 % (就医证明) → waits; 17:30 finance rejects | |
| 17:40 | o8, 2 tickets: override 0 % (景区接待安排) → waits | |
"""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from anomaly_kit import callback, fix, one_open, scan, sweep
from conftest import assert_error, snapshot
from signed import SECRET, post_signed

from app.domain.timeline import iso_utc

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = date(2026, 11, 21)
P1, P2, P3 = "13800000001", "13800000002", "13800000003"
PATHS = ("/reports/day?date=2026-11-21", "/reports/kpis?from=2026-11-21&to=2026-11-21",
         "/reports/refunds?from=2026-11-21&to=2026-11-21",
         "/reports/anomalies?from=2026-11-21&to=2026-11-21")


@pytest.fixture(autouse=True)
def _webhook_secret(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)


def at(h: int, m: int = 0, s: int = 0, day: date = D) -> datetime:
    return datetime.combine(day, time(h, m, s), SHANGHAI).astimezone(UTC)


def report(live, path: str, who: str = "supervisor", **params) -> dict:
    r = requests.get(live.url(path), params=params or None, timeout=20,
                     headers=live.login(who, terminal=None))
    assert r.status_code == 200, r.text
    return r.json()


def window(live, code: str, qty: int, *, visit: date, method: str = "cash",
           phone: str | None = None) -> dict:
    prices = {"ADULT": 10000, "SPECIAL": 6000}
    body = {"channel": "window", "visit_date": visit.isoformat(),
            "lines": [{"ticket_type": code, "qty": qty}],
            "payment": {"method": method, "amount_fen": prices[code] * qty}}
    if phone:
        body["customer"] = {"name": "张三", "phone": phone}
    r = requests.post(live.url("/orders"), json=body, timeout=20,
                      headers=live.login("clerk1") | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    return r.json()


def channel(live, name: str, lines: list, amount: int, *, visit: date, paid: bool = True,
            phone: str | None = None, paying: str | None = None) -> dict:
    body = {"external_id": uuid.uuid4().hex[:12], "visit_date": visit.isoformat(),
            "lines": [{"ticket_type": c, "qty": q} for c, q in lines],
            "amount_fen": amount, "paid": paid}
    if phone:
        body["customer"] = {"name": "李四", "phone": phone, "id_no": None}
    if paying:
        body["payment"] = {"provider": "wechat", "provider_txn_id": paying}
    r = post_signed(live, f"/channels/{name}/orders", body)
    assert r.status_code == 201, r.text
    return r.json()


def refund(live, order: dict, ticket_ids: list, method: str, *, who: str = "clerk1",
           override: dict | None = None) -> dict:
    body = {"ticket_ids": ticket_ids, "method": method, "reason": "游客行程变更"}
    if override:
        body["override"] = override
    terminal = "01" if who == "clerk1" else None
    r = requests.post(live.url(f"/orders/{order['order_no']}/refunds"), json=body, timeout=20,
                      headers=live.login(who, terminal=terminal)
                      | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    return r.json()


def decide(live, refund_no: str, verb: str, who: str, **body) -> None:
    r = requests.post(live.url(f"/refunds/{refund_no}/{verb}"), json=body, timeout=20,
                      headers=live.login(who, terminal=None))
    assert r.status_code == 200, r.text


def force_majeure(live, visit: date) -> None:
    for who in ("supervisor", "admin"):
        r = requests.put(live.url(f"/refund-rules/force-majeure/{visit}"), timeout=20,
                         json={"fee_bp": 0, "label": "暴雨闭园"},
                         headers=live.login(who, terminal=None))
        assert r.status_code == 200, r.text
    assert r.json()["status"] == "active"


def ids(order: dict, kind_of: str | None = None, n: int | None = None) -> list[str]:
    found = [t["ticket_id"] for t in order["tickets"]
             if kind_of is None or t["ticket_type"] == kind_of]
    return found[:n] if n else found


def build_day(live) -> dict[str, dict]:
    """The day of the module docstring; the orders by name."""
    clock = live.clock
    o: dict[str, dict] = {}
    clock.at = at(23, 59, 59, D - timedelta(days=1))
    o["o1"] = window(live, "ADULT", 1, visit=D, phone=P2)
    clock.at = at(0, 0, 0)
    o["o2"] = window(live, "ADULT", 3, visit=D)
    clock.at = at(8, 30)
    assert scan(live, o["o1"]["tickets"][0]["code"])["outcome"] == "valid"
    clock.at = at(9, 0)
    for t in o["o2"]["tickets"][:2]:
        assert scan(live, t["code"])["outcome"] == "valid"
    clock.at = at(9, 15)
    o["o3"] = channel(live, "miniprogram", [("ADULT", 1), ("CHILD", 1)], 15000, visit=D,
                      phone=P1)
    clock.at = at(9, 40)
    o["o4"] = channel(live, "ota_meituan", [("FAMILY", 1)], 12988, visit=D + timedelta(2),
                      phone=P1)
    clock.at = at(10, 5)
    o["o5"] = window(live, "SPECIAL", 1, visit=D + timedelta(5), method="wechat")
    o3 = order(live, o["o3"]["order_no"])
    child = next(t for t in o3["tickets"] if t["ticket_type"] == "CHILD")
    clock.at = at(10, 10)
    assert scan(live, child["code"], result="failed", reason="闸机卡票")["outcome"] == "failed"
    clock.at = at(10, 20)
    failed = one_open(live, "redeem_failed", o3["order_no"])
    assert fix(live, failed["id"], "manual_redeem").status_code == 200
    clock.at = at(10, 30)
    o["o6"] = channel(live, "miniprogram", [("ADULT", 1)], 10000, visit=D, paid=False,
                      phone=P3, paying="TXN-R6")
    clock.at = at(10, 45)
    o["o7"] = channel(live, "website", [("ADULT", 1)], 10000, visit=D, paid=False, phone=P3)
    first = o["o1"]["tickets"][0]["code"]
    clock.at = at(11, 0)
    assert scan(live, first)["outcome"] == "duplicate"
    clock.at = at(11, 10)
    callback(live, "TXN-R6", o["o6"]["order_no"], 10000)
    clock.at = at(11, 30)
    dup = one_open(live, "duplicate_redemption", o["o1"]["order_no"])
    assert fix(live, dup["id"], "mark_resolved", note="游客误刷，已核实").status_code == 200
    clock.at = at(12, 10)
    assert scan(live, o["o2"]["tickets"][2]["code"], at=at(11, 50))["outcome"] == "valid"
    clock.at = at(12, 30)
    callback(live, "TXN-LOST", "MP-NOBODY", 4200)
    clock.at = at(13, 0)
    assert scan(live, first)["outcome"] == "duplicate"
    clock.at = at(13, 20)
    o["o8"] = channel(live, "agency", [("GROUP", 10)], 80000, visit=D + timedelta(3))
    clock.at = at(14, 0)
    o["o9"] = window(live, "ADULT", 1, visit=D + timedelta(10), phone=P2)
    clock.at = at(14, 30)
    assert refund(live, o["o9"], ids(o["o9"]), "cash")["status"] == "succeeded"
    clock.at = at(15, 0)
    r5 = refund(live, o["o5"], ids(o["o5"]), "wechat")
    assert (r5["status"], r5["fee_fen"], r5["payment_fee_fen"], r5["amount_fen"]) == \
        ("processing", 3000, 36, 2964)
    clock.at = at(15, 5)
    sweep(live)
    clock.at = at(15, 20)
    force_majeure(live, D + timedelta(2))
    clock.at = at(15, 30)
    o4 = order(live, o["o4"]["order_no"])
    r4 = refund(live, o4, ids(o4), "ota", who="supervisor")
    assert (r4["status"], r4["amount_fen"]) == ("submitted", 12988)
    clock.at = at(16, 0)
    r3 = refund(live, o3, ids(o3, "ADULT"), "wechat", who="supervisor",
                override={"fee_bp": 0, "reason": "就医证明", "evidence_no": "YY-001"})
    assert (r3["status"], r3["amount_fen"]) == ("awaiting_approval", 9940)
    clock.at = at(16, 10)
    decide(live, r3["refund_no"], "approve", "admin")
    clock.at = at(16, 20)
    sweep(live)
    clock.at = at(17, 0)
    o6 = order(live, o["o6"]["order_no"])
    r6 = refund(live, o6, ids(o6), "wechat", who="supervisor",
                override={"fee_bp": 0, "reason": "就医证明", "evidence_no": "YY-002"})
    clock.at = at(17, 30)
    decide(live, r6["refund_no"], "reject", "finance", reason="证明材料不全")
    clock.at = at(17, 40)
    o8 = order(live, o["o8"]["order_no"])
    r8 = refund(live, o8, ids(o8, n=2), "ota", who="supervisor",
                override={"fee_bp": 0, "reason": "景区接待安排", "evidence_no": "JD-7"})
    assert (r8["status"], r8["amount_fen"]) == ("awaiting_approval", 16000)
    clock.at = at(18, 0)
    for name in o:
        o[name] = order(live, o[name]["order_no"])
    return o


def order(live, order_no: str) -> dict:
    r = requests.get(live.url(f"/orders/{order_no}"), timeout=10,
                     headers=live.login("supervisor", terminal=None))
    assert r.status_code == 200, r.text
    return r.json()


def hours(**figures) -> list[dict]:
    """The 24 hours, zero but for `h9=(orders, revenue_fen, entries)`."""
    return [dict(zip(("hour", "orders", "revenue_fen", "entries"),
                     (h, *figures.get(f"h{h}", (0, 0, 0))), strict=True)) for h in range(24)]


def offline_devices(live) -> int:
    r = requests.get(live.url("/devices"), timeout=10,
                     headers=live.login("supervisor", terminal=None))
    return sum(d["status"] == "offline" and d["active"] and d["kind"] in ("gate", "window")
               for d in r.json()["devices"])


@pytest.fixture
def day(quiet_live):
    return quiet_live, build_day(quiet_live)


def test_the_day_report_equals_the_hand_computed_day(day):
    live, o = day
    assert [o[n]["status"] for n in ("o2", "o3", "o4", "o5", "o6", "o7", "o8", "o9")] == [
        "redeemed", "redeemed", "refunding", "refunded", "paid", "cancelled", "refunding",
        "refunded"]
    got = report(live, "/reports/day", date="2026-11-21")
    assert got == {
        "date": "2026-11-21",
        "orders": 7,  # o2 o3 o4 o5 o6 o8 o9; o7 cancelled, o1 the day before
        "tickets": 20,  # 3 + 2 + 2 + 1 + 1 + 10 + 1
        "revenue_fen": 163988,  # 30000 + 15000 + 12988 + 6000 + 10000 + 80000 + 10000
        "refunds_fen": 22904,  # o9 10000 + o5 2964 + o3 9940; o4's is only submitted
        "entries": 5,
        "capacity": 5000,  # ADULT CHILD SPECIAL ANNUAL GROUP × 1000 (FAMILY is a package)
        "by_channel": [
            {"channel": "window", "orders": 3, "tickets": 5, "revenue_fen": 46000},
            {"channel": "miniprogram", "orders": 2, "tickets": 3, "revenue_fen": 25000},
            {"channel": "website", "orders": 0, "tickets": 0, "revenue_fen": 0},
            {"channel": "ota_ctrip", "orders": 0, "tickets": 0, "revenue_fen": 0},
            {"channel": "ota_meituan", "orders": 1, "tickets": 2, "revenue_fen": 12988},
            {"channel": "agency", "orders": 1, "tickets": 10, "revenue_fen": 80000}],
        "by_hour": hours(h0=(1, 30000, 0), h8=(0, 0, 1), h9=(2, 27988, 2), h10=(2, 6000, 1),
                         h11=(0, 10000, 1), h13=(1, 80000, 0), h14=(1, 10000, 0)),
        "status_mix": {"cancelled": 1, "paid": 1, "redeemed": 2, "refunded": 2,
                       "refunding": 2},
        "anomalies_open": 2,  # A2, paid_no_order
        "approvals_waiting": 1,  # o8's override
        "devices_offline": offline_devices(live),
    }


def test_midnight_and_the_visit_date_do_not_move_money(day):
    live, o = day
    before = report(live, "/reports/day", date="2026-11-20")
    assert (before["orders"], before["tickets"], before["revenue_fen"], before["capacity"]) == \
        (1, 1, 10000, 0)
    assert before["by_hour"][23] == {"hour": 23, "orders": 1, "revenue_fen": 10000,
                                     "entries": 0}
    assert before["status_mix"] == {"redeemed": 1}
    visit = report(live, "/reports/day", date="2026-11-23")  # o4's visit date
    assert (visit["orders"], visit["revenue_fen"], visit["refunds_fen"], visit["entries"],
            visit["capacity"]) == (0, 0, 0, 0, 5000)


def test_kpis_follow_the_formulas(day):
    live, _ = day
    assert report(live, "/reports/kpis", **{"from": "2026-11-21", "to": "2026-11-21"}) == {
        "days": 1, "valid_orders": 7, "valid_orders_per_day": 7.0, "revenue_fen": 163988,
        "aov_fen": 23427,  # 163988 / 7 = 23426.857…
        "refund_rate_bp": 7143,  # o3 o4 o5 o8 o9 of 7 (o6's only refund was rejected)
        "repeat_rate_bp": 3333}  # P1 twice of P1, P2, P3
    both = report(live, "/reports/kpis", who="finance",
                  **{"from": "2026-11-20", "to": "2026-11-21"})
    assert both == {
        "days": 2, "valid_orders": 8, "valid_orders_per_day": 4.0, "revenue_fen": 173988,
        "aov_fen": 21749,  # 21748.5 half-up (round() would give 21748)
        "refund_rate_bp": 6250,  # 5 of 8
        "repeat_rate_bp": 6667}  # P1 and P2 (o1, o9) of 3 phones
    nothing = report(live, "/reports/kpis", **{"from": "2026-12-01", "to": "2026-12-31"})
    assert nothing == {"days": 31, "valid_orders": 0, "valid_orders_per_day": 0.0,
                       "revenue_fen": 0, "aov_fen": 0, "refund_rate_bp": 0,
                       "repeat_rate_bp": 0}


def tally(count: int, amount: int, fee: int = 0) -> dict:
    return {"count": count, "amount_fen": amount, "fee_fen": fee}


def test_the_refund_report_equals_the_hand_computed_refunds(day):
    live, _ = day
    got = report(live, "/reports/refunds", who="admin",
                 **{"from": "2026-11-21", "to": "2026-11-21"})
    by_hour = [{"hour": h} | tally(0, 0) for h in range(24)]
    by_hour[14] = {"hour": 14} | tally(1, 10000)
    by_hour[15] = {"hour": 15} | tally(2, 2964 + 12988, 3000)
    by_hour[16] = {"hour": 16} | tally(1, 9940)
    by_hour[17] = {"hour": 17} | tally(1, 16000)  # o6's, rejected at 17:30, left out
    assert got == {
        "from": "2026-11-21", "to": "2026-11-21", "days": 1, "requests": 6,
        "by_status": [{"status": "succeeded"} | tally(3, 22904, 3000),
                      {"status": "awaiting_approval"} | tally(1, 16000),
                      {"status": "submitted"} | tally(1, 12988),
                      {"status": "rejected"} | tally(1, 9940)],
        "total": tally(5, 51892, 3000),
        "by_hour": by_hour,
        "by_kind": [
            {"kind": "regular", "refunds": 3, "tickets": 4, "amount_fen": 32928, "fee_fen": 0},
            {"kind": "group", "refunds": 1, "tickets": 2, "amount_fen": 16000, "fee_fen": 0},
            {"kind": "special", "refunds": 1, "tickets": 1, "amount_fen": 2964,
             "fee_fen": 3000}],
        "by_rule": [{"rule": "override"} | tally(2, 25940),
                    {"rule": "force_majeure"} | tally(1, 12988),
                    {"rule": "tier_72h"} | tally(1, 10000),
                    {"rule": "special_48h"} | tally(1, 2964, 3000)],
        "by_route": [{"route": "ota"} | tally(2, 28988),
                     {"route": "wechat"} | tally(2, 12904, 3000),
                     {"route": "cash"} | tally(1, 10000)],
        "interventions": {
            "overrides": {"count": 3, "amount_fen": 35880, "reasons": [
                {"reason": "就医证明", "count": 2, "amount_fen": 19880},
                {"reason": "景区接待安排", "count": 1, "amount_fen": 16000}]},
            "approvals": {"count": 3, "amount_fen": 35880, "approved": 1, "rejected": 1,
                          "waiting": 1, "reasons": [
                              {"reason": "手续费调整", "count": 3, "amount_fen": 35880}]},
            "force_majeure": {"count": 1, "amount_fen": 12988, "reasons": [
                {"reason": "暴雨闭园", "count": 1, "amount_fen": 12988}]}},
    }


def test_the_anomaly_report_equals_the_hand_computed_anomalies(day):
    live, o = day
    got = report(live, "/reports/anomalies", who="finance",
                 **{"from": "2026-11-20", "to": "2026-11-21"})
    assert got == {
        "from": "2026-11-20", "to": "2026-11-21", "days": 2, "opened": 4, "resolved": 2,
        "by_kind": [
            {"kind": "duplicate_redemption", "label": "重复核销", "category": "redemption",
             "opened": 2, "share_bp": 5000, "still_open": 1, "resolved": 1, "dismissed": 0,
             "median_minutes_to_resolve": 30.0, "came_back": 1, "came_back_orders": 1},
            {"kind": "paid_no_order", "label": "已支付无订单", "category": "payment",
             "opened": 1, "share_bp": 2500, "still_open": 1, "resolved": 0, "dismissed": 0,
             "median_minutes_to_resolve": None, "came_back": 0, "came_back_orders": 0},
            {"kind": "redeem_failed", "label": "核销失败", "category": "redemption",
             "opened": 1, "share_bp": 2500, "still_open": 0, "resolved": 1, "dismissed": 0,
             "median_minutes_to_resolve": 10.0, "came_back": 0, "came_back_orders": 0}],
        "came_back": [{"order_no": o["o1"]["order_no"], "kind": "duplicate_redemption",
                       "times": 2}],
    }


def test_reports_agree_and_write_nothing(day):
    live, _ = day
    headers = live.login("supervisor", terminal=None)
    before = snapshot(live.db)
    for path in PATHS:
        assert requests.get(live.url(path), headers=headers, timeout=20).status_code == 200
    assert snapshot(live.db) == before
    d = report(live, "/reports/day", date="2026-11-21")
    k = report(live, "/reports/kpis", **{"from": "2026-11-21", "to": "2026-11-21"})
    assert (k["valid_orders"], k["revenue_fen"]) == (d["orders"], d["revenue_fen"])
    assert sum(c["revenue_fen"] for c in d["by_channel"]) == d["revenue_fen"]
    assert sum(h["entries"] for h in d["by_hour"]) == d["entries"]
    assert sum(d["status_mix"].values()) == 8


def test_only_supervisors_finance_and_admins_read_reports(live):
    for who in ("clerk1", "gate1"):
        headers = live.login(who, terminal="01" if who == "clerk1" else None)
        for path in PATHS:
            assert_error(requests.get(live.url(path), headers=headers, timeout=10), 403,
                         "forbidden")
    for path in PATHS:
        assert_error(requests.get(live.url(path), timeout=10), 401, "unauthorized")
    for who in ("supervisor", "finance", "admin"):
        headers = live.login(who, terminal=None)
        for path in PATHS:
            assert requests.get(live.url(path), headers=headers, timeout=10).status_code == 200


@pytest.mark.parametrize(("path", "words"), [
    ("/reports/day", "请填写日期"),
    ("/reports/day?date=", "请填写日期"),
    ("/reports/day?date=2026-02-30", "2026-02-30"),
    ("/reports/day?date=20261121", "YYYY-MM-DD"),
    ("/reports/day?date=1700000000", "YYYY-MM-DD"),
    ("/reports/kpis?from=2026-11-21", "to"),
    ("/reports/kpis?from=2026-11-22&to=2026-11-21", "不能晚于"),
    ("/reports/refunds?from=2026-01-01&to=2027-01-02", "366"),
    ("/reports/anomalies?from=2026-11-21&to=21-11-2026", "to"),
    ("/reports/day?date=" + "9" * 40, "date"),
])
def test_bad_dates_are_refused_in_chinese(live, path, words):
    r = requests.get(live.url(path), timeout=10, headers=live.login("supervisor", terminal=None))
    assert words in assert_error(r, 422, "validation_error")


def test_a_range_of_366_days_is_allowed(live):
    got = report(live, "/reports/refunds", **{"from": "2026-01-01", "to": "2027-01-01"})
    assert got["days"] == 366 and got["requests"] == 0


def test_devices_offline_is_what_the_device_list_says_now(live):
    live.clock.at = at(12, 0)
    first = report(live, "/reports/day", date="2026-11-21")["devices_offline"]
    assert first == offline_devices(live) and first >= 5  # the demo gates and windows
    gate = live.login("gate1", terminal=None, device_id="gate-2")
    r = requests.post(live.url("/devices/gate-2/heartbeat"), json={}, headers=gate, timeout=10)
    assert r.status_code == 200, r.text
    assert report(live, "/reports/day", date="2026-11-21")["devices_offline"] == first - 1
    live.clock.at = at(12, 3)  # 3 minutes without a beat: offline again
    assert report(live, "/reports/day", date="2026-11-21")["devices_offline"] == first


def test_entries_of_a_pass_count_each_use_at_its_scan(live):
    live.clock.at = at(9, 0)
    annual = channel(live, "miniprogram", [("ANNUAL", 1)], 50000, visit=D)
    code = annual["tickets"][0]["code"]
    assert scan(live, code)["outcome"] == "valid"
    live.clock.at = at(0, 10, day=D + timedelta(days=1))  # uploaded after midnight
    assert scan(live, code, at=at(23, 59, 59) - timedelta(hours=6))["outcome"] == "valid"
    got = report(live, "/reports/day", date="2026-11-21")
    assert got["entries"] == 2 and got["by_hour"][9]["entries"] == 1
    assert got["by_hour"][17]["entries"] == 1
    assert report(live, "/reports/day", date="2026-11-22")["entries"] == 0
    assert iso_utc(at(9, 0)) == "2026-11-21T01:00:00Z"

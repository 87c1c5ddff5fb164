"""Refunds over real HTTP on SQLite and PostgreSQL (DESIGN.md §5, §8): the live quote, every
request-level rule (dual approval, overrides, force majeure, high risk, 90 days), routing by
method, inventory returned, and refusals that name the rule and write nothing."""

import uuid
from datetime import timedelta

import requests
import sqlalchemy as sa
from conftest import assert_error, snapshot

from app.domain.timeline import iso_utc
from app.store.models import Order


def _sell(live, *lines, days=5, method="cash", phone=None, clerk="clerk1"):
    day = live.venue.local_date(live.clock()) + timedelta(days=days)
    prices = {"ADULT": 10000, "CHILD": 5000, "FAMILY": 13000, "SPECIAL": 6000,
              "ANNUAL": 50000, "GROUP": 8000}
    lines = lines or (("ADULT", 2),)
    total = sum(prices[c] * q for c, q in lines)
    body = {"channel": "window", "visit_date": day.isoformat(),
            "lines": [{"ticket_type": c, "qty": q} for c, q in lines],
            "payment": {"method": method, "amount_fen": total}}
    if phone:
        body["customer"] = {"name": "张三", "phone": phone}
    r = requests.post(live.url("/orders"), json=body, timeout=20,
                      headers=live.login(clerk) | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    return r.json()


def _quote(live, order, ids, who="clerk1"):
    return requests.post(live.url(f"/orders/{order['order_no']}/refund-quote"),
                         json={"ticket_ids": ids}, headers=live.login(who), timeout=20)


def _refund(live, order, ids, who="clerk1", method="cash", key=None, **extra):
    body = {"ticket_ids": ids, "method": method, "reason": "游客行程变更"} | extra
    headers = live.login(who) | {"Idempotency-Key": key or str(uuid.uuid4())}
    return requests.post(live.url(f"/orders/{order['order_no']}/refunds"), json=body,
                         headers=headers, timeout=20)


def _approve(live, refund_no, who):
    return requests.post(live.url(f"/refunds/{refund_no}/approve"), json={},
                         headers=live.login(who), timeout=20)


def _get(live, order_no):
    return requests.get(live.url(f"/orders/{order_no}"), headers=live.login("supervisor"),
                        timeout=10).json()


def _sold(live, day, code="ADULT"):
    r = requests.get(live.url(f"/inventory?date={day}"), headers=live.login("clerk1"),
                     timeout=10)
    return {i["ticket_type"]: i["sold"] for i in r.json()["items"]}[code]


def _actions(live, order_no):
    r = requests.get(live.url(f"/orders/{order_no}/timeline"), headers=live.login("supervisor"),
                     timeout=10)
    body = r.json()
    assert body["verified"] is True
    return [e["action"] for e in body["events"]]


def _ids(order, n=None):
    ids = [t["ticket_id"] for t in order["tickets"]]
    return ids if n is None else ids[:n]


def test_quote_names_the_rule_and_writes_nothing(live):
    order = _sell(live, ("ADULT", 2), days=5)
    before = snapshot(live.db)
    r = _quote(live, order, _ids(order))
    assert r.status_code == 200, r.text
    q = r.json()
    assert [t["rule"] for t in q["tickets"]] == ["tier_72h", "tier_72h"]
    assert q["total_refund_fen"] == 20000
    assert q["needs_approval"] is False and q["approvals_required"] == 0
    assert "免手续费" in q["tickets"][0]["message"]
    assert snapshot(live.db) == before


def test_cash_refund_succeeds_returns_stock_and_logs(live):
    order = _sell(live, ("ADULT", 2), days=1)  # 22 h before opening: tier_1h, 20 %
    day = order["visit_date"]
    sold = _sold(live, day)
    r = _refund(live, order, _ids(order, 1))
    assert r.status_code == 201, r.text
    refund = r.json()
    assert refund["refund_no"] == f"{order['order_no']}-R1"
    assert refund["status"] == "succeeded" and refund["method"] == "cash"
    assert refund["fee_fen"] == 2000 and refund["amount_fen"] == 8000
    after = _get(live, order["order_no"])
    assert after["refunded_fen"] == 8000
    assert [t["status"] for t in after["tickets"]] == ["refunded", "valid"]
    assert "partially_refunded" in after["flags"]
    assert _sold(live, day) == sold - 1
    actions = _actions(live, order["order_no"])
    assert actions[-3:] == ["refund.requested", "refund.succeeded", "ticket.refunded"]


def test_double_refund_and_foreign_ticket_are_refused_and_write_nothing(live):
    order = _sell(live, ("ADULT", 1))
    other = _sell(live, ("ADULT", 1))
    assert _refund(live, order, _ids(order)).status_code == 201
    before = snapshot(live.db)
    assert "已退票" in assert_error(_refund(live, order, _ids(order)), 422, "validation_error")
    assert "不属于订单" in assert_error(_refund(live, order, _ids(other)), 422,
                                        "validation_error")
    assert "只能出现一次" in assert_error(_refund(live, other, _ids(other) * 2), 422,
                                          "validation_error")
    assert_error(_refund(live, other, []), 422, "validation_error")
    assert_error(_refund(live, other, _ids(other), method="bitcoin"), 422, "validation_error")
    assert "原路" in assert_error(_refund(live, other, _ids(other), method="wechat"), 422,
                                  "validation_error")
    assert_error(_refund(live, {"order_no": "W01-20261121-9999"}, _ids(other)), 404,
                 "not_found")
    assert_error(_refund(live, other, _ids(other), reason="  "), 422, "validation_error")
    assert snapshot(live.db) == before


def test_redeemed_and_expired_tickets_are_refused(live):
    order = _sell(live, ("ADULT", 2), days=0)
    gate = live.login("gate1", terminal=None, device_id="G1")
    r = requests.post(live.url("/redemptions"), headers=gate, timeout=20, json={
        "nonce": "n-1", "ticket_code": order["tickets"][0]["code"], "device_id": "G1",
        "at": iso_utc(live.clock())})
    assert r.json()["outcome"] == "valid", r.text
    before = snapshot(live.db)
    assert "已核销" in assert_error(_refund(live, order, _ids(order, 1)), 422,
                                    "validation_error")
    live.clock.at += timedelta(days=1)
    assert "闭园" in assert_error(_refund(live, order, _ids(order)[1:]), 422,
                                  "validation_error")
    assert snapshot(live.db) == before


def test_wechat_goes_processing_with_tickets_refunding(live):
    order = _sell(live, ("ADULT", 1), method="wechat")
    r = _refund(live, order, _ids(order), method="wechat")
    assert r.status_code == 201, r.text
    refund = r.json()
    assert refund["status"] == "processing"
    assert refund["payment_fee_fen"] == 60 and refund["amount_fen"] == 9940
    after = _get(live, order["order_no"])
    assert after["tickets"][0]["status"] == "refunding" and after["status"] == "refunding"
    assert after["refunded_fen"] == 0


def test_package_child_component_only(live):
    order = _sell(live, ("FAMILY", 1))
    child = next(t for t in order["tickets"] if t["ticket_type"] == "CHILD")
    adult = next(t for t in order["tickets"] if t["ticket_type"] == "ADULT")
    refund = _refund(live, order, [child["ticket_id"]]).json()
    assert refund["amount_fen"] == child["price_fen"] < 13000
    after = {t["ticket_id"]: t["status"] for t in _get(live, order["order_no"])["tickets"]}
    assert after == {child["ticket_id"]: "refunded", adult["ticket_id"]: "valid"}


def test_dual_approval_two_different_people_never_the_requester(live):
    order = _sell(live, ("ADULT", 50), days=5)  # 500,000 fen at tier_72h: exactly the line
    q = _quote(live, order, _ids(order)).json()
    assert q["total_refund_fen"] == 500_000 and q["approvals_required"] == 2
    refund = _refund(live, order, _ids(order), who="supervisor").json()
    assert refund["status"] == "awaiting_approval"
    no = refund["refund_no"]
    assert "自己" in assert_error(_approve(live, no, "supervisor"), 403, "forbidden")
    assert_error(_approve(live, no, "clerk1"), 403, "forbidden")
    assert _get(live, order["order_no"])["status"] == "refunding"
    first = _approve(live, no, "finance")
    assert first.status_code == 200 and first.json()["status"] == "awaiting_approval"
    before = snapshot(live.db)
    assert "重复审批" in assert_error(_approve(live, no, "finance"), 403, "forbidden")
    assert snapshot(live.db) == before
    done = _approve(live, no, "admin")
    # Cash asked for at window 01: approved, the money still in the drawer until paid out.
    assert done.status_code == 200 and done.json()["status"] == "approved", done.text
    assert _get(live, order["order_no"])["refunded_fen"] == 0
    assert_error(_approve(live, no, "supervisor"), 409, "conflict")
    assert_error(_approve(live, "NOPE-R1", "supervisor"), 404, "not_found")


def test_just_under_dual_approval_needs_none(live):
    order = _sell(live, ("ADULT", 49), ("CHILD", 1), days=5)  # 495,000
    assert _refund(live, order, _ids(order)).json()["status"] == "succeeded"


def test_overrides(live):
    order = _sell(live, ("ADULT", 1), ("SPECIAL", 1), days=0)  # same day: 30 %
    adult, special = _ids(order)
    before = snapshot(live.db)
    ok = {"fee_bp": 0, "reason": "就医", "evidence_no": "YY-2026-001"}
    assert "凭证" in assert_error(_refund(live, order, [adult], override=ok | {"evidence_no": ""}),
                                  422, "validation_error")
    assert "原因" in assert_error(_refund(live, order, [adult], override=ok | {"reason": ""}),
                                  422, "validation_error")
    assert_error(_refund(live, order, [adult], override=ok | {"fee_bp": -1}), 422,
                 "validation_error")
    assert "特价票" in assert_error(_refund(live, order, [special], who="supervisor",
                                            override=ok), 422, "validation_error")
    assert snapshot(live.db) == before
    by_clerk = _refund(live, order, [adult], override=ok).json()
    assert by_clerk["status"] == "awaiting_approval" and by_clerk["amount_fen"] == 10000
    assert_error(_approve(live, by_clerk["refund_no"], "finance"), 403, "forbidden")
    assert _approve(live, by_clerk["refund_no"], "supervisor").json()["status"] == "approved"


def test_supervisor_override_waits_for_a_second_person(live):
    # DESIGN.md §14: a fee override needs a second person, also when a supervisor asks
    order = _sell(live, ("ADULT", 1), days=0)
    r = _refund(live, order, _ids(order), who="supervisor",
                override={"fee_bp": 1000, "reason": "景区设备故障", "evidence_no": "GZ-7"})
    assert r.json()["status"] == "awaiting_approval", r.text
    assert r.json()["fee_fen"] == 1000 and r.json()["amount_fen"] == 9000
    assert "自己" in assert_error(_approve(live, r.json()["refund_no"], "supervisor"), 403,
                                  "forbidden")
    assert _approve(live, r.json()["refund_no"], "admin").json()["status"] == "approved"


def test_force_majeure_rule_applies_to_special_and_is_named(live):
    order = _sell(live, ("SPECIAL", 1), ("ADULT", 1), days=0)
    assert_error(_refund(live, order, _ids(order, 1)), 422, "validation_error")  # special_late
    day = live.venue.local_date(live.clock())
    rule = live.url(f"/refund-rules/force-majeure/{day}")
    body = {"fee_bp": 0, "label": "暴雨闭园，全额退"}
    assert_error(requests.put(rule, json=body, headers=live.login("clerk1"), timeout=10), 403,
                 "forbidden")
    assert_error(requests.put(rule, json=body | {"fee_bp": 10001},
                              headers=live.login("supervisor"), timeout=10),
                 422, "validation_error")
    assert _quote(live, order, _ids(order, 1)).json()["tickets"][0]["rule"] == "special_late"
    set_ = requests.put(rule, json=body, headers=live.login("supervisor"), timeout=10)
    assert set_.status_code == 200 and set_.json()["set_by"] == "supervisor", set_.text
    # DESIGN.md §14: the rule waits for a second person before it applies
    assert set_.json()["status"] == "pending"
    assert _quote(live, order, _ids(order, 1)).json()["tickets"][0]["rule"] == "special_late"
    confirmed = requests.put(rule, json=body, headers=live.login("admin"), timeout=10)
    assert confirmed.json()["status"] == "active", confirmed.text
    listed = requests.get(live.url("/refund-rules/force-majeure"), headers=live.login("clerk1"),
                          timeout=10).json()["rules"]
    assert listed == [{"visit_date": day.isoformat(), "fee_bp": 0, "label": "暴雨闭园，全额退",
                       "set_by": "supervisor", "status": "active", "confirmed_by": "admin"}]
    q = _quote(live, order, _ids(order)).json()
    assert {t["rule"] for t in q["tickets"]} == {"force_majeure"}
    assert any("暴雨闭园" in reason for reason in q["reasons"])
    r = _refund(live, order, _ids(order)).json()
    assert r["status"] == "succeeded" and r["fee_fen"] == 0 and r["amount_fen"] == 16000


def test_high_risk_phone_with_ten_refunds_a_day(live):
    phone = "13800138000"
    statuses = []
    for _ in range(10):
        order = _sell(live, ("CHILD", 1), phone=phone)
        statuses.append(_refund(live, order, _ids(order)).json()["status"])
    assert statuses == ["succeeded"] * 9 + ["awaiting_approval"]
    q = _quote(live, _sell(live, ("CHILD", 1), phone=phone), [])
    assert_error(q, 422, "validation_error")


def test_order_older_than_90_days_needs_approval(live):
    order = _sell(live, ("ANNUAL", 1), days=0)
    with live.db.engine.begin() as conn:
        conn.execute(sa.update(Order).where(Order.order_no == order["order_no"]).values(
            created_at=live.clock() - timedelta(days=91)))
    live.clock.at += timedelta(days=1)  # a pass never expires by date
    q = _quote(live, order, _ids(order)).json()
    assert q["needs_approval"] and any("90" in reason for reason in q["reasons"])
    refund = _refund(live, order, _ids(order)).json()
    assert refund["status"] == "awaiting_approval"
    assert refund["amount_fen"] == 50000 - 7500


def test_same_key_replays_the_refund(live):
    order = _sell(live, ("ADULT", 2))
    first = _refund(live, order, _ids(order, 1), key="rf-1")
    assert first.status_code == 201
    before = snapshot(live.db)
    again = _refund(live, order, _ids(order, 1), key="rf-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert snapshot(live.db) == before
    assert_error(_refund(live, order, _ids(order)[1:], key="rf-1"), 422,
                 "idempotency_key_reused")
    no_key = requests.post(live.url(f"/orders/{order['order_no']}/refunds"), json={
        "ticket_ids": _ids(order), "method": "cash", "reason": "x"},
        headers=live.login("clerk1"), timeout=10)
    assert_error(no_key, 422, "validation_error")

"""The refund policy (DESIGN.md §5, §15) over real HTTP on SQLite and PostgreSQL: an admin sets
holidays, the dual-approval line and the payment fees; every quote and request after it uses
them; bad input is refused in Chinese with nothing written; every change is in the admin log
and in the changes feed the windows read."""

import uuid
from datetime import timedelta

import pytest
import requests
from conftest import assert_error, snapshot

DEFAULTS = {"holidays": [], "dual_approval_fen": 500_000,
            "payment_fee_bp": {"cash": 0, "wechat": 60, "alipay": 60, "ota": 0, "voucher": 0}}


def _policy(live, who="supervisor"):
    r = requests.get(live.url("/refund-policy"), headers=live.login(who, terminal=None),
                     timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def _put(live, body, who="admin"):
    return requests.put(live.url("/refund-policy"), json=body, timeout=10,
                        headers=live.login(who, terminal=None))


def _sell(live, *lines, days=0, method="cash"):
    day = live.venue.local_date(live.clock()) + timedelta(days=days)
    prices = {"ADULT": 10000, "CHILD": 5000}
    body = {"channel": "window", "visit_date": day.isoformat(),
            "lines": [{"ticket_type": c, "qty": q} for c, q in lines],
            "payment": {"method": method, "amount_fen": sum(prices[c] * q for c, q in lines)}}
    r = requests.post(live.url("/orders"), json=body, timeout=20,
                      headers=live.login("clerk1") | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    return r.json()


def _ids(order):
    return [t["ticket_id"] for t in order["tickets"]]


def _quote(live, order):
    r = requests.post(live.url(f"/orders/{order['order_no']}/refund-quote"),
                      json={"ticket_ids": _ids(order)}, headers=live.login("clerk1"),
                      timeout=20)
    assert r.status_code == 200, r.text
    return r.json()


def _refund(live, order, who="clerk1", method="cash"):
    r = requests.post(live.url(f"/orders/{order['order_no']}/refunds"), timeout=20,
                      json={"ticket_ids": _ids(order), "method": method, "reason": "行程变更"},
                      headers=live.login(who) | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    return r.json()


def _approve(live, refund_no, who):
    r = requests.post(live.url(f"/refunds/{refund_no}/approve"), json={}, timeout=20,
                      headers=live.login(who, terminal=None))
    assert r.status_code == 200, r.text
    return r.json()


def test_the_code_defaults_until_an_admin_sets_it_and_only_an_admin_may(live):
    assert _policy(live) == DEFAULTS | {"version": 0, "updated_at": None,
                                             "updated_by": None}
    r = requests.get(live.url("/refund-policy"), headers=live.login("clerk1"), timeout=10)
    assert_error(r, 403, "forbidden")
    assert_error(_put(live, {"dual_approval_fen": 1}, who="supervisor"), 403, "forbidden")
    assert _policy(live, who="finance")["version"] == 0


def test_a_holiday_rate_is_what_the_store_quotes_and_refunds_after_it(live):
    today = live.venue.local_date(live.clock())
    before_put = _sell(live, ("ADULT", 1))
    q = _quote(live, before_put)
    assert [t["rule"] for t in q["tickets"]] == ["same_day"] and q["total_refund_fen"] == 7000

    r = _put(live, {"holidays": [{"start": today.isoformat(),
                                  "end": (today + timedelta(days=6)).isoformat(),
                                  "same_day_fee_bp": 5000}]})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 1 and r.json()["updated_by"] == "user:admin"

    q = _quote(live, before_put)  # a request after the change: the holiday rate
    assert [(t["rule"], t["fee_bp"], t["fee_fen"]) for t in q["tickets"]] == [
        ("holiday_same_day", 5000, 5000)]
    refund = _refund(live, _sell(live, ("ADULT", 2)))
    assert (refund["status"], refund["fee_fen"], refund["amount_fen"]) == (
        "succeeded", 10000, 10000)
    tomorrow = _sell(live, ("ADULT", 1), days=1)  # not the same day: the tiers as before
    assert [t["rule"] for t in _quote(live, tomorrow)["tickets"]] == ["tier_1h"]


def test_payment_fees_follow_the_policy(live):
    order = _sell(live, ("ADULT", 1), days=5, method="wechat")
    assert _quote(live, order)["tickets"][0]["payment_fee_fen"] == 60
    r = _put(live, {"payment_fee_bp": {"wechat": 100}})
    assert r.status_code == 200, r.text
    assert r.json()["payment_fee_bp"] == DEFAULTS["payment_fee_bp"] | {"wechat": 100}
    q = _quote(live, order)
    assert q["tickets"][0]["payment_fee_fen"] == 100 and q["total_refund_fen"] == 9900


def test_a_raised_dual_approval_line_lets_a_refund_through_with_one_person(live):
    waiting = _sell(live, ("ADULT", 60), days=5)  # 600,000 fen at tier_72h
    assert _quote(live, waiting)["approvals_required"] == 2
    asked = _refund(live, waiting)
    assert asked["status"] == "awaiting_approval"

    assert _put(live, {"dual_approval_fen": 1_000_000}).status_code == 200

    later = _sell(live, ("ADULT", 60), days=5)
    assert _quote(live, later)["approvals_required"] == 0
    assert _refund(live, later)["status"] == "succeeded"
    # the request made before the change keeps the two approvals it was asked with
    assert _approve(live, asked["refund_no"], "supervisor")["status"] == "awaiting_approval"
    assert _approve(live, asked["refund_no"], "finance")["status"] == "approved"

    assert _put(live, {"dual_approval_fen": 10_000}).status_code == 200  # ¥100 now
    small = _sell(live, ("ADULT", 1), days=5)
    q = _quote(live, small)
    assert q["approval_roles"] == ["supervisor", "finance"]
    assert any("¥100.00" in reason for reason in q["reasons"]), q["reasons"]


@pytest.mark.parametrize(("body", "words"), [
    ({"holidays": [{"start": "2026-10-01", "end": "2026-10-07"},
                   {"start": "2026-10-07", "end": "2026-10-08"}]}, "重叠"),
    ({"holidays": [{"start": "2026-10-07", "end": "2026-10-01"}]}, "结束日期不能早于开始日期"),
    ({"holidays": [{"start": "2026-10-01", "end": "2026-10-07",
                    "same_day_fee_bp": 10001}]}, "0 到 10000"),
    ({"holidays": [{"start": "2026-10-01", "end": "2026-10-07",
                    "same_day_fee_bp": -1}]}, "0 到 10000"),
    ({"payment_fee_bp": {"wechat": 10001}}, "微信支付"),
    ({"payment_fee_bp": {"paypal": 60}}, "未知的支付方式"),
    ({"dual_approval_fen": -1}, "双人审批金额"),
    ({"dual_approval_fen": "500000"}, "整数"),
    ({"holidays": [{"start": "2026-02-30", "end": "2026-03-01"}]}, "日期"),
    ({"holidays": [], "zone": "UTC"}, "不认识的字段"),
])
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(live, body, words):
    good = {"holidays": [{"start": "2026-12-31", "end": "2027-01-02", "same_day_fee_bp": 4500}]}
    assert _put(live, good).status_code == 200
    kept, before = _policy(live), snapshot(live.db)
    message = assert_error(_put(live, body | {"dual_approval_fen": body.get(
        "dual_approval_fen", 700_000)}), 422, "validation_error")
    assert words in message, message
    assert snapshot(live.db) == before
    assert _policy(live) == kept


def test_an_edit_of_a_stale_version_is_refused(live):
    assert _put(live, {"dual_approval_fen": 600_000, "version": 0}).status_code == 200
    before = snapshot(live.db)
    r = _put(live, {"dual_approval_fen": 700_000, "version": 0})
    assert "已被他人修改" in assert_error(r, 409, "conflict")
    assert snapshot(live.db) == before and _policy(live)["dual_approval_fen"] == 600_000


def test_every_change_is_in_the_admin_log_and_the_feed(live):
    admin = live.login("admin", terminal=None)
    holiday = {"start": "2026-10-01", "end": "2026-10-07", "same_day_fee_bp": 4000}
    assert _put(live, {"holidays": [holiday]}).status_code == 200
    assert _put(live, {"holidays": [holiday], "dual_approval_fen": 800_000}).status_code == 200
    assert _put(live, {"dual_approval_fen": 800_000}).status_code == 200  # nothing changes

    r = requests.get(live.url("/admin/changes"), params={"entity": "refund_policy"},
                     headers=admin, timeout=10)
    assert r.status_code == 200, r.text
    second, first = r.json()["changes"]
    assert (first["actor"], first["key"], first["action"]) == (
        "user:admin", "refund_policy", "update")
    assert first["before"] == DEFAULTS and first["after"] == DEFAULTS | {"holidays": [holiday]}
    assert second["before"] == first["after"]
    assert second["after"] == first["after"] | {"dual_approval_fen": 800_000}
    assert _policy(live)["version"] == 2

    r = requests.get(live.url("/sync/changes"), params={"since": 0, "limit": 500},
                     headers=live.login("clerk1"), timeout=10)  # a window's clerk reads it
    policies = [c for c in r.json()["changes"] if c["entity"] == "policy"]
    assert [(c["id"], c["version"]) for c in policies] == [("refund_policy", 1),
                                                           ("refund_policy", 2)]
    assert policies[-1]["data"]["holidays"] == [holiday]
    assert policies[-1]["data"]["dual_approval_fen"] == 800_000

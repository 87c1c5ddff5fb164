"""The redemption anomalies end to end over HTTP (DESIGN.md §6): produced by gate scans and a
window's offline refund pushed by sync, fixed from the queue — manual redemption, locking an
order (its other tickets are refused at the gate), marking resolved with a note."""

import uuid

import pytest
import requests
from anomaly_kit import (
    channel_order,
    events,
    fixed,
    one_open,
    order_of,
    queue,
    refused,
    request_refund,
    scan,
)
from conftest import assert_error
from signed import SECRET
from test_server_sync import push, sale_op

from app.domain.timeline import iso_utc


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)


def test_redeem_failed_manual_redeem_lets_the_visitor_in(live):
    order = channel_order(live, "G1", paid=True, channel="ota_meituan")
    code = order["tickets"][0]["code"]
    assert scan(live, code, result="failed", reason="闸机卡住")["outcome"] == "failed"
    a = one_open(live, "redeem_failed", "MEITUAN-G1")
    assert a["fixes"] == ["manual_redeem", "mark_resolved"] and a["category"] == "redemption"
    body = fixed(live, a, "manual_redeem")
    t = body["order"]["tickets"][0]
    assert (t["status"], t["uses_left"], t["redeemed_by"]) == ("redeemed", 0, "user:supervisor")
    assert t["redeemed_at"] == iso_utc(live.clock())
    assert body["order"]["flags"] == ["partially_redeemed"]
    assert body["order"]["display_status"] == "paid"
    fixed_events = [e for e in events(live, "MEITUAN-G1") if e["actor"] == "user:supervisor"]
    assert [e["action"] for e in fixed_events] == ["ticket.redeemed", "anomaly.fixed"]
    assert fixed_events[0]["detail"]["manual"] is True
    assert scan(live, code)["outcome"] == "duplicate"  # the ticket is used now


def test_redeem_failed_after_the_gate_let_them_in_is_refused_then_marked(live):
    order = channel_order(live, "G2", paid=True, channel="ota_meituan")
    code = order["tickets"][0]["code"]
    scan(live, code, result="failed", reason="读码失败")
    a = one_open(live, "redeem_failed")
    assert scan(live, code, device="G2")["outcome"] == "valid"  # the next try worked
    assert "已核销" in refused(live, a["id"], "manual_redeem")
    assert_error(requests.post(live.url(f"/anomalies/{a['id']}/fix"),
                               json={"action": "mark_resolved"},
                               headers=live.login("supervisor", terminal=None), timeout=10),
                 422, "validation_error")
    body = fixed(live, a, "mark_resolved", note="游客已从 G2 入园")
    assert "游客已从 G2 入园" in body["anomaly"]["resolution"]
    assert body["order"]["tickets"][0]["redeemed_by"] == "G2"


def test_duplicate_redemption_lock_order_stops_its_other_tickets(live):
    order = channel_order(live, "DR1", paid=True, channel="ota_meituan")
    first, second = (t["code"] for t in order["tickets"])
    scan(live, first)
    assert scan(live, first, device="G2")["outcome"] == "duplicate"
    a = one_open(live, "duplicate_redemption", "MEITUAN-DR1")
    assert {d for d in (a["evidence"]["device_id"], a["evidence"]["first_redeemed_by"])} == {
        "G1", "G2"}
    body = fixed(live, a, "lock_order", note="疑似转借票码")
    assert body["order"]["tickets"][1]["status"] == "valid"
    refused_scan = scan(live, second)
    assert refused_scan["outcome"] == "invalid" and "锁定" in refused_scan["reason"]
    assert order_of(live, "MEITUAN-DR1")["tickets"][1]["status"] == "valid"
    locked = [e for e in events(live, "MEITUAN-DR1") if e["action"] == "order.locked"]
    assert locked[0]["detail"]["reason"] == "疑似转借票码"
    assert locked[0]["actor"] == "user:supervisor"
    # the used ticket is tried again: a new cause, a new anomaly (the fixed one stays fixed)
    assert scan(live, first, device="G3")["outcome"] == "duplicate"
    again = one_open(live, "duplicate_redemption", "MEITUAN-DR1")
    assert again["id"] != a["id"]


def test_duplicate_redemption_lock_refused_when_already_locked(live):
    order = channel_order(live, "DR2", paid=True, channel="ota_meituan")
    first, second = (t["code"] for t in order["tickets"])
    for code in (first, second):
        scan(live, code)
        scan(live, code, device="G2")
    a, b = _two(live, "MEITUAN-DR2")
    fixed(live, a, "lock_order")
    assert "锁定" in refused(live, b["id"], "lock_order")
    fixed(live, b, "mark_resolved", note="同一张订单，已锁定")


def _two(live, order_no):
    from anomaly_kit import queue

    found = [x for x in queue(live, kind="duplicate_redemption")["anomalies"]
             if x["order_no"] == order_no]
    assert len(found) == 2
    return found


def test_redeemed_after_refund_from_a_crossed_offline_refund(live):
    h = live.login("clerk1")
    day = live.venue.local_date(live.clock())
    sale = sale_op(day=day, qty=2)
    assert push(live, h, [sale])[0]["status"] == "applied"
    ticket = sale["payload"]["tickets"][0]
    assert scan(live, ticket["code"])["outcome"] == "valid"
    p = sale["payload"]
    refund = {"op_id": str(uuid.uuid4()), "seq": 2, "kind": "refund",
              "device_time": "2026-11-21T02:30:00Z", "payload": {
                  "order_no": p["order_no"], "order_id": p["order_id"],
                  "refund_id": str(uuid.uuid4()), "refund_no": f"{p['order_no']}-R1",
                  # the same-day quote (30% fee): more is a refund_mismatch (§14)
                  "ticket_ids": [ticket["ticket_id"]], "amount_fen": 7000, "fee_fen": 3000,
                  "payment_fee_fen": 0, "reason": "游客临时有事", "clerk": "clerk1",
                  "created_at": "2026-11-21T02:30:00Z"}}
    assert push(live, h, [refund])[0]["status"] == "applied"
    a = one_open(live, "redeemed_after_refund", p["order_no"])
    assert a["fixes"] == ["mark_resolved"]
    assert_error(requests.post(live.url(f"/anomalies/{a['id']}/fix"),
                               json={"action": "mark_resolved", "note": ""},
                               headers=live.login("supervisor", terminal=None), timeout=10),
                 422, "validation_error")
    version = order_of(live, p["order_no"])["version"]
    assert "订单已变更" in refused(live, a["id"], "mark_resolved", note="x",
                                  order_version=version + 5)
    body = fixed(live, a, "mark_resolved", note="已联系游客补交 ¥100")
    assert body["order"]["display_status"] == body["order"]["status"]


def test_redeemed_after_refund_from_an_offline_gate_upload(live):
    order = channel_order(live, "RA2", paid=True, channel="ota_meituan")
    request_refund(live, order, method="ota", tickets=[order["tickets"][0]["ticket_id"]],
                   who="supervisor")  # an OTA order: not a window clerk's (DESIGN.md §14)
    code = order["tickets"][0]["code"]
    assert scan(live, code, result="ok", at=live.clock())["outcome"] == "refunded"
    a = one_open(live, "redeemed_after_refund", "MEITUAN-RA2")
    fixed(live, a, "mark_resolved", note="OTA 退款已撤回")


def test_finance_sees_only_payment_and_refund_anomalies(live):
    order = channel_order(live, "FN2", paid=True, channel="ota_meituan")
    scan(live, order["tickets"][0]["code"], result="failed")  # a redemption anomaly
    a = one_open(live, "redeem_failed")
    assert queue(live)["counts"]["redemption"] == 1  # the supervisor sees it
    seen = queue(live, who="finance")
    assert seen["anomalies"] == [] and seen["counts"] == {"payment": 0, "refund": 0}
    assert queue(live, who="finance", category="redemption")["anomalies"] == []
    r = requests.get(live.url(f"/anomalies/{a['id']}"), headers=live.login("finance"),
                     timeout=10)
    assert assert_error(r, 403, "forbidden") == "财务只能查看支付和退款类异常"


def test_finance_may_not_fix_redemption_anomalies(live):
    order = channel_order(live, "FN1", paid=True, channel="ota_meituan")
    scan(live, order["tickets"][0]["code"], result="failed")
    a = one_open(live, "redeem_failed")
    msg = refused(live, a["id"], "manual_redeem", 403, "forbidden", who="finance")
    assert msg == "财务只能处理支付和退款类异常"
    for who in ("clerk1", "gate1"):
        r = requests.post(live.url(f"/anomalies/{a['id']}/fix"), json={"action": "mark_resolved",
                                                                        "note": "x"},
                          headers=live.login(who), timeout=10)
        assert assert_error(r, 403, "forbidden") == "只有主管及以上可以处理异常"
    fixed(live, a, "manual_redeem", who="admin")

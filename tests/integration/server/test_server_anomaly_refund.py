"""The refund anomalies end to end over HTTP (DESIGN.md §6): a wechat refund the sandbox
provider fails three times becomes `refund_failed` (retried now, or paid in cash instead);
a refund left unprocessed is pushed along its route. The store's own sweep is quiet here:
the tests sweep by hand at the store's clock."""

from datetime import timedelta

import requests
from anomaly_kit import (
    again_is_a_no_op,
    detect,
    events,
    fixed,
    one_open,
    order_of,
    queue,
    refused,
    request_refund,
    sold,
    sweep,
    window_sale,
)
from conftest import assert_error


def _failed_refund(live, qty=1):
    """A wechat refund the provider refused three times: its order and refund."""
    order = window_sale(live, qty=qty)
    refund = request_refund(live, order)
    live.provider.fail_all = True
    for wait in (timedelta(0), timedelta(minutes=1), timedelta(minutes=5)):
        live.clock.at += wait
        sweep(live)
    live.provider.fail_all = False
    assert order_of(live, order["order_no"])["refunds"][0]["status"] == "failed"
    return order, refund


def test_refund_failed_retry_refund_pays_it_out(quiet_live):
    live = quiet_live
    order, refund = _failed_refund(live, qty=2)
    a = one_open(live, "refund_failed", order["order_no"])
    assert a["fixes"] == ["retry_refund", "change_refund_method"]
    assert a["amount_fen"] == refund["amount_fen"] and queue(live)["counts"]["refund"] == 1
    before = sold(live, order["visit_date"])
    live.provider.fail_all = True  # still down: 502, nothing written, still open
    assert "退款失败" in refused(live, a["id"], "retry_refund", 502, "provider_failed")
    live.provider.fail_all = False
    body = fixed(live, a, "retry_refund")
    o = body["order"]
    assert [(r["refund_no"], r["status"]) for r in o["refunds"]] == [
        (refund["refund_no"], "succeeded")]
    assert {t["status"] for t in o["tickets"]} == {"refunded"} and o["status"] == "refunded"
    assert o["refunded_fen"] == refund["amount_fen"] and o["display_status"] == "refunded"
    assert sold(live, order["visit_date"]) == before - 2
    mine = [e["action"] for e in events(live, order["order_no"])
            if e["actor"] == "user:supervisor"]
    assert mine == ["refund.succeeded", "ticket.refunded", "ticket.refunded", "anomaly.fixed"]
    assert live.provider.calls[-1][1:] == (refund["refund_no"], refund["amount_fen"])


def test_refund_failed_changed_to_cash(quiet_live):
    live = quiet_live
    order, refund = _failed_refund(live)
    a = one_open(live, "refund_failed", order["order_no"])
    calls = len(live.provider.calls)
    r = requests.post(live.url(f"/anomalies/{a['id']}/fix"),
                      json={"action": "change_refund_method"},
                      headers=live.login("finance", terminal=None), timeout=10)
    assert assert_error(r, 422, "validation_error") == "请填写处理说明"
    version = order_of(live, order["order_no"])["version"]
    refused(live, a["id"], "change_refund_method", note="x", order_version=version - 1)
    body = fixed(live, a, "change_refund_method", note="游客到窗口领取现金", who="finance")
    o = body["order"]
    assert [(r["method"], r["status"]) for r in o["refunds"]] == [("cash", "succeeded")]
    assert o["status"] == "refunded" and o["refunded_fen"] == refund["amount_fen"]
    assert len(live.provider.calls) == calls  # no provider call: cash at the window
    changed = [e for e in events(live, order["order_no"])
               if e["action"] == "refund.method_changed"]
    assert changed[0]["detail"] == {"refund_no": refund["refund_no"], "from": "wechat",
                                    "to": "cash", "note": "游客到窗口领取现金"}


def test_refund_not_processed_process_refund_pays_it_now(quiet_live):
    live = quiet_live
    order = window_sale(live)
    refund = request_refund(live, order)  # processing: nobody has called the provider yet
    live.clock.at += timedelta(minutes=31)
    detect(live)
    a = one_open(live, "refund_not_processed", order["order_no"])
    assert a["evidence"]["refund_no"] == refund["refund_no"]
    assert a["evidence"]["status"] == "processing"
    body = fixed(live, a, "process_refund")
    assert body["order"]["refunds"][0]["status"] == "succeeded"
    assert body["order"]["status"] == "refunded"
    assert [c[1] for c in live.provider.calls] == [refund["refund_no"]]
    sweep(live)  # the sweep finds nothing left to pay, nothing to raise
    assert len(live.provider.calls) == 1
    assert queue(live, kind="refund_not_processed")["anomalies"] == []


def test_process_refund_gives_the_last_approval_only(quiet_live):
    live = quiet_live
    order = window_sale(live, qty=60)  # ¥6,000: supervisor + finance must approve
    refund = request_refund(live, order)
    assert refund["status"] == "awaiting_approval"
    live.clock.at += timedelta(minutes=31)
    detect(live)
    a = one_open(live, "refund_not_processed", order["order_no"])
    assert a["evidence"]["status"] == "awaiting_approval"
    message = refused(live, a["id"], "process_refund")
    assert "等待审批" in message and "财务" in message
    r = requests.post(live.url(f"/refunds/{refund['refund_no']}/approve"), json={},
                      headers=live.login("finance", terminal=None), timeout=10)
    assert r.status_code == 200 and r.json()["status"] == "awaiting_approval", r.text
    body = fixed(live, a, "process_refund")  # the supervisor's approval is the last one
    o = body["order"]
    assert o["refunds"][0]["status"] == "succeeded" and o["status"] == "refunded"
    approvals = [(x["by"], x["as"]) for x in o["refunds"][0]["approvals"]]
    assert approvals == [("finance", "finance"), ("supervisor", "supervisor")]
    mine = [e["action"] for e in events(live, order["order_no"])
            if e["actor"] == "user:supervisor"]
    assert mine[:2] == ["refund.approved", "refund.processing"]
    assert mine[-1] == "anomaly.fixed" and "refund.succeeded" in mine
    again_is_a_no_op(live, a["id"], "process_refund")

"""The payment anomalies end to end over HTTP (DESIGN.md §6): produced by signed provider
callbacks, seen in GET /anomalies, fixed with POST /anomalies/{id}/fix — the money and the
order end consistent, the timeline verifies, a second press answers "已处理", and a fix whose
precondition no longer holds is refused with 409 and writes nothing."""

from datetime import timedelta

import pytest
from anomaly_kit import (
    again_is_a_no_op,
    callback,
    channel_order,
    detect,
    events,
    fix,
    fixed,
    one_open,
    order_of,
    queue,
    refused,
    sold,
)
from conftest import assert_error, snapshot
from signed import SECRET

from app.services.refunds.refund_providers import PaymentQuery

ATTACH = {"channel": "miniprogram", "visit_date": "2026-11-23",
          "lines": [{"ticket_type": "ADULT", "qty": 1}, {"ticket_type": "CHILD", "qty": 1}],
          "customer": {"name": "李四", "phone": "13911112222"}}


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)


def learned(live, a, said):
    """查询支付结果 that finds the order unpaid: 200, the anomaly open with the answer in its
    evidence and `cancel_and_release` recommended, `payment.queried` on the timeline."""
    r = fix(live, a["id"], "query_payment")
    assert r.status_code == 200, r.text
    body = r.json()
    after = body["anomaly"]
    assert body["message"] == said and body["already_fixed"] is False
    assert (after["status"], after["version"]) == ("open", a["version"] + 1)
    assert after["fixes"] == ["cancel_and_release", "query_payment"]
    assert after["evidence"]["payment_query"]["answer"] == said
    assert [x["id"] for x in queue(live, kind=a["kind"])["anomalies"]] == [a["id"]]
    [e] = [e for e in events(live, a["order_no"]) if e["action"] == "payment.queried"]
    assert e["actor"] == "user:supervisor" and e["detail"]["answer"] == said
    return after


def test_paid_no_order_backfilled_from_the_attach(live):
    callback(live, "WX-1", "MP-GHOST1", 15000, attach=ATTACH)
    a = one_open(live, "paid_no_order")
    assert a["order_no"] is None and a["category"] == "payment" and a["amount_fen"] == 15000
    assert a["fixes"] == ["backfill_order", "refund_payment"]
    assert queue(live)["counts"]["payment"] == 1
    adult = sold(live, "2026-11-23")
    # the visit date passed meanwhile: refused, nothing written
    live.clock.at += timedelta(days=3)
    assert "游玩日期" in refused(live, a["id"], "backfill_order")
    live.clock.at -= timedelta(days=3)
    body = fixed(live, a, "backfill_order")
    order = body["order"]
    assert order["order_no"] == "MP-GHOST1" == body["anomaly"]["order_no"]
    assert (order["status"], order["display_status"], order["channel"]) == (
        "paid", "paid", "miniprogram")
    assert order["paid_fen"] == order["total_fen"] == 15000
    assert [t["ticket_type"] for t in order["tickets"]] == ["ADULT", "CHILD"]
    assert [(p["provider_txn_id"], p["status"]) for p in order["payments"]] == [
        ("WX-1", "succeeded")]
    # the fix answers the customer masked (DESIGN.md §14); the order has the full phone
    assert "phone" not in order["customer"]
    assert order["customer"]["phone_masked"] == "139****2222"
    assert order_of(live, "MP-GHOST1", reveal=True)["customer"]["phone"] == "13911112222"
    assert sold(live, "2026-11-23") == adult + 1
    actions = [(e["action"], e["actor"]) for e in events(live, "MP-GHOST1")]
    assert actions == [("order.created", "user:supervisor"),
                       ("payment.succeeded", "user:supervisor"),
                       ("anomaly.fixed", "user:supervisor"),
                       ("customer.revealed", "user:supervisor")]
    assert queue(live)["counts"]["payment"] == 0


def test_paid_no_order_without_attach_cannot_be_backfilled_so_it_is_refunded(live):
    callback(live, "ALI-7", "MP-NOWHERE", 8800, provider="alipay")
    a = one_open(live, "paid_no_order")
    assert "attach" in refused(live, a["id"], "backfill_order")
    body = fixed(live, a, "refund_payment")
    assert body["order"] is None and "¥88.00" in body["message"]
    refund = body["anomaly"]["evidence"]["refund"]
    assert refund["provider_refund_id"] == "SBX-PAY-ALIPAY-ALI-7-R1"
    assert live.provider.calls == [("ALI-7", "PAY-ALIPAY-ALI-7-R1", 8800)]


def test_money_after_cancel_backfills_a_new_order_and_leaves_the_cancelled_one(live):
    channel_order(live, "LATE1", paid=False)
    live.clock.at += timedelta(minutes=16)
    with live.db.session() as s:
        from app.services.sales import orders_expiry

        assert orders_expiry.expire_unpaid(s, now=live.clock()) == 1
    callback(live, "WX-LATE", "MP-LATE1", 20000)
    a = one_open(live, "paid_no_order", "MP-LATE1")
    day = order_of(live, "MP-LATE1")["visit_date"]
    before = sold(live, day)
    body = fixed(live, a, "backfill_order")
    new = body["order"]
    assert new["order_no"] == "MP-PAYWX-LATE" and new["status"] == "paid"
    assert new["paid_fen"] == 20000 and len(new["tickets"]) == 2
    old = order_of(live, "MP-LATE1")
    assert old["status"] == "cancelled" and old["paid_fen"] == 0 and old["open_anomalies"] == 0
    assert [p["provider_txn_id"] for p in new["payments"]] == ["WX-LATE"]
    assert sold(live, day) == before + 2
    assert [e["action"] for e in events(live, "MP-LATE1")][-2:] == [
        "payment.moved", "anomaly.fixed"]


def test_money_after_cancel_refunded_to_the_payer(live):
    channel_order(live, "LATE2", paid=False)
    live.clock.at += timedelta(minutes=16)
    with live.db.session() as s:
        from app.services.sales import orders_expiry

        orders_expiry.expire_unpaid(s, now=live.clock())
    callback(live, "WX-LATE2", "MP-LATE2", 20000)
    a = one_open(live, "paid_no_order", "MP-LATE2")
    body = fixed(live, a, "refund_payment", note="游客不再需要")
    order = body["order"]
    assert order["status"] == "cancelled"
    assert (order["paid_fen"], order["refunded_fen"]) == (20000, 20000)
    assert [r["status"] for r in order["refunds"]] == ["succeeded"]
    assert [p["status"] for p in order["payments"]] == ["refunded"]
    assert [e["action"] for e in events(live, "MP-LATE2")][-2:] == [
        "payment.refunded", "anomaly.fixed"]


def test_failure_callback_query_payment_finds_it_paid(live):
    channel_order(live, "F1", paid=False)
    callback(live, "WX-F1", "MP-F1", 20000, status="failed")
    a = one_open(live, "payment_failed_order_open", "MP-F1")
    # the provider has no success to report yet: its answer is kept, cancelling recommended
    a = learned(live, a, "微信支付答复：未支付（没有这笔支付），建议取消订单并释放库存")
    live.provider.set_payment("WX-F1", PaymentQuery("success", "WX-F1", 20000, live.clock()))
    body = fixed(live, a, "query_payment")
    order = body["order"]
    assert (order["status"], order["display_status"], order["paid_fen"]) == (
        "paid", "paid", 20000)
    assert [(p["payment_no"], p["status"]) for p in order["payments"]] == [
        ("MP-F1-P1", "succeeded")]
    assert [e["action"] for e in events(live, "MP-F1")][-2:] == [
        "payment.succeeded", "anomaly.fixed"]


def test_paying_for_ten_minutes_query_payment_then_the_late_callback_is_confirmed(live):
    channel_order(live, "P1", paid=False, paying="WX-P1")
    assert order_of(live, "MP-P1")["status"] == "paying"
    live.clock.at += timedelta(minutes=9)
    detect(live)
    assert queue(live, kind="payment_failed_order_open")["anomalies"] == []
    live.clock.at += timedelta(minutes=2)
    detect(live)
    a = one_open(live, "payment_failed_order_open", "MP-P1")
    assert a["evidence"]["provider_txn_id"] == "WX-P1" and a["amount_fen"] == 20000
    live.provider.set_payment("WX-P1", PaymentQuery("pending"))
    assert "仍未完成" in refused(live, a["id"], "query_payment")
    live.provider.set_payment("WX-P1", PaymentQuery("success", "WX-P1", 20000, live.clock()))
    body = fixed(live, a, "query_payment")
    order = body["order"]
    assert (order["status"], order["paid_fen"]) == ("paid", 20000)
    assert [(p["payment_no"], p["status"], p["provider_txn_id"]) for p in order["payments"]] == [
        ("MP-P1-P1", "succeeded", "WX-P1")]
    assert live.provider.queries[-1] == ("wechat", "MP-P1", "WX-P1")
    # the provider's own callback comes late: answered ok, nothing counted twice
    before = snapshot(live.db)["counts"]
    callback(live, "WX-P1", "MP-P1", 20000)
    after = snapshot(live.db)["counts"]
    assert after["received_requests"] == before["received_requests"] + 1
    assert {k: v for k, v in after.items() if k != "received_requests"} == {
        k: v for k, v in before.items() if k != "received_requests"}
    assert order_of(live, "MP-P1")["paid_fen"] == 20000


def test_paying_for_ten_minutes_cancel_and_release(live):
    order = channel_order(live, "P2", paid=False, paying="WX-P2")
    before = sold(live, order["visit_date"])
    live.clock.at += timedelta(minutes=11)
    detect(live)
    a = one_open(live, "payment_failed_order_open", "MP-P2")
    body = fixed(live, a, "cancel_and_release", note="游客放弃支付")
    assert body["order"]["status"] == "cancelled"
    assert sold(live, order["visit_date"]) == before - 2
    detect(live)  # a cancelled order is not paying any more: nothing new
    assert queue(live, kind="payment_failed_order_open")["anomalies"] == []


def test_failure_callback_cancel_and_release_gives_the_units_back(live):
    order = channel_order(live, "F2", paid=False)
    day = order["visit_date"]
    before = sold(live, day)
    callback(live, "WX-F2", "MP-F2", 20000, status="failed")
    a = one_open(live, "payment_failed_order_open", "MP-F2")
    body = fixed(live, a, "cancel_and_release")
    assert body["order"]["status"] == "cancelled"
    assert {t["status"] for t in body["order"]["tickets"]} == {"void"}
    assert sold(live, day) == before - 2
    assert live.provider.calls == []  # no money held: nothing to pay back


def test_cancel_and_release_refused_once_the_order_is_paid(live):
    channel_order(live, "F3", paid=False)
    callback(live, "WX-F3a", "MP-F3", 20000, status="failed")
    a = one_open(live, "payment_failed_order_open", "MP-F3")
    callback(live, "WX-F3b", "MP-F3", 20000)  # the payer tried again and it went through
    assert "已支付" in refused(live, a["id"], "cancel_and_release")
    assert "已支付" in refused(live, a["id"], "query_payment")
    body = fixed(live, a, "dismiss", note="游客第二次支付成功")
    assert body["order"]["status"] == "paid" and body["order"]["display_status"] == "paid"


def test_amount_mismatch_cancel_and_release_pays_the_money_back(live):
    order = channel_order(live, "M1", paid=False)
    before = sold(live, order["visit_date"])
    callback(live, "WX-M1", "MP-M1", 15000)
    a = one_open(live, "payment_failed_order_open", "MP-M1")
    live.provider.set_payment("WX-M1", PaymentQuery("success", "WX-M1", 15000, live.clock()))
    a = learned(live, a, "微信支付答复：实付 ¥150.00，与应付 ¥200.00 不符，建议取消订单并退款")
    body = fixed(live, a, "cancel_and_release")
    o = body["order"]
    assert o["status"] == "cancelled" and (o["paid_fen"], o["refunded_fen"]) == (15000, 15000)
    assert live.provider.calls == [("WX-M1", "MP-M1-R1", 15000)]
    assert sold(live, order["visit_date"]) == before - 2
    assert [e["action"] for e in events(live, "MP-M1")][-3:] == [
        "payment.refunded", "order.cancelled", "anomaly.fixed"]


def test_duplicate_payment_refunded_once(live):
    channel_order(live, "D1", paid=False)
    callback(live, "WX-D1a", "MP-D1", 20000)
    callback(live, "WX-D1b", "MP-D1", 20000)
    a = one_open(live, "duplicate_payment", "MP-D1")
    assert a["amount_fen"] == 20000 and order_of(live, "MP-D1")["display_status"] == "anomaly"
    version = order_of(live, "MP-D1")["version"]
    message = refused(live, a["id"], "refund_duplicate", order_version=version - 1)
    assert message == f"订单已变更（版本 {version - 1} → {version}），请刷新后再处理"
    r = fix(live, a["id"], "refund_duplicate", order_version=version)
    assert r.status_code == 200, r.text
    order = r.json()["order"]
    assert (order["status"], order["display_status"]) == ("paid", "paid")
    assert (order["paid_fen"], order["refunded_fen"]) == (40000, 20000)
    assert [(p["provider_txn_id"], p["status"]) for p in order["payments"]] == [
        ("WX-D1a", "succeeded"), ("WX-D1b", "refunded")]
    assert [(r["refund_no"], r["amount_fen"], r["ticket_ids"]) for r in order["refunds"]] == [
        ("MP-D1-R1", 20000, [])]
    assert {t["status"] for t in order["tickets"]} == {"valid"}
    assert live.provider.calls == [("WX-D1b", "MP-D1-R1", 20000)]
    refunded = [e for e in events(live, "MP-D1") if e["action"] == "payment.refunded"]
    assert refunded[0]["detail"]["provider_refund_id"] == "SBX-MP-D1-R1"
    again_is_a_no_op(live, a["id"], "refund_duplicate")
    assert len(live.provider.calls) == 1


def test_a_provider_refusal_is_502_and_the_anomaly_stays_open(live):
    channel_order(live, "D2", paid=False)
    callback(live, "WX-D2a", "MP-D2", 20000)
    callback(live, "WX-D2b", "MP-D2", 20000)
    a = one_open(live, "duplicate_payment", "MP-D2")
    live.provider.fail_all = True
    assert "退款失败" in refused(live, a["id"], "refund_duplicate", 502, "provider_failed")
    assert one_open(live, "duplicate_payment", "MP-D2")["id"] == a["id"]
    live.provider.fail_all = False
    fixed(live, a, "refund_duplicate")


def test_fix_requests_that_do_not_fit_are_422(live):
    callback(live, "WX-9", "MP-X9", 100)
    a = one_open(live, "paid_no_order")
    msg = assert_error(fix(live, a["id"], "manual_redeem"), 422, "validation_error")
    assert "manual_redeem" in msg
    assert_error(fix(live, a["id"], "dismiss"), 422, "validation_error")
    assert assert_error(fix(live, a["id"], "dismiss", note="  "), 422,
                        "validation_error") == "请填写处理说明"

"""A channel order placed while its visitor pays (`payment` in the body) over real HTTP on
SQLite and PostgreSQL: it is `paying`, the expiry leaves it alone, its callback settles the
started payment (one row per transaction), a failure reopens it, bad starts are refused."""

from datetime import timedelta

import pytest
import requests
from conftest import assert_error
from signed import SECRET, post_signed

from app.domain.timeline import iso_utc
from app.services.sales import orders_expiry


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)


def _place(live, external_id, txn, **extra):
    day = live.venue.local_date(live.clock()) + timedelta(days=1)
    return post_signed(live, "/channels/miniprogram/orders", {
        "external_id": external_id, "visit_date": day.isoformat(),
        "lines": [{"ticket_type": "ADULT", "qty": 1}], "amount_fen": 10000, "paid": False,
        "payment": {"provider": "wechat", "provider_txn_id": txn}} | extra)


def _callback(live, order_no, txn, status="success"):
    return post_signed(live, "/payments/wechat/callback", {
        "provider_txn_id": txn, "order_no": order_no, "amount_fen": 10000, "status": status,
        "paid_at": iso_utc(live.clock())})


def _order(live, order_no):
    return requests.get(live.url(f"/orders/{order_no}"), headers=live.login("supervisor"),
                        timeout=10).json()


def test_a_started_payment_makes_the_order_paying_until_its_callback(live):
    r = _place(live, "PAY1", "WXPAY0001")
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["status"] == "paying"
    assert [(p["status"], p["provider_txn_id"]) for p in order["payments"]] == [
        ("started", "WXPAY0001")]
    live.clock.at += timedelta(minutes=20)
    assert orders_expiry.expire_unpaid(live.db.session(), now=live.clock()) == 0
    assert _callback(live, order["order_no"], "WXPAY0001").status_code == 200
    paid = _order(live, order["order_no"])
    assert paid["status"] == "paid" and paid["paid_fen"] == 10000
    assert [(p["status"], p["provider_txn_id"]) for p in paid["payments"]] == [
        ("succeeded", "WXPAY0001")]


def test_a_failed_result_leaves_the_order_unpaid_and_flags_it(live):
    order = _place(live, "PAY2", "WXPAY0002").json()
    assert _callback(live, order["order_no"], "WXPAY0002", "failed").status_code == 200
    failed = _order(live, order["order_no"])
    assert failed["status"] == "pending_payment" and failed["display_status"] == "anomaly"
    assert failed["payments"][0]["status"] == "failed"


def test_bad_starts_are_refused(live):
    assert _place(live, "PAY3", "WXPAY0003").status_code == 201
    assert_error(_place(live, "PAY4", "WXPAY0003"), 422, "validation_error")  # txn taken
    assert_error(_place(live, "PAY5", "WXPAY0005", paid=True), 422, "validation_error")
    bad = _place(live, "PAY6", "WXPAY0006")
    assert bad.status_code == 201
    order = _place(live, "PAY3", "WXPAY0003").json()
    assert _callback(live, bad.json()["order_no"], "WXPAY0003").status_code == 422  # not its txn
    assert _order(live, order["order_no"])["status"] == "paying"
    r = post_signed(live, "/channels/miniprogram/orders", {
        "external_id": "PAY7", "visit_date": "2026-11-22",
        "lines": [{"ticket_type": "ADULT", "qty": 1}], "amount_fen": 10000, "paid": False,
        "payment": {"provider": "paypal", "provider_txn_id": "X1"}})
    assert_error(r, 422, "validation_error")

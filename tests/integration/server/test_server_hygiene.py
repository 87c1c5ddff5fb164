"""The store's own hygiene as an attacker finds it (DESIGN.md §14, issue 11 "Also"), over real
HTTP on SQLite and PostgreSQL: /health says ok only with its database, each webhook sender has
its own secret, and payment callbacks are keyed on (provider, transaction id)."""

import os

import pytest
import requests
import sqlalchemy as sa
from conftest import assert_error, snapshot
from signed import SECRET, post_signed

from app.store.models import Payment, ReceivedRequest

CTRIP, WECHAT = "ctrip-own-secret", "wechat-own-secret"


@pytest.fixture(autouse=True)
def _secrets(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET_OTA_CTRIP", CTRIP)
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET_WECHAT", WECHAT)


def _drop_database(live) -> None:
    """The database goes away under the running store."""
    url = live.db.engine.url
    live.db.engine.dispose()
    if live.db.dialect == "postgresql":
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{url.database}" WITH (FORCE)'))
        admin.dispose()
    else:
        os.replace(url.database, url.database + ".gone")
        for suffix in ("-wal", "-shm"):
            if os.path.exists(url.database + suffix):
                os.remove(url.database + suffix)


def test_health_is_503_when_the_database_is_gone(live):
    assert requests.get(live.url("/health"), timeout=10).json() == {"status": "ok"}
    _drop_database(live)
    r = requests.get(live.url("/health"), timeout=30)
    assert "数据库" in assert_error(r, 503, "unavailable")


def _order(live, external_id="X1"):
    return {"external_id": external_id,
            "visit_date": live.venue.local_date(live.clock()).isoformat(),
            "lines": [{"ticket_type": "ADULT", "qty": 1}], "customer": None,
            "amount_fen": 10000, "paid": False}


def _callback(txn, order_no, amount=10000):
    return {"provider_txn_id": txn, "order_no": order_no, "amount_fen": amount,
            "status": "success", "paid_at": "2026-11-21T02:01:00Z"}


def test_a_body_signed_with_another_senders_secret_is_refused(live):
    before = snapshot(live.db)
    for secret in (WECHAT, SECRET):  # wechat's own, and the shared one ctrip no longer uses
        r = post_signed(live, "/channels/ota_ctrip/orders", _order(live), secret=secret)
        assert_error(r, 401, "bad_signature")
    r = post_signed(live, "/payments/wechat/callback", _callback("T1", "CTRIP-X1"),
                    secret=CTRIP)
    assert_error(r, 401, "bad_signature")
    assert snapshot(live.db) == before
    r = post_signed(live, "/channels/ota_ctrip/orders", _order(live), secret=CTRIP)
    assert r.status_code == 201, r.text
    r = post_signed(live, "/channels/miniprogram/orders", _order(live, "M1"))  # shared
    assert r.status_code == 201, r.text
    assert post_signed(live, "/payments/wechat/callback", _callback("T1", "CTRIP-X1"),
                       secret=WECHAT).json() == {"ok": True}


def test_the_same_transaction_id_from_two_providers_is_two_payments(live):
    for ext in ("P1", "P2"):
        assert post_signed(live, "/channels/miniprogram/orders", _order(live, ext)
                           ).status_code == 201
    wechat = post_signed(live, "/payments/wechat/callback", _callback("4200001", "MP-P1"),
                         secret=WECHAT)
    alipay = post_signed(live, "/payments/alipay/callback", _callback("4200001", "MP-P2"))
    assert wechat.json() == alipay.json() == {"ok": True}, (wechat.text, alipay.text)
    before = snapshot(live.db)
    again = post_signed(live, "/payments/alipay/callback", _callback("4200001", "MP-P2"))
    assert again.json() == {"ok": True} and snapshot(live.db) == before  # a replay
    with live.db.session() as s:
        paid = s.execute(sa.select(Payment.provider, Payment.status).where(
            Payment.provider_txn_id == "4200001").order_by(Payment.provider)).all()
        keys = s.execute(sa.select(ReceivedRequest.key).where(
            ReceivedRequest.scope == "payment_callback").order_by(ReceivedRequest.key)
        ).scalars().all()
    assert [tuple(p) for p in paid] == [("alipay", "succeeded"), ("wechat", "succeeded")]
    assert keys == ["alipay:4200001", "wechat:4200001"]
    for no in ("MP-P1", "MP-P2"):
        order = requests.get(live.url(f"/orders/{no}"), headers=live.login("supervisor"),
                             timeout=10).json()
        assert order["status"] == "paid", order

"""POST /payments/{provider}/callback over real HTTP on SQLite and PostgreSQL: a signed
provider result takes effect once per provider_txn_id; money that settles no open order is
recorded and raises the right anomaly; the order's status and timeline follow."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa
from conftest import assert_error, snapshot
from signed import SECRET, post_signed

from app.services.sales import orders_expiry
from app.store.models import Anomaly, Payment


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)


def _order(live, external_id="M100", *, paid=False, lines=(("ADULT", 2),)):
    body = {"external_id": external_id,
            "visit_date": live.venue.local_date(live.clock()).isoformat(),
            "lines": [{"ticket_type": c, "qty": q} for c, q in lines],
            "customer": {"name": "王五", "phone": "13700001111", "id_no": None},
            "amount_fen": 20000, "paid": paid}
    r = post_signed(live, "/channels/miniprogram/orders", body)
    assert r.status_code == 201, r.text
    return r.json()


def _callback(live, txn="4200001", order_no="MP-M100", amount=20000, status="success",
              provider="wechat", **extra):
    body = {"provider_txn_id": txn, "order_no": order_no, "amount_fen": amount,
            "status": status, "paid_at": "2026-11-21T02:01:00Z"} | extra
    return body, provider


def _send(live, body_provider, **kw):
    body, provider = body_provider
    return post_signed(live, f"/payments/{provider}/callback", body, **kw)


def _ok(r):
    assert r.status_code == 200, r.text
    assert r.json() == {"ok": True}


def _get(live, order_no):
    r = requests.get(live.url(f"/orders/{order_no}"), headers=live.login("supervisor"),
                     timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def _events(live, order_no):
    r = requests.get(live.url(f"/orders/{order_no}/timeline"), headers=live.login("supervisor"),
                     timeout=10).json()
    assert r["verified"]
    return r["events"]


def _anomalies(live, kind=None):
    with live.db.session() as s:
        query = sa.select(Anomaly).order_by(Anomaly.detected_at)
        if kind:
            query = query.where(Anomaly.kind == kind)
        return s.execute(query).scalars().all()


def test_success_pays_the_pending_order(live):
    _order(live)
    _ok(_send(live, _callback(live)))
    order = _get(live, "MP-M100")
    assert order["status"] == "paid" and order["display_status"] == "paid"
    assert order["paid_fen"] == 20000
    [payment] = order["payments"]
    assert (payment["method"], payment["status"], payment["provider_txn_id"]) == (
        "wechat", "succeeded", "4200001")
    assert payment["payment_no"] == "MP-M100-P1"
    last = _events(live, "MP-M100")[-1]
    assert (last["action"], last["actor"], last["source"]) == (
        "payment.succeeded", "provider:wechat", "server")
    assert last["detail"]["provider_txn_id"] == "4200001"
    assert _anomalies(live) == []


def test_replay_is_ok_and_writes_nothing_other_content_is_refused(live):
    _order(live)
    _ok(_send(live, _callback(live)))
    before = snapshot(live.db)
    _ok(_send(live, _callback(live)))
    assert snapshot(live.db) == before
    assert_error(_send(live, _callback(live, amount=1)), 422, "idempotency_key_reused")
    # (the same id from another provider is another payment: test_server_hygiene)
    assert snapshot(live.db) == before


def test_success_for_no_known_order_keeps_the_money_and_raises_paid_no_order(live):
    attach = {"visit_date": "2026-11-22", "lines": [{"ticket_type": "ADULT", "qty": 1}]}
    _ok(_send(live, _callback(live, txn="ALI-9", order_no="MP-GHOST", amount=10000,
                              provider="alipay", attach=attach)))
    with live.db.session() as s:
        payment = s.execute(sa.select(Payment)).scalar_one()
        assert payment.order_id is None and payment.status == "succeeded"
        assert (payment.method, payment.amount_fen) == ("alipay", 10000)
    [anomaly] = _anomalies(live)
    assert (anomaly.kind, anomaly.category, anomaly.order_id, anomaly.order_no) == (
        "paid_no_order", "payment", None, None)
    assert anomaly.evidence["provider"] == "alipay"
    assert anomaly.evidence["provider_txn_id"] == "ALI-9"
    assert anomaly.evidence["amount_fen"] == 10000
    assert anomaly.evidence["attach"] == attach
    assert anomaly.evidence["order_no"] == "MP-GHOST"
    assert "MP-GHOST" in anomaly.reason and "支付宝" in anomaly.reason
    assert anomaly.fixes == ["backfill_order", "refund_payment"]


def test_second_success_is_a_duplicate_payment(live):
    _order(live)
    _ok(_send(live, _callback(live, txn="T1")))
    _ok(_send(live, _callback(live, txn="T2")))
    order = _get(live, "MP-M100")
    assert order["status"] == "paid" and order["display_status"] == "anomaly"
    assert order["paid_fen"] == 40000 and order["open_anomalies"] == 1
    assert [p["payment_no"] for p in order["payments"]] == ["MP-M100-P1", "MP-M100-P2"]
    [anomaly] = _anomalies(live)
    assert anomaly.kind == "duplicate_payment" and anomaly.order_no == "MP-M100"
    assert anomaly.evidence["earlier_payments"] == ["MP-M100-P1"]
    assert [e["action"] for e in _events(live, "MP-M100")][-2:] == [
        "payment.succeeded", "anomaly.detected"]


def test_channel_paid_order_then_a_callback_is_a_duplicate_too(live):
    _order(live, paid=True)
    _ok(_send(live, _callback(live, txn="T9")))
    assert [a.kind for a in _anomalies(live)] == ["duplicate_payment"]


def test_success_after_the_order_expired_is_kept_and_raises_paid_no_order(live):
    _order(live)
    with live.db.session() as s:
        assert orders_expiry.expire_unpaid(s, now=live.clock() + timedelta(minutes=15)) == 1
    live.clock.at += timedelta(minutes=16)
    _ok(_send(live, _callback(live, txn="LATE-1")))
    order = _get(live, "MP-M100")
    assert order["status"] == "cancelled" and order["display_status"] == "anomaly"
    assert {t["status"] for t in order["tickets"]} == {"void"}
    assert order["payments"][0]["status"] == "succeeded" and order["paid_fen"] == 20000
    [anomaly] = _anomalies(live)
    assert (anomaly.kind, anomaly.order_no) == ("paid_no_order", "MP-M100")
    assert anomaly.evidence["cancelled_order_no"] == "MP-M100"
    assert "已取消" in anomaly.reason
    actions = [e["action"] for e in _events(live, "MP-M100")]
    assert actions == ["order.created", "order.cancelled", "payment.succeeded",
                       "anomaly.detected"]


def test_failure_records_a_failed_payment_and_raises_payment_failed_order_open(live):
    _order(live)
    _ok(_send(live, _callback(live, txn="F1", status="failed")))
    order = _get(live, "MP-M100")
    assert order["status"] == "pending_payment" and order["display_status"] == "anomaly"
    assert order["payments"][0]["status"] == "failed" and order["paid_fen"] == 0
    [anomaly] = _anomalies(live)
    assert anomaly.kind == "payment_failed_order_open"
    assert anomaly.fixes == ["query_payment", "cancel_and_release"]
    last_two = _events(live, "MP-M100")[-2:]
    assert [(e["action"], e["actor"]) for e in last_two] == [
        ("payment.failed", "provider:wechat"), ("anomaly.detected", "system")]
    _ok(_send(live, _callback(live, txn="F2")))  # the visitor paid on the second try
    assert _get(live, "MP-M100")["status"] == "paid"


def test_wrong_amount_is_recorded_but_does_not_pay_the_order(live):
    _order(live)
    _ok(_send(live, _callback(live, txn="SHORT", amount=100)))
    order = _get(live, "MP-M100")
    assert order["status"] == "pending_payment" and order["paid_fen"] == 100
    [anomaly] = _anomalies(live)
    assert anomaly.kind == "payment_failed_order_open"
    assert anomaly.evidence["expected_fen"] == 20000
    with live.db.session() as s:  # the sweep never cancels an order holding money
        assert orders_expiry.expire_unpaid(s, now=live.clock() + timedelta(hours=1)) == 0


def test_failure_naming_no_order_is_recorded_without_anomaly(live):
    _ok(_send(live, _callback(live, txn="F-NONE", order_no="MP-NONE", status="failed")))
    assert _anomalies(live) == []
    with live.db.session() as s:
        assert s.execute(sa.select(Payment.status)).scalars().all() == ["failed"]


@pytest.mark.parametrize("signature", ["", "ab" * 32, "zz"])
def test_missing_or_forged_signature_is_401_and_writes_nothing(live, signature):
    _order(live)
    before = snapshot(live.db)
    assert_error(_send(live, _callback(live), signature=signature), 401, "bad_signature")
    assert_error(_send(live, _callback(live), secret="wrong"), 401, "bad_signature")
    assert snapshot(live.db) == before


BAD = [
    ("not json", dict(raw=b"{oops")),
    ("a string", dict(raw=b'"hi"')),
    ("amount as text", dict(amount_fen="20000")),
    ("negative amount", dict(amount_fen=-1)),
    ("huge amount", dict(amount_fen=10**20)),
    ("bad status", dict(status="maybe")),
    ("naive paid_at", dict(paid_at="2026-11-21T10:00:00")),
    ("paid_at garbage", dict(paid_at="yesterday")),
    ("missing txn", dict(provider_txn_id=None)),
    ("empty txn", dict(provider_txn_id="")),
    ("txn with spaces", dict(provider_txn_id="a b")),
    ("NUL in attach", dict(attach={"k": "a\x00"})),
    ("unknown field", dict(fee_fen=1)),
]


@pytest.mark.parametrize("case", [c[1] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_callbacks_are_422_and_write_nothing(live, case):
    _order(live)
    before = snapshot(live.db)
    if "raw" in case:
        r = post_signed(live, "/payments/wechat/callback", raw=case["raw"])
    else:
        body, provider = _callback(live)
        r = _send(live, ({k: v for k, v in (body | case).items() if v is not None}, provider))
    assert_error(r, 422, "validation_error")
    assert snapshot(live.db) == before


@pytest.mark.parametrize("provider", ["paypal", "cash", "ota"])
def test_unknown_provider_is_404_and_writes_nothing(live, provider):
    before = snapshot(live.db)
    assert_error(_send(live, _callback(live, provider=provider)), 404, "not_found")
    assert snapshot(live.db) == before


def test_racing_replays_of_one_transaction_pay_once(live):
    _order(live)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: _send(live, _callback(live, txn="RACE")), range(8)))
    for r in answers:
        _ok(r)
    order = _get(live, "MP-M100")
    assert len(order["payments"]) == 1 and order["paid_fen"] == 20000
    assert _anomalies(live) == []


def test_racing_different_transactions_make_one_payment_and_one_duplicate(live):
    _order(live)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda i: _send(live, _callback(live, txn=f"R{i}")), range(4)))
    for r in answers:
        _ok(r)
    order = _get(live, "MP-M100")
    assert order["status"] == "paid" and order["paid_fen"] == 80000
    assert len({p["payment_no"] for p in order["payments"]}) == 4
    assert sorted(a.kind for a in _anomalies(live)) == ["duplicate_payment"] * 3
    assert _events(live, "MP-M100")  # the chain still verifies


@pytest.mark.parametrize("paid_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_paid_at_with_no_utc_equivalent_is_422_not_500(live, paid_at):
    """Found by a boundary probe: a zoned time beyond datetime's range in UTC failed on
    storing, as a 500."""
    _order(live)
    before = snapshot(live.db)
    body, provider = _callback(live)
    assert_error(_send(live, (body | {"paid_at": paid_at}, provider)), 422, "validation_error")
    assert snapshot(live.db) == before

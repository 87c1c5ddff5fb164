"""The provider step of wechat/alipay refunds on SQLite and PostgreSQL (DESIGN.md §5, §6): the
store's sweep pays a `processing` refund out through the provider; failures are retried after
1 and 5 minutes, and the third failure leaves the refund `failed` with a `refund_failed`
anomaly on the order. The sweep runs here with the live store's clock, moved by hand."""

import uuid
from datetime import timedelta

import requests
import sqlalchemy as sa
from conftest import snapshot

from app.services.refunds.refund_processing import process_due
from app.services.refunds.refund_providers import SandboxProvider
from app.store.models import Anomaly
from server.app import sweep_tasks
from server.sweeper import Sweeper


def _sell(live, qty=1, days=5, method="wechat"):
    day = live.venue.local_date(live.clock()) + timedelta(days=days)
    body = {"channel": "window", "visit_date": day.isoformat(),
            "lines": [{"ticket_type": "ADULT", "qty": qty}],
            "payment": {"method": method, "amount_fen": 10000 * qty}}
    r = requests.post(live.url("/orders"), json=body, timeout=20,
                      headers=live.login("clerk1") | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    return r.json()


def _refund(live, order, method="wechat"):
    body = {"ticket_ids": [t["ticket_id"] for t in order["tickets"]], "method": method,
            "reason": "游客行程变更"}
    r = requests.post(live.url(f"/orders/{order['order_no']}/refunds"), json=body, timeout=20,
                      headers=live.login("clerk1") | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "processing"
    return r.json()


def _get(live, order_no):
    return requests.get(live.url(f"/orders/{order_no}"), headers=live.login("supervisor"),
                        timeout=10).json()


def _events(live, order_no):
    r = requests.get(live.url(f"/orders/{order_no}/timeline"), headers=live.login("supervisor"),
                     timeout=10)
    body = r.json()
    assert body["verified"] is True
    return body["events"]


def _sold(live, day):
    r = requests.get(live.url(f"/inventory?date={day}"), headers=live.login("clerk1"),
                     timeout=10)
    return {i["ticket_type"]: i["sold"] for i in r.json()["items"]}["ADULT"]


def _sweeper(live, provider):
    return Sweeper(live.db, live.clock, sweep_tasks(live.venue, provider))


def _process(live, provider):
    with live.db.session() as s:
        return process_due(s, provider, now=live.clock(), today=live.venue.local_date(
            live.clock()))


def test_wechat_refund_succeeds_on_the_next_sweep(live):
    order = _sell(live, qty=2)
    sold = _sold(live, order["visit_date"])
    refund = _refund(live, order)
    provider = SandboxProvider()
    live.clock.at += timedelta(seconds=30)
    _sweeper(live, provider).sweep_once()
    assert [c[1:] for c in provider.calls] == [(refund["refund_no"], refund["amount_fen"])]
    after = _get(live, order["order_no"])
    assert [r["status"] for r in after["refunds"]] == ["succeeded"]
    assert {t["status"] for t in after["tickets"]} == {"refunded"}
    assert after["refunded_fen"] == refund["amount_fen"]
    assert after["open_anomalies"] == 0
    assert _sold(live, order["visit_date"]) == sold - 2
    done = [e for e in _events(live, order["order_no"]) if e["action"] == "refund.succeeded"]
    assert len(done) == 1 and done[0]["actor"] == "provider:wechat"
    assert done[0]["detail"]["provider_refund_id"] == f"SBX-{refund['refund_no']}"
    # idempotent: a second sweep calls nobody and writes nothing
    before = snapshot(live.db)
    live.clock.at += timedelta(minutes=30)
    _sweeper(live, provider).sweep_once()
    assert len(provider.calls) == 1 and snapshot(live.db) == before


def test_three_failures_make_a_refund_failed_anomaly(live):
    order = _sell(live)
    refund = _refund(live, order)
    provider = SandboxProvider(fail_all=True)
    sweep = _sweeper(live, provider)
    sweep.sweep_once()  # attempt 1, at once
    assert len(provider.calls) == 1
    live.clock.at += timedelta(seconds=59)
    sweep.sweep_once()  # not due before 1 min
    assert len(provider.calls) == 1
    live.clock.at += timedelta(seconds=1)
    sweep.sweep_once()  # attempt 2
    assert len(provider.calls) == 2
    mid = _get(live, order["order_no"])
    assert mid["refunds"][0]["status"] == "processing" and mid["open_anomalies"] == 0
    live.clock.at += timedelta(minutes=4, seconds=59)
    sweep.sweep_once()  # not due before 5 min
    assert len(provider.calls) == 2
    live.clock.at += timedelta(seconds=1)
    sweep.sweep_once()  # attempt 3: the last
    assert len(provider.calls) == 3
    after = _get(live, order["order_no"])
    assert after["refunds"][0]["status"] == "failed"
    assert after["tickets"][0]["status"] == "refunding" and after["refunded_fen"] == 0
    assert after["display_status"] == "anomaly" and after["open_anomalies"] == 1
    events = _events(live, order["order_no"])
    tries = [e for e in events if e["action"] == "refund.failed_attempt"]
    assert [e["detail"]["attempt"] for e in tries] == [1, 2, 3]
    assert {e["actor"] for e in tries} == {"provider:wechat"}
    assert "next_attempt_at" not in tries[-1]["detail"]
    assert [e["action"] for e in events][-2:] == ["refund.failed", "anomaly.detected"]
    assert events[-1]["detail"]["kind"] == "refund_failed"
    with live.db.engine.connect() as conn:
        a = conn.execute(sa.select(Anomaly.__table__)).one()
    assert a.kind == "refund_failed" and a.category == "refund" and a.status == "open"
    assert list(a.fixes) == ["retry_refund", "change_refund_method"]
    assert refund["refund_no"] in a.reason and "失败 3 次" in a.reason
    # never retried again by the sweep
    before = snapshot(live.db)
    live.clock.at += timedelta(hours=2)
    sweep.sweep_once()
    after = snapshot(live.db)
    assert len(provider.calls) == 3 and after["stock"] == before["stock"]
    # nothing written but the open anomaly's priority growing with its age (feed rows)
    assert {k: n for k, n in after["counts"].items() if k != "change_log"} == {
        k: n for k, n in before["counts"].items() if k != "change_log"}


def test_a_failure_then_success(live):
    order = _sell(live, method="alipay")
    refund = _refund(live, order, method="alipay")
    provider = SandboxProvider({refund["refund_no"]: 1})
    assert _process(live, provider) == 1
    mid = _get(live, order["order_no"])
    assert mid["refunds"][0]["status"] == "processing"
    assert _process(live, provider) == 0  # not yet due
    live.clock.at += timedelta(minutes=1)
    assert _process(live, provider) == 1
    after = _get(live, order["order_no"])
    assert after["refunds"][0]["status"] == "succeeded"
    assert after["tickets"][0]["status"] == "refunded" and after["open_anomalies"] == 0
    assert after["refunded_fen"] == refund["amount_fen"]
    actions = [(e["action"], e["actor"]) for e in _events(live, order["order_no"])]
    assert ("refund.failed_attempt", "provider:alipay") in actions
    assert ("refund.succeeded", "provider:alipay") in actions


def test_a_raising_provider_counts_as_a_failed_attempt(live):
    class Down:
        def refund(self, **_kw):
            raise ConnectionError("连接超时")

    order = _sell(live)
    _refund(live, order)
    assert _process(live, Down()) == 1
    with live.db.engine.connect() as conn:
        row = conn.execute(sa.text("SELECT attempts, last_error, status FROM refunds")).one()
    assert row.attempts == 1 and "连接超时" in row.last_error and row.status == "processing"

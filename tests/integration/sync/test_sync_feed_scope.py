"""The feed is scoped by role (DESIGN §14), and a window keeps one cursor per scope: a
supervisor signing in at a clerk's window reads the anomalies the clerk's feed skipped,
instead of starting from the clerk's cursor and never seeing them."""

import hashlib
import hmac
import json

import requests

from sync import cache
from sync.engine import SyncEngine
from sync.transport import StoreClient

SECRET = "feed-scope-secret"


def _paid_no_order(live):
    body = json.dumps({"provider_txn_id": "WX-SCOPE-1", "order_no": "MP-NOBODY-1",
                       "amount_fen": 12300, "status": "success",
                       "paid_at": "2026-11-21T02:00:00Z"}).encode()
    sig = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    r = requests.post(live.url("/payments/wechat/callback"), data=body, timeout=20,
                      headers={"Content-Type": "application/json", "X-Menpiao-Signature": sig})
    assert r.status_code == 200, r.text


def _anomalies(window_db):
    with window_db.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT kind FROM anomalies").scalars().all()


def test_a_supervisor_at_a_clerks_window_reads_what_the_clerks_feed_skipped(
        live, make_window, client_clock, monkeypatch):
    monkeypatch.setenv("MENPIAO_WEBHOOK_SECRET", SECRET)
    window = make_window(live.base)
    _paid_no_order(live)
    window.engine.sync_once()  # the clerk's feed: past the anomaly, which it may not read
    assert _anomalies(window.db) == []
    assert cache.stream_for("clerk") == cache.STREAM
    clerk_cursor = cache.cursor(window.db.session())
    assert clerk_cursor != "0"

    supervisor = StoreClient(live.base, timeout=5)
    supervisor.login("supervisor", "supervisor", window.device_id, window.device_id)
    engine = SyncEngine(window.db, supervisor, device_id=window.device_id, clock=client_clock,
                        on_event=lambda _e: None, long_poll_wait=0,
                        stream=cache.stream_for("supervisor"))
    engine.sync_once()
    assert _anomalies(window.db) == ["paid_no_order"]
    assert cache.cursor(window.db.session()) == clerk_cursor  # the clerk's cursor untouched
    assert cache.cursor(window.db.session(), cache.WHOLE_FEED) != "0"

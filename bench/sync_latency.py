"""How long until a channel order is in a supervisor's client cache: an OTA order is POSTed
(signed) to the store on PostgreSQL while the client's sync engine long-polls the changes feed
(a supervisor's: a window's feed holds only its own orders, DESIGN.md §14); the clock
stops when the engine reports the order applied to its SQLite cache. Baseline in the same run:
the POST's own round trip. Aim: p95 under 1 s.

    python -m bench.sync_latency [ORDERS]
"""

import json
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import requests

from app.store.db import Database
from simulator.webhooks import signed_headers
from sync.engine import SyncEngine
from sync.transport import StoreClient

from .live_store import SECRET, Store, enroll, pg_database

ORDERS = 60
GAP_S = 0.15


def _p95(xs: list[float]) -> float:
    ordered = sorted(xs)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _client_cache(folder: Path, base: str) -> tuple[Database, SyncEngine, dict, threading.Event]:
    db = Database.open(f"sqlite:///{folder / 'client.sqlite3'}")
    client = StoreClient(base)
    # a supervisor's desk: a window's feed holds only its own orders (DESIGN.md §14)
    client.login("supervisor", "supervisor", "bench-office", enroll(base, "bench-office", None))
    seen: dict[str, float] = {}
    arrived = threading.Event()

    def on_event(event) -> None:
        if event.kind == "orders_changed":
            at = time.perf_counter()
            for oid in event.order_ids:
                seen.setdefault(oid, at)
            arrived.set()

    engine = SyncEngine(db, client, device_id="bench-office",
                        clock=lambda: datetime.now(UTC), on_event=on_event)
    return db, engine, seen, arrived


def run(n: int = ORDERS) -> dict:
    with pg_database() as url, Store(url) as store, \
            tempfile.TemporaryDirectory(prefix="menpiao-bench-") as d:
        db, engine, seen, _ = _client_cache(Path(d), store.base)
        engine.sync_once()  # the catalog and stock first
        engine.start()
        day = store.venue.local_date(store.clock()).isoformat()
        latencies, posts = [], []
        with requests.Session() as http:
            for i in range(n):
                body = json.dumps({
                    "external_id": f"B{uuid.uuid4().hex[:12]}", "visit_date": day,
                    "lines": [{"ticket_type": "ADULT", "qty": 2}],
                    "customer": {"name": "测试", "phone": "13800001234"},
                    "amount_fen": 20000, "paid": True}).encode()
                start = time.perf_counter()
                r = http.post(f"{store.base}/channels/ota_ctrip/orders", data=body,
                              headers=signed_headers(SECRET, body) | {
                                  "Content-Type": "application/json"}, timeout=30)
                posted = time.perf_counter()
                r.raise_for_status()
                order_id = r.json()["order_id"]
                deadline = posted + 10
                while order_id not in seen and time.perf_counter() < deadline:
                    time.sleep(0.002)
                if order_id in seen:
                    latencies.append(seen[order_id] - start)
                posts.append(posted - start)
                time.sleep(GAP_S if i % 2 else GAP_S / 3)
        engine.stop()
        db.dispose()
    lat_med, lat_p95 = statistics.median(latencies) * 1000, _p95(latencies) * 1000
    post_med, post_p95 = statistics.median(posts) * 1000, _p95(posts) * 1000
    result = {"orders": n, "arrived": len(latencies),
              "to_cache_median_ms": round(lat_med, 1), "to_cache_p95_ms": round(lat_p95, 1),
              "post_only_median_ms": round(post_med, 1), "post_only_p95_ms": round(post_p95, 1),
              "aim_p95_ms": 1000}
    print(f"channel order → supervisor client cache, {n} OTA orders, PostgreSQL store, long-poll")
    print(f"{'':28}{'median ms':>12}{'p95 ms':>10}")
    print(f"{'order in client cache':28}{lat_med:12.1f}{lat_p95:10.1f}")
    print(f"{'POST round trip (baseline)':28}{post_med:12.1f}{post_p95:10.1f}")
    print(f"arrived {len(latencies)}/{n}   (aim p95 < 1000 ms)")
    return result


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else ORDERS)

"""How long a window that sold offline needs to drain its outbox once the store is back:
10,000 sale ops waiting in the client's SQLite outbox are pushed by the sync engine to a store
on PostgreSQL (batches of 200). Baseline in the same run: the same number of ops pushed by a
bare HTTP loop (no outbox bookkeeping). Aim: under 20 s.

The day's ADULT capacity is raised first (`sync_push.make_room`) and each run checks that every
op took its units (`check_sold`): with the demo's capacity most of the ops would be oversold,
which is not what a drain is.

    python -m bench.sync_drain [OPS]
"""

import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

from app.services.journal import outbox
from app.store.db import Database
from sync.engine import SyncEngine
from sync.transport import StoreClient

from .live_store import Store, enroll, pg_database
from .sync_push import BATCH, check_sold, make_room, sale_ops

OPS = 10_000


def _fill(db: Database, ops: list[dict]) -> None:
    now = datetime.now(UTC)
    with db.session() as s, s.begin():
        for op in ops:
            outbox.append(s, "sale", op["payload"], now=now, op_id=op["op_id"])


def _engine_drain(n: int) -> tuple[float, int]:
    with pg_database() as url, Store(url) as store, \
            tempfile.TemporaryDirectory(prefix="menpiao-bench-") as d:
        db = Database.open(f"sqlite:///{Path(d) / 'client.sqlite3'}")
        day = store.venue.local_date(store.clock()).isoformat()
        sold = make_room(store.base, day)
        _fill(db, sale_ops(n, "01", day))
        client = StoreClient(store.base, timeout=120)
        client.login("clerk1", "clerk1", "bench-01", enroll(store.base, "bench-01", "01"))
        engine = SyncEngine(db, client, device_id="bench-01", clock=lambda: datetime.now(UTC),
                            on_event=lambda e: None)
        start = time.perf_counter()
        status = engine.sync_once()
        while status.pending and time.perf_counter() - start < 600:
            status = engine.sync_once()
        took = time.perf_counter() - start
        engine.stop()
        client.close()
        db.dispose()
        if not status.pending:
            check_sold(store.base, day, sold, 2 * n)
        return took, status.pending


def _bare_drain(n: int) -> float:
    with pg_database() as url, Store(url) as store:
        day = store.venue.local_date(store.clock()).isoformat()
        ops = sale_ops(n, "01", day)
        sold = make_room(store.base, day)
        r = requests.post(f"{store.base}/auth/login", json={
            "username": "clerk1", "password": "clerk1", "device_id": "bench-01",
            "device_secret": enroll(store.base, "bench-01", "01")}, timeout=10)
        headers = {"Authorization": f"Bearer {r.json()['token']}"}
        start = time.perf_counter()
        with requests.Session() as http:
            for i in range(0, n, BATCH):
                r = http.post(f"{store.base}/sync/push", json={"device_id": "bench-01",
                                                               "ops": ops[i:i + BATCH]},
                              headers=headers, timeout=120)
                r.raise_for_status()
                bad = [x for x in r.json()["results"] if x["status"] != "applied"]
                assert not bad, bad[:3]
        took = time.perf_counter() - start
        check_sold(store.base, day, sold, 2 * n)
        return took


def run(n: int = OPS) -> dict:
    took, left = _engine_drain(n)
    bare = _bare_drain(n)
    result = {"ops": n, "engine_drain_s": round(took, 2), "left_pending": left,
              "bare_http_push_s": round(bare, 2), "ratio": round(took / bare, 2),
              "engine_ops_per_s": round(n / took, 1), "aim_s": 20}
    print(f"drain {n} offline sale ops to a PostgreSQL store")
    print(f"  sync engine (outbox → push):   {took:8.2f} s  ({n / took:.0f} ops/s), "
          f"{left} left")
    print(f"  bare HTTP push loop baseline:  {bare:8.2f} s")
    print(f"  ratio:                         {took / bare:8.2f}x   (aim < 20 s)")
    return result


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else OPS)

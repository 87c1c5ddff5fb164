"""Where the store's write path spends its time: statements per op and a cProfile of
`POST /sync/push` (sale ops), `POST /orders` and `POST /orders/{no}/refunds` on PostgreSQL.

The app runs in-process under Starlette's TestClient with the thread pool made inline, so one
profiler sees the whole request (validation, auth, services, SQLAlchemy, psycopg); a
`before_cursor_execute` listener counts the statements each op sends. Not part of `make bench`
(it times nothing against an aim); run it by hand:

    python -m bench.write_profile [--profile] [OPS]
"""

import cProfile
import io
import pstats
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import anyio.to_thread
import sqlalchemy as sa
from fastapi.testclient import TestClient

from app.domain.venue import Venue
from app.services.admin import seeding
from app.store.db import Database
from server.app import create_app

from .live_store import pg_database
from .sync_push import sale_ops

SORT = "tottime"


async def _inline(func, *args, **_kw):  # the thread pool, made inline (one profiled thread)
    return func(*args)


class _Counted:
    """Statements the engine sends, by their first words."""

    def __init__(self, engine: sa.Engine) -> None:
        self.kinds: Counter[str] = Counter()
        sa.event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, conn, cursor, statement, params, context, executemany) -> None:
        words = statement.split()
        head = " ".join(words[:3]) if words and words[0] in ("INSERT", "UPDATE", "DELETE") \
            else " ".join(words[:1]) + " " + next((words[i + 1] for i, w in enumerate(words)
                                                   if w == "FROM" and i + 1 < len(words)), "")
        self.kinds[head] += 1

    def take(self) -> Counter[str]:
        out, self.kinds = self.kinds, Counter()
        return out


class _Profiled:
    """ASGI wrapper: the profiler runs while a request is served (when enabled)."""

    def __init__(self, app) -> None:
        self.app, self.prof = app, None

    async def __call__(self, scope, receive, send):
        if self.prof is None or scope["type"] != "http":
            return await self.app(scope, receive, send)
        self.prof.enable()
        try:
            return await self.app(scope, receive, send)
        finally:
            self.prof.disable()


def _login(http: TestClient, user: str, device: str | None, terminal: str | None,
           admin: dict[str, str]) -> dict[str, str]:
    body = {"username": user, "password": user}
    if device:
        http.put(f"/api/v1/devices/window-{terminal}", json={"active": False}, headers=admin)
        r = http.post("/api/v1/devices", json={"device_id": device, "kind": "window",
                                                "terminal": terminal}, headers=admin)
        body |= {"device_id": device, "device_secret": r.json()["device_secret"]}
    r = http.post("/api/v1/auth/login", json=body)
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _report(name: str, n: int, seconds: float, kinds: Counter[str],
            prof: cProfile.Profile | None) -> dict:
    total = sum(kinds.values())
    print(f"\n-- {name}: {n} ops, {seconds:.2f} s ({n / seconds:.0f}/s in-process), "
          f"{total / n:.1f} statements per op")
    for head, k in kinds.most_common(40):
        print(f"   {k / n:6.2f}  {head}")
    if prof is not None:
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats(SORT).print_stats(45)
        print(out.getvalue())
    return {"per_s": round(n / seconds, 1), "statements_per_op": round(total / n, 2)}


def run(n: int = 400, profile: bool = False) -> dict:
    anyio.to_thread.run_sync = _inline  # type: ignore[assignment]
    results = {}
    with pg_database() as url:
        db = Database.open(url)
        now = datetime.now(UTC)
        venue = Venue()
        app = create_app(db, clock=lambda: datetime.now(UTC), webhook_secret="x", venue=venue)
        seeding.seed_demo(db.session(), now=now, venue=venue)
        wrapped = _Profiled(app)
        counted = _Counted(db.engine)
        with TestClient(wrapped) as http:
            r = http.post("/api/v1/auth/login", json={"username": "admin", "password": "admin"})
            admin = {"Authorization": f"Bearer {r.json()['token']}"}
            clerk = _login(http, "clerk1", "bench-01", "01", admin)
            day = venue.local_date(now).isoformat()

            def push(ops: list[dict]) -> None:
                for i in range(0, len(ops), 200):
                    r = http.post("/api/v1/sync/push", json={"device_id": "bench-01",
                                                              "ops": ops[i:i + 200]},
                                  headers=clerk)
                    bad = [x for x in r.json()["results"] if x["status"] != "applied"]
                    assert r.status_code == 200 and not bad, (r.text[:300], bad[:2])

            ops = sale_ops(50 + n, "01", day)
            push(ops[:50])  # warm-up
            counted.take()
            wrapped.prof = cProfile.Profile() if profile else None
            t0 = time.perf_counter()
            push(ops[50:])
            results["push"] = _report("POST /sync/push (sale ops, 2 adults)", n,
                                      time.perf_counter() - t0, counted.take(), wrapped.prof)

            visit = (now + timedelta(days=5)).date().isoformat()
            http.put(f"/api/v1/inventory/{visit}/ADULT", json={"capacity": 5000}, headers=admin)

            def sell() -> dict:
                r = http.post("/api/v1/orders", json={
                    "channel": "window", "visit_date": visit,
                    "lines": [{"ticket_type": "ADULT", "qty": 1}],
                    "payment": {"method": "cash", "amount_fen": 10000, "tendered_fen": 10000}},
                    headers=clerk | {"Idempotency-Key": str(uuid.uuid4())})
                assert r.status_code == 201, r.text
                return r.json()

            for _ in range(20):
                sell()
            counted.take()
            wrapped.prof = cProfile.Profile() if profile else None
            t0 = time.perf_counter()
            orders = [sell() for _ in range(n)]
            results["orders"] = _report("POST /orders (1 adult, cash)", n,
                                        time.perf_counter() - t0, counted.take(), wrapped.prof)
            wrapped.prof = None

            def refund(order: dict) -> None:
                r = http.post(f"/api/v1/orders/{order['order_no']}/refunds",
                              json={"ticket_ids": [t["ticket_id"] for t in order["tickets"]],
                                    "method": "cash", "reason": "bench"},
                              headers=clerk | {"Idempotency-Key": str(uuid.uuid4())})
                assert r.status_code == 201 and r.json()["status"] == "succeeded", r.text

            for o in orders[:20]:
                refund(o)
            counted.take()
            wrapped.prof = cProfile.Profile() if profile else None
            t0 = time.perf_counter()
            for o in orders[20:]:
                refund(o)
            results["refunds"] = _report("POST /orders/{no}/refunds (cash)", n - 20,
                                         time.perf_counter() - t0, counted.take(), wrapped.prof)
        db.dispose()
    return results


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    print(run(int(args[0]) if args else 400, profile="--profile" in sys.argv))

"""How long a window sale takes to commit: `app.services.sales.selling.sell` (2 adults, cash) on a
SQLite file with the real pragmas (WAL, synchronous=FULL), beside a baseline that writes the
same rows with raw sqlite3 in one transaction on the same schema. Target: sell <= 3x baseline.

    python -m bench.sale_commit [N]
"""

import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.domain.venue import Venue
from app.services.admin import seeding
from app.services.sales import selling
from app.store.db import SQLITE_PRAGMAS, Database

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
SALES = 300
WARMUP = 20
TARGET_RATIO = 3.0


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p99 * 1000


class _Seller:
    """`sell` on its own SQLite file, as the window runs it."""

    def __init__(self, folder: Path, capacity: int) -> None:
        self.db = Database.open(f"sqlite:///{folder / 'sell.sqlite3'}")
        self.venue = Venue()
        seeding.seed_catalog(self.db.session(), now=NOW, venue=self.venue, capacity=capacity)
        self.request = selling.SaleRequest("01", "clerk1", "bench", self.venue.local_date(NOW),
                                           (selling.SaleLine("ADULT", 2),), 20000)

    def sale(self, i: int) -> float:
        now = NOW + timedelta(milliseconds=i)
        start = time.perf_counter()
        selling.sell(self.db.session(), self.request, now=now, venue=self.venue)
        return time.perf_counter() - start

    def payloads(self) -> dict[str, str]:
        """The JSON texts one real sale stored, for the baseline to write the same bytes."""
        with self.db.engine.connect() as conn:
            q = lambda sql: conn.exec_driver_sql(sql).scalar()  # noqa: E731
            return {"sale": q("SELECT payload FROM outbox ORDER BY seq DESC LIMIT 1"),
                    "ticket": q("SELECT payload FROM print_jobs WHERE kind = 'ticket' LIMIT 1"),
                    "receipt": q("SELECT payload FROM print_jobs WHERE kind = 'receipt' LIMIT 1"),
                    "created": q("SELECT detail FROM timeline_events WHERE seq = 1 LIMIT 1"),
                    "paid": q("SELECT detail FROM timeline_events WHERE seq = 2 LIMIT 1")}


def _baseline_rows(conn: sqlite3.Connection, i: int, day: str, at: str,
                   p: dict[str, str]) -> None:
    """Exactly the rows a sale writes, with the same JSON texts, by hand."""
    oid, no = str(uuid.uuid4()), f"W99-20261121-{i + 1:04d}"
    conn.execute("UPDATE inventory SET sold = sold + 2, version = version + 1, updated_at = ? "
                 "WHERE ticket_type = 'ADULT' AND visit_date = ? "
                 "AND sold + held + 2 <= capacity", (at, day))
    conn.execute("INSERT INTO orders (order_id, order_no, channel, terminal, clerk, device_id, "
                 "visit_date, status, payment_state, cancelled, total_fen, paid_fen, "
                 "refunded_fen, receipt_reprint_count, created_at, updated_at, version) "
                 "VALUES (?,?,'window','01','clerk1','bench',?,'paid','paid',0,20000,20000,0,0,"
                 "?,?,1)", (oid, no, day, at, at))
    conn.executemany(
        "INSERT INTO tickets (ticket_id, order_id, position, code, ticket_type, sold_as, name, "
        "kind, price_fen, list_price_fen, status, uses_total, uses_left, reprint_count, "
        "updated_at, version) VALUES (?,?,?,?,'ADULT','ADULT','成人票','regular',10000,10000,"
        "'valid',1,1,0,?,1)",
        [(str(uuid.uuid4()), oid, n, f"MP1-{uuid.uuid4().hex[:26].upper()}", at)
         for n in (1, 2)])
    conn.execute("INSERT INTO payments (payment_id, payment_no, order_id, method, amount_fen, "
                 "tendered_fen, change_fen, status, at) VALUES (?,?,?,'cash',20000,20000,0,"
                 "'succeeded',?)", (str(uuid.uuid4()), no + "-P1", oid, at))
    conn.executemany(
        "INSERT INTO timeline_events (order_id, seq, at, actor, action, detail, source, "
        "prev_hash, hash) VALUES (?,?,?,'user:clerk1',?,?,'window',?,?)",
        [(oid, s, at, a, p[k], "0" * 64, "f" * 64)
         for s, a, k in ((1, "order.created", "created"), (2, "payment.succeeded", "paid"))])
    conn.execute("INSERT INTO outbox (op_id, seq, kind, payload, payload_sha256, device_time, "
                 "state, attempts) VALUES (?,?,'sale',?,?,?,'pending',0)",
                 (str(uuid.uuid4()), i + 1, p["sale"], "e" * 64, at))
    conn.executemany(
        "INSERT INTO print_jobs (id, kind, payload, order_no, status, attempts, created_at, "
        "updated_at) VALUES (?,?,?,?,'pending',0,?,?)",
        [(str(uuid.uuid4()), k, p[k], no, at, at) for k in ("ticket", "ticket", "receipt")])


class _Baseline:
    """The same rows written by hand with raw sqlite3: no ORM, no counters, no catalog read."""

    def __init__(self, folder: Path, capacity: int, payloads: dict[str, str]) -> None:
        path = folder / "raw.sqlite3"
        db = Database.open(f"sqlite:///{path}")  # the same schema and indexes
        seeding.seed_catalog(db.session(), now=NOW, venue=Venue(), capacity=capacity)
        db.dispose()
        self.conn = sqlite3.connect(path, isolation_level=None)
        for pragma in SQLITE_PRAGMAS:
            self.conn.execute(pragma)
        self.p = payloads

    def sale(self, i: int) -> float:
        at = (NOW + timedelta(milliseconds=i)).replace(tzinfo=None).isoformat(" ")
        start = time.perf_counter()
        self.conn.execute("BEGIN IMMEDIATE")
        _baseline_rows(self.conn, i, "2026-11-21", at, self.p)
        self.conn.execute("COMMIT")
        return time.perf_counter() - start


def run(n: int = SALES) -> dict:
    """Measure both, interleaved sale by sale so that both see the same machine noise, and
    print a small table; returns the numbers (milliseconds)."""
    capacity = 10 * (n + WARMUP)
    with tempfile.TemporaryDirectory(prefix="menpiao-bench-", dir=Path(__file__).parent) as d:
        seller = _Seller(Path(d), capacity)
        for i in range(WARMUP):
            seller.sale(i)
        baseline = _Baseline(Path(d), capacity, seller.payloads())
        for i in range(WARMUP):
            baseline.sale(i)
        sells, raws = [], []
        for i in range(WARMUP, WARMUP + n):
            pair = (seller, baseline) if i % 2 else (baseline, seller)
            for side in pair:
                (sells if side is seller else raws).append(side.sale(i))
        baseline.conn.close()
        seller.db.dispose()
    sell_med, sell_p99 = _stats(sells)
    base_med, base_p99 = _stats(raws)
    result = {
        "sales": n, "sell_median_ms": round(sell_med, 3), "sell_p99_ms": round(sell_p99, 3),
        "baseline_median_ms": round(base_med, 3), "baseline_p99_ms": round(base_p99, 3),
        "ratio_median": round(sell_med / base_med, 2), "ratio_p99": round(sell_p99 / base_p99, 2),
        "target_ratio": TARGET_RATIO,
    }
    print(f"sale commit, {n} sales of 2 adults, SQLite WAL synchronous=FULL")
    print(f"{'':24}{'median ms':>12}{'p99 ms':>10}")
    print(f"{'sell() (services)':24}{sell_med:12.2f}{sell_p99:10.2f}")
    print(f"{'raw sqlite3 baseline':24}{base_med:12.2f}{base_p99:10.2f}")
    print(f"{'ratio':24}{result['ratio_median']:12.2f}{result['ratio_p99']:10.2f}"
          f"   (target <= {TARGET_RATIO:g}x)")
    return result


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else SALES)

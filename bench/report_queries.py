"""The dashboard, KPI and day-close reads over 1,000,000 orders on PostgreSQL (the store of
`order_seed`, shared with `order_search` in one run), through the real services:

- `day_report_today`: `day_report` of today (the 数据看板's first screen);
- `day_report_close_day`: `day_report` of yesterday, the busy day of 50,000 orders;
- `kpis_7d` / `kpis_30d`: `kpis` of the last 7 / 30 days (the KPI strip's periods);
- `kpis_366d`: the longest period the service takes — most of the million orders;
- `day_close`: `day_close` of the 50,000-order day (windows and shifts, methods, channels,
  totals, discrepancies), computed as of now;
- `*_jit_off`: the day close and the year's KPIs again on connections with PostgreSQL's JIT
  off (`-c jit=off`): these queries cost enough to trigger JIT compilation, which takes
  longer than it saves here. Since the store turns JIT off on every connection
  (`app.store.db.PG_OPTIONS`) these equal `day_close` / `kpis_366d`: kept as a check;
- baselines: `SELECT sum(amount_fen)` of the day's payments (`baseline_sum_day`) and of the
  whole table (`baseline_sum_all`), plain aggregates on the same database.

Aims: the dashboard and KPI reads ≤ 200 ms, the day close ≤ 2 s (medians of `RUNS`).

    python -m bench.report_queries [ORDERS]      (MENPIAO_BENCH_ORDERS also sets it)
"""

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.services.reports.day_close import day_close
from app.services.reports.day_report import day_report
from app.services.reports.kpi_report import kpis
from app.store.db import Database, create_engine

from .order_seed import ORDERS, Seeded, seeded

RUNS = 7
AIM_MS = {"day_report_today": 200.0, "day_report_close_day": 200.0, "kpis_7d": 200.0,
          "kpis_30d": 200.0, "day_close": 2000.0}


def _timed(fn: Callable[[], object], runs: int) -> dict[str, float]:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(times[-1], 1)}


def _reads(seed: Seeded) -> dict[str, Callable[[], object]]:
    db, venue, now = seed.db, seed.venue, seed.now
    today, close_day = seed.today.isoformat(), seed.close_day.isoformat()

    def since(days: int) -> str:
        return (seed.today - timedelta(days=days - 1)).isoformat()

    return {
        "day_report_today": lambda: day_report(db.session(), today, now=now, venue=venue),
        "day_report_close_day": lambda: day_report(db.session(), close_day, now=now,
                                                   venue=venue),
        "kpis_7d": lambda: kpis(db.session(), since(7), today, venue=venue),
        "kpis_30d": lambda: kpis(db.session(), since(30), today, venue=venue),
        "kpis_366d": lambda: kpis(db.session(), since(366), today, venue=venue),
        "day_close": lambda: day_close(db.session(), close_day, now=now, venue=venue),
    }


def _jit_off(seed: Seeded) -> tuple[Database, dict[str, Callable[[], object]]]:
    url = seed.db.engine.url.render_as_string(hide_password=False)
    db = Database(create_engine(url, connect_args={"options": "-c jit=off"}))
    venue, now, today = seed.venue, seed.now, seed.today.isoformat()
    year = (seed.today - timedelta(days=365)).isoformat()
    return db, {
        "day_close_jit_off": lambda: day_close(db.session(), seed.close_day.isoformat(),
                                               now=now, venue=venue),
        "kpis_366d_jit_off": lambda: kpis(db.session(), year, today, venue=venue)}


def _baselines(seed: Seeded) -> dict[str, Callable[[], object]]:
    start = datetime.combine(seed.close_day, datetime.min.time(), seed.venue.tz).astimezone(UTC)

    def day_sum() -> object:
        with seed.db.engine.connect() as conn:
            return conn.execute(sa.text(
                "SELECT sum(amount_fen) FROM payments WHERE at >= :a AND at < :b"),
                {"a": start, "b": start + timedelta(days=1)}).scalar()

    def all_sum() -> object:
        with seed.db.engine.connect() as conn:
            return conn.execute(sa.text("SELECT sum(amount_fen) FROM payments")).scalar()

    return {"baseline_sum_day": day_sum, "baseline_sum_all": all_sum}


def run(n: int | None = None, runs: int = RUNS) -> dict:
    n = n or int(os.environ.get("MENPIAO_BENCH_ORDERS", ORDERS))
    seed = seeded(n)
    closing = day_close(seed.db.session(), seed.close_day.isoformat(), now=seed.now,
                        venue=seed.venue)
    result: dict = {"orders": n, "load_s": round(seed.load_s, 1), "runs": runs,
                    "close_day_paid_fen": closing["totals"]["paid_fen"],
                    "close_day_discrepancies": len(closing["discrepancies"])}
    jit_db, jit_off = _jit_off(seed)
    for name, fn in (_reads(seed) | jit_off | _baselines(seed)).items():
        result[name] = _timed(fn, runs)
        if name in AIM_MS:
            result[name]["aim_ms"] = AIM_MS[name]
    jit_db.dispose()
    result["within_aim"] = all(result[k]["median_ms"] <= v for k, v in AIM_MS.items())
    _print(result)
    return result


def _print(r: dict) -> None:
    print(f"reports over {r['orders']} orders on PostgreSQL (medians of {r['runs']} runs); "
          f"the close day: {r['close_day_discrepancies']} discrepancies")
    for name, v in r.items():
        if isinstance(v, dict) and "median_ms" in v:
            aim = f"(aim ≤ {v['aim_ms']:.0f} ms)" if "aim_ms" in v else ""
            print(f"  {name:22} {v['median_ms']:9.1f} ms  max {v['max_ms']:9.1f} ms  {aim}")
    print(f"  aims {'met' if r['within_aim'] else 'NOT met'}")


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else None), indent=2,
                     ensure_ascii=False))

"""Order search (`GET /orders`, `lookup.search.search_orders`) over 1,000,000 orders on
PostgreSQL, beside a plain indexed lookup, in the same run and database (`order_seed`).

Each search goes through the real service (request text → `filters_from_params` →
`search_orders`, one page of 50 as masked Order JSON, a session per search as in the server),
with different values each time, the kinds interleaved:

- `today_meituan_anomaly`: 今日 + 美团 + 异常 (created today, ota_meituan, an open anomaly);
- `phone_tail4` / `phone_tail6`: the last 4 / 6 digits of a customer's phone;
- `name_full3` / `name_part2`: a three-character name / a two-character part of one;
- `ticket_code`, `order_no`: a ticket's code, an order number (as typed, lower case);
- `status_visit_range`: refunded orders visiting in a given week;
- `channel_multi`: the two OTA channels (`channel=ota_ctrip,ota_meituan` — where the service
  does not take several channels, the two are searched one after the other, and the pair
  timed together), the last seven days.

`baseline_order_no`: `SELECT * FROM orders WHERE order_no = :no` on one connection — the plain
unique-index lookup. Aim: every kind ≤ 30 ms p95.

    python -m bench.order_search [ORDERS]      (MENPIAO_BENCH_ORDERS also sets it)
"""

import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa

from app.domain.errors import ValidationError
from app.services.lookup.search import filters_from_params, search_orders

from .order_seed import ORDERS, Seeded, seeded

RUNS = 60  # of each kind
AIM_P95_MS = 30.0


def _stats(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {"p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
            "max_ms": round(times[-1], 2)}


def _samples(seed: Seeded, runs: int, rng: random.Random) -> dict[str, list]:
    with seed.db.engine.connect() as conn:
        def pick(sql: str) -> list:
            return list(conn.execute(sa.text(sql + " ORDER BY random() LIMIT :k"),
                                     {"k": runs}).all())
        orders = pick("SELECT order_no, customer_phone, customer_name FROM orders "
                      "WHERE customer_phone IS NOT NULL")
        codes = [r[0] for r in pick("SELECT code FROM tickets")]
    names3 = [r.customer_name for r in orders if len(r.customer_name) == 3] or \
        [r.customer_name for r in orders]
    return {"phones": [r.customer_phone for r in orders], "order_nos": [r.order_no for r in orders],
            "names3": names3, "names2": [n[1:] if len(n) == 3 else n for n in names3],
            "codes": codes, "weeks": [rng.randrange(7, 300) for _ in range(runs)]}


def _kinds(seed: Seeded, s: dict[str, list]) -> dict[str, Callable[[int], list[dict]]]:
    today = seed.today.isoformat()
    week_ago = (seed.today - timedelta(days=6)).isoformat()

    def at(key: str, i: int):
        values = s[key]
        return values[i % len(values)]

    def visit_week(i: int) -> dict:
        first = seed.today - timedelta(days=at("weeks", i))
        return {"status": "refunded", "visit_from": first.isoformat(),
                "visit_to": (first + timedelta(days=6)).isoformat()}

    return {
        "today_meituan_anomaly": lambda i: [{"channel": "ota_meituan", "status": "anomaly",
                                             "created_from": today, "created_to": today}],
        "phone_tail4": lambda i: [{"q": at("phones", i)[-4:]}],
        "phone_tail6": lambda i: [{"q": at("phones", i)[-6:]}],
        "name_full3": lambda i: [{"q": at("names3", i)}],
        "name_part2": lambda i: [{"q": at("names2", i)}],
        "ticket_code": lambda i: [{"q": at("codes", i)}],
        "order_no": lambda i: [{"q": at("order_nos", i).lower()}],
        "status_visit_range": lambda i: [visit_week(i)],
        "channel_multi": lambda i: _multi(seed, {"created_from": week_ago, "created_to": today}),
    }


_MULTI: dict[str, bool] = {}


def _multi(seed: Seeded, base: dict) -> list[dict]:
    both = base | {"channel": "ota_ctrip,ota_meituan"}
    if "ok" not in _MULTI:  # does the service take several channels?
        try:
            search_orders(seed.db.session(), filters_from_params(both, venue=seed.venue),
                          limit=1, venue=seed.venue)
            _MULTI["ok"] = True
        except ValidationError:
            _MULTI["ok"] = False
    if _MULTI["ok"]:
        return [both]
    return [base | {"channel": "ota_ctrip"}, base | {"channel": "ota_meituan"}]


def _search(seed: Seeded, params: list[dict]) -> int:
    found = 0
    for p in params:
        filters = filters_from_params(p, venue=seed.venue)
        page, _ = search_orders(seed.db.session(), filters, venue=seed.venue)
        found += len(page)
    return found


def _baseline(seed: Seeded, order_nos: list[str], runs: int) -> list[float]:
    times = []
    with seed.db.engine.connect() as conn:
        for i in range(runs):
            start = time.perf_counter()
            conn.execute(sa.text("SELECT * FROM orders WHERE order_no = :no"),
                         {"no": order_nos[i % len(order_nos)]}).one()
            times.append((time.perf_counter() - start) * 1000)
    return times


def run(n: int | None = None, runs: int = RUNS) -> dict:
    n = n or int(os.environ.get("MENPIAO_BENCH_ORDERS", ORDERS))
    seed = seeded(n)
    rng = random.Random(14)
    samples = _samples(seed, runs, rng)
    kinds = _kinds(seed, samples)
    for make in kinds.values():  # warm-up: caches, prepared statements
        _search(seed, make(0))
    schedule = [(name, i) for name in kinds for i in range(1, runs + 1)]
    rng.shuffle(schedule)
    times: dict[str, list[float]] = {name: [] for name in kinds}
    hits: dict[str, int] = {name: 0 for name in kinds}
    for name, i in schedule:
        params = kinds[name](i)
        start = time.perf_counter()
        hits[name] += _search(seed, params)
        times[name].append((time.perf_counter() - start) * 1000)
    result = {"orders": n, "load_s": round(seed.load_s, 1), "runs": runs,
              "aim_p95_ms": AIM_P95_MS,
              "searches": {name: _stats(t) | {"mean_hits": round(hits[name] / runs, 1)}
                           for name, t in times.items()},
              "channel_multi_in_one_search": _MULTI.get("ok", False),
              "all_searches": _stats([x for t in times.values() for x in t]),
              "baseline_order_no": _stats(_baseline(seed, samples["order_nos"], runs * 5))}
    result["within_aim"] = all(v["p95_ms"] <= AIM_P95_MS for v in result["searches"].values())
    _print(result)
    return result


def _print(r: dict) -> None:
    print(f"order search over {r['orders']} orders on PostgreSQL (seeded in {r['load_s']} s), "
          f"{r['runs']} of each kind, page of 50")
    print(f"  {'kind':24} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'hits':>6}")
    rows = list(r["searches"].items()) + [("all searches", r["all_searches"]),
                                          ("baseline order_no", r["baseline_order_no"])]
    for name, s in rows:
        print(f"  {name:24} {s['p50_ms']:8.2f} {s['p95_ms']:8.2f} {s['max_ms']:8.2f} "
              f"{s.get('mean_hits', ''):>6}")
    print(f"  aim: every kind ≤ {r['aim_p95_ms']} ms p95 — "
          f"{'met' if r['within_aim'] else 'NOT met'}")


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else None), indent=2,
                     ensure_ascii=False))

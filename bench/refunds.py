"""Refunds on the central store. (a) How long a quote takes: `quote_refund` alone, and
`POST /orders/{no}/refund-quote` over HTTP, one client at a time. (b) Cash refunds per second:
cash orders are sold first (`POST /orders`), then `POST /orders/{no}/refunds` (an
Idempotency-Key each, method cash) from several client threads at once, each thread a window
refunding its own orders. Baseline in the same run, over the same HTTP path and threads:
`GET /health` and `refund-quote` requests per second. Aim: >= 200 refunds/s on PostgreSQL,
measured on one store process and on `main.py server --workers 2` (each window's connection
pinned to a worker, as a load balancer spreads them).

The store is a real uvicorn in a process of its own (demo data, fresh database), so that the
clients' own CPU and GIL are not charged to the server; it runs on PostgreSQL and on SQLite.

    python -m bench.refunds [REFUNDS] [--pg-only]
"""

import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests

from app.domain.refunds import Holiday, RefundFacts, RefundPolicy, quote_refund

from .live_store import Store, enroll, pg_database, sqlite_url

REFUNDS = 800
THREADS = 4
QUOTES_ALONE = 20_000
QUOTES_HTTP = 300
BASELINE_PER_THREAD = 150
AIM_PER_S = 200
VISIT_IN_DAYS = 5  # tier_72h: no fee, nothing to approve; stock goes back
Call = Callable[[requests.Session, dict[str, str], dict], None]


def _ms(xs: list[float]) -> tuple[float, float]:
    """(median, p95) in milliseconds."""
    ordered = sorted(xs)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def _serve(url: str, ports: "mp.Queue[int]") -> None:
    """The child: a store on `url` (migrated, demo data), uvicorn until SIGTERM."""
    store = Store(url)
    ports.put(store.port)
    try:
        store.server.run()
    finally:
        store.db.dispose()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def store_process(url: str) -> Iterator[tuple[str, int]]:
    """A store in its own process; yields its API base URL and pid, stops it afterwards."""
    ctx = mp.get_context("spawn")
    ports = ctx.Queue()
    proc = ctx.Process(target=_serve, args=(url, ports), daemon=True)
    proc.start()
    try:
        base = f"http://127.0.0.1:{ports.get(timeout=120)}/api/v1"
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/health", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or not proc.is_alive():
                raise RuntimeError("the store did not start")
            time.sleep(0.05)
        yield base, proc.pid
    finally:
        proc.terminate()  # uvicorn exits gracefully on SIGTERM
        proc.join(20)
        if proc.is_alive():
            proc.kill()
            proc.join()


def _login(base: str, user: str, terminal: str | None = None) -> dict[str, str]:
    body = {"username": user, "password": user}
    if terminal:  # a window registered by the admin (DESIGN.md §14); else at no device
        device = f"bench-{user}-{terminal}"
        body |= {"device_id": device, "device_secret": enroll(base, device, terminal)}
    r = requests.post(f"{base}/auth/login", json=body, timeout=30)
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _session_on(base: str, pids: list[int], i: int) -> requests.Session:
    """Window `i`'s keep-alive session, on worker `pids[i % len(pids)]` (as a load balancer
    spreads windows): reconnect until that worker answers the first request."""
    want = pids[i % len(pids)]
    for _ in range(200):
        http = requests.Session()
        r = http.get(f"{base}/health", timeout=10)  # connect before the clock starts
        if len(pids) == 1 or int(r.headers.get("X-Worker-Pid", want)) == want:
            return http
        http.close()
    raise RuntimeError(f"no connection reached worker {want}")


def _concurrently(base: str, windows: list[dict[str, str]], work: list[list[dict]],
                  call: Call, pid: int | list[int]) -> tuple[float, list[float], float]:
    """Every window runs `call` over its own items at the same time: (seconds, latencies,
    CPU seconds the store's processes spent meanwhile)."""
    pids = pid if isinstance(pid, list) else [pid]
    latencies: list[list[float]] = [[] for _ in windows]
    errors: list[BaseException] = []
    start = threading.Barrier(len(windows) + 1)

    def window(i: int) -> None:
        with _session_on(base, pids, i) as http:
            start.wait()
            try:
                for item in work[i]:
                    t0 = time.perf_counter()
                    call(http, windows[i], item)
                    latencies[i].append(time.perf_counter() - t0)
            except BaseException as exc:  # reported after join, not lost in a thread
                errors.append(exc)

    threads = [threading.Thread(target=window, args=(i,)) for i in range(len(windows))]
    for t in threads:
        t.start()
    start.wait()
    t0, cpu0 = time.perf_counter(), sum(map(cpu_seconds, pids))
    for t in threads:
        t.join()
    elapsed, cpu = time.perf_counter() - t0, sum(map(cpu_seconds, pids)) - cpu0
    if errors:
        raise errors[0]
    return elapsed, [x for xs in latencies for x in xs], cpu


def _sell(base: str, visit: date) -> Call:
    def call(http: requests.Session, headers: dict[str, str], out: dict) -> None:
        r = http.post(f"{base}/orders", json={
            "channel": "window", "visit_date": visit.isoformat(),
            "lines": [{"ticket_type": "ADULT", "qty": 1}],
            "payment": {"method": "cash", "amount_fen": 10000, "tendered_fen": 10000}},
            headers=headers | {"Idempotency-Key": str(uuid.uuid4())}, timeout=60)
        assert r.status_code == 201, r.text
        order = r.json()
        out.update(no=order["order_no"], ticket_ids=[t["ticket_id"] for t in order["tickets"]])

    return call


def _quote(base: str) -> Call:
    def call(http: requests.Session, headers: dict[str, str], order: dict) -> None:
        r = http.post(f"{base}/orders/{order['no']}/refund-quote",
                      json={"ticket_ids": order["ticket_ids"]}, headers=headers, timeout=60)
        assert r.status_code == 200 and r.json()["total_refund_fen"] == 10000, r.text

    return call


def _refund(base: str) -> Call:
    def call(http: requests.Session, headers: dict[str, str], order: dict) -> None:
        r = http.post(f"{base}/orders/{order['no']}/refunds",
                      json={"ticket_ids": order["ticket_ids"], "method": "cash",
                            "reason": "bench"},
                      headers=headers | {"Idempotency-Key": str(uuid.uuid4())}, timeout=60)
        assert r.status_code == 201 and r.json()["status"] == "succeeded", r.text

    return call


def _health(base: str) -> Call:
    def call(http: requests.Session, headers: dict[str, str], _: dict) -> None:
        assert http.get(f"{base}/health", timeout=60).status_code == 200

    return call


def _rate(name: str, n: int, measured: tuple[float, list[float], float]) -> dict:
    seconds, lat, cpu = measured
    med, p95 = _ms(lat)
    return {f"{name}_per_s": round(n / seconds, 1), f"{name}_median_ms": round(med, 2),
            f"{name}_p95_ms": round(p95, 2),
            f"{name}_server_cpu_ms": round(1000 * cpu / n, 2)}


@contextmanager
def _workers(url: str, workers: int) -> Iterator[tuple[str, list[int]]]:
    """`main.py server --workers N` (see `store_workers.cli_store`): its base URL and the
    pids of its workers."""
    from .store_workers import cli_store, worker_pids

    with cli_store(url, workers) as (base, proc):
        yield base, worker_pids(proc)


def on_store(url: str, n: int, threads: int = THREADS, workers: int | None = None) -> dict:
    """Sell `n` cash orders, then measure quotes, the baselines and the refunds; on a store
    process of this bench's own, or with `workers` the real command line's worker processes."""
    with (store_process(url) if workers is None else _workers(url, workers)) as (base, pid):
        visit = datetime.now(UTC).date() + timedelta(days=VISIT_IN_DAYS)
        admin = _login(base, "admin")
        r = requests.put(f"{base}/inventory/{visit.isoformat()}/ADULT",
                         json={"capacity": n + 1000}, headers=admin, timeout=30)
        r.raise_for_status()
        windows = [_login(base, "clerk1", f"{w + 1:02d}") for w in range(threads)]
        orders = [[{} for _ in range(n // threads)] for _ in windows]
        sales = _concurrently(base, windows, orders, _sell(base, visit), pid)

        mine = orders[0]  # a clerk quotes his own window's orders only (DESIGN §14)
        _, quote_lat, _ = _concurrently(base, windows[:1], [mine[:QUOTES_HTTP]], _quote(base),
                                        pid)
        few = [os_[:BASELINE_PER_THREAD] for os_ in orders]
        health = _concurrently(base, windows, few, _health(base), pid)
        quotes = _concurrently(base, windows, few, _quote(base), pid)
        refunds = _concurrently(base, windows, orders, _refund(base), pid)
    done, probes = sum(map(len, orders)), sum(map(len, few))
    med, p95 = _ms(quote_lat)
    return {"threads": threads, "workers": workers or 1, "orders": done,
            **_rate("sales", done, sales),
            "quote_http_median_ms": round(med, 2), "quote_http_p95_ms": round(p95, 2),
            **_rate("health", probes, health), **_rate("quotes", probes, quotes),
            **_rate("refunds", done, refunds)}


def quote_alone(n: int = QUOTES_ALONE) -> dict:
    """`quote_refund` on a mix of kinds and times, each call timed: (median, p95) in µs."""
    at = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    visit = date(2026, 12, 10)
    policy = RefundPolicy(holidays=(Holiday(date(2026, 10, 1), date(2026, 10, 7)),))
    cases = [RefundFacts(kind, 10000, 10000, visit - timedelta(days=days), at, method,
                         uses_total=12 if kind == "pass" else 1, group_size=12)
             for kind in ("regular", "special", "pass", "group")
             for days in (0, 2, 8, 9, 12) for method in ("cash", "wechat")]
    samples = []
    for i in range(n):
        facts = cases[i % len(cases)]
        t0 = time.perf_counter_ns()
        quote_refund(facts, policy)
        samples.append(time.perf_counter_ns() - t0)
    ordered = sorted(samples)
    return {"calls": n, "median_us": round(statistics.median(ordered) / 1000, 2),
            "p95_us": round(ordered[round(0.95 * (n - 1))] / 1000, 2)}


def _print_store(engine: str, r: dict) -> None:
    print(f"{engine}: {r['orders']} one-adult cash orders, {r['threads']} client threads, "
          f"{r['workers']} store worker(s)")
    print(f"  {'':28}{'per s':>9}{'median ms':>11}{'p95 ms':>9}{'store CPU ms':>14}")
    for key, label in (("health", "GET /health (baseline)"),
                       ("quotes", "refund-quote (baseline)"), ("sales", "POST /orders (setup)"),
                       ("refunds", "POST refunds (cash)")):
        print(f"  {label:28}{r[key + '_per_s']:9.1f}{r[key + '_median_ms']:11.2f}"
              f"{r[key + '_p95_ms']:9.2f}{r[key + '_server_cpu_ms']:14.2f}")
    print(f"  refund-quote, one client: median {r['quote_http_median_ms']:.2f} ms, "
          f"p95 {r['quote_http_p95_ms']:.2f} ms")


def run(n: int = REFUNDS, sqlite: bool = True) -> dict:
    alone = quote_alone()
    print(f"quote_refund alone: median {alone['median_us']:.2f} µs, p95 {alone['p95_us']:.2f} µs "
          f"({alone['calls']} calls)")
    result: dict = {"quote_refund": alone, "aim_refunds_per_s": AIM_PER_S,
                    "cpus": os.cpu_count(), "load_before": round(os.getloadavg()[0], 2)}
    with pg_database() as url:
        result["postgresql"] = on_store(url, n)
    _print_store("PostgreSQL", result["postgresql"])
    with pg_database() as url:  # the store as it is deployed: several workers (issue 16)
        result["postgresql_workers_2"] = on_store(url, n, workers=2)
    _print_store("PostgreSQL", result["postgresql_workers_2"])
    if sqlite:
        with tempfile.TemporaryDirectory(prefix="menpiao-bench-") as d:
            result["sqlite"] = on_store(sqlite_url(Path(d)), n)
        _print_store("SQLite", result["sqlite"])
    pg = max(result["postgresql"], result["postgresql_workers_2"],
             key=lambda r: r["refunds_per_s"])
    ceiling = 1000 / result["postgresql"]["refunds_server_cpu_ms"]
    result["one_store_process_ceiling_refunds_per_s"] = round(ceiling, 1)
    result["aim_met"] = pg["refunds_per_s"] >= AIM_PER_S
    print(f"PostgreSQL refunds/s {pg['refunds_per_s']:.1f} with {pg['workers']} worker(s)   "
          f"(aim >= {AIM_PER_S}: {'met' if result['aim_met'] else 'NOT met'}); "
          f"{pg['refunds_server_cpu_ms']:.1f} ms store CPU per refund; one store process "
          f"(one GIL) tops out near {ceiling:.0f}/s")
    print(f"machine: {result['cpus']} CPUs, load average {result['load_before']} before the run "
          f"(the store, PostgreSQL and the clients share them)")
    return result


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    run(int(args[0]) if args else REFUNDS, sqlite="--pg-only" not in sys.argv)

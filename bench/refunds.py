"""Refunds on the central store. (a) How long a quote takes: `quote_refund` alone, and
`POST /orders/{no}/refund-quote` over HTTP, one client at a time. (b) Cash refunds per second:
cash orders are sold first (`POST /orders`), then `POST /orders/{no}/refunds` (an
Idempotency-Key each, method cash) from several clients at once, each a window refunding its
own orders. Baseline in the same run, over the same HTTP path and clients: `GET /health` and
`refund-quote` requests per second. Aim: >= 200 refunds/s on PostgreSQL, measured on one store
process and on `main.py server --workers 2` (each window's connection pinned to a worker, as a
load balancer spreads them).

The store is a real uvicorn in a process of its own (demo data, fresh database); it runs on
PostgreSQL and on SQLite. The clients are lean, as in `bench.store_workers`: each window is a
forked process with one keep-alive `http.client` connection (it was `requests` in 4 threads of
this process: about 1.3 ms of the machine's 2 cores per request, taken from the store it
measures). Each row reports the CPU per request of the store's processes, of its PostgreSQL
backends and of the clients, so what the load takes from the machine is seen.

    python -m bench.refunds [REFUNDS] [--pg-only]
"""

import http.client
import json
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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


@dataclass(frozen=True)
class Api:
    """A window's keep-alive connection to the store's API, with its headers."""

    conn: http.client.HTTPConnection
    prefix: str  # the API's path, e.g. /api/v1
    headers: dict[str, str]

    def call(self, method: str, path: str, body: Any = None,
             key: bool = False) -> tuple[int, Any]:
        """(status, decoded JSON body); `key`: with an Idempotency-Key of its own."""
        headers = self.headers | {"Idempotency-Key": uuid.uuid4().hex} if key else self.headers
        self.conn.request(method, self.prefix + path,
                          None if body is None else json.dumps(body).encode(), headers)
        r = self.conn.getresponse()
        return r.status, json.loads(r.read() or b"null")


Call = Callable[[Api, dict], Any]


@dataclass(frozen=True)
class Measured:
    made: list[list[Any]]  # what each window's calls gave, in its order
    seconds: float
    latencies: list[float]
    store_cpu: float  # CPU seconds of the store's processes
    pg_cpu: float  # of its PostgreSQL backends (0 on SQLite)
    client_cpu: float  # of the clients


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


def _window(base: str, pids: list[int], i: int, headers: dict[str, str], items: list[dict],
            call: Call, start, out: Connection) -> None:
    """One window (a forked process): `call` over its items once every window is ready;
    sends back what the calls gave, their latencies and its own CPU seconds."""
    from .store_workers import _pinned

    try:
        conn = _pinned(base, pids[i % len(pids)])  # as a load balancer spreads windows
        api = Api(conn, urlsplit(base).path, headers | {"Content-Type": "application/json"})
        start.wait()
        cpu0, made, latencies = time.process_time(), [], []
        for item in items:
            t0 = time.perf_counter()
            made.append(call(api, item))
            latencies.append(time.perf_counter() - t0)
        out.send({"made": made, "latencies": latencies, "cpu": time.process_time() - cpu0})
        conn.close()
    except BaseException as exc:  # reported by the parent, not lost in a child
        out.send({"error": repr(exc)})


def _concurrently(base: str, windows: list[dict[str, str]], work: list[list[dict]],
                  call: Call, pid: int | list[int], url: str | None = None) -> Measured:
    """Every window runs `call` over its own items at the same time, each a process of its
    own with one keep-alive connection (lean on purpose, see `bench.store_workers`): what the
    calls gave (per window), the seconds, latencies and CPU seconds of the store's processes,
    of its PostgreSQL backends (`url`) and of the clients meanwhile."""
    from .store_workers import _backends, _cpu

    pids = pid if isinstance(pid, list) else [pid]
    ctx = mp.get_context("fork")  # the clients need nothing the parent has not imported
    start = ctx.Barrier(len(windows) + 1)
    pipes, procs = [], []
    for i, headers in enumerate(windows):
        mine, theirs = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_window, args=(base, pids, i, headers, work[i], call, start,
                                              theirs), daemon=True)
        p.start()
        theirs.close()  # a client that dies ends its pipe: recv raises, nothing hangs
        pipes.append(mine)
        procs.append(p)
    start.wait(120)
    backends = _backends(url) if url and url.startswith("postgresql") else []
    t0, cpu0, pg0 = time.perf_counter(), _cpu(pids), _cpu(backends)
    done = [pipe.recv() for pipe in pipes]
    elapsed, cpu, pg = time.perf_counter() - t0, _cpu(pids) - cpu0, _cpu(backends) - pg0
    for p in procs:
        p.join(30)
    if errors := [d["error"] for d in done if "error" in d]:
        raise RuntimeError(errors[0])
    return Measured([d["made"] for d in done], elapsed,
                    [x for d in done for x in d["latencies"]], cpu, pg,
                    sum(d["cpu"] for d in done))


def _sell(visit: date) -> Call:
    body = {"channel": "window", "visit_date": visit.isoformat(),
            "lines": [{"ticket_type": "ADULT", "qty": 1}],
            "payment": {"method": "cash", "amount_fen": 10000, "tendered_fen": 10000}}

    def call(api: Api, _: Any) -> dict:
        status, order = api.call("POST", "/orders", body, key=True)
        assert status == 201, order
        return {"no": order["order_no"], "ticket_ids": [t["ticket_id"] for t in order["tickets"]]}

    return call


def _quote(api: Api, order: dict) -> None:
    status, q = api.call("POST", f"/orders/{order['no']}/refund-quote",
                         {"ticket_ids": order["ticket_ids"]})
    assert status == 200 and q["total_refund_fen"] == 10000, q


def _refund(api: Api, order: dict) -> None:
    status, r = api.call("POST", f"/orders/{order['no']}/refunds",
                         {"ticket_ids": order["ticket_ids"], "method": "cash", "reason": "bench"},
                         key=True)
    assert status == 201 and r["status"] == "succeeded", r


def _health(api: Api, _: Any) -> None:
    status, _body = api.call("GET", "/health")
    assert status == 200


def _rate(name: str, n: int, m: Measured) -> dict:
    med, p95 = _ms(m.latencies)
    return {f"{name}_per_s": round(n / m.seconds, 1), f"{name}_median_ms": round(med, 2),
            f"{name}_p95_ms": round(p95, 2),
            f"{name}_server_cpu_ms": round(1000 * m.store_cpu / n, 2),
            f"{name}_pg_cpu_ms": round(1000 * m.pg_cpu / n, 2),
            f"{name}_client_cpu_ms": round(1000 * m.client_cpu / n, 2)}


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
        sales = _concurrently(base, windows, [[{}] * (n // threads)] * threads,
                              _sell(visit), pid, url)
        orders = sales.made

        mine = orders[0]  # a clerk quotes his own window's orders only (DESIGN §14)
        one = _concurrently(base, windows[:1], [mine[:QUOTES_HTTP]], _quote, pid)
        few = [os_[:BASELINE_PER_THREAD] for os_ in orders]
        health = _concurrently(base, windows, few, _health, pid, url)
        quotes = _concurrently(base, windows, few, _quote, pid, url)
        refunds = _concurrently(base, windows, orders, _refund, pid, url)
    done, probes = sum(map(len, orders)), sum(map(len, few))
    med, p95 = _ms(one.latencies)
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
    print(f"{engine}: {r['orders']} one-adult cash orders, {r['threads']} client processes, "
          f"{r['workers']} store worker(s); CPU in ms per request")
    print(f"  {'':28}{'per s':>9}{'median ms':>11}{'p95 ms':>9}{'store CPU':>11}{'PG CPU':>8}"
          f"{'client CPU':>12}")
    for key, label in (("health", "GET /health (baseline)"),
                       ("quotes", "refund-quote (baseline)"), ("sales", "POST /orders (setup)"),
                       ("refunds", "POST refunds (cash)")):
        print(f"  {label:28}{r[key + '_per_s']:9.1f}{r[key + '_median_ms']:11.2f}"
              f"{r[key + '_p95_ms']:9.2f}{r[key + '_server_cpu_ms']:11.2f}"
              f"{r[key + '_pg_cpu_ms']:8.2f}{r[key + '_client_cpu_ms']:12.2f}")
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

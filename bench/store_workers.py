"""`POST /orders` with 4 clients on PostgreSQL: `main.py server --workers 2` beside
`--workers 1`, in the same run (issue 16). Each store is the real command line (a process
tree: uvicorn's parent and its workers) on a fresh database with demo data. One-ticket cash
orders for tomorrow, an Idempotency-Key each.

The clients are lean on purpose: the machine has 2 cores for the store, PostgreSQL and the
clients, so every ms a client spends is taken from the store it measures. With `requests` in
4 threads of this process the clients cost about 1.3 ms of CPU per order (its session and
adapter layers, header merging, a body encoded per request; about 0.4 ms now) and one GIL for
the 4 made a ready client wait on another's parsing. Each client is now a process of its own (forked: nothing to
import) holding one `http.client` keep-alive connection and sending a body encoded once; its
own CPU per order is reported beside the store's (`client_cpu_ms_per_order`), so what the
load takes from the machine is seen. Each window's connection is pinned to one worker, spread
evenly as a load balancer would (by the `X-Worker-Pid` of its first `/health`).

Reported per store: orders/s, p50/p95 ms, and CPU ms per order of the store's worker processes,
of its PostgreSQL backends (Linux /proc) and of the clients, and the orders/s those workers'
CPU per order would allow on cores of their own (`cpu_bound_orders_per_s`: a ceiling that the
machine's load does not move, unlike orders/s). Aim with 2 workers: >= 140 orders/s, p95 <= 60
ms.

    python -m bench.store_workers [SECONDS]
"""

import http.client
import json
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import requests

from app.domain.venue import Venue

from .live_store import enroll, free_port, pg_database
from .refunds import _ms, cpu_seconds

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 4
SECONDS = 10.0
WARMUP_PER_CLIENT = 15
AIM_PER_S, AIM_P95_MS = 140, 60
WORKER_HEADER = "X-Worker-Pid"  # server.routes.health


@contextmanager
def cli_store(url: str, workers: int) -> Iterator[tuple[str, subprocess.Popen]]:
    """`main.py server --demo --workers N` on `url` until every worker answers."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "server", "--database", url,
                             "--port", str(port), "--workers", str(workers), "--demo"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + 120
        while len(worker_pids(proc)) < workers or not _answers(base):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the store did not start")
            time.sleep(0.2)
        yield base, proc
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


def worker_pids(proc: subprocess.Popen) -> list[int]:
    """The processes serving requests: uvicorn's spawned workers, or the parent alone."""
    try:
        kids = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    except OSError:
        return []
    spawned = [int(k) for k in kids if "spawn_main" in _cmdline(int(k))]
    return spawned or [proc.pid]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


def _answers(base: str) -> bool:
    try:
        return requests.get(f"{base}/health", timeout=2).ok
    except requests.ConnectionError:
        return False


def _backends(url: str) -> list[int]:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.replace("+psycopg", "").rsplit("/", 1)[0] + "/postgres") as conn:
        return [r[0] for r in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,))]


def _cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            total += cpu_seconds(pid)
        except OSError:  # a backend that ended: its CPU is lost to the sum (pools keep theirs)
            pass
    return total


def _pinned(base: str, pid: int) -> http.client.HTTPConnection:
    """A keep-alive connection that `pid` serves: connect until that worker accepts one."""
    where = urlsplit(base)
    for _ in range(200):
        conn = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
        conn.request("GET", f"{where.path}/health")
        r = conn.getresponse()
        r.read()
        if int(r.getheader(WORKER_HEADER, pid)) == pid:
            return conn
        conn.close()
    raise RuntimeError(f"no connection reached worker {pid}")


def _client(base: str, pid: int, token: str, body: bytes, ready, stop,
            out: Connection) -> None:
    """One window: warm up, wait for the others, then sell until `stop`; sends back its
    latencies, failures and its own CPU seconds over the measured part."""
    conn = _pinned(base, pid)
    path = f"{urlsplit(base).path}/orders"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    failures: list[str] = []

    def one() -> float:
        t0 = time.perf_counter()
        conn.request("POST", path, body, headers | {"Idempotency-Key": uuid.uuid4().hex})
        r = conn.getresponse()
        text = r.read()
        if r.status != 201:
            failures.append(f"{r.status} {text[:120]!r}")
        return time.perf_counter() - t0

    for _ in range(WARMUP_PER_CLIENT):
        one()
    failures.clear()
    ready.wait()
    cpu0 = time.process_time()
    latencies = []
    while not stop.is_set():
        latencies.append(one())
    out.send({"latencies": latencies, "failures": failures,
              "cpu": time.process_time() - cpu0})
    conn.close()


def _tokens(base: str) -> list[str]:
    """One clerk token per client, each signed in at a window of its own."""
    tokens = []
    for n in range(CLIENTS):
        device = f"bench-w{n}"
        secret = enroll(base, device, f"{70 + n}")
        r = requests.post(f"{base}/auth/login", timeout=30, json={
            "username": "clerk1", "password": "clerk1", "device_id": device,
            "device_secret": secret})
        r.raise_for_status()
        tokens.append(r.json()["token"])
    return tokens


def measure(workers: int, seconds: float = SECONDS) -> dict:
    ctx = mp.get_context("fork")  # the clients need nothing this process imported
    with pg_database() as url, cli_store(url, workers) as (base, proc):
        day = (Venue().local_date(datetime.now(UTC)) + timedelta(days=1)).isoformat()
        admin = requests.post(f"{base}/auth/login", json={"username": "admin",
                                                          "password": "admin"}, timeout=30)
        admin_h = {"Authorization": f"Bearer {admin.json()['token']}"}
        requests.put(f"{base}/inventory/{day}/ADULT", json={"capacity": 1_000_000},
                     headers=admin_h, timeout=30).raise_for_status()
        body = json.dumps({"channel": "window", "visit_date": day,
                           "lines": [{"ticket_type": "ADULT", "qty": 1}],
                           "payment": {"method": "cash", "amount_fen": 10000,
                                       "tendered_fen": 10000}}).encode()
        pids = worker_pids(proc)
        ready, stop = ctx.Barrier(CLIENTS + 1), ctx.Event()
        pipes, clients = [], []
        for n, token in enumerate(_tokens(base)):
            mine, theirs = ctx.Pipe(duplex=False)
            p = ctx.Process(target=_client, args=(base, pids[n % len(pids)], token, body,
                                                  ready, stop, theirs), daemon=True)
            p.start()
            theirs.close()  # a client that dies ends its pipe: recv raises, nothing hangs
            pipes.append(mine)
            clients.append(p)
        ready.wait(120)
        backends = _backends(url)
        cpu0, pg0, t0 = _cpu(pids), _cpu(backends), time.perf_counter()
        time.sleep(seconds)
        stop.set()
        done = [pipe.recv() for pipe in pipes]
        elapsed = time.perf_counter() - t0
        cpu1, pg1 = _cpu(pids), _cpu(backends)
        for p in clients:
            p.join(30)
    latencies = [x for d in done for x in d["latencies"]]
    failures = [f for d in done for f in d["failures"]]
    n = len(latencies)
    p50, p95 = _ms(latencies)
    store_ms, pg_ms = (cpu1 - cpu0) * 1000 / n, (pg1 - pg0) * 1000 / n
    return {"workers": workers, "clients": CLIENTS, "orders": n, "failures": len(failures),
            "orders_per_s": round(n / elapsed, 1), "p50_ms": round(p50, 1),
            "p95_ms": round(p95, 1), "store_cpu_ms_per_order": round(store_ms, 2),
            "pg_cpu_ms_per_order": round(pg_ms, 2),
            "client_cpu_ms_per_order": round(sum(d["cpu"] for d in done) * 1000 / n, 2),
            # what the machine's cores could carry if the store and PostgreSQL had them alone
            "cpu_bound_orders_per_s": round(
                min(workers, os.cpu_count() or 1) * 1000 / store_ms, 1),
            "first_failure": failures[0] if failures else None}


def run(seconds: float = SECONDS) -> dict:
    one = measure(1, seconds)
    two = measure(2, seconds)
    result = {"workers_1": one, "workers_2": two, "speedup": round(
        two["orders_per_s"] / one["orders_per_s"], 2) if one["orders_per_s"] else None,
        "aim": {"orders_per_s": AIM_PER_S, "p95_ms": AIM_P95_MS},
        "aim_met": two["orders_per_s"] >= AIM_PER_S and two["p95_ms"] <= AIM_P95_MS,
        "cores": os.cpu_count()}
    _print(result, seconds)
    return result


def _print(r: dict, seconds: float) -> None:
    print(f"POST /orders, {CLIENTS} client processes, PostgreSQL, {seconds:g} s per store; "
          "CPU in ms per order")
    print(f"  {'':14}{'orders/s':>9}{'p50 ms':>8}{'p95 ms':>8}{'store CPU':>11}{'PG CPU':>8}"
          f"{'client CPU':>12}{'failed':>8}")
    for key in ("workers_1", "workers_2"):
        w = r[key]
        print(f"  {'--workers ' + str(w['workers']):14}{w['orders_per_s']:9.1f}"
              f"{w['p50_ms']:8.1f}{w['p95_ms']:8.1f}{w['store_cpu_ms_per_order']:11.2f}"
              f"{w['pg_cpu_ms_per_order']:8.2f}{w['client_cpu_ms_per_order']:12.2f}"
              f"{w['failures']:8d}")
    print(f"  2 workers / 1: {r['speedup']}x   (aim with 2 workers: >= {AIM_PER_S} orders/s, "
          f"p95 <= {AIM_P95_MS} ms: {'met' if r['aim_met'] else 'NOT met'})")


if __name__ == "__main__":
    run(float(sys.argv[1]) if len(sys.argv) > 1 else SECONDS)

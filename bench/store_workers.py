"""`POST /orders` with 4 clients on PostgreSQL: `main.py server --workers 2` beside
`--workers 1`, in the same run (issue 16). Each store is the real command line (a process
tree: uvicorn's parent and its workers) on a fresh database with demo data; the clients are
threads of this process, each a window with its own keep-alive connection, spread evenly over
the workers (as a load balancer would: a connection is pinned by the `X-Worker-Pid` of its
first `/health`). One-ticket cash orders for tomorrow, an Idempotency-Key each.

Reported per store: orders/s, p50/p95 ms, and CPU ms per order of the store's worker processes
and of its PostgreSQL backends (Linux /proc), and the orders/s those workers' CPU per order
would allow on cores of their own (`cpu_bound_orders_per_s`: a ceiling that the machine's load
does not move, unlike orders/s). Aim with 2 workers: >= 140 orders/s, p95 <= 60 ms.

    python -m bench.store_workers [SECONDS]
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


def _pinned(base: str, pids: list[int]) -> list[requests.Session]:
    """`CLIENTS` keep-alive sessions, spread evenly over the worker pids."""
    per = {pid: [] for pid in pids}
    want = -(-CLIENTS // len(pids))
    while sum(len(v) for v in per.values()) < CLIENTS:
        s = requests.Session()
        pid = int(s.get(f"{base}/health", timeout=10).headers.get("X-Worker-Pid", pids[0]))
        if len(per.setdefault(pid, [])) < want:
            per[pid].append(s)
        else:
            s.close()
    return [s for v in per.values() for s in v][:CLIENTS]


def measure(workers: int, seconds: float = SECONDS) -> dict:
    with pg_database() as url, cli_store(url, workers) as (base, proc):
        day = (Venue().local_date(datetime.now(UTC)) + timedelta(days=1)).isoformat()
        admin = requests.post(f"{base}/auth/login", json={"username": "admin",
                                                          "password": "admin"}, timeout=30)
        admin_h = {"Authorization": f"Bearer {admin.json()['token']}"}
        requests.put(f"{base}/inventory/{day}/ADULT", json={"capacity": 1_000_000},
                     headers=admin_h, timeout=30).raise_for_status()
        heads = []
        for n in range(CLIENTS):
            device = f"bench-w{n}"
            secret = enroll(base, device, f"{70 + n}")
            r = requests.post(f"{base}/auth/login", timeout=30, json={
                "username": "clerk1", "password": "clerk1", "device_id": device,
                "device_secret": secret})
            heads.append({"Authorization": f"Bearer {r.json()['token']}"})
        pids = worker_pids(proc)
        sessions = _pinned(base, pids)
        body = {"channel": "window", "visit_date": day,
                "lines": [{"ticket_type": "ADULT", "qty": 1}],
                "payment": {"method": "cash", "amount_fen": 10000, "tendered_fen": 10000}}
        latencies: list[float] = []
        failures: list[str] = []
        start = threading.Barrier(CLIENTS + 1)
        stop = threading.Event()

        def client(n: int) -> None:
            s, h = sessions[n], heads[n]

            def one() -> float:
                t0 = time.perf_counter()
                r = s.post(f"{base}/orders", json=body, timeout=30,
                           headers=h | {"Idempotency-Key": uuid.uuid4().hex})
                if r.status_code != 201:
                    failures.append(f"{r.status_code} {r.text[:120]}")
                return time.perf_counter() - t0

            for _ in range(WARMUP_PER_CLIENT):
                one()
            start.wait()
            while not stop.is_set():
                latencies.append(one())

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        start.wait()
        backends = _backends(url)
        cpu0, pg0, t0 = _cpu(pids), _cpu(backends), time.perf_counter()
        time.sleep(seconds)
        stop.set()
        for t in threads:
            t.join(60)
        elapsed = time.perf_counter() - t0
        cpu1, pg1 = _cpu(pids), _cpu(backends)
    n = len(latencies)
    p50, p95 = _ms(latencies)
    store_ms, pg_ms = (cpu1 - cpu0) * 1000 / n, (pg1 - pg0) * 1000 / n
    return {"workers": workers, "clients": CLIENTS, "orders": n, "failures": len(failures),
            "orders_per_s": round(n / elapsed, 1), "p50_ms": round(p50, 1),
            "p95_ms": round(p95, 1), "store_cpu_ms_per_order": round(store_ms, 2),
            "pg_cpu_ms_per_order": round(pg_ms, 2),
            # what the machine's cores could carry if the store and PostgreSQL had them alone
            "cpu_bound_orders_per_s": round(
                min(workers, os.cpu_count() or 1) * 1000 / store_ms, 1),
            "first_failure": failures[0] if failures else None}


def run(seconds: float = SECONDS) -> dict:
    one = measure(1, seconds)
    two = measure(2, seconds)
    return {"workers_1": one, "workers_2": two, "speedup": round(
        two["orders_per_s"] / one["orders_per_s"], 2) if one["orders_per_s"] else None,
            "aim": {"orders_per_s": AIM_PER_S, "p95_ms": AIM_P95_MS},
            "aim_met": two["orders_per_s"] >= AIM_PER_S and two["p95_ms"] <= AIM_P95_MS,
            "cores": os.cpu_count()}


if __name__ == "__main__":
    print(json.dumps(run(float(sys.argv[1]) if len(sys.argv) > 1 else SECONDS), indent=2))

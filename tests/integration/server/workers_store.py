"""`python main.py server --workers N --demo` as a real process tree over a fresh PostgreSQL
database, for the tests of several workers (DESIGN.md §13). The store runs on the real clock
(a subprocess has no test clock): tests sell for a day two days ahead, which the demo
capacity covers at any hour. `pinned()` gives HTTP sessions held on one worker each."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests
import sqlalchemy as sa
from live_store import free_port, provision_device

from app.domain.venue import Venue
from app.store.db import Database

ROOT = Path(__file__).resolve().parents[3]
PG_ADMIN_URL = os.environ.get("MENPIAO_TEST_PG",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PID_HEADER = "X-Worker-Pid"

_LEADER = """SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objid = :k
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"""


@dataclass
class WorkersStore:
    base: str
    db: Database
    proc: subprocess.Popen
    log: Path
    venue: Venue = field(default_factory=Venue)

    def url(self, path: str) -> str:
        return self.base + path

    def day(self, ahead: int = 2) -> date:
        return self.venue.local_date(datetime.now(UTC)) + timedelta(days=ahead)

    def login(self, username: str, device_id: str | None = None,
              terminal: str | None = None) -> dict[str, str]:
        body = {"username": username, "password": username}
        if device_id:
            kind = "window" if terminal else "office"
            body |= {"device_id": device_id, "device_secret": provision_device(
                self.db, device_id, kind=kind, terminal=terminal, now=datetime.now(UTC))}
        r = requests.post(self.url("/auth/login"), json=body, timeout=30)
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    def worker_pids(self) -> set[int]:
        """The live worker processes (children of the uvicorn parent)."""
        kids = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        return {int(k) for k in kids if "spawn_main" in _cmdline(int(k))}

    def pinned(self, per_worker: int = 1, timeout: float = 30.0) -> dict[int, list[requests.Session]]:
        """`per_worker` keep-alive sessions on each of the live workers, by worker pid: new
        connections are made until every worker has answered on enough of them."""
        want = self.worker_pids()
        got: dict[int, list[requests.Session]] = {}
        deadline = time.monotonic() + timeout
        while any(len(got.get(p, [])) < per_worker for p in want):
            assert time.monotonic() < deadline, (want, list(got))
            s = requests.Session()
            pid = int(s.get(self.url("/health"), timeout=10).headers[PID_HEADER])
            if len(got.setdefault(pid, [])) < per_worker:
                got[pid].append(s)
            else:
                s.close()
        return got

    def sweep_leader(self) -> int | None:
        """The pid of the worker leading the sweep (server.leader), if one does."""
        from server.leader import SWEEP_LOCK

        with self.db.engine.connect() as conn:
            name = conn.execute(sa.text(_LEADER), {"k": SWEEP_LOCK}).scalar()
        return int(name.rsplit(":", 1)[1]) if name else None


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


@contextmanager
def fresh_pg(template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database (a copy of `template`), dropped afterwards."""
    name = f"menpiao_test_wk_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'
                             + (f' TEMPLATE "{template}"' if template else "")))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def running_workers(url: str, log: Path, workers: int = 2) -> Iterator[WorkersStore]:
    """`main.py server --workers N --demo` on `url` until every worker answers (`--demo`
    adds the capacity from the real today on, to a store seeded at the tests' fixed day)."""
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "server", "--database", url, "--port",
             str(port), "--workers", str(workers), "--demo"], cwd=ROOT, stdout=out,
            stderr=subprocess.STDOUT, env=os.environ | {"PYTHONUNBUFFERED": "1"})
    db = Database.open(url, migrate=False)
    store = WorkersStore(f"http://127.0.0.1:{port}/api/v1", db, proc, log)
    try:
        deadline = time.monotonic() + 60
        while len(store.worker_pids()) < workers or not _answers(store):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield store
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        db.dispose()


def _answers(store: WorkersStore) -> bool:
    try:
        return requests.get(store.url("/health"), timeout=2).status_code == 200
    except requests.ConnectionError:
        return False

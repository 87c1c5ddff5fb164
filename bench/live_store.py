"""A central store for benchmarks: a fresh PostgreSQL database (or SQLite file), demo data,
uvicorn on a loopback port in a thread. Used as a context manager."""

import os
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import requests
import uvicorn

from app.domain.venue import Venue
from app.services.admin import seeding
from app.store.db import Database
from server.app import create_app

PG_ADMIN = os.environ.get("MENPIAO_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_BASE = os.environ.get("MENPIAO_PG_BASE", "postgresql+psycopg://postgres@127.0.0.1:5432/")
DB_PREFIX = os.environ.get("MENPIAO_BENCH_DB_PREFIX", "menpiao_bench_")  # several benches at once
SECRET = "bench-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def pg_database():
    """A new, empty PostgreSQL database, dropped afterwards; yields its SQLAlchemy URL."""
    name = f"{DB_PREFIX}{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_BASE + name
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Store:
    def __init__(self, url: str, clock=None) -> None:
        self.venue = Venue()
        self.clock = clock or (lambda: datetime.now(UTC))
        self.db = Database.open(url)
        self.app = create_app(self.db, clock=self.clock, webhook_secret=SECRET,
                              venue=self.venue)
        seeding.seed_demo(self.db.session(), now=self.clock(), venue=self.venue)
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port,
                                                    log_level="warning", access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1"

    def __enter__(self) -> "Store":
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(15)
        self.db.dispose()


def sqlite_url(folder: Path, name: str = "store.sqlite3") -> str:
    return f"sqlite:///{folder / name}"


_ENROLLED: dict[tuple[str, str], str] = {}


def enroll(base: str, device_id: str, terminal: str | None) -> str:
    """Register a bench device over HTTP as an admin would (DESIGN.md §14) and return its
    secret (once per store and device): a window at `terminal` (the demo window holding that
    number is taken out of service first: benches run on throwaway stores), or an office
    device (terminal None)."""
    if (base, device_id) in _ENROLLED:
        return _ENROLLED[(base, device_id)]
    admin = requests.post(f"{base}/auth/login", json={"username": "admin", "password": "admin"},
                          timeout=30)
    admin.raise_for_status()
    headers = {"Authorization": f"Bearer {admin.json()['token']}"}
    body: dict[str, str] = {"device_id": device_id, "kind": "office"}
    if terminal:
        requests.put(f"{base}/devices/window-{terminal}", json={"active": False},
                     headers=headers, timeout=30)  # 404 when there is no such demo window
        body = {"device_id": device_id, "kind": "window", "terminal": terminal}
    r = requests.post(f"{base}/devices", json=body, headers=headers, timeout=30)
    r.raise_for_status()
    _ENROLLED[(base, device_id)] = r.json()["device_secret"]
    return _ENROLLED[(base, device_id)]

"""The central store over real HTTP, shared by the server and sync tests: uvicorn on a free
loopback port, in a thread, against a real SQLite file or a real PostgreSQL database, with demo
data and a settable clock. Conftests import it (their directory's parent is put on sys.path)."""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import requests
import sqlalchemy as sa
import uvicorn

from app.domain.venue import Venue
from app.services.admin import devices, seeding
from app.services.refunds.refund_providers import RefundProvider, SandboxProvider
from app.store.db import Database
from app.store.models import Base, Device, User
from server.app import create_app


class Clock:
    """The server's clock; tests move it."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@dataclass
class Live:
    base: str  # http://127.0.0.1:PORT/api/v1
    db: Database
    clock: Clock
    venue: Venue
    provider: RefundProvider | None = None  # the store's payment provider (a sandbox)

    def url(self, path: str) -> str:
        return self.base + path

    def device(self, device_id: str, kind: str, terminal: str | None = None) -> str:
        """Standing in for the admin: `device_id` registered as `kind` (at window `terminal`)
        and active, its id its secret (DESIGN.md §14); returns the secret."""
        return provision_device(self.db, device_id, kind=kind, terminal=terminal,
                                now=self.clock())

    def login(self, username: str, password: str | None = None, *, terminal: str | None = "01",
              device_id: str | None = None) -> dict[str, str]:
        """Sign in at a registered device set up as the test says: a gate at a gate
        (`gate-1` by default), anyone else at window `terminal` (`dev-1` by default); a
        supervisor, finance or admin with no terminal and no device at none. The
        Authorization header of the new token."""
        body = {"username": username, "password": password or username}
        role = self.role_of(username)
        kind = "gate" if role == "gate" else "window" if terminal or role == "clerk" else "office"
        device_id = device_id or {"gate": "gate-1", "window": "dev-1"}.get(kind)
        if device_id is not None:
            secret = self.device(device_id, kind, terminal if kind == "window" else None)
            body |= {"device_id": device_id, "device_secret": secret}
        r = requests.post(self.url("/auth/login"), json=body, timeout=10)
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    def role_of(self, username: str) -> str | None:
        with self.db.session() as s:
            return s.execute(sa.select(User.role).where(User.username == username)).scalar()


def provision_device(db: Database, device_id: str, *, kind: str, terminal: str | None,
                     now: datetime) -> str:
    """`device_id` registered as `kind` at `terminal`, active, with its id as its secret (a
    test's set-up, written as an admin would have registered it); returns the secret."""
    with db.session() as s, s.begin():
        d = s.get(Device, device_id)
        wanted = (kind, terminal, devices.secret_digest(device_id), True)
        if d is None or (d.kind, d.terminal, d.secret_sha256, d.active) != wanted:
            d = devices.provision(s, device_id, kind=kind, terminal=terminal,
                                  location=d.location if d else None, secret=device_id,
                                  now=now)
            d.active = True
    return device_id


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_store(db_url: str, now: datetime, *, provider: RefundProvider | None = None,
                  sweep_interval: float = 30.0, demo: bool = True) -> Iterator[Live]:
    """A running store with the demo users, catalog and 30 days of capacity (`demo=False`:
    an empty store, as `main.py server` without `--demo` starts); `provider`
    answers its refund and payment-query calls (default: a fresh SandboxProvider); its own
    sweep runs every `sweep_interval` seconds of real time."""
    venue = Venue()
    db = Database.open(db_url)
    clock = Clock(now)
    provider = provider or SandboxProvider()
    app = create_app(db, clock=clock, venue=venue, refund_provider=provider,
                     sweep_interval=sweep_interval)
    if demo:
        seeding.seed_demo(db.session(), now=now, venue=venue)  # through the feed, as a store does
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield Live(f"http://127.0.0.1:{port}/api/v1", db, clock, venue, provider)
    finally:
        app.state.notifier.close()  # held long-polls answer now: uvicorn need not wait for them
        server.should_exit = True
        thread.join(10)
        db.dispose()


def snapshot(db: Database) -> dict[str, object]:
    """Row counts of every table plus the stock and counters: equal means nothing written."""
    with db.engine.connect() as conn:
        counts = {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                  for t in Base.metadata.sorted_tables if t.name != "api_tokens"}
        stock = conn.execute(sa.text(
            "SELECT ticket_type, visit_date, sold, held, version FROM inventory "
            "ORDER BY ticket_type, visit_date")).all()
        counters = conn.execute(sa.text("SELECT * FROM counters ORDER BY name")).all()
    return {"counts": counts, "stock": stock, "counters": counters}


def assert_error(r: requests.Response, status: int, code: str) -> str:
    """The §8 error format; returns the message."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    message = body["error"]["message"]
    assert message and any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    return message

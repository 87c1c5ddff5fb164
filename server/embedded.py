"""The embedded default (DESIGN.md §12): the central store in-process, on SQLite in the user
data dir, seeded like `--demo`, served by uvicorn on a loopback port in a daemon thread."""

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import uvicorn

from app.domain.audit import DEMO_KEY as DEMO_AUDIT_KEY
from app.domain.venue import Venue
from app.services.admin.seeding import register_window, seed_demo
from app.services.journal import audit
from app.store.db import Database

from .app import create_app
from .feed import ChangeNotifier

log = logging.getLogger(__name__)
DEMO_SECRET = "demo-secret"
START_TIMEOUT = 30.0
GRACE_S = 2.0  # at stop, cancel what still runs then (a push cut short stays in the outbox)


@dataclass
class EmbeddedStore:
    base_url: str  # http://127.0.0.1:PORT/api/v1
    db: Database
    server: uvicorn.Server
    thread: threading.Thread
    clock: Callable[[], datetime]
    notifier: ChangeNotifier
    secret: str = DEMO_SECRET

    def enroll_window(self, device_id: str, terminal: str) -> str:
        """Register the window the client runs as (DESIGN.md §14: the embedded store registers
        its own window), like the demo windows; returns the device secret it signs in with."""
        with self.db.session() as session:
            return register_window(session, device_id, terminal, now=self.clock())

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving; returns once uvicorn's thread is gone. The window's long-poll held
        open at that moment is answered first (an empty page, nothing cut): uvicorn waits for
        every request in flight, and would otherwise wait out the poll's 25 s."""
        self.notifier.close()
        self.server.should_exit = True
        self.thread.join(timeout)
        self.db.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(home: Path, clock: Callable[[], datetime], *, venue: Venue | None = None,
          port: int | None = None) -> EmbeddedStore:
    """Open (migrate, seed) `{home}/store.sqlite3` and serve it; returns once it answers.
    Raises RuntimeError when uvicorn does not start."""
    home.mkdir(parents=True, exist_ok=True)
    venue = venue or Venue()
    db = Database.open(f"sqlite:///{home / 'store.sqlite3'}")
    app = create_app(db, clock=clock, webhook_secret=DEMO_SECRET, venue=venue,
                     audit_key=os.environ.get(audit.KEY_ENV) or DEMO_AUDIT_KEY)
    seed_demo(db.session(), now=clock(), venue=venue)  # idempotent: adds the missing days
    port = port or _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False,
                                           timeout_graceful_shutdown=GRACE_S))
    thread = threading.Thread(target=server.run, name="menpiao-embedded-store", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            db.dispose()
            raise RuntimeError("内置中心库未能启动")
        time.sleep(0.01)
    log.info("embedded store on 127.0.0.1:%d (%s)", port, home / "store.sqlite3")
    return EmbeddedStore(f"http://127.0.0.1:{port}/api/v1", db, server, thread, clock,
                         app.state.notifier)

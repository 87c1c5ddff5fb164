"""Long-poll wake-ups for the changes feed (DESIGN.md §9, §13).

A `ChangeNotifier` wakes the requests waiting in `GET /sync/changes` when a change commits:
commits made by this process call it directly (`app.services.journal.changes.add_listener`), and on
PostgreSQL a listener thread `LISTEN`s on `menpiao_changes`, so commits made by other workers
wake this one too. A waiter subscribes *before* it reads the feed, so a commit landing between
its read and its wait is never missed.
"""

import asyncio
import logging
import threading
from typing import Any

from app.services.journal import changes

log = logging.getLogger(__name__)


class Subscription:
    """One waiting request: an asyncio event set from any thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.event = asyncio.Event()

    def fire(self) -> None:
        self.loop.call_soon_threadsafe(self.event.set)

    async def wait(self, timeout: float) -> bool:
        """True when woken, False when `timeout` passed."""
        try:
            await asyncio.wait_for(self.event.wait(), timeout)
        except TimeoutError:
            return False
        self.event.clear()
        return True


class ChangeNotifier:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subs: set[Subscription] = set()
        self.latest = 0
        self.closing = False  # the store is stopping: long-polls answer now, hold no more

    def close(self) -> None:
        """The store is stopping: every waiting long-poll answers at once with what it has
        (a shutdown never waits out a client's `wait`), and new ones do not wait."""
        self.closing = True
        self.notify()

    def notify(self, seq: int = 0) -> None:
        with self._lock:
            self.latest = max(self.latest, seq)
            subs = list(self._subs)
        for sub in subs:
            sub.fire()

    def subscribe(self) -> Subscription:
        sub = Subscription(asyncio.get_running_loop())
        with self._lock:
            self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            self._subs.discard(sub)

    @property
    def waiting(self) -> int:
        with self._lock:
            return len(self._subs)


class PgListener(threading.Thread):
    """`LISTEN menpiao_changes` on its own connection; reconnects after a failure."""

    def __init__(self, conninfo: str, notifier: ChangeNotifier) -> None:
        super().__init__(name="menpiao-pg-listen", daemon=True)
        self._conninfo = conninfo
        self._notifier = notifier
        self._halt = threading.Event()

    def run(self) -> None:
        import psycopg

        while not self._halt.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as conn:
                    conn.execute(f"LISTEN {changes.CHANNEL}")
                    self._notifier.notify()  # anything missed while (re)connecting
                    while not self._halt.is_set():
                        for note in conn.notifies(timeout=0.25):
                            self._notifier.notify(int(note.payload or 0))
            except Exception:  # noqa: BLE001 - keep listening; waiters re-check on a timer
                log.exception("LISTEN %s failed; reconnecting", changes.CHANNEL)
                self._halt.wait(2.0)

    def stop(self) -> None:
        self._halt.set()


def pg_conninfo(url: Any) -> str:
    """A libpq connection string from a SQLAlchemy URL."""
    u = url.set(drivername="postgresql")
    return u.render_as_string(hide_password=False)

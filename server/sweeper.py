"""The store's periodic sweep (every 30 s): time-based work such as expiring leases at
closing time. Each task is a service taking a session and `now`; a failing task is logged and
tried again next round. With several workers on PostgreSQL only the leader sweeps
(`server.leader.PgLeader`); the others try to take the lead every few seconds."""

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from app.store.db import Database

from .leader import RETRY_SECONDS, PgLeader

log = logging.getLogger(__name__)
Task = Callable[[Session, datetime], object]


class Sweeper(threading.Thread):
    def __init__(self, db: Database, clock: Callable[[], datetime], tasks: list[Task], *,
                 interval: float = 30.0, leader: PgLeader | None = None) -> None:
        super().__init__(name="menpiao-sweeper", daemon=True)
        self._db, self._clock, self._tasks = db, clock, tasks
        self._interval = interval
        self._leader = leader  # None: the only process, it always sweeps
        self._halt = threading.Event()

    def sweep_once(self) -> None:
        for task in self._tasks:
            try:
                with self._db.session() as s:
                    task(s, self._clock())
            except Exception:  # noqa: BLE001 - one failing task must not stop the others
                log.exception("sweep task %s failed", getattr(task, "__name__", task))

    def _leading(self) -> bool:
        return self._leader is None or self._leader.try_lead()

    def run(self) -> None:
        """Sweep every `interval` while leading; a follower asks for the lead every few
        seconds (and sweeps as soon as it leads and a sweep is due)."""
        due = time.monotonic() + self._interval
        try:
            self._leading()  # take the lead (or say who has it) at once
            while not self._halt.wait(max(0.0, min(due - time.monotonic(), RETRY_SECONDS))):
                if self._leading() and time.monotonic() >= due:
                    self.sweep_once()
                    due = time.monotonic() + self._interval
        finally:
            if self._leader is not None:
                self._leader.release()

    def stop(self) -> None:
        self._halt.set()

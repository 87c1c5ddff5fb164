"""The store's periodic sweep (every 30 s): time-based work such as expiring leases at
closing time. Each task is a service taking a session and `now`; a failing task is logged and
tried again next round."""

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from app.store.db import Database

log = logging.getLogger(__name__)
Task = Callable[[Session, datetime], object]


class Sweeper(threading.Thread):
    def __init__(self, db: Database, clock: Callable[[], datetime], tasks: list[Task], *,
                 interval: float = 30.0) -> None:
        super().__init__(name="menpiao-sweeper", daemon=True)
        self._db, self._clock, self._tasks = db, clock, tasks
        self._interval = interval
        self._halt = threading.Event()

    def sweep_once(self) -> None:
        for task in self._tasks:
            try:
                with self._db.session() as s:
                    task(s, self._clock())
            except Exception:  # noqa: BLE001 - one failing task must not stop the others
                log.exception("sweep task %s failed", getattr(task, "__name__", task))

    def run(self) -> None:
        while not self._halt.wait(self._interval):
            self.sweep_once()

    def stop(self) -> None:
        self._halt.set()

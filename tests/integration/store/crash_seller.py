"""Child process of the crash test: sells in a loop on a SQLite file until it is killed.

    python crash_seller.py DB_PATH TERMINAL SEED

Prints `ready` once the database is open, then `sold ORDER_NO` after each commit. With the
env var MENPIAO_CRASH_STMT=K it stops *inside* the third sale's transaction just before its
K-th SQL statement (K=commit: just before COMMIT), prints `parked K`, and sleeps until killed.
`MENPIAO_CRASH_STMT=count` prints `statements N` for that third sale and exits.
"""

import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.domain.errors import SoldOut
from app.domain.venue import Venue
from app.services.sales import selling
from app.store.db import Database

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)  # the tests' fixed clock
ARM_AT_SALE = 3
LINES = ((("ADULT", 2),), (("FAMILY", 1),), (("CHILD", 1), ("ADULT", 1)), (("SPECIAL", 3),),
         (("ANNUAL", 1), ("CHILD", 2)))


class Hook:
    """Counts statements per transaction; parks the process at the chosen one."""

    def __init__(self, engine: sa.Engine, spec: str) -> None:
        self.spec, self.sale, self.statements = spec, 0, 0
        sa.event.listen(engine, "begin", self.on_begin)
        sa.event.listen(engine, "before_cursor_execute", self.on_statement)
        sa.event.listen(engine, "commit", self.on_commit)

    def on_begin(self, conn) -> None:
        self.statements = 0

    def on_statement(self, *args) -> None:
        self.statements += 1
        if self.sale == ARM_AT_SALE and self.spec == str(self.statements):
            self.park()

    def on_commit(self, conn) -> None:
        if self.sale == ARM_AT_SALE and self.spec == "commit":
            self.park()

    def park(self) -> None:
        print(f"parked {self.spec}", flush=True)
        time.sleep(600)


def main(path: str, terminal: str, seed: int) -> None:
    db = Database.open(f"sqlite:///{path}", migrate=False)  # the test migrated it
    spec = os.environ.get("MENPIAO_CRASH_STMT", "")
    hook = Hook(db.engine, spec) if spec else None
    rnd, venue = random.Random(seed), Venue()
    print("ready", flush=True)
    for i in range(1_000_000):
        now = NOW + timedelta(milliseconds=i)
        request = selling.SaleRequest(
            terminal=terminal, clerk="clerk1", device_id=f"crash-{terminal}",
            visit_date=venue.local_date(now) + timedelta(days=rnd.randrange(5)),
            lines=tuple(selling.SaleLine(c, q) for c, q in rnd.choice(LINES)),
            tendered_fen=100_000)
        if hook:
            hook.sale = i + 1
        try:
            result = selling.sell(db.session(), request, now=now, venue=venue)
        except SoldOut:
            continue
        if spec == "count" and hook.sale == ARM_AT_SALE:
            print(f"statements {hook.statements}", flush=True)
            return
        print(f"sold {result.order_no}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))

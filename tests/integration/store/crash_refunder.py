"""Child process of the refund crash test: sells cash orders at a window and refunds them, one
refund at a time, in a loop on a SQLite file until it is killed.

    python crash_refunder.py DB_PATH TERMINAL SEED

Opens clerk1's shift at TERMINAL (unless it is open already) and prints `ready`, then
`sold ORDER_NO` after each sale's commit and `refunded REFUND_NO` after each refund's commit.
With the env var MENPIAO_CRASH_STMT=K it stops *inside* the write transaction of refund number
MENPIAO_CRASH_REFUND (default 3: a whole package order) just before its K-th SQL statement
(K=commit: just before COMMIT), prints `parked K PID`, and sleeps until killed. With
MENPIAO_CRASH_STMT=K1,K2,... and a DB_PATH with `{}` it does that for each K in a forked
process on DB_PATH.format(K) (see `fork_each`).
`MENPIAO_CRASH_STMT=count` prints, after that refund's `refunded` line, `statements N` (of its
write transaction) and `transactions W` (how many write transactions it took), then finishes
the first cycle (4 sales, 5 refunds), prints `cycle done` and exits.
"""

import os
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.domain.venue import Venue
from app.services.refunds import window_refunds
from app.services.sales import selling
from app.services.sales.selling import SaleResult
from app.services.shifts import shifts
from app.store.db import Database

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)  # the tests' fixed clock: 10:00 at the venue
FLOAT_FEN = 50_000
CLERK = "clerk1"
ARM_AT_REFUND = 3
DAYS = 20  # cycles move one day on, within the seeded 30 days of stock
NEXT_MORNING = timedelta(hours=20)  # 06:00 the next day at the venue
# One cycle's sales: lines, visit date in days from today.
SALES = (
    ((("FAMILY", 1),), 0),  # 0: a package for today
    ((("ADULT", 2), ("CHILD", 1)), 4),  # 1: free refund tier
    ((("FAMILY", 1),), 1),  # 2: a package for tomorrow
    ((("ANNUAL", 1), ("CHILD", 1)), 0),  # 3: a pass, refunded once its visit date is past
)
# One cycle's refunds: sale, which of its tickets (types; None = the whole order), next day?
REFUNDS = (
    (1, ("ADULT",), False),  # a single ticket
    (0, ("CHILD",), False),  # a package's child component
    (2, None, False),  # a whole package order: two stock rows come back
    (1, ("ADULT", "CHILD"), False),  # the rest of an order
    (3, ("ANNUAL",), True),  # visit date past: no stock back
)


class Hook:
    """Counts the statements of write transactions (BEGIN IMMEDIATE, seen through SQLite's
    trace callback; the quote before a refund is a read transaction) and parks the process at
    the chosen statement of the armed refund's write transaction."""

    def __init__(self, engine: sa.Engine, spec: str, arm_at: int,
                 say: Callable[[str], None]) -> None:
        self.spec, self.arm_at, self.say = spec, arm_at, say
        self.refund = 0  # number of the refund under way, 0 between refunds
        self.writing, self.statements = False, 0
        self.counted, self.writes = 0, 0  # of the armed refund
        sa.event.listen(engine, "connect", self.on_connect)  # before the first connection
        sa.event.listen(engine, "begin", self.on_begin)
        sa.event.listen(engine, "before_cursor_execute", self.on_statement)
        sa.event.listen(engine, "commit", self.on_commit)

    @property
    def armed(self) -> bool:
        return self.writing and self.refund == self.arm_at

    def on_connect(self, dbapi_conn, _record) -> None:
        dbapi_conn.set_trace_callback(self.on_sql)

    def on_sql(self, sql: str) -> None:
        if sql.startswith("BEGIN"):
            self.writing = "IMMEDIATE" in sql

    def on_begin(self, conn) -> None:  # fires before the dialect issues BEGIN
        self.writing, self.statements = False, 0

    def on_statement(self, *args) -> None:
        if self.armed:
            self.statements += 1
            if self.spec == str(self.statements):
                self.park()

    def on_commit(self, conn) -> None:  # fires before COMMIT
        if self.armed:
            self.counted, self.writes = self.statements, self.writes + 1
            if self.spec == "commit":
                self.park()

    def park(self) -> None:
        self.say(f"parked {self.spec} {os.getpid()}")
        time.sleep(600)


def _picked(sale: SaleResult, types: tuple[str, ...] | None, done: set[str]) -> list[str]:
    """Ticket ids of `sale`: one not yet refunded per type in `types`, or all of them."""
    if types is None:
        return [t.ticket_id for t in sale.tickets]
    ids = []
    for code in types:
        ticket = next(t for t in sale.tickets
                      if t.ticket_type == code and t.ticket_id not in done | set(ids))
        ids.append(ticket.ticket_id)
    return ids


def _sayer(prefix: str) -> Callable[[str], None]:
    """Lines to stdout, each in one write(2): forked refunders share the pipe (and
    PYTHONUNBUFFERED would split a print into two writes)."""
    return lambda text: os.write(1, f"{prefix}{text}\n".encode())


def run(path: str, terminal: str, seed: int, spec: str, say: Callable[[str], None]) -> None:
    """Sell and refund in cycles on `path` (see the module docstring)."""
    db = Database.open(f"sqlite:///{path}", migrate=False)  # the test migrated it
    arm_at = int(os.environ.get("MENPIAO_CRASH_REFUND", ARM_AT_REFUND))
    hook = Hook(db.engine, spec, arm_at, say)
    venue, start = Venue(), NOW + timedelta(minutes=seed)
    if shifts.current_shift(db.session(), terminal) is None:
        shifts.open_shift(db.session(), terminal=terminal, clerk=CLERK, float_fen=FLOAT_FEN,
                          now=start)
    say("ready")
    refund_no, step = 0, 0
    for cycle in range(1_000_000):
        day = start + timedelta(days=cycle % DAYS)
        sold, done = [], set()
        for lines, ahead in SALES:
            step += 1
            now = day + timedelta(milliseconds=step)
            request = selling.SaleRequest(
                terminal=terminal, clerk=CLERK, device_id=f"crash-{terminal}",
                visit_date=venue.local_date(now) + timedelta(days=ahead),
                lines=tuple(selling.SaleLine(c, q) for c, q in lines), tendered_fen=100_000)
            sold.append(selling.sell(db.session(), request, now=now, venue=venue))
            say(f"sold {sold[-1].order_no}")
        for which, types, next_day in REFUNDS:
            step += 1
            now = day + (NEXT_MORNING if next_day else timedelta(milliseconds=step))
            ids = _picked(sold[which], types, done)
            refund_no += 1
            hook.refund = refund_no
            refund = window_refunds.refund_cash(
                db.session(), sold[which].order_no, ids, "游客行程有变", terminal=terminal,
                clerk=CLERK, role="clerk", now=now, venue=venue)
            hook.refund = 0
            done.update(ids)
            say(f"refunded {refund.refund_no}")
            if spec == "count" and refund_no == arm_at:
                say(f"statements {hook.counted}")
                say(f"transactions {hook.writes}")
        if spec == "count":
            db.dispose()
            say("cycle done")
            return


def fork_each(path_pattern: str, terminal: str, seed: int, points: list[str]) -> None:
    """One process per point, forked from this one so that the imports are paid once: each
    runs on its own copy `path_pattern.format(point)`, parks at its point and says so with
    its lines prefixed `POINT: `; this one opens no database, reaps them as they are killed
    and prints `POINT: ended STATUS` for each (-9: SIGKILL)."""
    say, pids = _sayer(""), {}
    for point in points:
        pid = os.fork()
        if pid == 0:
            try:
                run(path_pattern.format(point), terminal, seed, point, _sayer(f"{point}: "))
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(1)  # never back into the parent's loop
        pids[pid] = point
    while pids:
        pid, status = os.wait()
        say(f"{pids.pop(pid)}: ended {os.waitstatus_to_exitcode(status)}")


def main(path: str, terminal: str, seed: int) -> None:
    spec = os.environ.get("MENPIAO_CRASH_STMT", "")
    if "," in spec:
        fork_each(path, terminal, seed, spec.split(","))
    else:
        run(path, terminal, seed, spec, _sayer(""))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))

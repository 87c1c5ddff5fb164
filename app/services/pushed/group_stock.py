"""Free capacity taken by a group of pushed sales (`apply.apply_group`), written once when
the group ends instead of once per sale.

A sale pushed without a lease takes its units from free capacity when there is room
(`sales._take_units`). In a group, the stock row locked by the first sale's UPDATE would stay
locked until the group commits, and every other window's group and online sale of that type
and day would queue behind it. So a grouped sale only says what it takes (`want`); the units
of the sales that were applied are taken at the group's end in one conditional UPDATE per
type and day (`take_all`, in code order: the one lock order), just before the commit. When
there is room for all of them, each sale had room in its turn, and the outcome is the one the
sales would have had one by one. When there is not (the day is nearly sold out, or has no
stock row), `take_all` answers False: the caller rolls the group back and applies it again
with each sale taking stock in its turn, where each sale takes what is left and the rest is
counted as oversold.
"""

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.services.journal import changes
from app.services.stock import stock_writes


class GroupStock:
    def __init__(self) -> None:
        self._kept: dict[tuple[str, date], int] = defaultdict(int)
        self._op: dict[tuple[str, date], int] = defaultdict(int)

    def want(self, code: str, day: date, n: int) -> None:
        """The op being applied takes `n` free units of `code` on `day`."""
        self._op[(code, day)] += n

    def end_op(self, applied: bool) -> None:
        """The op is done: its units count when it was applied, else they are dropped."""
        if applied:
            for key, n in self._op.items():
                self._kept[key] += n
        self._op.clear()

    def take_all(self, session: Session, now: datetime) -> bool:
        """Take the applied ops' units (see the module docstring); False when one type and
        day has too few left (then some were taken: the caller rolls back)."""
        for (code, day), n in sorted(self._kept.items()):
            row = stock_writes.take_free(session, code, day, n, now)
            if not row:
                return False
            changes.touch_inventory(session, [code], day, now=now, rows=[row])
        return True

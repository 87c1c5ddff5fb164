"""The admin's capacity (DESIGN.md §4, §15): one day's, or one capacity over a date range,
optionally only on some ISO weekdays. Never below what is sold or held on any day it covers:
the rows are locked, checked by the domain rule and written in one transaction, so a sale
racing the change either lands first (and is counted) or waits and finds the new capacity.
Every change goes to the changes feed (windows) and the admin log (before → after).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.domain import actors
from app.domain import inventory as inv_rules
from app.domain.errors import Conflict, NotFound, ValidationError
from app.domain.venue import Venue
from app.services.journal import admin_log, changes
from app.store.models import Inventory, TicketTypeRow

MAX_CAPACITY = 1_000_000
_inventory = Inventory.__table__


@dataclass(frozen=True)
class StockItem:
    ticket_type: str
    visit_date: date
    capacity: int
    sold: int
    held: int
    available: int

    def to_dict(self) -> dict[str, object]:
        return {"ticket_type": self.ticket_type, "visit_date": self.visit_date.isoformat(),
                "capacity": self.capacity, "sold": self.sold, "held": self.held,
                "available": self.available}


def _check_capacity(capacity: object) -> None:
    if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 0:
        raise ValidationError("容量必须是非负整数", field="capacity")
    if capacity > MAX_CAPACITY:
        raise ValidationError(f"容量不能超过 {MAX_CAPACITY:,}", field="capacity")


def _stockable(session: Session, ticket_type: str) -> TicketTypeRow:
    tt = session.get(TicketTypeRow, ticket_type)
    if tt is None:
        raise NotFound(f"没有这种票：{ticket_type}")
    if tt.components:
        raise ValidationError(f"{tt.name}是套票，库存取自其组成票种", field="ticket_type")
    return tt


def _add_missing(session: Session, ticket_type: str, days: Sequence[date],
                 now: datetime) -> None:
    """Rows for the days that have none (capacity 0 until set); a row another writer adds
    meanwhile is left alone."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    rows = [{"ticket_type": ticket_type, "visit_date": d, "capacity": 0, "sold": 0, "held": 0,
             "oversold": 0, "version": 0, "updated_at": now} for d in days]
    session.execute(dialect.insert(_inventory).values(rows)
                    .on_conflict_do_nothing(index_elements=["ticket_type", "visit_date"]))


def _locked(session: Session, ticket_type: str, days: Sequence[date]) -> list[Inventory]:
    """The rows of those days, locked, in date order (one lock order for every writer)."""
    return list(session.execute(
        sa.select(Inventory).where(Inventory.ticket_type == ticket_type,
                                   Inventory.visit_date.in_(days))
        .order_by(Inventory.visit_date).with_for_update()
        .execution_options(populate_existing=True)).scalars())


def _record(session: Session, tt: TicketTypeRow, days: Sequence[date], before: dict[str, int],
            capacity: int, weekdays: Sequence[int] | None, actor: str, now: datetime) -> None:
    shape = {"ticket_type": tt.code, "from": days[0].isoformat(), "to": days[-1].isoformat(),
             "weekdays": list(weekdays) if weekdays else None}
    admin_log.record(session, actor=actor, entity="inventory", key=tt.code,
                     action="set_capacity", before=shape | {"capacity": before},
                     after=shape | {"capacity": {d.isoformat(): capacity for d in days}},
                     at=now)


def _set(session: Session, ticket_type: str, days: Sequence[date], capacity: int, *,
         weekdays: Sequence[int] | None, now: datetime, actor: str,
         refused: type[ValidationError] | type[Conflict]) -> list[StockItem]:
    """Inside the caller's transaction: every day of `days` to `capacity`, or nothing."""
    tt = _stockable(session, ticket_type)
    _add_missing(session, ticket_type, days, now)
    rows = _locked(session, ticket_type, days)
    before = {r.visit_date.isoformat(): r.capacity for r in rows if r.version > 0}
    for row in rows:
        try:
            inv_rules.set_capacity(inv_rules.Stock(row.capacity, row.sold, row.held), capacity)
        except ValidationError as e:
            raise refused(f"{row.visit_date:%Y-%m-%d} {tt.name}：{e.message}",
                          field="capacity", visit_date=row.visit_date.isoformat()) from None
    items = []
    for row in rows:
        if row.capacity != capacity or row.version == 0:
            row.capacity, row.version, row.updated_at = capacity, row.version + 1, now
            changes.touch_inventory(session, [ticket_type], row.visit_date, now=now)
        items.append(StockItem(ticket_type, row.visit_date, capacity, row.sold, row.held,
                               max(0, capacity - row.sold - row.held)))
    _record(session, tt, days, before, capacity, weekdays, actor, now)
    return items


def set_capacity(session: Session, ticket_type: str, visit_date: date, capacity: int, *,
                 now: datetime, actor: str = actors.SYSTEM) -> StockItem:
    """Set the daily capacity of a (non-package) type; never below what is sold and held
    (ValidationError); NotFound for an unknown type."""
    _check_capacity(capacity)
    with session.begin():
        (item,) = _set(session, ticket_type, [visit_date], capacity, weekdays=None, now=now,
                       actor=actor, refused=ValidationError)
    return item


def set_capacity_range(session: Session, ticket_type: str, first: date, last: date,
                       capacity: int, *, weekdays: Sequence[int] | None = None,
                       now: datetime, venue: Venue, actor: str = actors.SYSTEM,
                       ) -> list[StockItem]:
    """One capacity from `first` to `last` (at most 366 days, from today on), only on ISO
    `weekdays` when given: every covered day or none. Refused, nothing written:
    ValidationError (capacity, dates, weekdays, a package), NotFound (unknown type),
    Conflict naming the first day whose sold + held is above `capacity`."""
    _check_capacity(capacity)
    days = inv_rules.capacity_days(first, last, weekdays)
    today = venue.local_date(now)
    if first < today:
        raise ValidationError(f"开始日期不能早于今天（{today:%Y-%m-%d}）", field="from")
    with session.begin():
        return _set(session, ticket_type, days, capacity, weekdays=weekdays, now=now,
                    actor=actor, refused=Conflict)

"""Every write to a stock row (`inventory`) and to a lease's count (DESIGN.md §4), in one place.

The rules are `app.domain.inventory`'s; this module applies their decisions, inside the
caller's transaction, in one of two shapes:

- the hot path — a sale from free capacity, a window's offline sale from one lease, units
  given back by a refund or a void — is one conditional UPDATE (`sold + held + n <= capacity`,
  `used + n <= granted`, `n <= sold + oversold`) that refuses by touching no row: the domain
  rule (`sell_online`, `return_units`) written as a WHERE clause and SET expressions;
- everything else locks the stock row first (`lock_stock`; inventory before leases is the one
  lock order of every writer), asks the domain rule with the row's values and writes its answer
  back (`put_stock`, `put_lease`).

On PostgreSQL the row lock, on SQLite the `BEGIN IMMEDIATE` of every write transaction,
keeps the read and the write together; the CHECK constraints (`sold + held <= capacity`,
`used <= granted`, nothing negative) refuse a wrong answer on both engines.
"""

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import inventory as inv_rules
from app.store.models import Inventory, LeaseRow
from app.store.types import UTCDateTime

_inv = Inventory.__table__
_leases = LeaseRow.__table__
# Built once: a sale runs these every time, and building statements costs more than running them.
_TAKE_FREE_CACHED = (  # a window's cache: the version stays the store's (sync/cache.py)
    sa.update(_inv)
    .where(_inv.c.ticket_type == sa.bindparam("k_code"), _inv.c.visit_date == sa.bindparam("k_day"),
           _inv.c.sold + _inv.c.held + sa.bindparam("k_n") <= _inv.c.capacity)
    .values(sold=_inv.c.sold + sa.bindparam("k_n"),
            updated_at=sa.bindparam("k_now", type_=UTCDateTime())))
_TAKE_FREE = _TAKE_FREE_CACHED.values(version=_inv.c.version + 1).returning(*_inv.c)
_n = sa.bindparam("k_n")
_from_over = sa.case((_inv.c.oversold < _n, _inv.c.oversold), else_=_n)  # least(), both engines
_RETURN = (  # `inv_rules.return_units`: out of oversold first, then sold; a short row untouched
    sa.update(_inv)
    .where(_inv.c.ticket_type == sa.bindparam("k_code"), _inv.c.visit_date == sa.bindparam("k_day"),
           _n <= _inv.c.sold + _inv.c.oversold)
    .values(oversold=_inv.c.oversold - _from_over, sold=_inv.c.sold - (_n - _from_over),
            version=_inv.c.version + 1, updated_at=sa.bindparam("k_now", type_=UTCDateTime()))
    .returning(*_inv.c))
_USE_LEASE = (
    sa.update(_leases)
    .where(_leases.c.lease_id == sa.bindparam("k_id"),
           _leases.c.used + sa.bindparam("k_n") <= _leases.c.granted)
    .values(used=_leases.c.used + sa.bindparam("k_n"), version=_leases.c.version + 1,
            updated_at=sa.bindparam("k_now", type_=UTCDateTime())))


def take_free(session: Session, code: str, day: date, n: int, now: datetime, *,
              cached: bool = False) -> Any:
    """`sell_online` in one statement: move `n` free units into `sold`; None (nothing
    written) when fewer are free or the day has no stock row. On the store the stock row as
    it is after the write (for the changes feed), on a window's cache (`cached`: the copy of
    the store's stock, whose version is the store's) True."""
    params = {"k_code": code, "k_day": day, "k_n": n, "k_now": now}
    if cached:
        return True if session.connection().execute(_TAKE_FREE_CACHED, params).rowcount == 1 \
            else None
    return session.connection().execute(_TAKE_FREE, params).first()


def use_lease(session: Session, lease_id: str, n: int, now: datetime) -> bool:
    """Count `n` more units used on a lease in one statement (the local lease of a window
    selling offline); False (nothing written) when it has fewer left."""
    done = session.connection().execute(_USE_LEASE, {"k_id": lease_id, "k_n": n, "k_now": now})
    return done.rowcount == 1


def lock_stock(session: Session, ticket_type: str, visit_date: date) -> Inventory | None:
    """The stock row of a type and day, locked for this transaction (None: no row)."""
    return session.execute(
        sa.select(Inventory).where(Inventory.ticket_type == ticket_type,
                                   Inventory.visit_date == visit_date)
        .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()


def stock_of(row: Inventory) -> inv_rules.Stock:
    """A stock row's counts as the domain's value."""
    return inv_rules.Stock(row.capacity, row.sold, row.held, row.oversold)


def put_stock(row: Inventory, stock: inv_rules.Stock, now: datetime) -> None:
    """Write the domain's answer back to its locked row (version bumped when it changed)."""
    if stock_of(row) == stock:
        return
    row.sold, row.held, row.oversold = stock.sold, stock.held, stock.oversold
    row.version += 1
    row.updated_at = now


def lease_of(row: LeaseRow, active: bool) -> inv_rules.Lease:
    """A lease row as the domain's value; `active` says whether the sale may use it."""
    return inv_rules.Lease(row.granted, row.used, active)


def put_lease(row: LeaseRow, lease: inv_rules.Lease, now: datetime) -> None:
    """Write a lease's new `used` back to its locked row (version bumped when it changed)."""
    if lease.used == row.used:
        return
    row.used = lease.used
    row.version += 1
    row.updated_at = now


def return_units(session: Session, need: Mapping[str, int], day: date,
                 now: datetime) -> list[Any]:
    """Units of tickets that no longer count (refunded in time, voided) leave their rows, by
    `inv_rules.return_units` (oversold first, then sold; a row counting fewer is left as it
    is), one statement per type, in code order (the order rows are locked in). Returns the
    rows written, as they now are (for the changes feed)."""
    written = []
    for code in sorted(need):
        if need[code] > 0:
            row = session.connection().execute(_RETURN, {"k_code": code, "k_day": day,
                                                         "k_n": need[code], "k_now": now}).first()
            if row is not None:
                written.append(row)
    return written

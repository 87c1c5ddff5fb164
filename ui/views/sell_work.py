"""What the Sell view asks of the database, run off the GUI thread (no widget is touched):
the catalog with what is left, whether a shift is open, the sale itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ui.context import ClientContext


@dataclass(frozen=True)
class Stock:
    """The tiles' truth for one visit date: the active types in catalog order, units left per
    code, and (offline) the codes this window's leases hold none of — not sold out, simply not
    sellable here until the store is reached again."""

    types: tuple[Any, ...]
    available: dict[str, int]
    no_quota: frozenset[str] = frozenset()


def selling_offline(ctx: ClientContext) -> bool:
    """Connected to a store but not reaching it: sell only from this window's leases."""
    sync = ctx.sync
    return bool(sync is not None and sync.active and not sync.online)


def load_stock(ctx: ClientContext, day: date) -> Stock:
    """The catalog is read every time (a store's changes feed may have brought new types or
    prices); offline, what this window's leases still hold."""
    from app.services.stock import catalog

    with ctx.session() as session:
        types = tuple(catalog.ticket_types(session))
        if not selling_offline(ctx):
            return Stock(types, catalog.availability(session, day))
        available = catalog.availability(session, day, leases_of=ctx.device_id, now=ctx.now())
    # Offline the store's stock is unknown: what is not in a lease is not "sold out".
    return Stock(types, available, frozenset(c for c, n in available.items() if n <= 0))


def shift_open(ctx: ClientContext) -> bool:
    from app.services.shifts import shifts

    with ctx.session() as session:
        return shifts.current_shift(session, ctx.terminal) is not None


def commit_sale(ctx: ClientContext, request: Any, now: Any) -> Any:
    """The sale in one local transaction; cash only into the clerk's open shift."""
    from app.services.sales import selling

    with ctx.session() as session:
        return selling.sell(session, request, now=now, venue=ctx.venue(), require_shift=True)

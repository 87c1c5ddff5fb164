"""What can be sold and how much is left: ticket types, availability, daily stock
(`set_capacity` and `StockItem` live in `capacity`, re-exported here)."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import inventory as inv_rules
from app.domain.catalog import TicketKind, TicketType
from app.services.stock.capacity import StockItem, set_capacity
from app.store.db import read_transaction
from app.store.models import Inventory, LeaseRow, TicketTypeRow

__all__ = ["StockItem", "availability", "load_catalog", "set_capacity", "stock", "ticket_types"]
_types = TicketTypeRow.__table__
_inventory = Inventory.__table__

_SELECT_TYPES = sa.select(
    _types.c.code, _types.c.name, _types.c.kind, _types.c.price_fen, _types.c.components,
    _types.c.uses_total, _types.c.min_group_size, _types.c.active,
).order_by(_types.c.sort_order, _types.c.code)
_built: tuple[tuple, dict[str, TicketType]] = ((), {})  # last rows read and what they made


def _to_type(row: tuple) -> TicketType:
    code, name, kind, price, components, uses, group, active = row
    return TicketType(code=code, name=name, kind=TicketKind(kind), price_fen=price,
                      components=components, uses_total=uses, min_group_size=group,
                      active=bool(active))


def load_catalog(session: Session) -> dict[str, TicketType]:
    """Every ticket type, active or not, by code, in catalog order (inside the caller's
    transaction). Always read from the database; only the conversion is reused while the
    rows are unchanged (every sale calls this)."""
    global _built
    rows = tuple(r[:4] + (tuple(r[4] or ()),) + r[5:]
                 for r in session.connection().execute(_SELECT_TYPES))
    if rows != _built[0]:
        _built = (rows, {r[0]: _to_type(r) for r in rows})
    return dict(_built[1])


def ticket_types(session: Session) -> list[TicketType]:
    """The active ticket types in catalog order."""
    with read_transaction(session):
        return [t for t in load_catalog(session).values() if t.active]


def _stock_rows(session: Session, visit_date: date) -> dict[str, inv_rules.Stock]:
    rows = session.execute(sa.select(_inventory).where(_inventory.c.visit_date == visit_date))
    return {r.ticket_type: inv_rules.Stock(r.capacity, r.sold, r.held, r.oversold)
            for r in rows}


def availability(session: Session, visit_date: date, *, leases_of: str | None = None,
                 now: datetime | None = None) -> dict[str, int]:
    """Units left per active code on `visit_date`; a package's is the minimum over its
    components (it has no inventory rows of its own). No row means nothing on sale: 0.
    `leases_of=DEVICE` (offline): what that device's active leases still hold at `now`."""
    with read_transaction(session):
        types = [t for t in load_catalog(session).values() if t.active]
        if leases_of is None:
            left = {code: s.available for code, s in _stock_rows(session, visit_date).items()}
        else:
            left = _lease_left(session, visit_date, leases_of, now)
    return {
        t.code: (min((left.get(c, 0) for c in t.components), default=0) if t.is_package
                 else left.get(t.code, 0))
        for t in types
    }


def _lease_left(session: Session, visit_date: date, device_id: str,
                now: datetime | None) -> dict[str, int]:
    t = LeaseRow.__table__
    query = (sa.select(t.c.ticket_type, sa.func.sum(t.c.granted - t.c.used))
             .where(t.c.device_id == device_id, t.c.visit_date == visit_date,
                    t.c.status == "active").group_by(t.c.ticket_type))
    if now is not None:
        query = query.where(t.c.expires_at > now)
    return {code: int(n or 0) for code, n in session.execute(query)}


def stock(session: Session, visit_date: date) -> list[StockItem]:
    """Inventory rows of one visit date (capacity, sold, held, available), by ticket type."""
    with read_transaction(session):
        rows = _stock_rows(session, visit_date)
    return [StockItem(code, visit_date, s.capacity, s.sold, s.held, s.available)
            for code, s in sorted(rows.items())]

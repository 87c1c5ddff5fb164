"""The one place that writes timeline rows: append hash-chained events to an order's log inside
the caller's transaction (DESIGN.md §7), and read a log back as domain events. Each append also
moves the order row's head (`orders.last_hash`, `orders.event_count`) in that transaction, so
a chain rewritten or cut behind the store's back no longer matches its order (§14, `audit`)."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.timeline import ChainEnd, Event, next_event
from app.store.models import Order, TimelineEvent

_events = TimelineEvent.__table__
_orders = Order.__table__
_INSERT = sa.insert(_events)
_HEAD = (sa.update(_orders).where(_orders.c.order_id == sa.bindparam("oid"))
         .values(last_hash=sa.bindparam("head"), event_count=sa.bindparam("count")))
_LOOKUP: Any = object()  # sentinel: read the order's last event from the database

Entry = tuple[str, Mapping[str, Any]]  # (action, detail)


def as_event(row: Any) -> Event:
    """A `timeline_events` row as a domain event."""
    return _to_event(row)


def _to_event(row: Any) -> Event:
    return Event(seq=row.seq, at=row.at, actor=row.actor, action=row.action,
                 source=row.source, detail=row.detail, prev_hash=row.prev_hash, hash=row.hash)


def last_event(session: Session, order_id: str) -> Event | None:
    """The newest event of the order, or None when its log is empty."""
    row = session.execute(
        sa.select(_events).where(_events.c.order_id == order_id)
        .order_by(_events.c.seq.desc()).limit(1)
    ).first()
    return _to_event(row) if row else None


def load(session: Session, order_id: str) -> list[Event]:
    """Every event of the order, oldest first, exactly as stored."""
    rows = session.execute(
        sa.select(_events).where(_events.c.order_id == order_id).order_by(_events.c.seq)
    ).all()
    return [_to_event(r) for r in rows]


def chain(entries: Sequence[Entry], *, at: datetime, actor: str, source: str,
          prev: Event | ChainEnd | None) -> list[Event]:
    """The events `entries` (action, detail) make after `prev` (None: a new order's first),
    hashed; nothing is written (`insert` writes them)."""
    made: list[Event] = []
    for action, detail in entries:
        prev = next_event(prev, at=at, actor=actor, action=action, source=source, detail=detail)
        made.append(prev)
    return made


def rows(order_id: str, events: Sequence[Event]) -> list[dict[str, Any]]:
    """The `timeline_events` rows of `events` (made by `chain`) of the order."""
    return [{"order_id": order_id, "seq": e.seq, "at": e.at, "actor": e.actor,
             "action": e.action, "detail": dict(e.detail), "source": e.source,
             "prev_hash": e.prev_hash, "hash": e.hash} for e in events]


def table_rows(order_id: str, events: Sequence[Event]) -> list[tuple[sa.Table, dict[str, Any]]]:
    """`rows` of `events` with their table, for a caller that writes them with its own rows in
    one statement (`write_through.write`'s `rows`)."""
    return [(_events, row) for row in rows(order_id, events)]


def insert_many(session: Session, rows_: Sequence[Mapping[str, Any]]) -> None:
    """Write timeline rows (`rows`) of new orders, whose order rows were born with their
    heads (a group of pushed sales), in one statement."""
    if rows_:
        session.connection().execute(_INSERT, list(rows_))


def insert(session: Session, order_id: str, events: Sequence[Event], *,
           move_head: bool = True) -> None:
    """Write `events` (made by `chain`) and move the order row's head to the last one;
    `move_head=False` when the order row was just inserted with that head already (a new
    order: one statement less)."""
    if not events:
        return
    session.connection().execute(_INSERT, rows(order_id, events))
    if move_head:
        session.connection().execute(_HEAD, {"oid": order_id, "head": events[-1].hash,
                                             "count": events[-1].seq})


def append(session: Session, order_id: str, entries: Sequence[Entry], *, at: datetime,
           actor: str, source: str, prev: Event | ChainEnd | None = _LOOKUP,
           move_head: bool = True) -> list[Event]:
    """Append `entries` (action, detail) to the order's chain; returns the new events.

    `prev` is the order's current last event (or its `ChainEnd`) when the caller already knows it
    (None for a new order), saving a query; `move_head=False` when the caller moves the order
    row's head itself (`insert`). Concurrent writers to one order must hold the order's row (update
    it first); the UNIQUE(order_id, seq) constraint refuses a forked chain in any case.
    """
    if prev is _LOOKUP:
        prev = last_event(session, order_id)
    made = chain(entries, at=at, actor=actor, source=source, prev=prev)
    insert(session, order_id, made, move_head=move_head)
    return made

"""The central store's changes feed (DESIGN.md §9): one `change_log` written in the same
transaction as each change, numbered so that no reader can ever skip a commit.

Services call `touch(session, entity, id)` for what they changed, inside their transaction.
Nothing is written then: when the transaction commits, a `before_commit` hook serialises the
final state of every touched entity, takes the next numbers from the `change_log` counter row
(`UPDATE ... RETURNING`, which holds the row lock until commit) and inserts the rows. Because
the counter is the last thing a transaction takes, transactions that emit changes commit in the
order of their numbers: a commit that "finished late" holds its number and blocks the next one,
so a reader that has seen seq N has seen every seq below N. On PostgreSQL the same transaction
sends `NOTIFY menpiao_changes` (delivered at commit) so long-polls on other workers wake.

Only sessions marked with `enable(session)` emit (the central store); on a window's cache
`touch` does nothing.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.domain.inventory import Stock
from app.domain.timeline import iso_utc
from app.services.journal import orders as order_reads
from app.store.counters import next_values
from app.store.db import EMIT_CHANGES as _ENABLED
from app.store.models import (
    Anomaly,
    ChangeLog,
    Counter,
    Inventory,
    Order,
    Setting,
    TicketTypeRow,
)
from app.store.types import JSONType, UTCDateTime

ENTITIES = ("order", "inventory", "anomaly", "catalog", "policy")
COUNTER = "change_log"
CHANNEL = "menpiao_changes"  # PostgreSQL NOTIFY channel
_PENDING = "menpiao.changes.pending"
_LAST = "menpiao.changes.last_seq"
_NOW = "menpiao.changes.now"
_EMITTED = "menpiao.changes.emitted"
_log = ChangeLog.__table__
_INSERT = sa.insert(_log)

# Called with the highest seq after a commit that emitted changes (in-process wake-ups).
_listeners: list[Callable[[int], None]] = []


@dataclass(frozen=True)
class Change:
    seq: int
    entity: str
    id: str
    version: int
    data: dict[str, Any]


def enable(session: Session) -> Session:
    """Make `session` emit changes (the central store's sessions)."""
    session.info[_ENABLED] = True
    return session


State = tuple[int, dict[str, Any]]  # (version, JSON) as the feed keeps an entity


def touch(session: Session, entity: str, entity_id: str, *, now: datetime,
          state: State | None = None) -> None:
    """Record that `entity` `entity_id` changed in the current transaction; its final state is
    written to the feed at commit. Inventory ids are `TYPE:YYYY-MM-DD`; order ids are
    order_id; anomaly ids anomaly_id; catalog ids the ticket type code; policy ids the key
    of the `settings` row windows keep a copy of (`refund_policy`), whose JSON holds its
    `version`.

    `state`: the entity's state after this write, when the writer knows it exactly (a sale
    that just inserted its order, an UPDATE ... RETURNING of a stock row) — the commit then
    writes it without reading the entity back. It is used only while every touch of the
    entity in the transaction gave one (the latest wins): one touch without a state, or a
    savepoint rolled back, and the entity is read back at commit as before."""
    if entity not in ENTITIES:
        raise ValueError(f"unknown change entity: {entity}")
    if not session.info.get(_ENABLED):
        return
    pending: dict[tuple[str, str], State | None] = session.info.setdefault(_PENDING, {})
    key = (entity, entity_id)
    pending[key] = None if state is None or (key in pending and pending[key] is None) \
        else state
    session.info[_NOW] = now


def inventory_id(ticket_type: str, visit_date: date) -> str:
    return f"{ticket_type}:{visit_date.isoformat()}"


def touch_inventory(session: Session, ticket_types: Iterable[str], visit_date: date, *,
                    now: datetime, rows: Iterable[Any] = ()) -> None:
    """`touch` the stock rows of `ticket_types` on `visit_date`; `rows`: those the caller
    wrote with UPDATE ... RETURNING every column, whose state the feed then takes as is."""
    written = {row.ticket_type: row for row in rows}
    for code in ticket_types:
        row = written.get(code)
        touch(session, "inventory", inventory_id(code, visit_date), now=now,
              state=None if row is None else inventory_state(row))


def inventory_state(row: Any) -> State:
    """The feed's state of a stock row (a row read, or returned by an UPDATE ... RETURNING of
    every column), for `touch(..., state=...)`."""
    return row.version, inventory_json(row)


def add_listener(callback: Callable[[int], None]) -> None:
    """`callback(last_seq)` runs after each commit in this process that emitted changes."""
    _listeners.append(callback)


def remove_listener(callback: Callable[[int], None]) -> None:
    if callback in _listeners:
        _listeners.remove(callback)


# -- serialising -------------------------------------------------------------------------

_orders = Order.__table__


def _order(session: Session, order_id: str) -> tuple[int, dict[str, Any]] | None:
    order = session.execute(sa.select(_orders).where(_orders.c.order_id == order_id)).first()
    if order is None:
        return None
    return order.version, order_reads.orders_json(session, [order], reveal=False)[0]


def inventory_json(row: Any) -> dict[str, Any]:
    stock = Stock(row.capacity, row.sold, row.held)
    return {"ticket_type": row.ticket_type, "visit_date": row.visit_date.isoformat(),
            "capacity": row.capacity, "sold": row.sold, "held": row.held,
            "oversold": row.oversold, "available": stock.available}


def _inventory(session: Session, key: str) -> tuple[int, dict[str, Any]] | None:
    code, _, day = key.partition(":")
    t = Inventory.__table__
    row = session.execute(sa.select(t).where(
        t.c.ticket_type == code, t.c.visit_date == date.fromisoformat(day))).first()
    return None if row is None else (row.version, inventory_json(row))


def anomaly_json(a: Anomaly) -> dict[str, Any]:
    return {"id": a.anomaly_id, "kind": a.kind, "category": a.category,
            "order_id": a.order_id, "order_no": a.order_no, "reason": a.reason,
            "evidence": order_reads.public_evidence(a.evidence), "priority": a.priority, "status": a.status,
            "fixes": list(a.fixes or []), "detected_at": iso_utc(a.detected_at),
            "resolved_at": iso_utc(a.resolved_at) if a.resolved_at else None,
            "resolved_by": a.resolved_by, "resolution": a.resolution, "version": a.version}


def _anomaly(session: Session, anomaly_id: str) -> tuple[int, dict[str, Any]] | None:
    a = session.get(Anomaly, anomaly_id, populate_existing=True)
    return None if a is None else (a.version, anomaly_json(a))


def catalog_json(t: TicketTypeRow) -> dict[str, Any]:
    return {"code": t.code, "name": t.name, "kind": t.kind, "price_fen": t.price_fen,
            "components": list(t.components or []), "uses_total": t.uses_total,
            "min_group_size": t.min_group_size, "active": bool(t.active),
            "sort_order": t.sort_order}


def _catalog(session: Session, code: str) -> tuple[int, dict[str, Any]] | None:
    t = session.get(TicketTypeRow, code, populate_existing=True)
    return None if t is None else (t.version, catalog_json(t))


def _policy(session: Session, key: str) -> tuple[int, dict[str, Any]] | None:
    row = session.get(Setting, key, populate_existing=True)
    return None if row is None else (int(row.value.get("version", 0)), dict(row.value))


_SERIALISERS = {"order": _order, "inventory": _inventory, "anomaly": _anomaly,
                "catalog": _catalog, "policy": _policy}


def _orders_state(session: Session, ids: list[str]) -> dict[str, tuple[int, dict[str, Any]]]:
    """The touched orders' final state, read together (a group of pushed sales: 5 reads)."""
    rows = session.execute(sa.select(_orders).where(_orders.c.order_id.in_(ids))).all()
    return {o.order_id: (o.version, data) for o, data in
            zip(rows, order_reads.orders_json(session, rows, reveal=False), strict=True)}


def _inventory_state(session: Session, keys: list[str]) -> dict[str, tuple[int, dict[str, Any]]]:
    """The touched stock rows' final state, in one read."""
    t = Inventory.__table__
    pairs = [(code, date.fromisoformat(day)) for code, _, day in
             (key.partition(":") for key in keys)]
    rows = session.execute(sa.select(t).where(
        sa.tuple_(t.c.ticket_type, t.c.visit_date).in_(pairs))).all()
    return {inventory_id(r.ticket_type, r.visit_date): (r.version, inventory_json(r))
            for r in rows}


_BATCHED = {"order": _orders_state, "inventory": _inventory_state}


def _emit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    now = session.info.pop(_NOW, None)
    session.info.pop(_EMITTED, None)
    if not pending:
        return
    session.flush()
    states: dict[tuple[str, str], tuple[int, dict[str, Any]] | None] = {}
    for entity, read_many in _BATCHED.items():
        ids = [entity_id for (kind, entity_id), known in pending.items()
               if kind == entity and known is None]
        if ids:
            found = read_many(session, ids)
            states.update({(entity, i): found.get(i) for i in ids})
    rows = []
    for (entity, entity_id), known in pending.items():  # in the order they were touched
        key = (entity, entity_id)
        state = known if known is not None else states[key] if key in states \
            else _SERIALISERS[entity](session, entity_id)
        if state is not None:
            rows.append((entity, entity_id, *state))
    if not rows:
        return
    # the counter last: see the module doc
    seqs = _numbered_insert(session, rows, now) if _on_postgresql(session) else None
    if seqs is None:
        seqs = _numbers(session, len(rows))
        session.connection().execute(_INSERT, [
            {"seq": seq, "entity": entity, "entity_id": entity_id, "version": version,
             "data": data, "at": now}
            for seq, (entity, entity_id, version, data) in zip(seqs, rows, strict=True)])
    last = seqs[-1]
    session.info[_LAST] = last
    session.info[_EMITTED] = {(entity, entity_id): data
                              for entity, entity_id, _, data in rows}


def emitted(session: Session, entity: str, entity_id: str) -> dict[str, Any] | None:
    """The state of `entity` the last commit of `session` wrote to the feed (None when it
    wrote none): the answer of a write, without reading back what it just wrote. An order's
    is its masked Order JSON (`orders.orders_json`)."""
    return (session.info.get(_EMITTED) or {}).get((entity, entity_id))


_c = Counter.__table__
# PostgreSQL: take the numbers and queue the NOTIFY (sent at commit) in one round trip.
_NUMBER_AND_NOTIFY = (
    sa.update(_c).where(_c.c.name == COUNTER).values(value=_c.c.value + sa.bindparam("k_n"))
    .returning(_c.c.value, sa.func.pg_notify(CHANNEL, sa.cast(_c.c.value, sa.Text))))


# PostgreSQL: the numbers, the NOTIFY and the rows in one statement (one round trip for the
# feed of a commit); the rows go as one JSON array. Nothing is written when the counter has
# no row yet (a new database: `_numbers` creates it).
_NUMBERED_INSERT = sa.text(f"""
    WITH n AS (UPDATE counters SET value = value + :k WHERE name = '{COUNTER}'
               RETURNING value, pg_notify('{CHANNEL}', value::text))
    INSERT INTO change_log (seq, entity, entity_id, version, data, at)
    SELECT n.value - :k + r.i, r.entity, r.entity_id, r.version, r.data, :at
    FROM n, jsonb_to_recordset(:rows) AS r(i int, entity text, entity_id text, version int,
                                           data jsonb)
    RETURNING seq""").bindparams(sa.bindparam("rows", type_=JSONType),
                                 sa.bindparam("at", type_=UTCDateTime()))


def _on_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _numbered_insert(session: Session, rows: list[tuple[str, str, int, dict[str, Any]]],
                     at: datetime) -> range | None:
    """Number and write the feed rows of a commit (PostgreSQL); None when the counter row
    does not exist yet (nothing written)."""
    written = session.connection().execute(_NUMBERED_INSERT, {
        "k": len(rows), "at": at,
        "rows": [{"i": i, "entity": entity, "entity_id": entity_id, "version": version,
                  "data": data} for i, (entity, entity_id, version, data)
                 in enumerate(rows, start=1)]}).scalars().all()
    return range(min(written), max(written) + 1) if written else None


def _numbers(session: Session, n: int) -> range:
    if not _on_postgresql(session):
        return next_values(session, COUNTER, n)
    row = session.connection().execute(_NUMBER_AND_NOTIFY, {"k_n": n}).first()
    if row is None:  # the counter's first use: create it the ordinary way
        seqs = next_values(session, COUNTER, n)
        session.connection().execute(sa.select(sa.func.pg_notify(CHANNEL, str(seqs[-1]))))
        return seqs
    return range(row[0] - n + 1, row[0] + 1)


# A SAVEPOINT (`atomic` inside a transaction) fires these hooks too: its release is no commit
# (the changes are written once, when the outer transaction commits) and its rollback keeps
# what the outer transaction touched (an entity touched only inside it then serialises as it
# is: unchanged, or gone).
@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.info.get(_ENABLED) and not session.in_nested_transaction():
        _emit(session)


@event.listens_for(Session, "after_soft_rollback")
def _after_savepoint_rollback(session: Session, previous: Any) -> None:
    """A savepoint rolled back may have undone writes whose state was handed to `touch`:
    read every touched entity back at commit instead."""
    pending = session.info.get(_PENDING)
    if previous.nested and pending:
        for key in pending:
            pending[key] = None


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    last = session.info.pop(_LAST, None)
    if last:
        for callback in list(_listeners):
            callback(last)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.info.pop(_PENDING, None)
    session.info.pop(_LAST, None)
    session.info.pop(_NOW, None)
    session.info.pop(_EMITTED, None)


# -- reading -----------------------------------------------------------------------------

def read(session: Session, since: int, limit: int = 500,
         visible: Callable[[str, dict[str, Any]], bool] | None = None,
         ) -> tuple[list[Change], int, bool]:
    """Changes after `since` (oldest first, at most `limit`), the next cursor and whether
    more are waiting. Run inside a read transaction.

    `visible(entity, data)` keeps only the changes the reader may see (`read_scope`): the
    others are passed over, never skipped in the cursor's sense — the cursor moves past them,
    so a run of changes that are all someone else's still advances it (a page may then hold
    no change and `has_more` true). At most `SCAN` rows are read per call."""
    limit = max(1, min(limit, 1000))
    if visible is None:
        rows = _rows(session, since, limit + 1)
        more = len(rows) > limit
        out = [_change(r) for r in rows[:limit]]
        return out, (out[-1].seq if out else since), more
    return _read_visible(session, since, limit, visible)


SCAN = 5000  # rows a filtered read looks at before it answers with what it has


def _rows(session: Session, since: int, n: int) -> list[Any]:
    return list(session.execute(
        sa.select(_log.c.seq, _log.c.entity, _log.c.entity_id, _log.c.version, _log.c.data)
        .where(_log.c.seq > since).order_by(_log.c.seq).limit(n)).all())


def _change(r: Any) -> Change:
    return Change(r.seq, r.entity, r.entity_id, r.version, dict(r.data))


def _read_visible(session: Session, since: int, limit: int,
                  visible: Callable[[str, dict[str, Any]], bool],
                  ) -> tuple[list[Change], int, bool]:
    out: list[Change] = []
    cursor, scanned = since, 0
    while True:
        batch = _rows(session, cursor, max(limit, 500) + 1)
        for r in batch:
            if len(out) == limit or scanned == SCAN:
                return out, cursor, True  # `r` is not consumed: more are waiting
            scanned += 1
            cursor = r.seq
            if visible(r.entity, r.data):
                out.append(_change(r))
        if len(batch) <= max(limit, 500):
            return out, cursor, False


def last_seq(session: Session) -> int:
    return session.execute(sa.select(sa.func.coalesce(sa.func.max(_log.c.seq), 0))).scalar_one()

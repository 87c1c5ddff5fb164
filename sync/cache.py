"""The window's cache of the central store: one page of the changes feed applied in one
transaction (DESIGN.md §9).

`apply_page` upserts every change of the page and stores the page's `next_cursor` in
`sync_state` (stream `changes`) in the same transaction: a crash can never separate the rows
from the cursor, and replaying a page is harmless.

VERSION RULE (decided): a change whose `version` is LOWER than the local row's is skipped (the
window changed the row since and its op is still on the way); a change with an EQUAL or higher
version is applied. Equal must overwrite because the window's own services bump local versions
too: the store's row of the same version is the truth (it may have merged another device's
change). `force_order` applies an order whatever its version: the engine fetches the store's
copy of an order whose op was refused, so a change the store never accepted does not linger.
Stock rows keep the store's version: a window's own sale moves its cached `sold` but not the
version (`selling.sell` with `local_effects`), so the next change of the store, counting that
sale or not, always lands, and an old page replayed after a crash never rolls stock back.

An order change carries the whole order (Order JSON with the extras of
`app.services.journal.orders.orders_json`): its tickets, payments and refunds are replaced by the
store's (rows of that order the store does not have are removed from the cache). A page's
orders are written together, one upsert per table (`_write_orders`); when that collides with
the cache they go one by one, each in its own savepoint, and a colliding one is left out.
Customer data arrives masked and is stored masked. The timeline is not written here: it is read from
the store. Within a page, catalog changes are applied first, then inventory, orders and
anomalies, so a row never waits for its parent. A `policy` change (the refund policy,
DESIGN.md §15) is kept in the window's `settings` (`refund_policy.mirror`): the window's own
quotes read it there, online or not.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.services.journal.outbox import unsent as unsent_ops
from app.services.refunds import refund_policy
from app.store.db import dialect_insert, read_transaction
from app.store.models import (
    Anomaly,
    Inventory,
    Order,
    Payment,
    Refund,
    SyncState,
    Ticket,
    TicketTypeRow,
)

log = logging.getLogger(__name__)

STREAM = "changes"
# The feed is scoped by role (DESIGN §14): a clerk's skips other windows' orders and every
# anomaly. A supervisor signing in at that window reads the whole feed under a cursor of its
# own, so nothing the clerk's feed skipped is missed.
WHOLE_FEED = "changes:all"


def stream_for(role: str) -> str:
    """The cursor a window keeps for the feed `role` is given."""
    return WHOLE_FEED if role in ("supervisor", "finance", "admin") else STREAM
START = "0"
_APPLY_ORDER = {"policy": 0, "catalog": 1, "inventory": 2, "order": 3, "anomaly": 4}

_orders, _tickets = Order.__table__, Ticket.__table__
_payments, _refunds = Payment.__table__, Refund.__table__
_inventory, _anomalies = Inventory.__table__, Anomaly.__table__
_types, _state = TicketTypeRow.__table__, SyncState.__table__


@dataclass(frozen=True)
class Applied:
    """What one page changed in the cache (skipped changes are not listed)."""

    order_ids: tuple[str, ...]
    inventory: tuple[str, ...]  # `TYPE:YYYY-MM-DD`
    anomalies: tuple[str, ...]
    catalog: tuple[str, ...]
    cursor: str
    policy: bool = False  # the refund policy changed


def _at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


# Built once per dialect, table and columns: the feed brings thousands of orders after a
# window drained its outbox, and building an upsert (its `excluded` columns) cost more than
# running it.
_UPSERTS: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], sa.Insert] = {}


def _upsert(session: Session, table: sa.Table, rows: Sequence[Mapping[str, Any]],
            key: Sequence[str]) -> None:
    """INSERT ... ON CONFLICT (key) DO UPDATE of the given columns (SQLite and PostgreSQL)."""
    if not rows:
        return
    dialect, columns = session.get_bind().dialect.name, tuple(rows[0])
    stmt = _UPSERTS.get((dialect, table.name, columns, tuple(key)))
    if stmt is None:
        base = dialect_insert(dialect)(table)
        stmt = _UPSERTS[(dialect, table.name, columns, tuple(key))] = \
            base.on_conflict_do_update(index_elements=list(key),
                                       set_={c: base.excluded[c] for c in columns
                                             if c not in key})
    session.execute(stmt, list(rows))


def _local_versions(session: Session, column: sa.Column, version: sa.Column,
                    ids: Iterable[Any]) -> dict[Any, int]:
    ids = list(ids)
    if not ids:
        return {}
    return dict(session.execute(sa.select(column, version).where(column.in_(ids))).all())


def _newest(changes: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """The last change per id (the feed carries final states: the last one is the freshest)."""
    out: dict[str, Mapping[str, Any]] = {}
    for change in sorted(changes, key=lambda c: c["seq"]):
        out[str(change["id"])] = change
    return out


def _wanted(changes: Mapping[str, Mapping[str, Any]], local: Mapping[Any, int],
            key_of: Any = str) -> list[Mapping[str, Any]]:
    """Changes that pass the version rule (not lower than the local row's)."""
    return [c for i, c in changes.items() if int(c["version"]) >= local.get(key_of(i), 0)]


# -- orders ----------------------------------------------------------------------------------

def _order_row(o: Mapping[str, Any], version: int) -> dict[str, Any]:
    customer = o.get("customer") or {}
    return {
        "order_id": o["order_id"], "order_no": o["order_no"], "channel": o["channel"],
        "external_id": o.get("external_id"), "terminal": o.get("terminal"),
        "clerk": o.get("clerk"), "device_id": o.get("device_id"),
        "visit_date": date.fromisoformat(o["visit_date"]), "status": o["status"],
        "payment_state": o["payment_state"], "cancelled": bool(o.get("cancelled")),
        "total_fen": o["total_fen"], "paid_fen": o["paid_fen"],
        "refunded_fen": o["refunded_fen"], "customer_name": customer.get("name"),
        "customer_phone": customer.get("phone_masked"),
        "customer_id_no": customer.get("id_masked"),
        "receipt_reprint_count": o.get("receipt_reprint_count", 0),
        "created_at": _at(o["created_at"]),
        "updated_at": _at(o.get("updated_at") or o["created_at"]), "version": version}


def _ticket_rows(o: Mapping[str, Any], updated_at: datetime) -> list[dict[str, Any]]:
    return [{"ticket_id": t["ticket_id"], "order_id": o["order_id"],
             "position": t.get("position", i), "code": t["code"],
             "ticket_type": t["ticket_type"], "sold_as": t.get("sold_as") or t["ticket_type"],
             "name": t.get("name") or t["ticket_type"], "kind": t.get("kind") or "regular",
             "price_fen": t["price_fen"], "list_price_fen": t.get("list_price_fen", t["price_fen"]),
             "status": t["status"], "uses_total": t["uses_total"], "uses_left": t["uses_left"],
             "redeemed_at": _at(t.get("redeemed_at")), "redeemed_by": t.get("redeemed_by"),
             "reprint_count": t.get("reprint_count", 0), "updated_at": updated_at,
             "version": t.get("version", 1)}
            for i, t in enumerate(o.get("tickets") or [], start=1)]


def _payment_rows(o: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"payment_id": p["payment_id"], "payment_no": p["payment_no"],
             "order_id": o["order_id"], "method": p["method"], "amount_fen": p["amount_fen"],
             "tendered_fen": p.get("tendered_fen", p["amount_fen"]),
             "change_fen": p.get("change_fen", 0), "status": p["status"],
             "provider": p.get("provider"), "provider_txn_id": p.get("provider_txn_id"),
             "at": _at(p["at"])}
            for p in o.get("payments") or []]


def _refund_rows(o: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{"refund_id": r["refund_id"], "refund_no": r["refund_no"],
             "order_id": o["order_id"], "ticket_ids": list(r.get("ticket_ids") or []),
             "method": r["method"], "status": r["status"], "amount_fen": r["amount_fen"],
             "fee_fen": r.get("fee_fen", 0), "payment_fee_fen": r.get("payment_fee_fen", 0),
             "rule": r.get("rule"), "reason": r.get("reason"),
             "approvals": list(r.get("approvals") or []), "requested_by": r.get("requested_by"),
             "override": ({"payout_terminal": r["payout_terminal"]}
                          if r.get("payout_terminal") else None),
             "created_at": _at(r["created_at"]),
             "paid_out_terminal": r.get("paid_out_terminal"),
             "paid_out_at": _at(r["paid_out_at"]) if r.get("paid_out_at") else None,
             "updated_at": _at(r.get("updated_at") or r["created_at"]),
             "version": r.get("version", 1)}
            for r in o.get("refunds") or []]


_DROP_OTHERS: dict[str, sa.Delete] = {}  # by table: built once (see `_UPSERTS`)
_CHILDREN = ((_tickets, "ticket_id"), (_payments, "payment_id"), (_refunds, "refund_id"))
# Ids per IN list in the bulk path: well under SQLite's bound on host parameters.
_IN_CHUNK = 500


def _child_rows(data: Mapping[str, Any], updated_at: datetime) -> list[list[dict[str, Any]]]:
    """The order's tickets, payments and refunds, in the order of `_CHILDREN`."""
    return [_ticket_rows(data, updated_at), _payment_rows(data), _refund_rows(data)]


def _replace_children(session: Session, table: sa.Table, id_col: str, order_id: str,
                      rows: list[dict[str, Any]]) -> None:
    drop = _DROP_OTHERS.get(table.name)
    if drop is None:
        drop = _DROP_OTHERS[table.name] = sa.delete(table).where(
            table.c.order_id == sa.bindparam("oid"),
            table.c[id_col].not_in(sa.bindparam("keep", expanding=True)))
    session.execute(drop, {"oid": order_id, "keep": [r[id_col] for r in rows]})
    _upsert(session, table, rows, [id_col])


def _write_order(session: Session, data: Mapping[str, Any], version: int) -> bool:
    """Upsert one order with its tickets, payments and refunds (inside a savepoint: an order
    that collides with a local one, e.g. the same order_no under another id, is logged and
    left out instead of stopping the whole feed)."""
    row = _order_row(data, version)
    try:
        with session.begin_nested():
            _upsert(session, _orders, [row], ["order_id"])
            oid = row["order_id"]
            for (table, id_col), rows in zip(_CHILDREN, _child_rows(data, row["updated_at"]),
                                             strict=True):
                _replace_children(session, table, id_col, oid, rows)
    except sa.exc.IntegrityError:
        log.exception("order %s from the store collides with the cache; left out",
                      data.get("order_no"))
        return False
    return True


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    return (items[i:i + _IN_CHUNK] for i in range(0, len(items), _IN_CHUNK))


def _drop_stale_children(session: Session, table: sa.Table, id_col: str,
                         keep: Mapping[str, set[Any]]) -> None:
    """Delete the cached rows of these orders that the store's copies no longer list (what
    `_replace_children` does per order): read the orders' child ids, delete the few stale."""
    key, parent = table.c[id_col], table.c.order_id
    stale = [child for oids in _chunks(list(keep))
             for oid, child in session.execute(sa.select(parent, key)
                                               .where(parent.in_(oids))).all()
             if child not in keep[oid]]
    for ids in _chunks(stale):
        session.execute(sa.delete(table).where(key.in_(ids)))


def _write_orders_at_once(session: Session, changes: Sequence[Mapping[str, Any]]) -> None:
    """The orders of `changes` with their children, one upsert per table (the page's rows in
    one executemany) and one read per child table for the rows to drop: the same rows as
    `_write_order` one by one, without ~8 statements and a savepoint per order."""
    orders: list[dict[str, Any]] = []
    children: list[tuple[list[dict[str, Any]], dict[str, set[Any]]]] = [
        ([], {}) for _ in _CHILDREN]
    for c in changes:
        row = _order_row(c["data"], int(c["version"]))
        orders.append(row)
        for (_, id_col), (rows, keep), own in zip(
                _CHILDREN, children, _child_rows(c["data"], row["updated_at"]), strict=True):
            rows.extend(own)
            keep[row["order_id"]] = {r[id_col] for r in own}
    _upsert(session, _orders, orders, ["order_id"])
    for (table, id_col), (rows, keep) in zip(_CHILDREN, children, strict=True):
        _drop_stale_children(session, table, id_col, keep)
        _upsert(session, table, rows, [id_col])


def _write_orders(session: Session, changes: Sequence[Mapping[str, Any]]) -> list[str]:
    """Write the orders of `changes` (seq order); the ids written. All at once inside one
    savepoint; when that collides with the cache (an order_no or ticket code under another
    id), the savepoint is rolled back and the orders go one by one, so only the colliding
    ones are left out."""
    if len(changes) > 1:
        try:
            with session.begin_nested():
                _write_orders_at_once(session, changes)
        except sa.exc.IntegrityError as exc:
            log.warning("a page of %d orders collides with the cache (%s); order by order",
                        len(changes), exc.orig)
        else:
            return [c["data"]["order_id"] for c in changes]
    return [c["data"]["order_id"] for c in changes
            if _write_order(session, c["data"], int(c["version"]))]


def _unsent_orders(session: Session) -> set[str]:
    """Orders this window changed in ops the store has not taken yet (a refund, a payout, a
    reprint): the store's copy of them is older than ours, whatever its version says."""
    return {p["order_id"] for kind, p in unsent_ops(session)
            if kind != "sale" and p.get("order_id")}


def _apply_orders(session: Session, changes: list[Mapping[str, Any]]) -> list[str]:
    """Newer orders of the store replace the cached ones — except orders with local ops
    still on their way (applying our op bumps the store's version, so the feed sends that
    order again once it is in)."""
    newest = _newest(changes)
    unsent = _unsent_orders(session) if newest else set()
    newest = {i: c for i, c in newest.items() if c["data"].get("order_id") not in unsent}
    local = _local_versions(session, _orders.c.order_id, _orders.c.version, newest)
    return _write_orders(session, _wanted(newest, local))


def force_order(session: Session, data: Mapping[str, Any]) -> None:
    """Replace the cached order by the store's copy, whatever the versions (one transaction)."""
    with session.begin():
        _write_order(session, data, int(data["version"]))


# -- inventory, anomalies, catalog --------------------------------------------------------

def _apply_inventory(session: Session, changes: list[Mapping[str, Any]],
                     now: datetime) -> list[str]:
    newest = _newest(changes)
    keys = {i: (c["data"]["ticket_type"], date.fromisoformat(c["data"]["visit_date"]))
            for i, c in newest.items()}
    local = {}
    if keys:
        local = {(r.ticket_type, r.visit_date): r.version for r in session.execute(
            sa.select(_inventory.c.ticket_type, _inventory.c.visit_date, _inventory.c.version)
            .where(sa.tuple_(_inventory.c.ticket_type, _inventory.c.visit_date)
                   .in_(list(keys.values()))))}
    known_types = set(session.execute(sa.select(_types.c.code)).scalars())
    applied, rows = [], []
    for i, c in newest.items():
        d = c["data"]
        if int(c["version"]) < local.get(keys[i], 0):
            continue
        if d["ticket_type"] not in known_types:
            log.warning("inventory %s names an unknown ticket type; left out", i)
            continue
        rows.append({"ticket_type": d["ticket_type"], "visit_date": keys[i][1],
                     "capacity": d["capacity"], "sold": d["sold"], "held": d["held"],
                     "oversold": d.get("oversold", 0), "version": int(c["version"]),
                     "updated_at": now})
        applied.append(i)
    _upsert(session, _inventory, rows, ["ticket_type", "visit_date"])
    return applied


def _apply_anomalies(session: Session, changes: list[Mapping[str, Any]]) -> list[str]:
    newest = _newest(changes)
    local = _local_versions(session, _anomalies.c.anomaly_id, _anomalies.c.version, newest)
    wanted = _wanted(newest, local)
    order_ids = {c["data"].get("order_id") for c in wanted} - {None}
    known = set(session.execute(sa.select(_orders.c.order_id)
                                .where(_orders.c.order_id.in_(order_ids))).scalars())
    rows = []
    for c in wanted:
        a = c["data"]
        rows.append({
            "anomaly_id": a["id"], "kind": a["kind"], "category": a["category"],
            # an order the cache has not seen yet (another page) is still found by order_no
            "order_id": a.get("order_id") if a.get("order_id") in known else None,
            "order_no": a.get("order_no"), "reason": a["reason"],
            "evidence": dict(a.get("evidence") or {}), "priority": a.get("priority", 0),
            "status": a["status"], "fixes": list(a.get("fixes") or []),
            "detected_at": _at(a["detected_at"]), "resolved_at": _at(a.get("resolved_at")),
            "resolved_by": a.get("resolved_by"), "resolution": a.get("resolution"),
            "version": int(c["version"])})
    _upsert(session, _anomalies, rows, ["anomaly_id"])
    return [r["anomaly_id"] for r in rows]


def _apply_catalog(session: Session, changes: list[Mapping[str, Any]],
                   now: datetime) -> list[str]:
    newest = _newest(changes)
    local = _local_versions(session, _types.c.code, _types.c.version, newest)
    rows = [{"code": t["code"], "name": t["name"], "kind": t["kind"],
             "price_fen": t["price_fen"], "components": list(t.get("components") or []),
             "uses_total": t.get("uses_total", 1), "min_group_size": t.get("min_group_size", 1),
             "active": bool(t.get("active", True)), "sort_order": t.get("sort_order", 0),
             "version": int(c["version"]), "updated_at": now}
            for c in _wanted(newest, local) for t in [c["data"]]]
    _upsert(session, _types, rows, ["code"])
    return [r["code"] for r in rows]


def _apply_policy(session: Session, changes: list[Mapping[str, Any]], now: datetime) -> bool:
    """The newest refund policy of the page, unless the kept one is newer."""
    newest = _newest(c for c in changes if c["id"] == refund_policy.KEY)
    change = newest.get(refund_policy.KEY)
    if change is None:
        return False
    try:
        return refund_policy.mirror(session, change["data"], int(change["version"]), now=now)
    except (KeyError, TypeError, ValueError):  # the window keeps the policy it had
        log.exception("refund policy from the store is malformed; left out")
        return False


# -- the page --------------------------------------------------------------------------------

def _store_cursor(session: Session, cursor: str, now: datetime, stream: str) -> None:
    _upsert(session, _state, [{"stream": stream, "cursor": cursor, "updated_at": now}],
            ["stream"])


def apply_page(session: Session, page: Mapping[str, Any], *, now: datetime,
               stream: str = STREAM) -> Applied:
    """Apply one page of GET /sync/changes and store its `next_cursor` (under `stream`, see
    `stream_for`), in one transaction."""
    by_entity: dict[str, list[Mapping[str, Any]]] = {e: [] for e in _APPLY_ORDER}
    for change in page.get("changes") or []:
        if change.get("entity") in by_entity:
            by_entity[change["entity"]].append(change)
        else:
            log.warning("unknown change entity %r skipped", change.get("entity"))
    cursor = str(page["next_cursor"])
    with session.begin():
        policy = _apply_policy(session, by_entity["policy"], now)
        catalog = _apply_catalog(session, by_entity["catalog"], now)
        inventory = _apply_inventory(session, by_entity["inventory"], now)
        orders = _apply_orders(session, by_entity["order"])
        anomalies = _apply_anomalies(session, by_entity["anomaly"])
        _store_cursor(session, cursor, now, stream)
    return Applied(tuple(orders), tuple(inventory), tuple(anomalies), tuple(catalog), cursor,
                   policy)


def apply_fetched(session: Session, *, orders: Iterable[Mapping[str, Any]] = (),
                  anomalies: Iterable[Mapping[str, Any]] = ()) -> Applied:
    """Rows the store sent in answer to a request of this window (an anomaly fix): applied
    like feed changes (same version rule, orders before anomalies) in one transaction; the
    cursor is left alone, the feed brings the same rows again later, harmlessly."""
    def as_changes(items: Iterable[Mapping[str, Any]], key: str) -> list[dict[str, Any]]:
        return [{"seq": n, "id": d[key], "version": d["version"], "data": d}
                for n, d in enumerate(items)]

    anomaly_rows = [dict(a, id=a.get("id") or a["anomaly_id"]) for a in anomalies]
    with session.begin():
        order_ids = _apply_orders(session, as_changes(orders, "order_id"))
        anomaly_ids = _apply_anomalies(session, as_changes(anomaly_rows, "id"))
        current = session.execute(sa.select(_state.c.cursor)
                                  .where(_state.c.stream == STREAM)).scalar_one_or_none()
    return Applied(tuple(order_ids), (), tuple(anomaly_ids), (), current or START)


def cursor(session: Session, stream: str = STREAM) -> str:
    """The stored cursor of the changes feed (`0`: from the beginning)."""
    with read_transaction(session):
        value = session.execute(sa.select(_state.c.cursor)
                                .where(_state.c.stream == stream)).scalar_one_or_none()
    return value or START

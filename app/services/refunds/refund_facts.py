"""What a refund quote or request reads of an order besides the order row, read once, in one
statement: its tickets, one per row, each beside the same scalar subqueries — its payments and
its refunds (each a JSON array of rows), the visitor's recent refunds, the stored policy and
force-majeure rules, the timeline's head, the open anomalies (PostgreSQL computes them once).
It was four statements, one per kind of row (issue 16: a statement costs the store about
0.4 ms under load). The quote, the holds, the refund number and the timeline append all use
these values instead of reading each of them again; a request also makes the order's Order
JSON of them for the changes feed (`orders.order_json`), so the commit does not read the order
back.

Inside the caller's transaction. A request reads them after it has locked the order (never in
the locking statement itself: on PostgreSQL a subquery there sees the database as it was before
the lock was granted, a twin's refund left out)."""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from app.domain.refunds import RefundPolicy
from app.domain.timeline import ChainEnd
from app.services.refunds import refund_policy, refund_rules
from app.services.refunds.refund_rules import ForceMajeure
from app.store.models import Anomaly, Order, Payment, Refund, Setting, Ticket, TimelineEvent
from app.store.types import UTCDateTime

DUAL_APPROVAL_WINDOW = timedelta(hours=24)

_orders, _pay, _ref = Order.__table__, Payment.__table__, Refund.__table__
_set, _events, _anomalies = Setting.__table__, TimelineEvent.__table__, Anomaly.__table__
_OID, _PHONE = sa.bindparam("f_oid"), sa.bindparam("f_phone")


def _setting(key: str) -> Any:
    return sa.select(_set.c.value).where(_set.c.key == key).scalar_subquery()


def _last(column: sa.Column) -> Any:
    return (sa.select(column).where(_events.c.order_id == _OID)
            .order_by(_events.c.seq.desc()).limit(1).scalar_subquery())


def _recent(same: Any) -> Any:
    return (sa.select(sa.func.coalesce(sa.func.sum(_ref.c.amount_fen), 0))
            .where(same, _ref.c.status != "rejected",
                   _ref.c.created_at > sa.bindparam("f_since")).scalar_subquery())


_PHONE_ORDERS = sa.select(_orders.c.order_id).where(_orders.c.customer_phone == _PHONE)
_PHONE_TODAY = (  # refunds asked today (venue time) on any order of the visitor's phone
    sa.select(sa.func.count())
    .select_from(_ref.join(_orders, _orders.c.order_id == _ref.c.order_id))
    .where(_orders.c.customer_phone == _PHONE, _ref.c.created_at >= sa.bindparam("f_day"),
           _ref.c.created_at < sa.bindparam("f_day_end")).scalar_subquery())
_COMMON = (
    sa.select(sa.func.count()).where(_anomalies.c.order_id == _OID,
                                     _anomalies.c.status == "open").scalar_subquery()
    .label("open_anomalies"),
    _setting(refund_policy.KEY).label("policy"),
    _setting(refund_rules.RULES_KEY).label("rules"),
    _last(_events.c.seq).label("last_seq"),
    _last(_events.c.hash).label("last_hash"),
)


def _rows_json(table: sa.Table, order_by: sa.Column, dialect: str) -> Any:
    """SQL: the order's rows of `table` as one JSON array (text) of objects, by `order_by`."""
    if dialect == "postgresql":
        obj = sa.func.json_build_object(*[x for c in table.c for x in (c.name, c)])
        rows = sa.func.json_agg(postgresql.aggregate_order_by(obj, order_by))
        return (sa.select(sa.cast(sa.func.coalesce(rows, sa.text("'[]'::json")), sa.Text))
                .where(table.c.order_id == _OID).scalar_subquery())
    mine = sa.select(table).where(table.c.order_id == _OID).order_by(order_by).subquery()
    obj = sa.func.json_object(*[x for c in mine.c for x in (
        c.name, sa.func.json(c) if isinstance(c.type, sa.JSON) else c)])
    return sa.select(sa.func.coalesce(sa.func.json_group_array(obj), "[]")).scalar_subquery()


def _statement(dialect: str, phone: bool) -> sa.Select:
    recent = _recent(sa.or_(_ref.c.order_id == _OID, _ref.c.order_id.in_(_PHONE_ORDERS))
                     if phone else _ref.c.order_id == _OID)
    one = sa.select(sa.literal(1).label("one")).subquery("one")
    return (sa.select(*_COMMON, recent.label("recent_fen"),
                      (_PHONE_TODAY if phone else sa.literal(0)).label("phone_today"),
                      _rows_json(_pay, _pay.c.at, dialect).label("payments"),
                      _rows_json(_ref, _ref.c.created_at, dialect).label("refunds"), Ticket)
            .select_from(one).outerjoin(Ticket, Ticket.order_id == _OID)
            .order_by(Ticket.position).execution_options(populate_existing=True))


# Built once per dialect and phone (building a statement costs more than running it); the
# phone's two subqueries only when the order has one.
_STATEMENTS = {(d, phone): _statement(d, phone)
               for d in ("postgresql", "sqlite") for phone in (False, True)}


def _loaded(table: sa.Table, text: str) -> tuple[SimpleNamespace, ...]:
    """Plain rows (as reading `table` gives: aware UTC datetimes) of a `_rows_json` array."""
    stamps = [c.name for c in table.c if isinstance(c.type, UTCDateTime)]
    rows = []
    for values in json.loads(text):
        for name in stamps:
            if (at := values[name]) is not None:
                at = datetime.fromisoformat(at)
                values[name] = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
        rows.append(SimpleNamespace(**values))
    return tuple(rows)


@dataclass(frozen=True)
class OrderFacts:
    """An order's refund facts (see the module docstring)."""

    tickets: tuple[Ticket, ...]  # every ticket of the order, in position order, fresh
    payments: tuple[Any, ...]  # its payments (plain rows), by time
    refunds: tuple[Any, ...]  # its refunds so far (plain rows), by time: the next is R<n + 1>
    open_anomalies: int  # its open anomalies (the Order JSON's count)
    recent_fen: int  # refunded or asked back in the last 24 h, this order or the same phone
    phone_refunds_today: int  # refunds asked today on the visitor's phone (0: no phone)
    policy: RefundPolicy  # the base policy with the stored holidays, line and fees
    rules: dict[date, ForceMajeure]  # the force-majeure rules in effect, by visit date
    head: ChainEnd | None  # the timeline's last event (None: empty)

    @property
    def method(self) -> str:
        """The first succeeded payment's method (`cash` when none is recorded)."""
        return next((p.method for p in self.payments if p.status == "succeeded"), "cash")


def read(session: Session, order: Order, *, now: datetime, base: RefundPolicy) -> OrderFacts:
    """The facts of `order` at `now` (see the module docstring); `base` gives the zone (the
    visitor's day) and hours, the stored policy the rest."""
    day = datetime.combine(now.astimezone(ZoneInfo(base.zone)).date(), datetime.min.time(),
                           ZoneInfo(base.zone))
    phone = order.customer_phone or None
    rows = session.execute(_STATEMENTS[session.get_bind().dialect.name, phone is not None], {
        "f_oid": order.order_id, "f_phone": phone, "f_since": now - DUAL_APPROVAL_WINDOW,
        "f_day": day, "f_day_end": day + timedelta(days=1)}).all()
    row = rows[0]
    return OrderFacts(
        tuple(r.Ticket for r in rows if r.Ticket is not None), _loaded(_pay, row.payments),
        _loaded(_ref, row.refunds), int(row.open_anomalies), int(row.recent_fen),
        int(row.phone_today), refund_policy.stored(row.policy, base),
        {r.visit_date: r for r in refund_rules.rules_of(row.rules)},
        None if row.last_seq is None else ChainEnd(int(row.last_seq), row.last_hash))

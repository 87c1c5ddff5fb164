"""The supervisor's anomaly queue (DESIGN.md §6, §8 `GET /anomalies`), read alike from the
store's database and from a window's cache (the changes feed keeps every anomaly there, in the
same tables): a filtered list by priority (stored; the sweep adds the age part every 30 s, so
old ones rise) continued by a cursor, the open count per category, one anomaly's detail, and
closing several at once with one note (on the store)."""

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.anomalies import DISMISS, KINDS, AnomalyStatus, Category, device_ids
from app.domain.errors import DomainError, NotFound, ValidationError
from app.domain.timeline import iso_utc
from app.domain.venue import Venue
from app.services.anomalies.anomaly_fixes import check_role, clean_note, fix_anomaly
from app.services.journal import orders
from app.services.journal.anomaly_view import view
from app.store.db import read_transaction
from app.store.models import Anomaly, Device, Inventory, Order
from app.store.types import UTCDateTime

STATUSES = ("open", "resolved", "dismissed", "all")
BATCH_ACTIONS = ("mark_resolved", DISMISS)
MAX_LIMIT = 500
MAX_BATCH = 200


@dataclass(frozen=True)
class QueueFilters:
    category: str | None = None  # payment | redemption | refund | inventory; None: every one
    kind: str | None = None
    status: str = "open"  # or resolved, dismissed, all
    order_no: str | None = None
    categories: frozenset[str] | None = None  # what the reader may see (None: every one)


@dataclass(frozen=True)
class QueuePage:
    anomalies: list[dict[str, Any]]  # API JSON, highest priority first
    counts: dict[str, int]  # open anomalies per category (all four)
    next_cursor: str | None


@dataclass(frozen=True)
class Detail:
    anomaly: dict[str, Any]  # API JSON with its evidence
    order: dict[str, Any] | None  # masked Order JSON; None without one (or not cached)
    devices: list[dict[str, Any]]  # the devices the evidence names that the database knows
    stock: list[dict[str, Any]]  # the inventory rows involved


@dataclass(frozen=True)
class BatchItem:
    id: str
    outcome: str  # resolved | dismissed | already_closed | refused
    message: str  # zh_CN
    anomaly: dict[str, Any] | None


def _where(f: QueueFilters) -> list[sa.ColumnElement[bool]]:
    out: list[sa.ColumnElement[bool]] = []
    if f.category:
        if f.category not in {str(c) for c in Category}:
            raise ValidationError(f"没有这个异常类别：{f.category[:20]}", field="category")
        out.append(Anomaly.category == f.category)
    if f.kind:
        if f.kind not in KINDS:
            raise ValidationError(f"没有这种异常：{f.kind[:40]}", field="kind")
        out.append(Anomaly.kind == f.kind)
    if f.status not in STATUSES:
        raise ValidationError("status 应为 open、resolved、dismissed 或 all", field="status")
    if f.status != "all":
        out.append(Anomaly.status == f.status)
    if f.order_no:
        out.append(Anomaly.order_no == f.order_no.strip())
    if f.categories is not None:
        out.append(Anomaly.category.in_(sorted(f.categories)))
    return out


def _after(text: str) -> sa.ColumnElement[bool]:
    """The rows after the cursor in queue order (priority down, then oldest, then id)."""
    try:
        prio, at, last = base64.urlsafe_b64decode(text.encode()).decode().split("|")
        p, at_ = int(prio), sa.literal(datetime.fromisoformat(at), UTCDateTime())
    except (ValueError, UnicodeError):
        raise ValidationError("cursor 不正确，请从第一页重新查询", field="cursor") from None
    return sa.or_(Anomaly.priority < p, sa.and_(Anomaly.priority == p, sa.or_(
        Anomaly.detected_at > at_, sa.and_(Anomaly.detected_at == at_,
                                           Anomaly.anomaly_id > last))))


def _next_cursor(a: Anomaly) -> str:
    text = f"{a.priority}|{a.detected_at.isoformat()}|{a.anomaly_id}"
    return base64.urlsafe_b64encode(text.encode()).decode()


def open_counts(session: Session, categories: frozenset[str] | None = None) -> dict[str, int]:
    """Open anomalies per category, every category (of `categories`) present (0 when none)."""
    with read_transaction(session):
        return _open_counts(session, categories)


def _open_counts(session: Session, categories: frozenset[str] | None = None
                 ) -> dict[str, int]:
    rows = session.execute(sa.select(Anomaly.category, sa.func.count())
                           .where(Anomaly.status == "open").group_by(Anomaly.category))
    found = {category: int(n) for category, n in rows}
    return {str(c): found.get(str(c), 0) for c in Category
            if categories is None or str(c) in categories}


def list_anomalies(session: Session, filters: QueueFilters | None = None, *,
                   cursor: str | None = None, limit: int = 100) -> QueuePage:
    """Anomalies matching the filters (status `open` unless asked), highest priority first,
    then oldest, each as the API JSON (`anomaly_view.view`); `next_cursor` continues the list
    (None at its end); `counts` are the open ones per category. ValidationError for an
    unknown category, kind, status, a bad cursor or a limit outside 1–MAX_LIMIT."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"limit 应在 1 到 {MAX_LIMIT} 之间", field="limit")
    where = _where(filters or QueueFilters())
    if cursor:
        where.append(_after(cursor))
    with read_transaction(session):
        rows = session.execute(sa.select(Anomaly).where(*where).order_by(
            Anomaly.priority.desc(), Anomaly.detected_at, Anomaly.anomaly_id)
            .limit(limit + 1)).scalars().all()
        more = _next_cursor(rows[limit - 1]) if len(rows) > limit else None
        counts = _open_counts(session, (filters or QueueFilters()).categories)
        return QueuePage([view(a) for a in rows[:limit]], counts, more)


def anomaly_detail(session: Session, anomaly_id: str) -> Detail:
    """One anomaly with its order (masked), the devices its evidence names and the stock
    involved (the order's ticket types on its visit date, or the type and date the evidence
    names). NotFound for an unknown id."""
    with read_transaction(session):
        a = session.get(Anomaly, anomaly_id)
        if a is None:
            raise NotFound(f"没有找到异常 {anomaly_id[:40]}")
        row = _order_of(session, a)
        order = orders.orders_json(session, [row], reveal=False)[0] if row else None
        evidence = dict(a.evidence or {})
        return Detail(view(a), order, _devices(session, evidence),
                      _stock(session, order, evidence))


def _order_of(session: Session, a: Anomaly) -> Order | None:
    if a.order_id:
        return session.get(Order, a.order_id)
    if a.order_no:  # a window's cache keeps no order_id for an order it had not seen yet
        return session.execute(sa.select(Order).where(Order.order_no == a.order_no)
                               ).scalar_one_or_none()
    return None


def _devices(session: Session, evidence: Mapping[str, Any]) -> list[dict[str, Any]]:
    ids = device_ids(evidence)
    if not ids:
        return []
    rows = session.execute(sa.select(Device).where(Device.device_id.in_(ids))
                           .order_by(Device.device_id)).scalars()
    return [{"device_id": d.device_id, "kind": d.kind, "terminal": d.terminal,
             "location": d.location, "status": d.status, "last_user": d.last_user,
             "last_seen_at": iso_utc(d.last_seen_at) if d.last_seen_at else None,
             "last_heartbeat_at": iso_utc(d.last_heartbeat_at) if d.last_heartbeat_at
             else None} for d in rows]


def _stock(session: Session, order: Mapping[str, Any] | None,
           evidence: Mapping[str, Any]) -> list[dict[str, Any]]:
    if order is not None:
        types = sorted({t["ticket_type"] for t in order["tickets"]})
        day = date.fromisoformat(order["visit_date"])
    elif evidence.get("ticket_type") and evidence.get("visit_date"):
        types, day = [str(evidence["ticket_type"])], date.fromisoformat(evidence["visit_date"])
    else:
        return []
    rows = session.execute(sa.select(Inventory).where(
        Inventory.ticket_type.in_(types), Inventory.visit_date == day)
        .order_by(Inventory.ticket_type)).scalars()
    return [{"ticket_type": i.ticket_type, "visit_date": i.visit_date.isoformat(),
             "capacity": i.capacity, "sold": i.sold, "held": i.held, "oversold": i.oversold,
             "available": max(i.capacity - i.sold - i.held, 0)} for i in rows]


def close_many(session: Session, ids: Sequence[str], action: str, *, actor: str, role: str,
               note: str | None, now: datetime, venue: Venue) -> list[BatchItem]:
    """`mark_resolved` or `dismiss` each anomaly of `ids` with the same note, each in its own
    transaction (its own resolution and `anomaly.fixed` event). Closed ones are skipped
    (`already_closed`), ones the action does not fit are `refused` with the reason; the
    rest `resolved` / `dismissed`. ValidationError for another action, a missing note or no
    ids; Forbidden below supervisor."""
    check_role(role)
    if action not in BATCH_ACTIONS:
        raise ValidationError("批量处理只能“标记已处理”（mark_resolved）或“忽略”（dismiss）",
                              field="action")
    if clean_note(note) is None:
        raise ValidationError("请填写处理说明", field="note")
    unique = list(dict.fromkeys(ids))
    if not 1 <= len(unique) <= MAX_BATCH:
        raise ValidationError(f"一次可处理 1 到 {MAX_BATCH} 条异常", field="ids")
    return [_close_one(session, anomaly_id, action, actor=actor, role=role, note=note,
                       now=now, venue=venue) for anomaly_id in unique]


def _close_one(session: Session, anomaly_id: str, action: str, **kw: Any) -> BatchItem:
    try:
        done = fix_anomaly(session, anomaly_id, action, **kw)
    except DomainError as exc:
        return BatchItem(anomaly_id, "refused", exc.message, None)
    if done.already_fixed:
        return BatchItem(anomaly_id, "already_closed", done.message, done.anomaly)
    status = done.anomaly["status"]
    outcome = status if status != AnomalyStatus.OPEN else "refused"
    return BatchItem(anomaly_id, outcome, done.message, done.anomaly)

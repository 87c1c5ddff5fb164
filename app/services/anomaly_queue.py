"""The supervisor's anomaly queue (DESIGN.md §6, §8 `GET /anomalies`): a filtered list by
priority (stored; the sweep adds the age part every 30 s, so old ones rise), the open count
per category, one anomaly's detail, and closing several at once with one note."""

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.anomalies import DISMISS, KINDS, AnomalyStatus, Category
from app.domain.errors import DomainError, NotFound, ValidationError
from app.domain.timeline import iso_utc
from app.domain.venue import Venue
from app.store.db import read_transaction
from app.store.models import Anomaly, Device, Order
from app.store.types import UTCDateTime

from . import orders
from .anomaly_fixes import check_role, clean_note, fix_anomaly
from .anomaly_view import view

STATUSES = ("open", "resolved", "dismissed", "all")
BATCH_ACTIONS = ("mark_resolved", DISMISS)
MAX_LIMIT = 500
MAX_BATCH = 200
DEVICE_KEYS = ("device_id", "first_redeemed_by", "redeemed_by")  # evidence naming devices


@dataclass(frozen=True)
class QueuePage:
    anomalies: list[dict[str, Any]]  # API JSON, highest priority first
    counts: dict[str, int]  # open anomalies per category (all four)
    next_cursor: str | None


@dataclass(frozen=True)
class BatchItem:
    id: str
    outcome: str  # resolved | dismissed | already_closed | refused
    message: str  # zh_CN
    anomaly: dict[str, Any] | None


def _filters(category: str | None, kind: str | None, status: str,
             order_no: str | None) -> list[sa.ColumnElement[bool]]:
    out: list[sa.ColumnElement[bool]] = []
    if category:
        if category not in {str(c) for c in Category}:
            raise ValidationError(f"没有这个异常类别：{category[:20]}", field="category")
        out.append(Anomaly.category == category)
    if kind:
        if kind not in KINDS:
            raise ValidationError(f"没有这种异常：{kind[:40]}", field="kind")
        out.append(Anomaly.kind == kind)
    if status not in STATUSES:
        raise ValidationError("status 应为 open、resolved、dismissed 或 all", field="status")
    if status != "all":
        out.append(Anomaly.status == status)
    if order_no:
        out.append(Anomaly.order_no == order_no.strip())
    return out


def _cursor(text: str) -> tuple[int, datetime, str]:
    try:
        prio, at, anomaly_id = base64.urlsafe_b64decode(text.encode()).decode().split("|")
        return int(prio), datetime.fromisoformat(at), anomaly_id
    except (ValueError, UnicodeError):
        raise ValidationError("cursor 不正确，请从第一页重新查询", field="cursor") from None


def _next_cursor(a: Anomaly) -> str:
    text = f"{a.priority}|{a.detected_at.isoformat()}|{a.anomaly_id}"
    return base64.urlsafe_b64encode(text.encode()).decode()


def open_counts(session: Session) -> dict[str, int]:
    """Open anomalies per category, every category present (inside a transaction)."""
    rows = session.execute(sa.select(Anomaly.category, sa.func.count())
                           .where(Anomaly.status == "open").group_by(Anomaly.category))
    found = {category: n for category, n in rows}
    return {str(c): found.get(str(c), 0) for c in Category}


def list_anomalies(session: Session, *, category: str | None = None, kind: str | None = None,
                   status: str = "open", order_no: str | None = None, limit: int = 100,
                   cursor: str | None = None) -> QueuePage:
    """Anomalies matching the filters (status `open` unless asked: `resolved`, `dismissed`,
    `all`), highest priority first, then oldest; `next_cursor` continues the list.
    ValidationError for an unknown category, kind, status or a bad cursor."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"limit 应在 1 到 {MAX_LIMIT} 之间", field="limit")
    where = _filters(category, kind, status, order_no)
    if cursor:
        p, at, last = _cursor(cursor)
        at_ = sa.literal(at, UTCDateTime())
        where.append(sa.or_(Anomaly.priority < p, sa.and_(Anomaly.priority == p, sa.or_(
            Anomaly.detected_at > at_,
            sa.and_(Anomaly.detected_at == at_, Anomaly.anomaly_id > last)))))
    with read_transaction(session):
        rows = session.execute(sa.select(Anomaly).where(*where).order_by(
            Anomaly.priority.desc(), Anomaly.detected_at, Anomaly.anomaly_id)
            .limit(limit + 1)).scalars().all()
        more = _next_cursor(rows[limit - 1]) if len(rows) > limit else None
        return QueuePage([view(a) for a in rows[:limit]], open_counts(session), more)


def _devices(session: Session, evidence: dict[str, Any]) -> list[dict[str, Any]]:
    ids = sorted({str(evidence[k]) for k in DEVICE_KEYS if evidence.get(k)})
    if not ids:
        return []
    rows = session.execute(sa.select(Device).where(Device.device_id.in_(ids))
                           .order_by(Device.device_id)).scalars()
    return [{"device_id": d.device_id, "kind": d.kind, "terminal": d.terminal,
             "location": d.location, "status": d.status, "last_user": d.last_user,
             "last_seen_at": iso_utc(d.last_seen_at) if d.last_seen_at else None,
             "last_heartbeat_at": iso_utc(d.last_heartbeat_at) if d.last_heartbeat_at
             else None} for d in rows]


def anomaly_detail(session: Session, anomaly_id: str) -> dict[str, Any]:
    """`{anomaly, order, devices}`: the anomaly (API JSON with its evidence), its order as
    masked Order JSON (None without one) and the devices its evidence names that the store
    knows. NotFound for an unknown id."""
    with read_transaction(session):
        a = session.get(Anomaly, anomaly_id)
        if a is None:
            raise NotFound(f"没有找到异常 {anomaly_id[:40]}")
        order = session.get(Order, a.order_id) if a.order_id else None
        return {"anomaly": view(a),
                "order": orders.orders_json(session, [order], reveal=False)[0] if order
                else None,
                "devices": _devices(session, dict(a.evidence or {}))}


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

"""Reading the anomaly queue (DESIGN.md §6) from a database — the window's cache, where the
changes feed keeps every anomaly, or the store's own: a priority-ordered page with the amount
and the device of each anomaly, the open count per category, and one anomaly with what its
detail pane shows (the order, the stock involved). Read-only."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.anomalies import CATEGORY_LABELS_ZH, AnomalyStatus
from app.domain.errors import NotFound, ValidationError
from app.store.db import read_transaction
from app.store.models import Anomaly, Inventory, Order, Refund, Ticket

from .changes import anomaly_json
from .orders import orders_json

CATEGORIES = tuple(CATEGORY_LABELS_ZH)  # payment, redemption, refund, inventory
STATUSES = tuple(str(s) for s in AnomalyStatus)
MAX_LIMIT = 500


def device_of(evidence: Mapping[str, Any]) -> str | None:
    """The device named by the evidence (the gate that scanned, the window that sold)."""
    for key in ("device_id", "first_redeemed_by", "redeemed_by"):
        if evidence.get(key):
            return str(evidence[key])
    return None


def list_anomalies(session: Session, *, category: str | None = None,
                   status: str | None = "open", kind: str | None = None,
                   order_no: str | None = None, limit: int = 200,
                   offset: int = 0) -> list[dict[str, Any]]:
    """Anomalies highest priority first (oldest first among equals), each as `anomaly_json`
    plus `amount_fen` (what is at stake: the evidence's amount, else the ticket's, the
    refund's or the order's) and `device_id` (from the evidence, or None)."""
    _check(category, status, limit)
    query = sa.select(Anomaly.__table__).order_by(
        Anomaly.priority.desc(), Anomaly.detected_at, Anomaly.anomaly_id)
    for column, value in ((Anomaly.category, category), (Anomaly.status, status),
                          (Anomaly.kind, kind), (Anomaly.order_no, order_no)):
        if value:
            query = query.where(column == value)
    with read_transaction(session):
        rows = session.execute(query.limit(limit).offset(max(offset, 0))).all()
        amounts = _amounts(session, rows)
    return [anomaly_json(r) | {"amount_fen": amounts[r.anomaly_id],
                               "device_id": device_of(r.evidence or {})} for r in rows]


def open_counts(session: Session) -> dict[str, int]:
    """Open anomalies per category (every category present, 0 when none) and `all`."""
    with read_transaction(session):
        found = dict(session.execute(
            sa.select(Anomaly.category, sa.func.count())
            .where(Anomaly.status == str(AnomalyStatus.OPEN)).group_by(Anomaly.category)).all())
    counts = {c: int(found.get(c, 0)) for c in CATEGORIES}
    counts["all"] = sum(int(n) for n in found.values())
    return counts


def anomaly_detail(session: Session, anomaly_id: str) -> dict[str, Any]:
    """One anomaly with `order` (masked Order JSON, or None when the database does not hold
    it) and `inventory` (the stock rows involved: the order's ticket types on its visit date,
    or the type and date the evidence names)."""
    with read_transaction(session):
        row = session.get(Anomaly, anomaly_id)
        if row is None:
            raise NotFound(f"没有找到异常 {anomaly_id}", anomaly_id=anomaly_id)
        a = anomaly_json(row)
        order = _order_of(session, row)
        a["order"] = orders_json(session, [order], reveal=False)[0] if order else None
        a["amount_fen"] = _amounts(session, [row])[row.anomaly_id]
        a["device_id"] = device_of(a["evidence"])
        a["inventory"] = _stock(session, a["order"], a["evidence"])
    return a


# -- helpers ---------------------------------------------------------------------------------

def _check(category: str | None, status: str | None, limit: int) -> None:
    if category and category not in CATEGORIES:
        raise ValidationError(f"没有这个异常类别：{category}", field="category")
    if status and status not in STATUSES:
        raise ValidationError(f"没有这个异常状态：{status}", field="status")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"limit 须在 1–{MAX_LIMIT} 之间", field="limit")


def _order_of(session: Session, row: Anomaly) -> Order | None:
    if row.order_id:
        return session.get(Order, row.order_id)
    if row.order_no:
        return session.execute(sa.select(Order).where(Order.order_no == row.order_no)
                               ).scalar_one_or_none()
    return None


def _amounts(session: Session, rows: Sequence[Any]) -> dict[str, int]:
    """What each anomaly is about, in fen: the first positive of the evidence's amount, the
    refund's, the ticket's, the order's total (three small lookups for the whole page)."""
    evidence = {r.anomaly_id: dict(r.evidence or {}) for r in rows}
    ticket_ids = {e["ticket_id"] for e in evidence.values() if e.get("ticket_id")}
    refund_nos = {e["refund_no"] for e in evidence.values() if e.get("refund_no")}
    order_ids = {r.order_id for r in rows if r.order_id}
    tickets = _lookup(session, Ticket.ticket_id, Ticket.price_fen, ticket_ids)
    refunds = _lookup(session, Refund.refund_no, Refund.amount_fen, refund_nos)
    orders = _lookup(session, Order.order_id, Order.total_fen, order_ids)
    out = {}
    for r in rows:
        e = evidence[r.anomaly_id]
        candidates = (e.get("amount_fen"), refunds.get(e.get("refund_no")),
                      tickets.get(e.get("ticket_id")), orders.get(r.order_id))
        out[r.anomaly_id] = next((v for v in candidates if isinstance(v, int) and v > 0), 0)
    return out


def _lookup(session: Session, key: Any, value: Any, ids: set[Any]) -> dict[Any, Any]:
    if not ids:
        return {}
    return dict(session.execute(sa.select(key, value).where(key.in_(ids))).all())


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


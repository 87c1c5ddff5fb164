"""Anomalies raised inline, where the event arrives (DESIGN.md §6): one open row per cause,
written inside the caller's transaction together with the order's `anomaly.detected` event."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import actors
from app.domain.anomalies import KINDS, AnomalyStatus, priority
from app.domain.ids import new_id
from app.services.journal import changes, timeline
from app.services.journal.orders import public_evidence
from app.store.db import dialect_insert
from app.store.models import Anomaly, Order

SOURCE = "server"
_anomalies = Anomaly.__table__


def _insert(session: Session, values: dict[str, Any]) -> bool:
    """INSERT unless the dedupe_key is taken; True when the row went in. On PostgreSQL a
    racing twin waits for the first writer's commit and then inserts nothing."""
    stmt = dialect_insert(session)(_anomalies).values(values).on_conflict_do_nothing(
        index_elements=[_anomalies.c.dedupe_key]).returning(_anomalies.c.anomaly_id)
    return session.connection().execute(stmt).first() is not None


def open_anomaly(session: Session, kind: str, *, order_id: str | None = None,
                 order_no: str | None = None, reason: str, evidence: Mapping[str, Any],
                 amount_fen: int = 0, now: datetime, dedupe_key: str,
                 category: str | None = None, actor: str = actors.SYSTEM) -> str | None:
    """Open an anomaly of `kind` (category, fixes and priority from the catalogue) inside the
    caller's transaction; the new anomaly_id, or None when one with `dedupe_key` already
    exists (nothing is written then). `category`: the anomaly's own when it is not its
    kind's (a manual flag); `actor`: who raised it (the system, or a supervisor's flag). The
    evidence always has `amount_fen` (the caller's,
    else `amount_fen`): the sweep recomputes the priority from it as the anomaly ages.

    With an order (`order_id`, or an `order_no` that names one; an unknown `order_no` is
    not stored: put it in the evidence) the order's timeline gets
    `anomaly.detected` (actor `system`, source `server`), its version is bumped and it is
    touched for the changes feed (its display status turns `anomaly`)."""
    spec = KINDS[kind]
    category = category or str(spec.category)
    evidence = {"amount_fen": amount_fen} | dict(evidence)  # the money part of the priority
    order = _order(session, order_id, order_no)
    anomaly_id = new_id()
    inserted = _insert(session, {
        "anomaly_id": anomaly_id, "kind": kind, "category": category,
        "order_id": order.order_id if order else None,
        "order_no": order.order_no if order else None, "dedupe_key": dedupe_key,
        "reason": reason, "evidence": dict(evidence),
        "priority": priority(kind, amount_fen, now, now, category), "status": str(AnomalyStatus.OPEN),
        "fixes": list(spec.fixes), "detected_at": now, "version": 1})
    if not inserted:
        return None
    changes.touch(session, "anomaly", anomaly_id, now=now)
    if order is not None:
        timeline.append(session, order.order_id, [("anomaly.detected", {
            "anomaly_id": anomaly_id, "kind": kind, "category": category,
            "reason": reason, "evidence": public_evidence(evidence)})],
            at=now, actor=actor, source=SOURCE)
        order.version += 1
        order.updated_at = now
        changes.touch(session, "order", order.order_id, now=now)
    return anomaly_id


def _order(session: Session, order_id: str | None, order_no: str | None) -> Order | None:
    if order_id is not None:
        order = session.get(Order, order_id)
        if order is None:
            raise ValueError(f"no order {order_id}")
        return order
    if order_no is None:
        return None
    return session.execute(
        sa.select(Order).where(Order.order_no == order_no)).scalar_one_or_none()

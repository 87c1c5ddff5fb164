"""Flagging orders anomalous by hand (seed 000 批量标记异常): a supervisor who sees something
wrong that no detector knows opens a `manual_flag` anomaly on one order or many, with a
reason and the category of the queue it belongs in. The order then shows 异常 until someone
marks the flag resolved (its only fix) or dismisses it.

Answers, in the order they are checked:
- a clerk or gate → Forbidden; finance flags payment and refund anomalies only;
- an unknown category, no reason (blank) or one over 200 characters, no order numbers or
  more than 200 → ValidationError;
- otherwise, in one transaction (orders locked in id order, so two batches never deadlock):
  each known order without an open manual flag gets one (`anomaly.detected` on its timeline,
  actor the supervisor), an order that already has an open one is `already`, an unknown
  number is `unknown` — nothing is written for those two."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import actors
from app.domain.anomalies import FLAG_REASON_MAX, MANUAL_FLAG, AnomalyStatus, Category, may_fix
from app.domain.errors import Forbidden, ValidationError
from app.services.anomalies.anomaly_fixes import check_role
from app.services.journal.anomaly_log import open_anomaly
from app.services.journal.anomaly_view import view
from app.services.journal.order_state import lock_order
from app.store.models import Anomaly, Order

MAX_ORDERS = 200


@dataclass(frozen=True)
class FlagResult:
    """`flagged`: `{order_no, anomaly_id, anomaly}` per new flag (the anomaly's API JSON);
    `already`: orders that had an open manual flag; `unknown`: numbers of no order."""

    flagged: list[dict[str, Any]] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def clean_reason(reason: str | None) -> str:
    """The reason stripped; ValidationError when blank or over 200 characters."""
    text = (reason or "").strip()
    if not text:
        raise ValidationError("请填写标记异常的原因", field="reason")
    if len(text) > FLAG_REASON_MAX:
        raise ValidationError(f"原因最多 {FLAG_REASON_MAX} 个字", field="reason")
    return text


def _check(order_nos: Sequence[str], category: str, role: str) -> list[str]:
    check_role(role)
    if category not in {str(c) for c in Category}:
        raise ValidationError(f"没有这个异常类别：{str(category)[:20]}", field="category")
    if not may_fix(role, category):
        raise Forbidden("财务只能标记支付和退款类异常")
    wanted = list(dict.fromkeys(str(n).strip() for n in order_nos if str(n).strip()))
    if not wanted:
        raise ValidationError("请选择要标记的订单", field="order_nos")
    if len(wanted) > MAX_ORDERS:
        raise ValidationError(f"一次最多标记 {MAX_ORDERS} 单", field="order_nos")
    return wanted


def _flags_of(session: Session, order_id: str) -> tuple[bool, int]:
    """Whether the order has an open manual flag, and how many it ever had."""
    rows = session.execute(sa.select(Anomaly.status).where(
        Anomaly.order_id == order_id, Anomaly.kind == MANUAL_FLAG)).scalars().all()
    return str(AnomalyStatus.OPEN) in rows, len(rows)


def _flag(session: Session, order: Order, category: str, reason: str, username: str,
          now: datetime) -> str:
    is_open, count = _flags_of(session, order.order_id)
    if is_open:
        return ""
    anomaly_id = open_anomaly(
        session, MANUAL_FLAG, order_id=order.order_id, category=category,
        reason=f"{username} 人工标记异常：{reason}",
        evidence={"flagged_by": username, "note": reason}, amount_fen=order.paid_fen,
        now=now, dedupe_key=f"{MANUAL_FLAG}:{order.order_id}:{count + 1}",
        actor=actors.user(username))
    return anomaly_id or ""  # a twin took the same number: it is flagged already


def flag_orders(session: Session, order_nos: Sequence[str], *, category: str, reason: str,
                actor: str, role: str, now: datetime) -> FlagResult:
    """Flag the orders `order_nos` as `actor` (a username) with `role` (see the module
    docstring); what was flagged, what was flagged already and what is unknown."""
    wanted = _check(order_nos, category, role)
    reason = clean_reason(reason)
    result = FlagResult()
    with session.begin():
        ids = dict(session.execute(sa.select(Order.order_no, Order.order_id)
                                   .where(Order.order_no.in_(wanted))).all())
        by_no: dict[str, str] = {}
        for order_id in sorted(ids.values()):
            order = lock_order(session, order_id=order_id)
            assert order is not None  # orders are never deleted
            by_no[order.order_no] = _flag(session, order, category, reason, actor, now)
        session.flush()
        for no in wanted:
            if no not in by_no:
                result.unknown.append(no)
            elif not by_no[no]:
                result.already.append(no)
            else:
                a = session.get(Anomaly, by_no[no])
                result.flagged.append({"order_no": no, "anomaly_id": by_no[no],
                                       "anomaly": view(a)})
    return result

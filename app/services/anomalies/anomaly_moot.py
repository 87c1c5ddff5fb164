"""Anomalies the store knows are moot close themselves (part of the sweep, DESIGN.md §6): an
open anomaly whose condition no longer holds is resolved by `system`, with a resolution that
says why, an `anomaly.resolved` event on its order's timeline and new versions in the feed —
all in one transaction that locks the order and re-checks the condition first.

When a condition no longer holds (each reads the rows the evidence names):
- `payment_failed_order_open`: the order is paid, or cancelled;
- `paid_no_order`, `duplicate_payment`: the payment was refunded;
- `refund_not_processed`: the refund left the state it was flagged in (`evidence.status`);
- `refund_failed`: the refund succeeded (a later retry, or paid another way);
- `redeem_failed`: the ticket was redeemed after all (or refunded / voided);
- `paid_inventory_not_deducted`: the stock row no longer counts fewer units than tickets;
- `refund_inventory_not_restored`: the stock row no longer counts more units than tickets.
The other kinds need a person's judgement and stay open."""

from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import actors
from app.domain.anomalies import AnomalyStatus
from app.domain.lifecycle import PaymentState
from app.domain.money import format_fen
from app.services.journal import changes, timeline
from app.services.journal.order_state import changed, lock_order
from app.services.stock import inventory_audit
from app.store.db import read_transaction
from app.store.models import Anomaly, Order, Payment, Refund, Ticket

SOURCE = "server"
RESOLVED_BY = "system"
BATCH = 500
REFUND_STATUS_ZH = {"requested": "已申请", "awaiting_approval": "待审批", "approved": "已批准",
                    "processing": "退款中", "submitted": "已提交平台", "succeeded": "已退款",
                    "failed": "退款失败", "rejected": "已驳回"}
TICKET_DONE_ZH = {"redeemed": "已核销入园", "refunded": "已退票", "void": "已作废"}

Check = Callable[[Session, Anomaly, Order | None], str | None]


def _order_state(_s: Session, a: Anomaly, order: Order | None) -> str | None:
    if order is None:
        return None
    if order.cancelled:
        return f"订单 {order.order_no} 已取消"
    if order.payment_state == PaymentState.PAID:
        return f"订单 {order.order_no} 已支付 {format_fen(order.paid_fen)}"
    return None


def _payment_refunded(s: Session, a: Anomaly, _o: Order | None) -> str | None:
    ev = a.evidence or {}
    query = sa.select(Payment.payment_no, Payment.status)
    if ev.get("payment_id"):
        row = s.execute(query.where(Payment.payment_id == str(ev["payment_id"]))).first()
    elif ev.get("provider_txn_id"):
        row = s.execute(query.where(
            Payment.provider_txn_id == str(ev["provider_txn_id"]))).first()
    else:
        return None
    if row is not None and row.status == "refunded":
        return f"支付 {row.payment_no} 已退回"
    return None


def _refund(s: Session, a: Anomaly) -> Refund | None:
    no = (a.evidence or {}).get("refund_no")
    if not no:
        return None
    return s.execute(sa.select(Refund).where(Refund.refund_no == str(no))
                     .execution_options(populate_existing=True)).scalar_one_or_none()


def _refund_moved_on(s: Session, a: Anomaly, _o: Order | None) -> str | None:
    refund = _refund(s, a)
    flagged = (a.evidence or {}).get("status")
    if refund is None or not flagged or refund.status == flagged:
        return None
    return f"退款 {refund.refund_no} 已变为“{REFUND_STATUS_ZH.get(refund.status, '已变更')}”"


def _refund_succeeded(s: Session, a: Anomaly, _o: Order | None) -> str | None:
    refund = _refund(s, a)
    if refund is None or refund.status != "succeeded":
        return None
    return f"退款 {refund.refund_no} 已成功退回 {format_fen(refund.amount_fen)}"


def _ticket_done(s: Session, a: Anomaly, _o: Order | None) -> str | None:
    ticket_id = (a.evidence or {}).get("ticket_id")
    if not ticket_id:
        return None
    row = s.execute(sa.select(Ticket.code, Ticket.status)
                    .where(Ticket.ticket_id == str(ticket_id))).first()
    if row is None or row.status not in TICKET_DONE_ZH:
        return None
    return f"票 {row.code} {TICKET_DONE_ZH[row.status]}"


def _stock_row(s: Session, a: Anomaly) -> inventory_audit.Row | None:
    """The (ticket_type, visit_date) stock row the evidence names, when it still mismatches."""
    ev = a.evidence or {}
    try:
        day = datetime.fromisoformat(str(ev["visit_date"])).date()
    except (KeyError, ValueError):
        return None
    return next((r for r in inventory_audit.mismatched_rows(s, day, until=day)
                 if r.ticket_type == ev.get("ticket_type")), None)


def _balanced(deficit: bool) -> Check:
    def check(s: Session, a: Anomaly, _o: Order | None) -> str | None:
        ev = a.evidence or {}
        if not ev.get("ticket_type") or not ev.get("visit_date"):
            return None
        row = _stock_row(s, a)
        if row is not None and (row.live > row.counted) == deficit:
            return None
        return f"{ev['visit_date']} 的库存已与有效票数一致"
    return check


CHECKS: dict[str, Check] = {
    "payment_failed_order_open": _order_state,
    "paid_no_order": _payment_refunded,
    "duplicate_payment": _payment_refunded,
    "refund_not_processed": _refund_moved_on,
    "refund_failed": _refund_succeeded,
    "redeem_failed": _ticket_done,
    "paid_inventory_not_deducted": _balanced(deficit=True),
    "refund_inventory_not_restored": _balanced(deficit=False),
}


def close_moot(session: Session, *, now: datetime) -> int:
    """Resolve (as `system`) every open anomaly whose condition no longer holds; how many."""
    with read_transaction(session):
        inventory_audit.no_jit(session)
        candidates = session.execute(
            sa.select(Anomaly).where(Anomaly.status == str(AnomalyStatus.OPEN),
                                     Anomaly.kind.in_(list(CHECKS)))
            .order_by(Anomaly.detected_at).limit(BATCH)).scalars().all()
        moot = [a.anomaly_id for a in candidates
                if CHECKS[a.kind](session, a, _order_of(session, a)) is not None]
    session.expunge_all()
    return sum(_close(session, anomaly_id, now) for anomaly_id in moot)


def _order_of(session: Session, a: Anomaly) -> Order | None:
    return session.get(Order, a.order_id) if a.order_id else None


def _close(session: Session, anomaly_id: str, now: datetime) -> bool:
    with session.begin():
        order_id = session.execute(sa.select(Anomaly.order_id)
                                   .where(Anomaly.anomaly_id == anomaly_id)).scalar_one()
        order = lock_order(session, order_id=order_id) if order_id else None
        a = session.execute(sa.select(Anomaly).where(Anomaly.anomaly_id == anomaly_id)
                            .with_for_update().execution_options(populate_existing=True)
                            ).scalar_one()
        why = CHECKS[a.kind](session, a, order) if a.status == AnomalyStatus.OPEN else None
        if why is None:
            return False  # a person got there first, or it came back
        resolve(session, a, order, why, now)
        return True


def resolve(session: Session, a: Anomaly, order: Order | None, why: str,
            now: datetime) -> None:
    """Close `a` as resolved by `system` because of `why`, inside the caller's transaction."""
    a.status = str(AnomalyStatus.RESOLVED)
    a.resolved_by = RESOLVED_BY
    a.resolved_at = now
    a.resolution = f"系统自动关闭：{why}，异常已不存在"
    a.dedupe_key = None  # the same cause may be flagged again if it comes back
    a.version += 1
    changes.touch(session, "anomaly", a.anomaly_id, now=now)
    if order is None:
        return
    detail: dict[str, Any] = {"anomaly_id": a.anomaly_id, "kind": a.kind,
                              "status": a.status, "resolution": a.resolution}
    timeline.append(session, order.order_id, [("anomaly.resolved", detail)], at=now,
                    actor=actors.SYSTEM, source=SOURCE)
    changed(session, order, now=now)

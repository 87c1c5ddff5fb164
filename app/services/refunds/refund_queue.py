"""The refunds waiting for people (DESIGN.md §5): the approvals list of supervisors and
finance, and the approved cash refunds a window still has to pay out."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.services.refunds.refund_requests import detail
from app.store.db import read_transaction
from app.store.models import Order, Refund

STATUSES = ("awaiting_approval", "approved", "requested", "processing", "submitted",
            "succeeded", "failed", "rejected")


def refund_json(r: Refund, order: Order) -> dict[str, Any]:
    """One refund with what an approver needs to decide: the order, who asked and why, the
    override, the approvals given and still required."""
    extra = dict(r.override or {})
    required = list(extra.pop("approvals_required", []) or [])
    payout_terminal = extra.pop("payout_terminal", None)
    return detail(r) | {
        "refund_id": r.refund_id, "status": r.status, "order_no": order.order_no,
        "channel": order.channel, "visit_date": order.visit_date.isoformat(),
        "paid_fen": order.paid_fen, "reason": r.reason, "requested_by": r.requested_by,
        "override": extra or None, "approvals": list(r.approvals or []),
        "approvals_required": required, "payout_terminal": payout_terminal,
        "created_at": r.created_at.isoformat(), "version": r.version}


def list_refunds(session: Session, *, status: str = "awaiting_approval",
                 terminal: str | None = None, limit: int = 200,
                 own_orders: bool = False) -> list[dict[str, Any]]:
    """Refunds in `status`, oldest first (the longest wait on top); `terminal` keeps only the
    cash refunds to be paid out at that window, and with `own_orders` only those of orders that
    window sold (what a clerk there may read, DESIGN.md §14)."""
    query = (sa.select(Refund, Order).join(Order, Order.order_id == Refund.order_id)
             .where(Refund.status == status)
             .order_by(Refund.created_at, Refund.refund_no).limit(max(1, min(limit, 500))))
    if terminal is not None:
        query = query.where(Refund.override["payout_terminal"].as_string() == terminal)
        if own_orders:
            query = query.where(Order.terminal == terminal)
    with read_transaction(session):
        rows = session.execute(query).all()
    return [refund_json(r, o) for r, o in rows]

"""What happened at one window during a shift, read from the orders, payments, refunds and
cash_movements tables inside the caller's transaction (no `begin` of its own)."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.store.models import CashMovement, Order, Payment, Refund

CASH = "cash"
TAKEN = ("succeeded", "refunded")  # the money came in, even if refunded later


@dataclass(frozen=True)
class Tally:
    cash_sales_count: int
    cash_sales_fen: int
    noncash_sales: tuple[dict, ...]  # {method, count, amount_fen}
    refunds_count: int
    refunds_fen: int
    cash_in_fen: int
    cash_out_fen: int
    movements: tuple[dict, ...]  # {kind, amount_fen, reason, at}


def tally(session: Session, *, shift_id: str, terminal: str, start: datetime,
          end: datetime) -> Tally:
    """Sales by method and cash refunds of orders sold at `terminal` in [start, end], and the
    shift's cash movements."""
    sales = session.execute(
        sa.select(Payment.method, sa.func.count(), sa.func.coalesce(sa.func.sum(
            Payment.amount_fen), 0))
        .join(Order, Order.order_id == Payment.order_id)
        .where(Order.terminal == terminal, Payment.status.in_(TAKEN),
               Payment.at >= start, Payment.at <= end)
        .group_by(Payment.method).order_by(Payment.method)).all()
    by_method = {method: (int(n), int(total)) for method, n, total in sales}
    cash_n, cash_fen = by_method.pop(CASH, (0, 0))
    # A refund counts where and when its cash left a drawer (older rows: the selling window,
    # when it was asked).
    paid_where = sa.func.coalesce(Refund.paid_out_terminal, Order.terminal)
    paid_when = sa.func.coalesce(Refund.paid_out_at, Refund.created_at)
    refunds = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Refund.amount_fen), 0))
        .join(Order, Order.order_id == Refund.order_id)
        .where(paid_where == terminal, Refund.method == CASH,
               Refund.status == "succeeded", paid_when >= start, paid_when <= end)).one()
    rows = session.execute(sa.select(CashMovement).where(CashMovement.shift_id == shift_id)
                           .order_by(CashMovement.at, CashMovement.movement_id)).scalars()
    movements = tuple({"kind": m.kind, "amount_fen": m.amount_fen, "reason": m.reason,
                       "at": m.at.isoformat()} for m in rows)
    return Tally(
        cash_n, cash_fen,
        tuple({"method": m, "count": n, "amount_fen": f} for m, (n, f) in by_method.items()),
        int(refunds[0]), int(refunds[1]),
        sum(m["amount_fen"] for m in movements if m["kind"] == "in"),
        sum(m["amount_fen"] for m in movements if m["kind"] == "out"),
        movements)

"""What happened at one window during a shift, read from the orders, payments, refunds and
cash_movements tables inside the caller's transaction (no `begin` of its own): `tally` for one
shift, `cash_of_shifts` for the cash figures of many shifts in one pass (the day close)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.store.models import CashMovement, Order, Payment, Refund

CASH = "cash"
TAKEN = ("succeeded", "refunded")  # the money came in, even if refunded later
REFUND, PAYOUT = "refund", "payout"  # settled at the window / approved, then paid out here


@dataclass(frozen=True)
class Tally:
    cash_sales_count: int
    cash_sales_fen: int
    noncash_sales: tuple[dict, ...]  # {method, count, amount_fen}
    refunds_count: int  # every cash refund paid out of this drawer (window refunds + payouts)
    refunds_fen: int
    cash_in_fen: int
    cash_out_fen: int
    movements: tuple[dict, ...]  # {kind, amount_fen, reason, at}
    refunds: tuple[dict, ...] = ()  # {kind: refund|payout, refund_no, order_no, amount_fen, at}

    def refunds_of(self, kind: str) -> tuple[int, int]:
        """(count, fen) of the refund lines of `kind` (REFUND or PAYOUT)."""
        lines = [r for r in self.refunds if r["kind"] == kind]
        return len(lines), sum(r["amount_fen"] for r in lines)


def tally(session: Session, *, shift_id: str, terminal: str, start: datetime,
          end: datetime) -> Tally:
    """Sales by method and cash refunds of orders sold at `terminal` in [start, end], and the
    shift's cash movements."""
    sales = session.execute(
        sa.select(Payment.method, sa.func.count(), sa.func.coalesce(sa.func.sum(
            Payment.amount_fen), 0))
        .join(Order, Order.order_id == Payment.order_id)
        .where(_sold_at(terminal, start, end), Payment.status.in_(TAKEN))
        .group_by(Payment.method).order_by(Payment.method)).all()
    by_method = {method: (int(n), int(total)) for method, n, total in sales}
    cash_n, cash_fen = by_method.pop(CASH, (0, 0))
    refunds = _refund_lines(session, terminal, start, end)
    rows = session.execute(sa.select(CashMovement).where(CashMovement.shift_id == shift_id)
                           .order_by(CashMovement.at, CashMovement.movement_id)).scalars()
    movements = tuple({"kind": m.kind, "amount_fen": m.amount_fen, "reason": m.reason,
                       "at": m.at.isoformat()} for m in rows)
    return Tally(
        cash_n, cash_fen,
        tuple({"method": m, "count": n, "amount_fen": f} for m, (n, f) in by_method.items()),
        len(refunds), sum(r["amount_fen"] for r in refunds),
        sum(m["amount_fen"] for m in movements if m["kind"] == "in"),
        sum(m["amount_fen"] for m in movements if m["kind"] == "out"),
        movements, refunds)


def _refund_lines(session: Session, terminal: str, start: datetime,
                  end: datetime) -> tuple[dict, ...]:
    """The cash refunds that left this drawer in [start, end], oldest first. A refund counts
    where and when its cash left a drawer (older rows: the selling window, when it was
    asked); one with approvals was paid out after the approvers let it through."""
    rows = session.execute(
        sa.select(Refund.refund_no, Order.order_no, Refund.amount_fen, Refund.approvals,
                  Refund.paid_out_at, Refund.created_at)
        .join(Order, Order.order_id == Refund.order_id)
        .where(_paid_out_at(terminal, start, end), _CASH_REFUND)
        .order_by(_PAID_WHEN, Refund.refund_no)).all()
    return tuple({"kind": PAYOUT if r.approvals else REFUND, "refund_no": r.refund_no,
                  "order_no": r.order_no, "amount_fen": int(r.amount_fen),
                  "at": (r.paid_out_at or r.created_at).isoformat()} for r in rows)


# -- the rules both reads share --------------------------------------------------------------
_PAID_WHERE = sa.func.coalesce(Refund.paid_out_terminal, Order.terminal)
_PAID_WHEN = sa.func.coalesce(Refund.paid_out_at, Refund.created_at)
_CASH_REFUND = sa.and_(Refund.method == CASH, Refund.status == "succeeded")


def _sold_at(terminal: str, start: datetime, end: datetime) -> Any:
    """SQL: a payment of an order sold at `terminal`, made in [start, end]."""
    return sa.and_(Order.terminal == terminal, Payment.at >= start, Payment.at <= end)


def _paid_out_at(terminal: str, start: datetime, end: datetime) -> Any:
    """SQL: a refund whose cash left the drawer of `terminal` in [start, end] (see
    `_refund_lines`)."""
    return sa.and_(_PAID_WHERE == terminal, _PAID_WHEN >= start, _PAID_WHEN <= end)


@dataclass(frozen=True)
class ShiftSpan:
    shift_id: str
    terminal: str
    start: datetime
    end: datetime


def cash_of_shifts(session: Session, spans: Sequence[ShiftSpan]) -> dict[str, tuple[int, int]]:
    """{shift_id: (cash_sales_fen, refunds_fen)} — `tally`'s figures of each span — in two
    queries whatever the number of shifts: one pass over the cash payments and one over the
    cash refunds of all the spans, each span summed by its own CASE (a day's shifts overlap
    in time, one per window)."""
    if not spans:
        return {}
    first, last = min(s.start for s in spans), max(s.end for s in spans)

    def per_span(model: Any, rule: Any, *where: Any) -> list[int]:
        sums = [sa.func.coalesce(sa.func.sum(sa.case(
            (rule(s.terminal, s.start, s.end), model.amount_fen), else_=0)), 0) for s in spans]
        return [int(n) for n in session.execute(
            sa.select(*sums).select_from(model)
            .join(Order, Order.order_id == model.order_id).where(*where)).one()]

    sales = per_span(Payment, _sold_at, Payment.method == CASH, Payment.status.in_(TAKEN),
                     Payment.at >= first, Payment.at <= last,
                     Order.terminal.in_(sorted({s.terminal for s in spans})))
    refunds = per_span(Refund, _paid_out_at, _CASH_REFUND,
                       _PAID_WHEN >= first, _PAID_WHEN <= last)
    return {s.shift_id: (sales[i], refunds[i]) for i, s in enumerate(spans)}

"""The discrepancies of a day close (DESIGN.md §15): what finance must look at before the
day's money can be trusted, each `{kind, order_no, amount_fen, reason}` with a Chinese
reason. Read inside the caller's transaction, as of now (a discrepancy resolved later
disappears, also from a closed day):

- `unsettled` / `ota_unsettled`: a wechat, alipay or OTA payment paid in that day that no
  imported settlement line matched (OTA: the order's channel is an OTA);
- `settlement_unknown_order` / `settlement_amount_differs` / `settlement_duplicate`: a
  settlement line of that day (its `date`) naming no order of the store, an amount no payment
  of the order has, or a payment another line (another txn id) settled already;
- `refund_processing`: a provider refund asked for by the end of the day and still
  `processing` (wechat, alipay) or `submitted` (OTA);
- `cash_refund_other_drawer`: a cash refund paid that day by a window other than the one
  that sold the order (or for an order no window sold), or paid at once with no window's
  drawer at all (asked by someone signed in at no window);
- `cash_outside_shift`: cash a window took in (a sale) or paid out (a refund) that day at an
  instant when no shift of that window was open: it is in no shift's expected cash, so no
  count checks it (the desktop client sells cash only in a shift; an API client or a
  simulator need not); `terminal` names the window;
- `shift_open`: a shift opened that day the store has not seen closed (amount: its expected
  cash so far);
- `sync_behind`: the window of such a shift — the store cannot see a window's outbox, so
  it says when the last op of that window's devices arrived: anything after it (at least the
  `shift_close`) is still on the window; both name the window's `terminal` as well;
- `shift_report_differs`: a closed shift whose Z report's cash sales or cash refunds differ
  from what the store holds for that drawer over the shift (amount: the report's net cash
  minus the store's) — an op rejected or never received, or cash the window never knew of;
- `payment_ticket_mismatch`: an order with money paid in that day whose paid-in payments do
  not add up to the prices of its tickets (paid twice, paid short, tickets missing)."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.day_close_labels import source_label
from app.domain.money import format_fen
from app.domain.venue import Venue
from app.services.shifts.shift_tally import CASH, ShiftSpan, cash_of_shifts
from app.store.models import (
    AppliedOp,
    Device,
    Order,
    Payment,
    Refund,
    SettlementLine,
    Shift,
    Ticket,
)

from . import measures
from .periods import Period

SETTLED_METHODS = ("wechat", "alipay", "ota")
MATCHED = "matched"


def discrepancies(session: Session, period: Period, shifts: list[dict[str, Any]],
                  ) -> list[dict[str, Any]]:
    """Every discrepancy of the day, in the order of the module docstring."""
    return (_unsettled(session, period) + _bad_lines(session, period)
            + _refunds_waiting(session, period) + _other_drawer(session, period)
            + _outside_shifts(session, period)
            + _open_shifts(session, shifts, period.venue) + _reports_differ(session, shifts)
            + _mismatched(session, period))


def _d(kind: str, order_no: str | None, amount: int, reason: str,
       **where: Any) -> dict[str, Any]:
    return {"kind": kind, "order_no": order_no, "amount_fen": int(amount), "reason": reason,
            **where}


def _unsettled(session: Session, period: Period) -> list[dict[str, Any]]:
    settled = sa.select(SettlementLine.payment_id).where(
        SettlementLine.status == MATCHED, SettlementLine.payment_id.is_not(None))
    rows = session.execute(
        sa.select(Order.order_no, Order.channel, Payment.method, Payment.amount_fen)
        .join(Order, Order.order_id == Payment.order_id)
        .where(measures.paid_in(period), Payment.method.in_(SETTLED_METHODS),
               Payment.payment_id.not_in(settled))
        .order_by(Payment.at, Payment.payment_no)).all()
    out = []
    for r in rows:
        if r.channel.startswith("ota_"):
            out.append(_d("ota_unsettled", r.order_no, r.amount_fen,
                          f"{source_label(r.channel)}订单已收款 {format_fen(r.amount_fen)}，"
                          "渠道结算单中没有这笔", source=r.channel))
        else:
            out.append(_d("unsettled", r.order_no, r.amount_fen,
                          f"{source_label(r.method)}已收款 {format_fen(r.amount_fen)}，"
                          "支付机构结算单中没有这笔", source=r.method))
    return out


def _bad_lines(session: Session, period: Period) -> list[dict[str, Any]]:
    rows = session.execute(
        sa.select(SettlementLine, Payment.amount_fen)
        .outerjoin(Payment, Payment.payment_id == SettlementLine.payment_id)
        .where(SettlementLine.settled_on == period.first, SettlementLine.status != MATCHED)
        .order_by(SettlementLine.source, SettlementLine.order_no,
                  SettlementLine.txn_id)).all()
    out = []
    for line, ours in rows:
        if line.status == "duplicate":
            out.append(_d("settlement_duplicate", line.order_no, line.amount_fen,
                          f"{source_label(line.source)}结算单交易号 {line.txn_id} 的 "
                          f"{format_fen(line.amount_fen)} 已由另一行结算过，同一笔收款结算了两次", source=line.source))
        elif line.status == "unknown_order":
            out.append(_d("settlement_unknown_order", line.order_no, line.amount_fen,
                          f"{source_label(line.source)}结算单有 {format_fen(line.amount_fen)}（交易号 "
                          f"{line.txn_id}），本系统没有这个订单", source=line.source))
        else:
            have = "没有收款" if ours is None else f"收款 {format_fen(ours)}"
            out.append(_d("settlement_amount_differs", line.order_no, line.amount_fen,
                          f"{source_label(line.source)}结算 {format_fen(line.amount_fen)}，本系统该订单"
                          f"{have}，金额不符", source=line.source))
    return out


def _refunds_waiting(session: Session, period: Period) -> list[dict[str, Any]]:
    rows = session.execute(
        sa.select(Order.order_no, Refund.refund_no, Refund.status, Refund.method,
                  Refund.amount_fen)
        .join(Order, Order.order_id == Refund.order_id)
        .where(Refund.status.in_(("processing", "submitted")), Refund.created_at < period.end)
        .order_by(Refund.created_at, Refund.refund_no)).all()
    word = {"processing": "支付机构退款处理中", "submitted": "已提交渠道，等待渠道退款"}
    return [_d("refund_processing", r.order_no, r.amount_fen,
               f"退款 {r.refund_no}（{r.method}）{word[r.status]}，钱还没有退回")
            for r in rows]


def _other_drawer(session: Session, period: Period) -> list[dict[str, Any]]:
    rows = session.execute(
        sa.select(Order.order_no, Order.terminal, Refund.paid_out_terminal, Refund.amount_fen,
                  Refund.requested_by)
        .join(Order, Order.order_id == Refund.order_id)
        .where(measures.refunded_in(period), Refund.method == "cash",
               sa.or_(
                   # paid at once with no window's drawer (asked from the office)
                   sa.and_(Refund.paid_out_terminal.is_(None), Refund.paid_out_at.is_not(None)),
                   sa.and_(Refund.paid_out_terminal.is_not(None),
                           sa.or_(Order.terminal.is_(None),
                                  Order.terminal != Refund.paid_out_terminal))))
        .order_by(Refund.paid_out_at, Refund.refund_no)).all()
    return [_d("cash_refund_other_drawer", r.order_no, r.amount_fen, _drawer_reason(r))
            for r in rows]


def _drawer_reason(r: Any) -> str:
    sold = f"订单由终端 {r.terminal} 售出" if r.terminal else "订单不是窗口售出"
    if r.paid_out_terminal is None:
        return (f"现金退款由 {r.requested_by} 在窗口之外办理，没有经过窗口钱箱，{sold}；"
                f"请核实现金从哪里付出")
    return f"现金退款由终端 {r.paid_out_terminal} 的钱箱付出，{sold}"


def _in_a_shift(terminal: Any, at: Any) -> Any:
    """SQL: a shift of window `terminal` was open at `at` (its ends included)."""
    return sa.exists().where(Shift.terminal == terminal, Shift.opened_at <= at,
                             sa.or_(Shift.closed_at.is_(None), Shift.closed_at >= at))


def _outside_shifts(session: Session, period: Period) -> list[dict[str, Any]]:
    sales = session.execute(
        sa.select(Order.order_no, Order.terminal, Payment.amount_fen, Payment.at)
        .join(Order, Order.order_id == Payment.order_id)
        .where(measures.paid_in(period), Payment.method == CASH, Order.terminal.is_not(None),
               ~_in_a_shift(Order.terminal, Payment.at))
        .order_by(Payment.at, Payment.payment_no)).all()
    refunds = session.execute(
        sa.select(Order.order_no, Refund.paid_out_terminal.label("terminal"),
                  Refund.amount_fen, Refund.paid_out_at.label("at"))
        .join(Order, Order.order_id == Refund.order_id)
        .where(measures.refunded_in(period), Refund.method == CASH,
               Refund.paid_out_terminal.is_not(None), Refund.paid_out_at.is_not(None),
               ~_in_a_shift(Refund.paid_out_terminal, Refund.paid_out_at))
        .order_by(Refund.paid_out_at, Refund.refund_no)).all()
    venue = period.venue
    return [_d("cash_outside_shift", r.order_no, r.amount_fen,
               f"终端 {r.terminal} {venue.local(r.at).strftime('%H:%M')} {what}现金 "
               f"{format_fen(r.amount_fen)} 时没有开着的班次：这笔现金不在任何班次的应有现金"
               f"里，交班清点核对不到", terminal=r.terminal)
            for what, rows in (("收", sales), ("退", refunds)) for r in rows]


def _open_shifts(session: Session, shifts: list[dict[str, Any]],
                 venue: Venue) -> list[dict[str, Any]]:
    out = []
    for s in shifts:
        if s["closed_at"] is not None:
            continue
        opened = venue.local(datetime.fromisoformat(s["opened_at"])).strftime("%H:%M")
        out.append(_d("shift_open", None, s["expected_fen"],
                      f"终端 {s['terminal']} {s['clerk']} 的班次（{opened} 开班）还没有交班，"
                      f"现金未清点", terminal=s["terminal"]))
        last = _last_op(session, s["terminal"])
        when = venue.local(last).strftime("%m-%d %H:%M") if last else "从未"
        out.append(_d("sync_behind", None, 0,
                      f"终端 {s['terminal']} 最后一次同步操作在 {when}，之后的操作（至少交班）"
                      f"还在窗口上，未同步到中心", terminal=s["terminal"]))
    return out


def _reports_differ(session: Session, shifts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Closed shifts whose Z report's cash sales or cash refunds are not what the store holds
    for that drawer over the shift (`shift_tally`'s figures, all shifts in one pass): a sale
    or refund op the store rejected or never got, or cash the store recorded that the window
    never knew of."""
    closed = [s for s in shifts if s["closed_at"] is not None]
    held = cash_of_shifts(session, [
        ShiftSpan(s["shift_id"], s["terminal"], datetime.fromisoformat(s["opened_at"]),
                  datetime.fromisoformat(s["closed_at"])) for s in closed])
    out = []
    for s in closed:
        window, ours = (s["cash_sales_fen"], s["cash_refunds_fen"]), held[s["shift_id"]]
        if window == ours:
            continue
        gap = (window[0] - window[1]) - (ours[0] - ours[1])
        out.append(_d("shift_report_differs", None, gap,
                      f"终端 {s['terminal']} {s['clerk']} 的交班报告：现金收款 "
                      f"{format_fen(window[0])}、现金退款 {format_fen(window[1])}；中心记录："
                      f"现金收款 {format_fen(ours[0])}、现金退款 "
                      f"{format_fen(ours[1])}，有操作未同步或被拒绝",
                      terminal=s["terminal"]))
    return out


def _last_op(session: Session, terminal: str) -> datetime | None:
    return session.execute(
        sa.select(sa.func.max(AppliedOp.applied_at))
        .join(Device, Device.device_id == AppliedOp.device_id)
        .where(Device.terminal == terminal)).scalar()


def _mismatched(session: Session, period: Period) -> list[dict[str, Any]]:
    """Per order paid in that day: its paid-in payments and its tickets' prices, each summed
    by a correlated subquery — index lookups per order of the day (`ix_payments_order`,
    `ix_tickets_order`), not joins over every payment and ticket of the store."""
    touched = sa.select(Payment.order_id.label("order_id")).where(
        measures.paid_in(period)).distinct().subquery()
    paid = (sa.select(sa.func.sum(Payment.amount_fen))
            .where(Payment.order_id == touched.c.order_id,
                   Payment.status.in_(measures.PAID_IN)).scalar_subquery())
    priced = (sa.select(sa.func.coalesce(sa.func.sum(Ticket.price_fen), 0))
              .where(Ticket.order_id == touched.c.order_id).scalar_subquery())
    sums = sa.select(touched.c.order_id, paid.label("paid"), priced.label("priced")).subquery()
    rows = session.execute(
        sa.select(Order.order_no, sums.c.paid, sums.c.priced)
        .join(Order, Order.order_id == sums.c.order_id)
        .where(sums.c.paid != sums.c.priced)
        .order_by(Order.order_no)).all()
    return [_d("payment_ticket_mismatch", no, int(p) - int(t),
               f"订单收款 {format_fen(int(p))}，票价合计 {format_fen(int(t))}，收款与门票不一致")
            for no, p, t in rows]

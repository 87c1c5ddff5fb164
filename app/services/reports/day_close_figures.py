"""The figures of a day close (DESIGN.md §15), read inside the caller's transaction:

- `windows`: the shifts opened that local day, by window. A shift the window closed shows
  the figures of its own Z report (what the clerk counted against: cash sales, cash refunds,
  cash in/out, expected, counted, variance — `shifts.report`, pushed with `shift_close`); a
  shift still open on the store is tallied here with the window's own tally
  (`shifts.shift_tally`) up to now, expected by `domain.cash.expected_cash`, counted and
  variance null (cash movements stay at the window until it closes). Each shift also
  carries its `shift_id` and `z_report` (the Z report document the window pushed with
  `shift_close`, `app.domain.print_docs.ShiftReportDoc` as a dict; null while open) so that
  finance can read and reprint it.
- `methods` / `channels`: money that moved that day (`measures`): `paid_fen` = payments
  paid in (`measures.paid_in`), `refunded_fen` = refunds whose money went back
  (`measures.refunded_in`), net = paid − refunded; a channel's `orders` are its valid orders
  created that day. The five methods and six channels of DESIGN §2 are always listed.
- `totals`: paid, refunded, net over the methods; cash expected = Σ shifts' expected,
  counted and variance = Σ over the closed shifts.

`ids` also returns the payment, refund and shift ids counted, kept in the close's snapshot
so that later money is told apart (`day_close`)."""

from collections import defaultdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.cash import expected_cash
from app.domain.ids import CHANNEL_PREFIXES
from app.services.shifts.shift_tally import tally
from app.store.models import Order, Payment, Refund, Shift

from . import measures
from .periods import Period

METHODS = ("cash", "wechat", "alipay", "ota", "voucher")


def figures(session: Session, period: Period, *, now: datetime,
            ids: bool = True) -> dict[str, Any]:
    """`{windows, methods, channels, totals, shift_rows, ids}` of the day (see the module
    docstring); without `ids` (a day not closed needs none) `ids` is None. The money is summed
    by the database per (method, channel); only the ids are read row by row."""
    shifts = _shifts(session, period, now)
    paid = _sums(session, Payment, measures.paid_in(period))
    refunded = _sums(session, Refund, measures.refunded_in(period))
    orders = dict(session.execute(
        sa.select(Order.channel, sa.func.count()).where(
            measures.valid_order(), period.holds(Order.created_at))
        .group_by(Order.channel)).all())
    methods = _money(paid, refunded, 0, METHODS)
    channels = [{"channel": c["key"], "orders": int(orders.get(c["key"], 0))} | c["money"]
                for c in _money(paid, refunded, 1, tuple(CHANNEL_PREFIXES), raw=True)]
    closed = [s for s in shifts if s["counted_fen"] is not None]
    totals = {
        "paid_fen": sum(m["paid_fen"] for m in methods),
        "refunded_fen": sum(m["refunded_fen"] for m in methods),
        "net_fen": sum(m["net_fen"] for m in methods),
        "cash_expected_fen": sum(s["expected_fen"] for s in shifts),
        "cash_counted_fen": sum(s["counted_fen"] for s in closed),
        "variance_fen": sum(s["variance_fen"] for s in closed)}
    return {"windows": _by_window(shifts), "methods": methods, "channels": channels,
            "totals": totals, "shift_rows": shifts,
            "ids": _ids(session, period, shifts) if ids else None}


def _sums(session: Session, model: Any, condition: Any) -> list[tuple[str, str, int]]:
    """(method, channel, Σ amount_fen) of the payments or refunds of `model` meeting
    `condition`, each joined to its order."""
    rows = session.execute(
        sa.select(model.method, Order.channel, sa.func.sum(model.amount_fen))
        .join(Order, Order.order_id == model.order_id)
        .where(condition).group_by(model.method, Order.channel)).all()
    return [(method, channel, int(total)) for method, channel, total in rows]


def _ids(session: Session, period: Period, shifts: list[dict[str, Any]]) -> dict[str, Any]:
    """The payment, refund and shift ids counted (the close's snapshot tells later money
    apart by them)."""
    def counted(model: Any, key: Any, condition: Any) -> list[str]:
        return sorted(session.execute(
            sa.select(key).join(Order, Order.order_id == model.order_id)
            .where(condition)).scalars())

    return {"payments": counted(Payment, Payment.payment_id, measures.paid_in(period)),
            "refunds": counted(Refund, Refund.refund_id, measures.refunded_in(period)),
            "shifts": {s["shift_id"]: s["closed_at"] is not None for s in shifts}}


def _money(paid: list, refunded: list, column: int, known: tuple[str, ...],
           raw: bool = False) -> list[dict[str, Any]]:
    ins: dict[str, int] = defaultdict(int)
    outs: dict[str, int] = defaultdict(int)
    for row in paid:
        ins[row[column]] += row[2]
    for row in refunded:
        outs[row[column]] += row[2]
    keys = list(known) + sorted((set(ins) | set(outs)) - set(known))
    out = []
    for key in keys:
        money = {"paid_fen": ins[key], "refunded_fen": outs[key],
                 "net_fen": ins[key] - outs[key]}
        out.append({"key": key, "money": money} if raw else {"method": key} | money)
    return out


def _shifts(session: Session, period: Period, now: datetime) -> list[dict[str, Any]]:
    rows = session.execute(sa.select(Shift).where(period.holds(Shift.opened_at))
                           .order_by(Shift.terminal, Shift.opened_at, Shift.shift_id)).scalars()
    return [_shift(session, row, now) for row in rows]


def _shift(session: Session, row: Shift, now: datetime) -> dict[str, Any]:
    out = {"shift_id": row.shift_id, "terminal": row.terminal, "clerk": row.clerk,
           "opened_at": row.opened_at.isoformat(),
           "closed_at": row.closed_at.isoformat() if row.closed_at else None,
           "float_fen": row.opening_float_fen,
           "z_report": row.report if row.status == "closed" and row.report else None}
    report = row.report or {}
    if row.status == "closed" and "cash_sales_fen" in report:
        return out | {
            "cash_sales_fen": int(report["cash_sales_fen"]),
            "cash_refunds_fen": int(report.get("refunds_fen", 0)),
            "cash_in_fen": int(report.get("cash_in_fen", 0)),
            "cash_out_fen": int(report.get("cash_out_fen", 0)),
            "expected_fen": int(row.cash_expected_fen or 0),
            "counted_fen": row.cash_counted_fen, "variance_fen": row.variance_fen}
    t = tally(session, shift_id=row.shift_id, terminal=row.terminal, start=row.opened_at,
              end=row.closed_at or now)
    expected = expected_cash(float_fen=row.opening_float_fen, cash_sales_fen=t.cash_sales_fen,
                             cash_refunds_fen=t.refunds_fen, cash_in_fen=t.cash_in_fen,
                             cash_out_fen=t.cash_out_fen)
    closed = row.status == "closed"
    return out | {
        "cash_sales_fen": t.cash_sales_fen, "cash_refunds_fen": t.refunds_fen,
        "cash_in_fen": t.cash_in_fen, "cash_out_fen": t.cash_out_fen,
        "expected_fen": int(row.cash_expected_fen) if closed and row.cash_expected_fen
        is not None else expected,
        "counted_fen": row.cash_counted_fen if closed else None,
        "variance_fen": row.variance_fen if closed else None}


PUBLIC = ("shift_id", "clerk", "z_report", "opened_at", "closed_at", "float_fen", "cash_sales_fen", "cash_refunds_fen",
          "cash_in_fen", "cash_out_fen", "expected_fen", "counted_fen", "variance_fen")


def _by_window(shifts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    windows: dict[str, list[dict[str, Any]]] = {}
    for s in shifts:
        windows.setdefault(s["terminal"], []).append({k: s[k] for k in PUBLIC})
    return [{"terminal": t, "shifts": v} for t, v in windows.items()]

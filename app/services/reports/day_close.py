"""`GET /reports/day-close?date=` and `POST /reports/day-close/{date}` (DESIGN.md §15).

The report is `day_close_figures` (windows, methods, channels, totals) plus
`day_close_checks` (discrepancies). An open day is computed as of now. Closing a day stores
who, when, and the figures as they stood (`day_closes.snapshot`); from then on the report
shows those **closed figures** unchanged, and money of that day recorded later — a payment
or refund not counted at the close (an offline window's sale pushed afterwards), a shift
that was still open and has since closed — is listed in `late_entries` (`{kind: payment |
refund | shift, order_no, method, channel, terminal, amount_fen, at, reason}`; a refund's
amount is negative) with their sum in `late_totals`, and each one again as a discrepancy of
kind `late_entry`. Discrepancies are always as of now."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.day_close_labels import TOTAL_LABELS_ZH
from app.domain.errors import Conflict, ValidationError
from app.domain.money import format_fen
from app.domain.venue import Venue
from app.store.db import read_transaction
from app.store.models import DayClose, Order, Payment, Refund, Shift

from . import measures
from .day_close_checks import discrepancies
from .day_close_figures import figures
from .periods import Period, one_day


def day_close(session: Session, day: str | None, *, now: datetime,
              venue: Venue) -> dict[str, Any]:
    """The day close report of `day` (`YYYY-MM-DD`; ValidationError otherwise)."""
    period = one_day(day, venue)
    with read_transaction(session):
        measures.roomy(session)
        closed = session.get(DayClose, period.first)
        current = figures(session, period, now=now, ids=closed is not None)
        found = discrepancies(session, period, current.pop("shift_rows"))
        late: list[dict[str, Any]] = []
        shown = current
        if closed is not None:
            shown = closed.snapshot
            late = _late(session, period, closed.snapshot["ids"], current["ids"])
            found += [{"kind": "late_entry", "order_no": e["order_no"],
                       "amount_fen": e["amount_fen"], "reason": e["reason"]} for e in late]
    return {"date": period.first.isoformat(),
            "closed_by": closed.closed_by if closed else None,
            "closed_at": closed.closed_at.isoformat() if closed else None,
            **{k: shown[k] for k in ("windows", "methods", "channels", "totals")},
            "discrepancies": found, "late_entries": late,
            "late_totals": _late_totals(late)}


def close_day(session: Session, day: str | None, *, actor: str, now: datetime,
              venue: Venue, expected: Mapping[str, int] | None = None) -> dict[str, Any]:
    """Close `day`: who and when, and its figures as of now. Conflict (409) when the day is
    already closed, or when `expected` (totals finance confirmed: any of `totals`) is not
    what the figures are now — money came in or went out between finance's last look and
    the close, and closing would sign figures nobody saw; ValidationError when it has not
    begun (all its money would be late). Nothing is written then."""
    period = one_day(day, venue)
    if now < period.start:
        raise ValidationError(f"{period.first} 还没有开始，不能日结（今天是 "
                              f"{venue.local_date(now)}）", field="date")
    with session.begin():
        taken = session.get(DayClose, period.first, with_for_update=True)
        if taken is not None:
            raise Conflict(_closed_already(taken, venue))
        snapshot = figures(session, period, now=now)
        del snapshot["shift_rows"]
        _check_expected(snapshot["totals"], expected or {})
        session.add(DayClose(day=period.first, closed_by=actor, closed_at=now,
                             snapshot=snapshot))
        try:
            session.flush()
        except sa.exc.IntegrityError:  # a twin close won the race
            raise Conflict(f"{period.first} 已经日结，不能重复日结") from None
    return day_close(session, period.first.isoformat(), now=now, venue=venue)


def _check_expected(totals: Mapping[str, int], expected: Mapping[str, int]) -> None:
    if unknown := sorted(set(expected) - set(TOTAL_LABELS_ZH)):
        raise ValidationError(f"日结合计没有这一项：{unknown[0][:32]}", field="expected")
    moved = [f"{TOTAL_LABELS_ZH[k]} {format_fen(v)} → {format_fen(totals[k])}"
             for k, v in expected.items() if totals[k] != v]
    if moved:
        raise Conflict(f"确认之后当日数据有变化（{'；'.join(moved)}）：请核对最新数据后再关账")


def _closed_already(row: DayClose, venue: Venue) -> str:
    when = venue.local(row.closed_at).strftime("%Y-%m-%d %H:%M")
    return f"{row.day} 已由 {row.closed_by} 于 {when} 日结，不能重复日结"


def _late(session: Session, period: Period, then: dict[str, Any],
          now_ids: dict[str, Any]) -> list[dict[str, Any]]:
    new_payments = sorted(set(now_ids["payments"]) - set(then["payments"]))
    new_refunds = sorted(set(now_ids["refunds"]) - set(then["refunds"]))
    out = []
    if new_payments:
        for r in session.execute(
                sa.select(Order.order_no, Order.channel, Order.terminal, Payment.method,
                          Payment.amount_fen, Payment.at)
                .join(Order, Order.order_id == Payment.order_id)
                .where(Payment.payment_id.in_(new_payments)).order_by(Payment.at)):
            out.append(_entry("payment", r, r.amount_fen, r.at, period.venue,
                              f"日结后补录的收款 {format_fen(r.amount_fen)}（{r.method}）"))
    if new_refunds:
        for r in session.execute(
                sa.select(Order.order_no, Order.channel, Order.terminal, Refund.method,
                          Refund.amount_fen, measures.refunded_at().label("at"))
                .join(Order, Order.order_id == Refund.order_id)
                .where(Refund.refund_id.in_(new_refunds)).order_by(Refund.refund_no)):
            out.append(_entry("refund", r, -r.amount_fen, r.at, period.venue,
                              f"日结后补录的退款 {format_fen(r.amount_fen)}（{r.method}）"))
    return out + _late_shifts(session, period, then["shifts"], now_ids["shifts"])


def _entry(kind: str, r: Any, amount: int, at: datetime, venue: Venue,
           reason: str) -> dict[str, Any]:
    when = venue.local(at).strftime("%H:%M")
    where = f"，终端 {r.terminal}" if r.terminal else ""
    return {"kind": kind, "order_no": r.order_no, "method": r.method, "channel": r.channel,
            "terminal": r.terminal, "amount_fen": int(amount), "at": at.isoformat(),
            "reason": f"{reason}，发生于 {when}{where}，不计入已日结数字"}


def _late_shifts(session: Session, period: Period, then: dict[str, bool],
                 now: dict[str, bool]) -> list[dict[str, Any]]:
    changed = [sid for sid, closed in now.items() if closed and not then.get(sid, False)]
    out = []
    for sid in sorted(changed):
        row = session.get(Shift, sid)
        if row is None or row.closed_at is None:
            continue
        variance = int(row.variance_fen or 0)
        out.append({"kind": "shift", "order_no": None, "method": "cash", "channel": None,
                    "terminal": row.terminal, "amount_fen": variance,
                    "at": row.closed_at.isoformat(),
                    "reason": f"终端 {row.terminal} {row.clerk} 的班次日结后才交班，"
                              f"差额 {format_fen(variance)}，不计入已日结数字"})
    return out


def _late_totals(late: list[dict[str, Any]]) -> dict[str, int]:
    paid = sum(e["amount_fen"] for e in late if e["kind"] == "payment")
    refunded = -sum(e["amount_fen"] for e in late if e["kind"] == "refund")
    return {"paid_fen": paid, "refunded_fen": refunded, "net_fen": paid - refunded}

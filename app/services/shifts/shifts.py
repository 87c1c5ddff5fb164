"""The window clerk's cash shift (交接班): open with a float, cash in/out with a reason, close
by counting notes and coins → expected vs counted and the variance, the Z report printed.

Each use case is one transaction that also writes its outbox op (`shift_open`,
`shift_close`), so the central store learns of every shift; the Z report is a print job in
that same transaction. One open shift per terminal at a time.

Only the clerk who opened a shift works it. A shift left open blocks the window until a
supervisor+ closes it for him (`take_over_shift`): he counts the drawer and gives a reason,
which the Z report and the `shift_close` op carry (`closed_by`, `close_reason`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.cash import check_amount, counted_total, expected_cash
from app.domain.errors import Conflict, Forbidden, IllegalTransition, ValidationError
from app.domain.ids import new_id, normalize_terminal
from app.domain.money import format_fen
from app.domain.print_docs import ShiftReportDoc
from app.domain.venue import Venue
from app.services.journal import op_changes, outbox, print_queue
from app.services.shifts.shift_tally import Tally, tally
from app.store.db import read_transaction
from app.store.models import CashMovement, Shift

MOVEMENT_KINDS = {"in": "存入", "out": "取出"}
MAX_REASON = 200
TAKE_OVER_ROLES = ("supervisor", "finance", "admin")  # "supervisor+" of DESIGN.md §8


@dataclass(frozen=True)
class ShiftInfo:
    shift_id: str
    terminal: str
    clerk: str
    status: str  # open | closed
    float_fen: int
    opened_at: datetime
    closed_at: datetime | None = None


@dataclass(frozen=True)
class MovementResult:
    movement_id: str
    shift_id: str
    kind: str
    amount_fen: int
    reason: str
    expected_fen: int  # the drawer's expected cash after this movement

    @property
    def changes(self) -> op_changes.OpChanges:
        return op_changes.CASH_MOVED


@dataclass(frozen=True)
class ShiftSoFar:
    info: ShiftInfo
    tally: Tally
    expected_fen: int


@dataclass(frozen=True)
class ShiftReport:
    shift_id: str
    terminal: str
    clerk: str
    expected_fen: int
    counted_fen: int
    variance_fen: int  # counted − expected: > 0 长款, < 0 短款
    report: dict[str, Any]  # the ShiftReportDoc as a dict (stored on the shift, printed)
    print_job_ids: tuple[str, ...]
    closed_by: str = ""  # the clerk, or the supervisor who took the shift over

    @property
    def changes(self) -> op_changes.OpChanges:
        """The drawer closed, the Z report to print, a `shift_close` op to push."""
        return op_changes.SHIFT_CLOSED


def _info(row: Shift) -> ShiftInfo:
    return ShiftInfo(row.shift_id, row.terminal, row.clerk, row.status, row.opening_float_fen,
                     row.opened_at, row.closed_at)


def _terminal(terminal: str) -> str:
    try:
        return normalize_terminal(terminal)
    except ValueError:
        raise ValidationError("终端号必须是 1 到 8 位字母或数字", field="terminal") from None


def _clerk(clerk: str) -> str:
    if not isinstance(clerk, str) or not clerk.strip():
        raise ValidationError("缺少收银员", field="clerk")
    return clerk.strip()


def _open_row(session: Session, terminal: str, *, lock: bool = False) -> Shift | None:
    query = sa.select(Shift).where(Shift.terminal == terminal, Shift.status == "open")
    return session.execute(query.with_for_update() if lock else query).scalars().first()


def _own_open_shift(session: Session, terminal: str, clerk: str) -> Shift:
    row = _open_row(session, terminal, lock=True)
    if row is None:
        raise IllegalTransition(f"终端 {terminal} 还没有开班，请先开班", field="shift")
    if row.clerk != clerk:
        raise Forbidden(f"当前班次由 {row.clerk} 开班，只能由本人操作；请 {row.clerk} 交班，"
                        "或请主管代为交班", field="clerk")
    return row


def may_take_over(role: str | None) -> bool:
    """Whether `role` may close another clerk's shift (supervisor+)."""
    return role in TAKE_OVER_ROLES


def require_open_shift(session: Session, terminal: str, clerk: str) -> Shift:
    """Inside the caller's transaction: the clerk's own open shift at `terminal`, locked —
    no cash changes hands at a window without one. IllegalTransition (no open shift),
    Forbidden (another clerk's)."""
    return _own_open_shift(session, _terminal(terminal), _clerk(clerk))


def current_shift(session: Session, terminal: str) -> ShiftInfo | None:
    """The terminal's open shift, or None."""
    with read_transaction(session):
        row = _open_row(session, _terminal(terminal))
        return _info(row) if row is not None else None


def open_shift(session: Session, *, terminal: str, clerk: str, float_fen: int,
               now: datetime) -> ShiftInfo:
    """Open a shift with `float_fen` in the drawer; refused while the terminal has one open."""
    terminal, clerk = _terminal(terminal), _clerk(clerk)
    check_amount(float_fen, "备用金", allow_zero=True)
    with session.begin():
        if (other := _open_row(session, terminal, lock=True)) is not None:
            raise Conflict(f"终端 {terminal} 已有 {other.clerk} 未交班的班次，请 {other.clerk} "
                           "交班，或请主管代为交班", field="shift")
        row = Shift(shift_id=new_id(), terminal=terminal, clerk=clerk, status="open",
                    opening_float_fen=float_fen, opened_at=now)
        session.add(row)
        session.flush()
        outbox.append(session, "shift_open", {
            "shift_id": row.shift_id, "terminal": terminal, "clerk": clerk,
            "opening_float_fen": float_fen, "opened_at": now.isoformat()}, now=now)
        return _info(row)


def cash_movement(session: Session, *, terminal: str, clerk: str, kind: str, amount_fen: int,
                  reason: str, now: datetime) -> MovementResult:
    """Cash put into (`in`) or taken out of (`out`) the drawer of the clerk's open shift; the
    reason is required and nothing can be taken out beyond the expected cash."""
    terminal, clerk = _terminal(terminal), _clerk(clerk)
    if kind not in MOVEMENT_KINDS:
        raise ValidationError("存取类型只能是存入或取出", field="kind")
    what = f"{MOVEMENT_KINDS[kind]}金额"
    check_amount(amount_fen, what)
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError(f"{MOVEMENT_KINDS[kind]}现金必须填写原因", field="reason")
    with session.begin():
        row = _own_open_shift(session, terminal, clerk)
        before = _expected(_tally(session, row, now), row.opening_float_fen)
        if kind == "out" and amount_fen > before:
            raise ValidationError(f"抽屉应有现金只有 {before / 100:.2f} 元，不能取出更多",
                                  field="amount_fen")
        move = CashMovement(movement_id=new_id(), shift_id=row.shift_id, terminal=terminal,
                            clerk=clerk, kind=kind, amount_fen=amount_fen,
                            reason=reason[:MAX_REASON], at=now)
        session.add(move)
        session.flush()
        after = before + (amount_fen if kind == "in" else -amount_fen)
        return MovementResult(move.movement_id, row.shift_id, kind, amount_fen, move.reason,
                              after)


def expected_now(session: Session, terminal: str, *, now: datetime) -> int | None:
    """The open shift's expected cash so far (None when no shift is open)."""
    so_far = shift_so_far(session, terminal, now=now)
    return None if so_far is None else so_far.expected_fen


def shift_so_far(session: Session, terminal: str, *, now: datetime) -> ShiftSoFar | None:
    """The terminal's open shift, its tally and expected cash up to `now`, read at once (what
    the Shift screen shows); None when no shift is open."""
    with read_transaction(session):
        row = _open_row(session, _terminal(terminal))
        if row is None:
            return None
        t = _tally(session, row, now)
        return ShiftSoFar(_info(row), t, _expected(t, row.opening_float_fen))


def close_shift(session: Session, *, terminal: str, clerk: str, counted: Mapping[int, int],
                now: datetime, venue: Venue | None = None,
                expected_fen: int | None = None) -> ShiftReport:
    """Close the clerk's open shift with the drawer counted by denomination (fen → pieces):
    stores the Z report on the shift, queues it for printing and the `shift_close` op.
    `expected_fen`: the expected cash the clerk confirmed — Conflict when the drawer has
    moved since (a sale meanwhile), so the variance recorded is the one he saw."""
    terminal, clerk = _terminal(terminal), _clerk(clerk)
    counted_fen = counted_total(counted)
    with session.begin():
        row = _own_open_shift(session, terminal, clerk)
        return _close(session, row, counted, counted_fen, closed_by=clerk, reason="",
                      now=now, venue=venue or Venue(), confirmed=expected_fen)


def take_over_shift(session: Session, *, terminal: str, supervisor: str, role: str,
                    reason: str, counted: Mapping[int, int], now: datetime,
                    venue: Venue | None = None,
                    expected_fen: int | None = None) -> ShiftReport:
    """A supervisor+ closes the shift another clerk left open at `terminal`, with the drawer
    counted and a reason; the shift stays the clerk's, the Z report and the `shift_close` op
    name who closed it and why. Forbidden (not supervisor+), ValidationError (no reason, his
    own shift), IllegalTransition (none open), Conflict (`expected_fen` no longer true)."""
    terminal, supervisor = _terminal(terminal), _clerk(supervisor)
    if not may_take_over(role):
        raise Forbidden("只有主管可以代交他人的班次，请找主管", field="role")
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError("代交班必须填写原因", field="reason")
    counted_fen = counted_total(counted)
    with session.begin():
        row = _open_row(session, terminal, lock=True)
        if row is None:
            raise IllegalTransition(f"终端 {terminal} 没有未交班的班次", field="shift")
        if row.clerk == supervisor:
            raise ValidationError("这是您本人的班次，直接交班即可", field="clerk")
        return _close(session, row, counted, counted_fen, closed_by=supervisor,
                      reason=reason[:MAX_REASON], now=now, venue=venue or Venue(),
                      confirmed=expected_fen)


def _close(session: Session, row: Shift, counted: Mapping[int, int], counted_fen: int, *,
           closed_by: str, reason: str, now: datetime, venue: Venue,
           confirmed: int | None) -> ShiftReport:
    """Inside the caller's transaction: the shift closed, its Z report stored and queued,
    its `shift_close` op."""
    if now < row.opened_at:
        raise ValidationError("交班时间早于开班时间，请检查系统时间", field="now")
    t = _tally(session, row, now)
    expected = _expected(t, row.opening_float_fen)
    if confirmed is not None and confirmed != expected:
        raise Conflict(f"应有现金已变为 {format_fen(expected)}（刚有收付款），请核对后重新交班",
                       field="expected_fen")
    doc = _report_doc(row, t, counted, venue=venue, now=now, expected=expected,
                      counted_fen=counted_fen, closed_by=closed_by, reason=reason).to_dict()
    row.status, row.closed_at, row.report = "closed", now, doc
    row.cash_expected_fen, row.cash_counted_fen = expected, counted_fen
    row.variance_fen = counted_fen - expected
    session.flush()
    payload: dict[str, Any] = {
        "shift_id": row.shift_id, "terminal": row.terminal, "clerk": row.clerk,
        "opening_float_fen": row.opening_float_fen,
        "opened_at": row.opened_at.isoformat(), "closed_at": now.isoformat(),
        "cash_expected_fen": expected, "cash_counted_fen": counted_fen,
        "variance_fen": row.variance_fen, "report": doc}
    if closed_by != row.clerk:  # a take-over: the store checks who may (pushed.shifts)
        payload |= {"closed_by": closed_by, "close_reason": reason}
    outbox.append(session, "shift_close", payload, now=now)
    jobs = print_queue.enqueue(session, [("shift_report", doc)], order_no=None, now=now)
    return ShiftReport(row.shift_id, row.terminal, row.clerk, expected, counted_fen,
                       row.variance_fen, doc, jobs, closed_by)


def _tally(session: Session, row: Shift, now: datetime) -> Tally:
    return tally(session, shift_id=row.shift_id, terminal=row.terminal, start=row.opened_at,
                 end=now)


def _expected(t: Tally, float_fen: int) -> int:
    return expected_cash(float_fen=float_fen, cash_sales_fen=t.cash_sales_fen,
                         cash_refunds_fen=t.refunds_fen, cash_in_fen=t.cash_in_fen,
                         cash_out_fen=t.cash_out_fen)


def _report_doc(row: Shift, t: Tally, counted: Mapping[int, int], *, venue: Venue,
                now: datetime, expected: int, counted_fen: int, closed_by: str,
                reason: str) -> ShiftReportDoc:
    def local(at: datetime) -> str:
        return venue.local(at).strftime("%Y-%m-%d %H:%M:%S")

    return ShiftReportDoc(
        venue.name, row.shift_id, row.terminal, row.clerk, local(row.opened_at), local(now),
        row.opening_float_fen, t.cash_sales_count, t.cash_sales_fen, list(t.noncash_sales),
        t.refunds_count, t.refunds_fen, t.cash_in_fen, t.cash_out_fen,
        [{k: m[k] for k in ("kind", "amount_fen", "reason")} for m in t.movements],
        expected,
        [{"denomination_fen": d, "count": n} for d, n in sorted(counted.items(), reverse=True)],
        counted_fen, counted_fen - expected, local(now), closed_by=closed_by,
        close_reason=reason)

"""The central store records the shifts windows push (`shift_open`, `shift_close` ops of
DESIGN.md §9) in its `shifts` table, as the window sent them.

Applying is idempotent: the op journal (`applied_ops`) answers a replayed op, and a shift row
already in the state an op describes is left as it is. A `shift_close` whose `shift_open` never
arrived still records the closed shift. The shift's terminal and clerk must be the token's
(DESIGN.md §14): a shift of another window or clerk is `rejected` (Forbidden) — except the
close of a supervisor's take-over: a supervisor+ on the shift's own window may close another
clerk's shift when the op names him (`closed_by`) and gives a `close_reason`; the stored Z
report then records who closed it and why.
"""

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from app.domain.errors import Conflict, Forbidden
from app.domain.ids import normalize_terminal
from app.services.shifts.shifts import MAX_REASON, may_take_over
from app.store.models import Shift

from .payload import Fields, Pushed

OPEN_VERSION, CLOSED_VERSION = 1, 2
RECORD = "班次记录"


def _shift_fields(p: Fields) -> dict[str, Any]:
    try:
        terminal = normalize_terminal(p.text("terminal", 8))
    except ValueError:
        raise p.bad("terminal") from None
    return {"shift_id": p.id("shift_id"), "terminal": terminal, "clerk": p.text("clerk", 64),
            "opening_float_fen": p.fen("opening_float_fen"),
            "opened_at": p.instant("opened_at")}


def _close_fields(p: Fields) -> dict[str, Any]:
    report = None if (nested := p.optional_nested("report")) is None else dict(nested.raw)
    closed_by = p.optional_text("closed_by", 64)
    if closed_by not in (None, p.raw.get("clerk")):  # a take-over: who closed it, and why
        report = (report or {}) | {"closed_by": closed_by,
                                   "close_reason": p.text("close_reason", MAX_REASON)}
    return {"status": "closed", "closed_at": p.instant("closed_at"), "report": report,
            "cash_expected_fen": p.fen("cash_expected_fen", signed=True),
            "cash_counted_fen": p.fen("cash_counted_fen"),
            "variance_fen": p.fen("variance_fen", signed=True)}


def _own(payload: Mapping[str, Any], pushed: Pushed) -> None:
    p = Fields(payload, RECORD)
    p.own("terminal", pushed.terminal, "登录窗口的终端号")
    p.own("clerk", pushed.user, "登录用户")


def record_open(session: Session, payload: Mapping[str, Any], pushed: Pushed,
                keep: Callable[[Session, int], None]) -> int:
    """The `shift_open` recorder of `apply.RECORDERS` (the token's window and clerk)."""
    _own(payload, pushed)
    return apply_shift_op(session, "shift_open", payload, before_commit=keep)


def _own_or_taken_over(payload: Mapping[str, Any], pushed: Pushed) -> None:
    """The token's own shift, or a take-over by the token's supervisor+ on its window."""
    p = Fields(payload, RECORD)
    closed_by = payload.get("closed_by")
    if closed_by is None or closed_by == payload.get("clerk"):
        _own(payload, pushed)
        return
    p.own("terminal", pushed.terminal, "登录窗口的终端号")
    p.own("closed_by", pushed.user, "登录用户")
    if not may_take_over(pushed.role):
        raise Forbidden(f"只有主管可以代交他人的班次，{pushed.user} 不能代交 "
                        f"{str(payload.get('clerk'))[:64]} 的班次，已拒绝")
    p.text("close_reason", MAX_REASON)  # a take-over says why


def record_close(session: Session, payload: Mapping[str, Any], pushed: Pushed,
                 keep: Callable[[Session, int], None]) -> int:
    """The `shift_close` recorder of `apply.RECORDERS` (the token's window and clerk, or a
    supervisor+ of that window taking the shift over)."""
    _own_or_taken_over(payload, pushed)
    return apply_shift_op(session, "shift_close", payload, before_commit=keep)


def apply_shift_op(session: Session, kind: str, payload: Mapping[str, Any], *,
                   before_commit: Callable[[Session, int], None]) -> int:
    """Record a pushed `shift_open` / `shift_close`; returns the shift's version (1 open,
    2 closed). `before_commit(session, version)` runs last inside the transaction."""
    p = Fields(payload, RECORD)
    fields = _shift_fields(p)
    closing = _close_fields(p) if kind == "shift_close" else {}
    with session.begin():
        row = session.get(Shift, fields["shift_id"], with_for_update=True)
        if row is not None and (row.terminal, row.clerk) != (fields["terminal"],
                                                            fields["clerk"]):
            raise Conflict(f"班次 {fields['shift_id']} 已属于终端 {row.terminal} 的 {row.clerk}")
        if row is None:
            row = Shift(status="open", **fields)
            session.add(row)
        if closing and row.status != "closed":
            for name, value in closing.items():
                setattr(row, name, value)
        session.flush()
        version = CLOSED_VERSION if row.status == "closed" else OPEN_VERSION
        before_commit(session, version)
    return version

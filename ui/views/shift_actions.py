"""What the Shift view (交接班) asks of the window's database: the open shift, its tally and the
window's past shifts; opening, a cash movement, closing (or a supervisor's take-over), a Z
report printed again. Workers: they run off the GUI thread and touch no widget."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ui.context import ClientContext

OWN, TAKE_OVER, BLOCKED = "own", "take_over", "blocked"  # who is looking at the open shift


@dataclass(frozen=True)
class ShiftState:
    info: Any  # shifts.ShiftInfo | None
    expected_fen: int | None
    tally: Any  # shift_tally.Tally | None
    past: tuple[Any, ...] = ()  # shift_history.PastShift, the last closed first
    mode: str = OWN  # OWN: the user's shift; TAKE_OVER: a supervisor+ may close another's;
    # BLOCKED: another clerk's, which this user may not touch


def load_state(ctx: ClientContext) -> ShiftState:
    """The terminal's open shift with its tally and expected cash (one read), and the past
    shifts of this window."""
    from app.services.shifts import shift_history, shifts

    with ctx.session() as session:
        past = tuple(shift_history.past_shifts(session, ctx.terminal))
        so_far = shifts.shift_so_far(session, ctx.terminal, now=ctx.now())
    if so_far is None:
        return ShiftState(None, None, None, past)
    user, info = ctx.user, so_far.info
    mode = (OWN if info.clerk == user.username
            else TAKE_OVER if shifts.may_take_over(user.role) else BLOCKED)
    return ShiftState(info, so_far.expected_fen, so_far.tally, past, mode)


def open_shift(ctx: ClientContext, float_fen: int, now: datetime) -> Any:
    from app.services.shifts import shifts

    with ctx.session() as session:
        return shifts.open_shift(session, terminal=ctx.terminal, clerk=ctx.user.username,
                                 float_fen=float_fen, now=now)


def move_cash(ctx: ClientContext, kind: str, amount_fen: int, reason: str,
              now: datetime) -> Any:
    from app.services.shifts import shifts

    with ctx.session() as session:
        return shifts.cash_movement(session, terminal=ctx.terminal, clerk=ctx.user.username,
                                    kind=kind, amount_fen=amount_fen, reason=reason, now=now)


def close_shift(ctx: ClientContext, counted: dict[int, int], expected_fen: int,
                now: datetime) -> Any:
    """The clerk's own close, refused if the expected cash he confirmed moved meanwhile."""
    from app.services.shifts import shifts

    with ctx.session() as session:
        return shifts.close_shift(session, terminal=ctx.terminal, clerk=ctx.user.username,
                                  counted=counted, now=now, venue=ctx.venue(),
                                  expected_fen=expected_fen)


def take_over(ctx: ClientContext, counted: dict[int, int], expected_fen: int, reason: str,
              now: datetime) -> Any:
    """A supervisor+ closes the shift another clerk left open at this window."""
    from app.services.shifts import shifts

    user = ctx.user
    with ctx.session() as session:
        return shifts.take_over_shift(session, terminal=ctx.terminal, supervisor=user.username,
                                      role=user.role, reason=reason, counted=counted, now=now,
                                      venue=ctx.venue(), expected_fen=expected_fen)


def reprint_z(ctx: ClientContext, shift_id: str, now: datetime) -> Any:
    from app.services.shifts import shift_history

    with ctx.session() as session:
        return shift_history.reprint_report(session, shift_id, terminal=ctx.terminal,
                                            actor=ctx.actor(), now=now, venue=ctx.venue())

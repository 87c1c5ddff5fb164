"""What the Shift view (交接班) asks of the window's database: the open shift and its tally,
opening, a cash movement, closing. Workers: they run off the GUI thread and touch no widget."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ui.context import ClientContext


@dataclass(frozen=True)
class ShiftState:
    info: Any  # shifts.ShiftInfo | None
    expected_fen: int | None
    tally: Any  # shift_tally.Tally | None


def load_state(ctx: ClientContext) -> ShiftState:
    from app.services.shifts import shifts
    from app.services.shifts.shift_tally import tally
    from app.store.db import read_transaction

    now = ctx.now()
    with ctx.session() as session:
        info = shifts.current_shift(session, ctx.terminal)
        if info is None:
            return ShiftState(None, None, None)
        expected = shifts.expected_now(session, ctx.terminal, now=now)
        with read_transaction(session):
            t = tally(session, shift_id=info.shift_id, terminal=info.terminal,
                      start=info.opened_at, end=now)
        return ShiftState(info, expected, t)


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


def close_shift(ctx: ClientContext, counted: dict[int, int], now: datetime) -> Any:
    from app.services.shifts import shifts

    with ctx.session() as session:
        return shifts.close_shift(session, terminal=ctx.terminal, clerk=ctx.user.username,
                                  counted=counted, now=now, venue=ctx.venue())

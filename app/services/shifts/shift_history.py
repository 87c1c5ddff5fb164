"""A window's past shifts (交接班 history) and their Z report printed again.

The Z report of a closed shift is stored on the shift (`shifts.report`); a reprint queues that
same document once more, marked 重打 N and stamped with the time it was printed again. The
print job is the record of the reprint (who asked is in the window's log); nothing else
changes and nothing goes to the store.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.errors import Forbidden, IllegalTransition, NotFound
from app.domain.ids import normalize_terminal
from app.domain.venue import Venue
from app.services.journal import op_changes, print_queue
from app.store.db import read_transaction
from app.store.models import PrintJobRow, Shift

log = logging.getLogger(__name__)
Z_REPORT = "shift_report"


@dataclass(frozen=True)
class PastShift:
    shift_id: str
    terminal: str
    clerk: str
    opened_at: datetime
    closed_at: datetime | None
    float_fen: int
    expected_fen: int | None
    counted_fen: int | None
    variance_fen: int | None  # counted − expected: > 0 长款, < 0 短款
    closed_by: str  # the clerk, or the supervisor who took the shift over
    close_reason: str


@dataclass(frozen=True)
class ZReprint:
    shift_id: str
    print_job_ids: tuple[str, ...]
    reprint_no: int

    @property
    def changes(self) -> op_changes.OpChanges:
        return op_changes.PRINT_RETRIED  # a job to print, nothing to push


def _past(row: Shift) -> PastShift:
    report = row.report or {}
    return PastShift(row.shift_id, row.terminal, row.clerk, row.opened_at, row.closed_at,
                     row.opening_float_fen, row.cash_expected_fen, row.cash_counted_fen,
                     row.variance_fen, str(report.get("closed_by") or row.clerk),
                     str(report.get("close_reason") or ""))


def past_shifts(session: Session, terminal: str, *, limit: int = 50) -> list[PastShift]:
    """The closed shifts of `terminal`, the last closed first."""
    with read_transaction(session):
        rows = session.execute(
            sa.select(Shift).where(Shift.terminal == normalize_terminal(terminal),
                                   Shift.status == "closed")
            .order_by(Shift.closed_at.desc(), Shift.shift_id).limit(limit)).scalars()
        return [_past(row) for row in rows]


def reprint_report(session: Session, shift_id: str, *, terminal: str, actor: str,
                   now: datetime, venue: Venue | None = None) -> ZReprint:
    """Queue the stored Z report of a closed shift of this window again, marked 重打 N.
    NotFound (no such shift, or no report kept), Forbidden (another window's),
    IllegalTransition (still open: its Z report comes when it is closed)."""
    venue = venue or Venue()
    with session.begin():
        row = session.get(Shift, shift_id)
        if row is None:
            raise NotFound("没有找到该班次", field="shift_id")
        if row.terminal != normalize_terminal(terminal):
            raise Forbidden(f"该班次属于终端 {row.terminal}，只能在本窗口补打本窗口的报表",
                            field="terminal")
        if row.status != "closed":
            raise IllegalTransition("该班次还没有交班，交班时才打印 Z 报表", field="shift_id")
        if not row.report:
            raise NotFound("该班次没有保存 Z 报表，无法补打", field="shift_id")
        n = max(1, _jobs_of(session, shift_id))
        doc = {**row.report, "reprint_no": n,
               "printed_at": venue.local(now).strftime("%Y-%m-%d %H:%M:%S")}
        jobs = print_queue.enqueue(session, [(Z_REPORT, doc)], order_no=None, now=now)
    log.info("Z report of shift %s reprinted (重打 %d) by %s", shift_id, n, actor)
    return ZReprint(shift_id, jobs, n)


def _jobs_of(session: Session, shift_id: str) -> int:
    """How many times this shift's Z report went to the print queue so far."""
    return session.execute(
        sa.select(sa.func.count()).select_from(PrintJobRow)
        .where(PrintJobRow.kind == Z_REPORT,
               PrintJobRow.payload["shift_id"].as_string() == shift_id)).scalar_one()

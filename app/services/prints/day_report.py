"""Finance's paper from the 日结对账 screen: the day report (print job kind `day_report`) and
a shift's Z report printed again from the store's copy.

Both are documents on this PC's print queue (`print_jobs`), printed by the same worker as
every other document. The day report is made from the store's `GET /reports/day-close`
answer, times turned into venue-local words; a Z report comes from the shift's `z_report`
in that answer (what the window pushed when it closed the shift), marked 重打 N where N
counts the reprints of that shift queued on this PC."""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.errors import NotFound
from app.domain.print_docs import DayReportDoc, ShiftReportDoc
from app.domain.venue import Venue
from app.services.journal import op_changes, print_queue
from app.store.models import PrintJobRow

DAY_REPORT = "day_report"
Z_REPORT = "shift_report"


@dataclass(frozen=True)
class Queued:
    """What went to the print queue: the job ids and the 重打 number (0: first print)."""

    print_job_ids: tuple[str, ...]
    reprint_no: int

    @property
    def changes(self) -> op_changes.OpChanges:
        return op_changes.PRINT_RETRIED  # a job to print, nothing to push


def _local(iso: str | None, venue: Venue, fmt: str) -> str:
    return venue.local(datetime.fromisoformat(iso)).strftime(fmt) if iso else ""


def day_report_doc(report: Mapping[str, Any], *, venue: Venue, now: datetime,
                   printed_by: str) -> DayReportDoc:
    """The paper form of a day-close report (the store's JSON)."""
    windows = [{"terminal": w["terminal"], "shifts": [
        {**{k: v for k, v in s.items() if k != "z_report"},
         "opened_at": _local(s["opened_at"], venue, "%H:%M"),
         "closed_at": _local(s.get("closed_at"), venue, "%H:%M")} for s in w["shifts"]]}
        for w in report["windows"]]
    kinds = Counter(d["kind"] for d in report["discrepancies"])
    return DayReportDoc(
        venue_name=venue.name, date=report["date"], totals=dict(report["totals"]),
        methods=list(report["methods"]), channels=list(report["channels"]), windows=windows,
        discrepancies=[{"kind": k, "count": n} for k, n in kinds.items()],
        printed_at=venue.local(now).strftime("%Y-%m-%d %H:%M:%S"), printed_by=printed_by,
        closed_by=report.get("closed_by") or "",
        closed_at=_local(report.get("closed_at"), venue, "%Y-%m-%d %H:%M"),
        late_entries=len(report.get("late_entries") or []))


def queue_day_report(session: Session, report: Mapping[str, Any], *, venue: Venue,
                     now: datetime, printed_by: str) -> Queued:
    """Put the day report on the print queue."""
    doc = day_report_doc(report, venue=venue, now=now, printed_by=printed_by)
    with session.begin():
        jobs = print_queue.enqueue(session, [(DAY_REPORT, doc.to_dict())], order_no=None,
                                   now=now)
    return Queued(jobs, 0)


def queue_z_reprint(session: Session, z_report: Mapping[str, Any] | None, *, venue: Venue,
                    now: datetime) -> Queued:
    """Put a closed shift's Z report (the store's copy) on the print queue, marked 重打 N.
    NotFound when the store kept none (a shift still open, or closed before Z reports were
    kept)."""
    if not z_report:
        raise NotFound("该班次没有保存 Z 报表（还没有交班？），无法补打", field="shift_id")
    try:
        doc = ShiftReportDoc.from_dict(dict(z_report))
    except TypeError:  # a report without the fields of a Z report
        raise NotFound("该班次保存的 Z 报表不完整，无法补打", field="shift_id") from None
    with session.begin():
        n = _reprints_of(session, doc.shift_id) + 1
        payload = {**doc.to_dict(), "reprint_no": n,
                   "printed_at": venue.local(now).strftime("%Y-%m-%d %H:%M:%S")}
        jobs = print_queue.enqueue(session, [(Z_REPORT, payload)], order_no=None, now=now)
    return Queued(jobs, n)


def _reprints_of(session: Session, shift_id: str) -> int:
    payloads = session.execute(sa.select(PrintJobRow.payload)
                               .where(PrintJobRow.kind == Z_REPORT)).scalars()
    return sum(1 for p in payloads
               if p.get("shift_id") == shift_id and int(p.get("reprint_no") or 0) > 0)

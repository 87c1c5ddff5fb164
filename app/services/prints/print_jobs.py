"""The print queue over the `print_jobs` table: the worker's store, and what the clerk sees.

`SqlJobStore(db)` is the `printing.jobs.JobStore` the print worker uses; each of its calls is
one short transaction of its own. `recent`, `retry` and `recover` are services for the UI and
for start-up. Statuses: `pending` → `printing` (claimed, attempts + 1) → `done` | `failed`, or
back to `pending` while the printer waits (paper out, cover open, offline) or for a retry.
(`app` may not import `printing`: jobs come back as `ClaimedJob`, which has the fields of
`printing.jobs.PrintJob`.)
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.errors import IllegalTransition, NotFound
from app.store.db import Database
from app.store.models import PrintJobRow

_jobs = PrintJobRow.__table__
KIND_LABELS = {"ticket": "门票", "receipt": "收据", "refund_slip": "退票单",
               "void_slip": "撤销凭证", "shift_report": "交班报表", "drawer": "开钱箱",
               "sample": "测试页", "day_report": "日结报表"}
STATUS_LABELS = {"pending": "等待打印", "printing": "正在打印", "done": "已打印",
                 "failed": "打印失败"}
RECOVERED_ERROR = "程序上次退出时正在打印，已重新排队"


@dataclass(frozen=True)
class ClaimedJob:
    """A job taken for printing (the shape of `printing.jobs.PrintJob`)."""

    id: str
    kind: str
    payload: Mapping[str, Any]
    attempts: int


@dataclass(frozen=True)
class PrintJobInfo:
    """One row of the print queue as the clerk sees it."""

    id: str
    kind: str
    order_no: str | None
    status: str
    attempts: int
    error: str | None
    created_at: datetime
    updated_at: datetime
    next_attempt_at: datetime | None
    printed_at: datetime | None
    title: str  # e.g. "门票 成人票 MP1-…", "收据 W01-20261121-0007"

    @property
    def status_label(self) -> str:
        """Chinese status; a pending job with an error is waiting for the printer."""
        if self.status == "pending" and self.error:
            return "等待打印机"
        return STATUS_LABELS.get(self.status, self.status)


class SqlJobStore:
    """`printing.jobs.JobStore` over `print_jobs`; safe to share between threads."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def claim_next(self, now: datetime) -> ClaimedJob | None:
        """Atomically take the oldest due pending job: → `printing`, attempts + 1."""
        with self._db.session() as session, session.begin():
            for _ in range(5):  # another worker took the row first: try the next one
                row = session.execute(_due_query(now, session)).first()
                if row is None:
                    return None
                taken = session.execute(
                    sa.update(_jobs).where(_jobs.c.id == row.id, _jobs.c.status == "pending")
                    .values(status="printing", attempts=_jobs.c.attempts + 1, updated_at=now))
                if taken.rowcount == 1:
                    return ClaimedJob(row.id, row.kind, dict(row.payload), row.attempts + 1)
        return None

    def mark_done(self, job_id: str, now: datetime) -> None:
        """Printed: → `done`, error cleared."""
        self._update(job_id, status="done", error=None, next_attempt_at=None, printed_at=now,
                     updated_at=now)

    def mark_failed(self, job_id: str, error: str, now: datetime,
                    retry_at: datetime | None) -> None:
        """An attempt failed: → `pending` due at `retry_at`, or → `failed` when it is None."""
        self._update(job_id, status="pending" if retry_at else "failed", error=error,
                     next_attempt_at=retry_at, updated_at=now)

    def release(self, job_id: str, *, error: str | None = None,
                retry_at: datetime | None = None, now: datetime | None = None) -> None:
        """Give back a claimed job untried: → `pending`, the claim's attempt not counted."""
        values: dict[str, Any] = {
            "status": "pending", "error": error, "next_attempt_at": retry_at,
            "attempts": sa.case((_jobs.c.attempts > 0, _jobs.c.attempts - 1), else_=0)}
        if now is not None:
            values["updated_at"] = now
        with self._db.session() as session, session.begin():
            session.execute(sa.update(_jobs)
                            .where(_jobs.c.id == job_id, _jobs.c.status == "printing")
                            .values(**values))

    def _update(self, job_id: str, **values: Any) -> None:
        with self._db.session() as session, session.begin():
            session.execute(sa.update(_jobs).where(_jobs.c.id == job_id).values(**values))


def _due_query(now: datetime, session: Session) -> sa.Select:
    due = sa.or_(_jobs.c.next_attempt_at.is_(None), _jobs.c.next_attempt_at <= now)
    # Jobs of one sale share created_at; SQLite's rowid keeps them in the order enqueued.
    sqlite = session.get_bind().dialect.name == "sqlite"
    tie = sa.literal_column("rowid") if sqlite else _jobs.c.id
    return (sa.select(_jobs.c.id, _jobs.c.kind, _jobs.c.payload, _jobs.c.attempts)
            .where(_jobs.c.status == "pending", due)
            .order_by(_jobs.c.created_at, tie).limit(1))


def recent(session: Session, limit: int = 50) -> list[PrintJobInfo]:
    """The newest `limit` jobs, newest first, for the print queue view."""
    with session.begin():
        rows = session.execute(sa.select(_jobs).order_by(_jobs.c.created_at.desc())
                               .limit(limit)).all()
    return [_info(row) for row in rows]


def counts(session: Session) -> dict[str, int]:
    """How many jobs are in each status (for the status bar)."""
    with session.begin():
        rows = session.execute(sa.select(_jobs.c.status, sa.func.count())
                               .group_by(_jobs.c.status)).all()
    return {status: n for status, n in rows}


def retry(session: Session, job_id: str, *, now: datetime) -> PrintJobInfo:
    """Put a failed (or waiting) job back at the front of the queue with fresh attempts.

    A printed job is not retried here: printing it again is a reprint (重打), which is logged.
    """
    with session.begin():
        row = session.execute(sa.select(_jobs).where(_jobs.c.id == job_id)).first()
        if row is None:
            raise NotFound("没有找到这个打印任务", job_id=job_id)
        if row.status == "done":
            raise IllegalTransition("这张单据已经打印，如需再打请用“重打”", job_id=job_id)
        if row.status == "printing":
            raise IllegalTransition("这张单据正在打印，请稍候", job_id=job_id)
        session.execute(sa.update(_jobs).where(_jobs.c.id == job_id).values(
            status="pending", attempts=0, error=None, next_attempt_at=None, updated_at=now))
        row = session.execute(sa.select(_jobs).where(_jobs.c.id == job_id)).one()
    return _info(row)


def recover(session: Session, *, now: datetime) -> int:
    """At start-up: jobs left `printing` by a crash go back to `pending`. Returns how many."""
    with session.begin():
        result = session.execute(
            sa.update(_jobs).where(_jobs.c.status == "printing")
            .values(status="pending", error=RECOVERED_ERROR, next_attempt_at=None,
                    updated_at=now))
    return result.rowcount


def _info(row: Any) -> PrintJobInfo:
    return PrintJobInfo(row.id, row.kind, row.order_no, row.status, row.attempts, row.error,
                        row.created_at, row.updated_at, row.next_attempt_at, row.printed_at,
                        _title(row.kind, row.payload or {}, row.order_no))


def _title(kind: str, payload: Mapping[str, Any], order_no: str | None) -> str:
    label = KIND_LABELS.get(kind, kind)
    if kind == "ticket":
        parts = [label, payload.get("ticket_type_name", ""), payload.get("code", "")]
    else:
        parts = [label, order_no or payload.get("order_no", "") or payload.get("date", "")]
    reprint = payload.get("reprint_no") or 0
    return " ".join(p for p in parts if p) + (f"（重打 {reprint}）" if reprint else "")

"""The print queue's vocabulary: jobs, the store they live in, printer states and events.

The store is a Protocol so that `printing` never sees a database: `app.services.prints.print_jobs`
implements it over the `print_jobs` table. Statuses of a stored job: `pending` → `printing`
(claimed, `attempts` + 1) → `done`, or back to `pending` (waiting for the printer, or a retry
after `retry_at`), or `failed` (the clerk retries it).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from .profile import PrinterProfile

JOB_KINDS = ("ticket", "receipt", "refund_slip", "void_slip", "shift_report", "drawer",
             "sample", "day_report")


@dataclass(frozen=True)
class PrintJob:
    """One claimed job: what to print (`payload` is a print document's `to_dict()`)."""

    id: str
    kind: str
    payload: Mapping[str, Any]
    attempts: int


class JobStore(Protocol):
    """Where jobs wait. Every method commits on its own; none raises for an unknown id."""

    def claim_next(self, now: datetime) -> PrintJob | None:
        """Atomically take the oldest due `pending` job: → `printing`, attempts + 1."""
        ...

    def mark_done(self, job_id: str, now: datetime) -> None:
        """The job printed: → `done`, `printed_at` = now, error cleared."""
        ...

    def mark_failed(self, job_id: str, error: str, now: datetime,
                    retry_at: datetime | None) -> None:
        """An attempt failed: → `pending` due at `retry_at`, or → `failed` when it is None."""
        ...

    def release(self, job_id: str, *, error: str | None = None,
                retry_at: datetime | None = None, now: datetime | None = None) -> None:
        """Give a claimed job back untried (the printer was not ready): → `pending`,
        the attempt not counted, `error` shown to the clerk, due again at `retry_at`."""
        ...


class PrinterState(StrEnum):
    """What the printer reports, with the label the status bar shows."""

    READY = "ready"
    OFFLINE = "offline"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    ERROR = "error"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        """The Chinese word for the clerk."""
        return _STATE_LABELS[self]

    @property
    def blocks_printing(self) -> bool:
        """Whether a job must wait (unknown does not: many printers cannot answer)."""
        return self in (PrinterState.OFFLINE, PrinterState.PAPER_OUT, PrinterState.COVER_OPEN,
                        PrinterState.ERROR)


_STATE_LABELS = {
    PrinterState.READY: "就绪",
    PrinterState.OFFLINE: "脱机",
    PrinterState.PAPER_OUT: "缺纸",
    PrinterState.COVER_OPEN: "纸仓盖打开",
    PrinterState.ERROR: "故障",
    PrinterState.UNKNOWN: "未知",
}


class EventKind(StrEnum):
    STATE_CHANGED = "printer.state_changed"
    JOB_PRINTED = "print_job.printed"
    JOB_HELD = "print_job.held"  # waiting for the printer; back in the queue
    JOB_FAILED = "print_job.failed"  # gave up; the clerk can retry


@dataclass(frozen=True)
class PrinterEvent:
    """What the worker tells the UI (through a plain callback, from the worker thread)."""

    kind: EventKind
    state: PrinterState
    job_id: str | None = None
    job_kind: str | None = None
    message: str = ""  # Chinese, for the status bar or the queue view


@dataclass(frozen=True)
class PrinterConfig:
    """Which printer to use and how: read by the worker before every job."""

    uri: str = "none"
    profile: PrinterProfile = field(default_factory=PrinterProfile)
    zone: str = "Asia/Shanghai"  # the venue's: preview pages are named in its local time

    @classmethod
    def from_settings(cls, printer_uri: str, *, preview_dir: str, paper_mm: int = 80,
                      qr_native: bool = False, encoding: str = "gbk",
                      chinese_as_image: bool = False,
                      zone: str = "Asia/Shanghai") -> "PrinterConfig":
        """From the window's settings: an empty URI means `preview:{preview_dir}`."""
        uri = printer_uri.strip() or f"preview:{preview_dir}"
        return cls(uri, PrinterProfile(paper_mm, qr_native, encoding.lower(), chinese_as_image),
                   zone)


Clock = Callable[[], datetime]
EventSink = Callable[[PrinterEvent], None]

"""Fakes for unit tests of the print worker's logic (the real printer is in integration)."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from printing.devices import PrinterUnavailable
from printing.jobs import PrintJob

START = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
STATUS = {"ready": {1: 0x12, 4: 0x12}, "paper_out": {1: 0x1A, 2: 0x32, 4: 0x7E},
          "cover_open": {1: 0x1A, 2: 0x16, 4: 0x12}, "silent": {}}


@dataclass
class Row:
    job: PrintJob
    status: str = "pending"
    error: str | None = None
    next_attempt_at: datetime | None = None


class MemoryJobStore:
    """JobStore in a dict, with the semantics of SqlJobStore."""

    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}

    def add(self, job_id: str, kind: str = "ticket", payload=None) -> None:
        from app.domain.print_docs import TicketDoc

        payload = payload if payload is not None else TicketDoc(
            "门票景区", "成人票", "2026-11-21", 10000, "W01-20261121-0001",
            "MP1-ABCDEFGHIJKLMNOPQRSTUVWX").to_dict()
        self.rows[job_id] = Row(PrintJob(job_id, kind, payload, 0))

    def claim_next(self, now):
        for row in list(self.rows.values()):
            due = row.next_attempt_at is None or row.next_attempt_at <= now
            if row.status == "pending" and due:
                row.status = "printing"
                row.job = PrintJob(row.job.id, row.job.kind, row.job.payload,
                                   row.job.attempts + 1)
                return row.job
        return None

    def mark_done(self, job_id, now):
        self.rows[job_id].status, self.rows[job_id].error = "done", None

    def mark_failed(self, job_id, error, now, retry_at):
        row = self.rows[job_id]
        row.status, row.error = ("pending" if retry_at else "failed"), error
        row.next_attempt_at = retry_at

    def release(self, job_id, *, error=None, retry_at=None, now=None):
        row = self.rows[job_id]
        row.status, row.error, row.next_attempt_at = "pending", error, retry_at
        row.job = PrintJob(row.job.id, row.job.kind, row.job.payload, row.job.attempts - 1)


@dataclass
class FakePrinter:
    """A printer whose status we set; records what was written to it."""

    status: str = "ready"
    reachable: bool = True
    fail_writes: int = 0
    can_read: bool = True
    written: list[bytes] = field(default_factory=list)
    opened: int = 0
    closed: int = 0

    def open(self, uri, profile=None):
        if not self.reachable:
            raise PrinterUnavailable("无法连接打印机 tcp:127.0.0.1:9100（连接被拒绝）")
        self.opened += 1
        return _Connection(self)


@dataclass
class _Connection:
    printer: FakePrinter

    @property
    def can_read(self):
        return self.printer.can_read

    def write(self, data):
        if self.printer.fail_writes:
            self.printer.fail_writes -= 1
            raise PrinterUnavailable("向打印机发送数据失败：Broken pipe")
        self.printer.written.append(data)

    def query(self, request, timeout):
        reply = STATUS[self.printer.status].get(request[2])
        return None if reply is None else bytes([reply])

    def close(self):
        self.printer.closed += 1


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def store():
    return MemoryJobStore()


@pytest.fixture
def printer():
    return FakePrinter()


@pytest.fixture
def clock():
    return Clock()

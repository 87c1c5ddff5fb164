"""Recent print jobs (status, attempts, why it waits) as a table model."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor

from ui.models.table_model import Column, TableModel

translate = QCoreApplication.translate

_STATUS_COLORS = {"failed": "#c62828", "pending": "#b26a00", "printing": "#1565c0",
                  "done": "#2e7d32"}


def kind_label(kind: str) -> str:
    return {
        "ticket": translate("PrintJobsModel", "Ticket"),
        "receipt": translate("PrintJobsModel", "Receipt"),
        "refund_slip": translate("PrintJobsModel", "Refund slip"),
        "void_slip": translate("PrintJobsModel", "Void slip"),
        "shift_report": translate("PrintJobsModel", "Shift report"),
        "drawer": translate("PrintJobsModel", "Cash drawer"),
        "sample": translate("PrintJobsModel", "Test page"),
        "day_report": translate("PrintJobsModel", "Day report"),
    }.get(kind, kind)


def status_label(status: str) -> str:
    return {
        "pending": translate("PrintJobsModel", "Waiting"),
        "printing": translate("PrintJobsModel", "Printing"),
        "done": translate("PrintJobsModel", "Printed"),
        "failed": translate("PrintJobsModel", "Failed"),
    }.get(status, status)


class PrintJobsModel(TableModel):
    TIME, KIND, ORDER, STATUS, NOTE = range(5)

    def __init__(self, local_time: Any = None, parent: Any = None) -> None:
        self._local_time = local_time or (lambda at: at)
        super().__init__(parent)

    def columns(self) -> dict[int, Column]:
        return {
            self.TIME: Column(translate("PrintJobsModel", "Time"), self.time_text),
            self.KIND: Column(translate("PrintJobsModel", "Document"),
                              lambda job: kind_label(str(getattr(job, "kind", "")))),
            self.ORDER: Column(translate("PrintJobsModel", "Order"),
                               lambda job: getattr(job, "order_no", None) or ""),
            self.STATUS: Column(translate("PrintJobsModel", "Status"), status_text,
                                foreground=lambda job: QColor(
                                    _STATUS_COLORS.get(_status(job), "#333333"))),
            self.NOTE: Column(translate("PrintJobsModel", "Note"),
                              lambda job: getattr(job, "error", None) or ""),
        }

    def row_data(self, job: Any, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return getattr(job, "error", None) or getattr(job, "title", None) or None
        return None

    def time_text(self, job: Any) -> str:
        at = getattr(job, "updated_at", None) or getattr(job, "created_at", None)
        return self._local_time(at).strftime("%H:%M:%S") if isinstance(at, datetime) else ""

    def set_jobs(self, jobs: Sequence[Any]) -> None:
        self.set_rows(jobs)

    def job(self, row: int) -> Any:
        return self.row(row)

    def jobs(self) -> list[Any]:
        return self.rows()


def _status(job: Any) -> str:
    return str(getattr(job, "status", ""))


def status_text(job: Any) -> str:
    """The status, with the attempts when it took more than one (`失败 ×3`)."""
    attempts = int(getattr(job, "attempts", 0) or 0)
    label = status_label(_status(job))
    return f"{label} ×{attempts}" if attempts > 1 else label

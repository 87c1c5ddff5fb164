"""Recent print jobs (status, attempts, why it waits) as a QAbstractTableModel."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

translate = QCoreApplication.translate

Index = QModelIndex | QPersistentModelIndex

_STATUS_COLORS = {"failed": "#c62828", "pending": "#b26a00", "printing": "#1565c0",
                  "done": "#2e7d32"}


def kind_label(kind: str) -> str:
    return {
        "ticket": translate("PrintJobsModel", "Ticket"),
        "receipt": translate("PrintJobsModel", "Receipt"),
        "refund_slip": translate("PrintJobsModel", "Refund slip"),
        "shift_report": translate("PrintJobsModel", "Shift report"),
        "drawer": translate("PrintJobsModel", "Cash drawer"),
        "sample": translate("PrintJobsModel", "Test page"),
    }.get(kind, kind)


def status_label(status: str) -> str:
    return {
        "pending": translate("PrintJobsModel", "Waiting"),
        "printing": translate("PrintJobsModel", "Printing"),
        "done": translate("PrintJobsModel", "Printed"),
        "failed": translate("PrintJobsModel", "Failed"),
    }.get(status, status)


class PrintJobsModel(QAbstractTableModel):
    TIME, KIND, ORDER, STATUS, NOTE = range(5)

    def __init__(self, local_time: Any = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._jobs: list[Any] = []
        self._local_time = local_time or (lambda at: at)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._jobs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (translate("PrintJobsModel", "Time"), translate("PrintJobsModel", "Document"),
                    translate("PrintJobsModel", "Order"), translate("PrintJobsModel", "Status"),
                    translate("PrintJobsModel", "Note"))[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        job, col = self._jobs[index.row()], index.column()
        status = str(getattr(job, "status", ""))
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(job, col, status)
        if role == Qt.ItemDataRole.ForegroundRole and col == self.STATUS:
            return QColor(_STATUS_COLORS.get(status, "#333333"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return getattr(job, "error", None) or getattr(job, "title", None) or None
        return None

    def _text(self, job: Any, col: int, status: str) -> str:
        if col == self.TIME:
            at = getattr(job, "updated_at", None) or getattr(job, "created_at", None)
            return self._local_time(at).strftime("%H:%M:%S") if isinstance(at, datetime) else ""
        if col == self.KIND:
            return kind_label(str(getattr(job, "kind", "")))
        if col == self.ORDER:
            return getattr(job, "order_no", None) or ""
        if col == self.STATUS:
            attempts = int(getattr(job, "attempts", 0) or 0)
            label = status_label(status)
            return f"{label} ×{attempts}" if attempts > 1 else label
        return getattr(job, "error", None) or ""

    def set_jobs(self, jobs: Sequence[Any]) -> None:
        self.beginResetModel()
        self._jobs = list(jobs)
        self.endResetModel()

    def job(self, row: int) -> Any:
        return self._jobs[row] if 0 <= row < len(self._jobs) else None

    def jobs(self) -> list[Any]:
        return list(self._jobs)

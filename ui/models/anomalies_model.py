"""The anomaly queue (异常订单) as a QAbstractTableModel: highest priority first, a page at a
time, with the open count per category for the view's tabs.

The model never touches the database: its `loader(category, cursor, want)` runs on the thread
pool (ui.tasks) and returns a page as `app.services.anomaly_queue.list_anomalies` gives it
(`anomalies`, `counts`, `next_cursor`). `show` starts a category over, `refresh` loads again
as many rows as are shown (a live update), `fetchMore` follows the cursor and appends the next
page below the rows shown (the selection stays).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from app.domain.anomalies import device_ids
from app.domain.money import format_fen
from ui import tasks
from ui.anomaly_labels import age_text, kind_label

Index = QModelIndex | QPersistentModelIndex
Loader = Callable[[str | None, str | None, int], Any]  # -> anomaly_queue.QueuePage

PAGE = 100
HIGH_PRIORITY = 3000  # payment and refund problems always; redemption ones when big and old
MID_PRIORITY = 2000
HIGH_COLOR = "#c62828"
ANOMALY_ROLE = Qt.ItemDataRole.UserRole


def is_high(anomaly: dict[str, Any]) -> bool:
    return int(anomaly.get("priority", 0)) >= HIGH_PRIORITY


class AnomalyQueueModel(QAbstractTableModel):
    PRIORITY, KIND, ORDER_NO, AMOUNT, AGE, DEVICE = range(6)

    loaded = Signal()  # rows (and counts) replaced
    appended = Signal()  # a further page below the rows (and fresh counts)
    failed = Signal(object)

    def __init__(self, loader: Loader, clock: Callable[[], datetime],
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._loader, self._clock = loader, clock
        self._rows: list[dict[str, Any]] = []
        self.counts: dict[str, int] = {}
        self.category: str | None = None
        self._cursor: str | None = None
        self._loading = False
        self._generation = 0

    # -- Qt model -------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 6

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Priority"), self.tr("Anomaly"), self.tr("Order no."),
                    self.tr("Amount"), self.tr("Age"), self.tr("Device / source"))[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        a, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(a, col)
        if role == ANOMALY_ROLE:
            return a
        if role == Qt.ItemDataRole.ToolTipRole:
            return a.get("reason")
        if is_high(a) and col in (self.PRIORITY, self.KIND):
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(HIGH_COLOR)
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col == self.AMOUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, a: dict[str, Any], col: int) -> str:
        if col == self.PRIORITY:
            priority = int(a.get("priority", 0))
            if priority >= HIGH_PRIORITY:
                return "● " + self.tr("High")
            return self.tr("Medium") if priority >= MID_PRIORITY else self.tr("Low")
        if col == self.KIND:
            return kind_label(a["kind"])
        if col == self.ORDER_NO:
            return a.get("order_no") or (a.get("evidence") or {}).get("order_no") or "—"
        if col == self.AMOUNT:
            return format_fen(int(a.get("amount_fen") or 0))
        if col == self.AGE:
            detected = datetime.fromisoformat(a["detected_at"].replace("Z", "+00:00"))
            return age_text((self._clock() - detected).total_seconds())
        return self.source_text(a)

    def source_text(self, a: dict[str, Any]) -> str:
        evidence = a.get("evidence") or {}
        devices = device_ids(evidence)
        if devices:
            return devices[0]
        provider = evidence.get("provider")
        return {"wechat": self.tr("WeChat Pay"), "alipay": self.tr("Alipay")}.get(
            provider, provider or "—")

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._cursor is not None and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._load(self._cursor, PAGE, replace=False)

    # -- loading --------------------------------------------------------------------------------
    def show(self, category: str | None) -> None:
        """Start over with one category (None: all)."""
        self.category = category
        self.beginResetModel()
        self._rows, self._cursor = [], None
        self.endResetModel()
        self._load(None, PAGE, replace=True)

    def refresh(self) -> None:
        """Load again as many rows as are shown (at least a page); a list that was complete
        stays complete (up to a page of newcomers)."""
        want = len(self._rows) + (0 if self._cursor else PAGE)
        self._load(None, max(PAGE, want), replace=True)

    def _load(self, cursor: str | None, want: int, *, replace: bool) -> None:
        self._generation += 1
        gen = self._generation
        self._loading = True
        (tasks.run(self._loader, self.category, cursor, want, owner=self)
            .on_success(lambda page: self._loaded(gen, page, replace))
            .on_failure(lambda exc: self._failed(gen, exc)))

    def _loaded(self, gen: int, page: Any, replace: bool) -> None:
        if gen != self._generation:
            return
        self._loading = False
        self._cursor, self.counts = page.next_cursor, dict(page.counts)
        self.counts["all"] = sum(page.counts.values())
        if replace:
            self.beginResetModel()
            self._rows = list(page.anomalies)
            self.endResetModel()
            self.loaded.emit()
            return
        # priorities change between pages (the sweep ages them): show each anomaly once
        shown = {a["id"] for a in self._rows}
        rows = [a for a in page.anomalies if a["id"] not in shown]
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self.appended.emit()

    def _failed(self, gen: int, exc: BaseException) -> None:
        if gen == self._generation:
            self._loading = False
            self.failed.emit(exc)

    # -- reading --------------------------------------------------------------------------------
    def anomaly(self, row: int) -> dict[str, Any] | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def anomalies(self) -> list[dict[str, Any]]:
        return list(self._rows)

    def row_of(self, anomaly_id: str | None) -> int:
        return next((i for i, a in enumerate(self._rows) if a["id"] == anomaly_id), -1)

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def has_more(self) -> bool:
        return self._cursor is not None

"""The capacity calendar (库存日历): a month of days down, the ticket types with stock across;
each cell the day's capacity with what is sold and held (`GET /inventory?date=`), red when
nothing is left, grey when the day is not open for sale."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from ui import admin_labels as labels
from ui.models.table_model import RIGHT

Index = QModelIndex | QPersistentModelIndex
_Role = Qt.ItemDataRole
RED, GREY, WEEKEND = QColor("#b71c1c"), QColor("#8a94a6"), QColor("#f4f6fa")


class CapacityCalendarModel(QAbstractTableModel):
    DATE = 0  # the first column; ticket types follow

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.days: tuple[date, ...] = ()
        self.types: tuple[dict[str, Any], ...] = ()
        self.stock: dict[tuple[date, str], dict[str, Any]] = {}

    def set_month(self, month: Any) -> None:
        """A `ui.views.admin.requests.Month`."""
        self.beginResetModel()
        self.days, self.types, self.stock = month.days, month.types, month.stock
        self.endResetModel()

    def day_of(self, row: int) -> date | None:
        return self.days[row] if 0 <= row < len(self.days) else None

    def code_of(self, column: int) -> str | None:
        return self.types[column - 1]["code"] if 1 <= column <= len(self.types) else None

    def item(self, row: int, column: int) -> dict[str, Any] | None:
        day, code = self.day_of(row), self.code_of(column)
        return self.stock.get((day, code)) if day and code else None

    # -- Qt model -------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self.days)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.types) + 1

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = _Role.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != _Role.DisplayRole:
            return None
        if section == self.DATE:
            return self.tr("Date")
        t = self.types[section - 1]
        return f"{t['name']}\n{t['code']}"

    def data(self, index: Index, role: int = _Role.DisplayRole) -> Any:
        if not index.isValid():
            return None
        day = self.days[index.row()]
        if index.column() == self.DATE:
            return self._date_data(day, role)
        item = self.item(index.row(), index.column())
        if role == _Role.DisplayRole:
            return "—" if item is None else self.tr("{capacity} (sold {sold}, held {held})"
                                                    ).format(**item)
        if role == _Role.ToolTipRole:
            return self.tip(item)
        if role == _Role.TextAlignmentRole:
            return int(RIGHT)
        if role == _Role.ForegroundRole:
            if item is None:
                return GREY
            return RED if item["available"] <= 0 else None
        if role == _Role.BackgroundRole and day.isoweekday() >= 6:
            return WEEKEND
        return None

    def _date_data(self, day: date, role: int) -> Any:
        if role == _Role.DisplayRole:
            return f"{day:%m-%d} {labels.weekday_label(day.isoweekday())}"
        if role == _Role.BackgroundRole and day.isoweekday() >= 6:
            return WEEKEND
        return None

    def tip(self, item: dict[str, Any] | None) -> str:
        if item is None:
            return self.tr("Not open for sale: no capacity set")
        return self.tr("Capacity {capacity} · sold {sold} · held by windows {held} · "
                       "left {available}").format(**item)

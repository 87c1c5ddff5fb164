"""The cash put into or taken out of the drawer during the open shift (交接班 screen)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.domain.money import format_fen

_Index = QModelIndex | QPersistentModelIndex


class CashMovementsModel(QAbstractTableModel):
    """Rows are the tally's movement dicts: {kind, amount_fen, reason, at} (a shift has few)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[dict] = []
        self._headers = (self.tr("Time"), self.tr("Kind"), self.tr("Amount"), self.tr("Reason"))

    def set_movements(self, rows: list[dict], local_time: Any) -> None:
        self.beginResetModel()
        self._rows = [dict(r, time=local_time(r["at"])) for r in rows]
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return row["time"]
            if col == 1:
                return self.tr("Cash in") if row["kind"] == "in" else self.tr("Cash out")
            if col == 2:
                sign = "+" if row["kind"] == "in" else "-"
                return sign + format_fen(row["amount_fen"])
            return row["reason"]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

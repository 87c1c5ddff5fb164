"""The cart of the sale in progress: one line per ticket type, as a QAbstractTableModel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from app.domain.catalog import MAX_LINE_QTY
from app.domain.money import format_fen

translate = QCoreApplication.translate

Index = QModelIndex | QPersistentModelIndex


@dataclass
class CartLine:
    code: str
    name: str
    price_fen: int
    qty: int

    @property
    def amount_fen(self) -> int:
        return self.price_fen * self.qty


class CartModel(QAbstractTableModel):
    NAME, PRICE, QTY, AMOUNT = range(4)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._lines: list[CartLine] = []
        self.short: dict[str, int] = {}  # code -> units missing (cart beyond availability)

    # -- reading ----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (translate("CartModel", "Ticket"), translate("CartModel", "Price"),
                    translate("CartModel", "Qty"), translate("CartModel", "Amount"))[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section != self.NAME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line, col = self._lines[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if role == Qt.ItemDataRole.EditRole and col == self.QTY:
                return line.qty
            return (line.name, format_fen(line.price_fen), str(line.qty),
                    format_fen(line.amount_fen))[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col != self.NAME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and line.code in self.short:
            left = line.qty - self.short[line.code]
            return translate("CartModel", "Only {n} left").format(n=left)
        if role == Qt.ItemDataRole.ForegroundRole and line.code in self.short:
            from PySide6.QtGui import QColor

            return QColor("#c62828")
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == self.QTY:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != self.QTY:
            return False
        try:
            qty = int(value)
        except (TypeError, ValueError):
            return False
        return self.set_qty(index.row(), qty)

    # -- the cart ---------------------------------------------------------------------------
    def lines(self) -> list[CartLine]:
        return list(self._lines)

    def line(self, row: int) -> CartLine:
        return self._lines[row]

    def row_of(self, code: str) -> int:
        return next((r for r, line in enumerate(self._lines) if line.code == code), -1)

    def qty_of(self, code: str) -> int:
        row = self.row_of(code)
        return self._lines[row].qty if row >= 0 else 0

    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self._lines)

    def is_empty(self) -> bool:
        return not self._lines

    def add(self, code: str, name: str, price_fen: int, qty: int = 1) -> int:
        """Add `qty` of a type (a new line or more on its line); returns the line's row."""
        row = self.row_of(code)
        if row >= 0:
            self.set_qty(row, self._lines[row].qty + qty)
            return row
        row = len(self._lines)
        self.beginInsertRows(QModelIndex(), row, row)
        self._lines.append(CartLine(code, name, price_fen, min(qty, MAX_LINE_QTY)))
        self.endInsertRows()
        return row

    def set_qty(self, row: int, qty: int) -> bool:
        """Quantity 0 removes the line; the domain's per-line maximum caps it."""
        if not 0 <= row < len(self._lines) or qty < 0:
            return False
        if qty == 0:
            self.remove(row)
            return True
        self._lines[row].qty = min(qty, MAX_LINE_QTY)
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.AMOUNT))
        return True

    def remove(self, row: int) -> None:
        if 0 <= row < len(self._lines):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._lines[row]
            self.endRemoveRows()

    def clear(self) -> None:
        self.beginResetModel()
        self._lines.clear()
        self.short.clear()
        self.endResetModel()

    def mark_short(self, available: dict[str, int], components: dict[str, tuple[str, ...]]) -> None:
        """Flag lines asking for more than is left (packages draw on their components)."""
        need: dict[str, int] = {}
        for line in self._lines:
            for code in components.get(line.code) or (line.code,):
                need[code] = need.get(code, 0) + line.qty
        short = {}
        for line in self._lines:
            codes = components.get(line.code) or (line.code,)
            missing = max((need[c] - available.get(c, 0) for c in codes), default=0)
            if line.code in available and missing > 0:
                short[line.code] = min(missing, line.qty)
        self.short = short
        if self._lines:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._lines) - 1, self.AMOUNT))

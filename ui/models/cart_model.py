"""The cart of the sale in progress: one line per ticket type, as a table model. A quantity
above the per-line maximum is capped and `clamped(name, maximum)` says so (never silently)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from app.domain.catalog import MAX_LINE_QTY
from app.domain.money import format_fen
from ui.models.table_model import RIGHT, Column, TableModel

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


class CartModel(TableModel):
    NAME, PRICE, QTY, AMOUNT = range(4)
    clamped = Signal(str, int)  # the line's name, the maximum it was capped at

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.short: dict[str, int] = {}  # code -> units missing (cart beyond availability)

    def columns(self) -> dict[int, Column]:
        def number(header: str, text: Any, **kw: Any) -> Column:
            return Column(header, text, RIGHT, align_header=True, **kw)

        return {
            self.NAME: Column(translate("CartModel", "Ticket"), lambda line: line.name),
            self.PRICE: number(translate("CartModel", "Price"),
                               lambda line: format_fen(line.price_fen)),
            self.QTY: number(translate("CartModel", "Qty"), lambda line: str(line.qty),
                             edit=lambda line: line.qty),
            self.AMOUNT: number(translate("CartModel", "Amount"),
                                lambda line: format_fen(line.amount_fen)),
        }

    def row_data(self, line: CartLine, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.EditRole:
            return self._columns[column].text(line)
        if role == Qt.ItemDataRole.ToolTipRole and line.code in self.short:
            left = line.qty - self.short[line.code]
            return translate("CartModel", "Only {n} left").format(n=left)
        if role == Qt.ItemDataRole.ForegroundRole and line.code in self.short:
            return QColor("#c62828")
        return None

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
        return self.rows()

    def line(self, row: int) -> CartLine:
        return self._rows[row]

    def row_of(self, code: str) -> int:
        return self.find(lambda line: line.code == code)

    def qty_of(self, code: str) -> int:
        row = self.row_of(code)
        return self._rows[row].qty if row >= 0 else 0

    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self._rows)

    def is_empty(self) -> bool:
        return not self._rows

    def add(self, code: str, name: str, price_fen: int, qty: int = 1) -> int:
        """Add `qty` of a type (a new line or more on its line); returns the line's row."""
        row = self.row_of(code)
        if row >= 0:
            self.set_qty(row, self._rows[row].qty + qty)
            return row
        row = self.append_rows([CartLine(code, name, price_fen, min(qty, MAX_LINE_QTY))])
        if qty > MAX_LINE_QTY:
            self.clamped.emit(name, MAX_LINE_QTY)
        return row

    def set_qty(self, row: int, qty: int) -> bool:
        """Quantity 0 removes the line; the domain's per-line maximum caps it."""
        if not 0 <= row < len(self._rows) or qty < 0:
            return False
        if qty == 0:
            self.remove(row)
            return True
        self._rows[row].qty = min(qty, MAX_LINE_QTY)
        self.rows_changed(row, row)
        if qty > MAX_LINE_QTY:
            self.clamped.emit(self._rows[row].name, MAX_LINE_QTY)
        return True

    def remove(self, row: int) -> None:
        self.remove_row(row)

    def reprice(self, types: dict[str, tuple[str, int]]) -> None:
        """The catalog changed under the cart: lines follow their type's name and price."""
        for line in self._rows:
            if line.code in types:
                line.name, line.price_fen = types[line.code]
        self.rows_changed()

    def clear(self) -> None:
        self.short.clear()
        self.set_rows([])

    def mark_short(self, available: dict[str, int], components: dict[str, tuple[str, ...]]) -> None:
        """Flag lines asking for more than is left (packages draw on their components)."""
        need: dict[str, int] = {}
        for line in self._rows:
            for code in components.get(line.code) or (line.code,):
                need[code] = need.get(code, 0) + line.qty
        short = {}
        for line in self._rows:
            codes = components.get(line.code) or (line.code,)
            missing = max((need[c] - available.get(c, 0) for c in codes), default=0)
            if line.code in available and missing > 0:
                short[line.code] = min(missing, line.qty)
        self.short = short
        self.rows_changed()

"""Ticket-type tiles of the Sell view: key, name, price and what is left, one button each.
Offline, a type this window holds no lease for says so (无离线配额): it is not sold out, and a
clerk repeats what the tile says to the visitor."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.money import format_fen

TILE_KEYS = 9  # F1..F9
LOW_STOCK = 20


class TicketTile(QPushButton):
    def __init__(self, index: int, ticket_type: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index, self.ticket_type = index, ticket_type
        self.setObjectName("tile")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays in the quantity box
        self.setMinimumSize(170, 92)
        key = f"F{index + 1}" if index < TILE_KEYS else ""
        self.key_label = QLabel(key)
        self.key_label.setObjectName("tileKey")
        self.name_label = QLabel(ticket_type.name)
        self.name_label.setObjectName("tileName")
        self.price_label = QLabel(format_fen(ticket_type.price_fen))
        self.price_label.setObjectName("tilePrice")
        self.stock_label = QLabel("…")
        self.stock_label.setObjectName("tileStock")
        top = QGridLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.name_label, 0, 0)
        top.addWidget(self.key_label, 0, 1, Qt.AlignmentFlag.AlignRight)
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 8, 12, 8)
        column.setSpacing(2)
        column.addLayout(top)
        column.addWidget(self.price_label)
        column.addWidget(self.stock_label)
        for label in (self.key_label, self.name_label, self.price_label, self.stock_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.available: int | None = None
        self.no_quota = False

    def set_available(self, available: int | None, no_quota: bool = False) -> None:
        self.available = available
        self.no_quota = no_quota
        if available is None:
            text, state = "…", "unknown"
        elif no_quota:
            text, state = self.tr("No offline quota"), "noquota"
        elif available <= 0:
            text, state = self.tr("Sold out"), "soldout"
        else:
            text = self.tr("{n} left").format(n=available)
            state = "low" if available <= LOW_STOCK else "ok"
        self.stock_label.setText(text)
        self.setProperty("stock", state)
        self.style().unpolish(self)
        self.style().polish(self)

    def set_in_cart(self, qty: int) -> None:
        self.setProperty("incart", qty > 0)
        self.setToolTip(self.tr("In cart: {n}").format(n=qty) if qty else "")
        self.style().unpolish(self)
        self.style().polish(self)


class TilesPanel(QWidget):
    """A grid of tiles; `picked(index)` is called with the tile's position."""

    COLUMNS = 3

    def __init__(self, on_pick: Callable[[int], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tiles")
        self._on_pick = on_pick
        self.tiles: list[TicketTile] = []
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(10)

    def set_types(self, types: Sequence[Any]) -> None:
        for tile in self.tiles:
            self._grid.removeWidget(tile)
            tile.hide()
            tile.deleteLater()
        self.tiles = []
        for n, tt in enumerate(types):
            tile = TicketTile(n, tt, self)
            tile.clicked.connect(lambda _=False, i=n: self._on_pick(i))
            self._grid.addWidget(tile, n // self.COLUMNS, n % self.COLUMNS)
            self.tiles.append(tile)

    def set_availability(self, available: dict[str, int] | None,
                         no_quota: Collection[str] = ()) -> None:
        """Units left per code; `no_quota`: the codes this window cannot sell offline."""
        for tile in self.tiles:
            code = tile.ticket_type.code
            tile.set_available(None if available is None else available.get(code, 0),
                               code in no_quota)

    def set_cart(self, qty_by_code: dict[str, int]) -> None:
        for tile in self.tiles:
            tile.set_in_cart(qty_by_code.get(tile.ticket_type.code, 0))

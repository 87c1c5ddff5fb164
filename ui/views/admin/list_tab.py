"""A tab that is a list of the store's records with buttons under it (users, devices, ticket
types): the table keeps the focus, ↑/↓ choose, Enter edits the chosen record, the buttons'
keys act on it, and the selection survives a reload."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ui.context import ClientContext
from ui.models.table_model import TableModel
from ui.views.admin.tab import AdminTab
from ui.views.page import key_hints, make_table

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class ListTab(AdminTab):
    """Subclasses give `model`, `key_of(row)`, `edit_current()` and their buttons."""

    def __init__(self, ctx: ClientContext, name: str, model: TableModel, stretch: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, name, parent)
        self.model = model
        self.table = make_table(f"{name}Table", model, stretch=stretch,
                                selection=QAbstractItemView.SelectionMode.SingleSelection)
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.update_actions())
        self.setFocusProxy(self.table)

    def lay_out(self, buttons: Sequence[QPushButton], hints: str) -> None:
        row = QHBoxLayout()
        for button in buttons:
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            row.addWidget(button)
        row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 8, 0, 0)
        column.addWidget(self.message)
        column.addWidget(self.table, 1)
        column.addLayout(row)
        column.addWidget(key_hints(hints))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and event.key() in _ENTER):  # type: ignore[attr-defined]
            self.edit_current()
            return True
        return super().eventFilter(watched, event)

    # -- override -------------------------------------------------------------------------
    def key_of(self, row: dict[str, Any]) -> str:
        raise NotImplementedError

    def edit_current(self) -> None:
        """Enter on the list."""

    # -- rows -----------------------------------------------------------------------------
    def current(self) -> dict[str, Any] | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def show_rows(self, rows: list[dict[str, Any]], select: str | None = None) -> None:
        """The rows, the one named `select` (else the one chosen before) chosen again."""
        keep = select or (self.key_of(self.current()) if self.current() else None)
        self.model.set_rows(rows)
        self.loaded = True
        self.table.resizeColumnsToContents()
        at = self.model.find(lambda r: self.key_of(r) == keep) if keep else -1
        if rows:
            self.table.selectRow(max(at, 0))
        self.update_actions()

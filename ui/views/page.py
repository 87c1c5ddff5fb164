"""What the screens share: `Page` (the client context, the message line with its ShowsMessages
slots, the margins, the key hints at the bottom) and `make_table` (the one place a QTableView
of the client is set up: whole rows selected, no vertical header, no cell editing, Tab leaves
the table).

    class ShiftView(Page):
        def __init__(self, ctx, parent=None):
            super().__init__(ctx, "shiftView", parent)
            ...
            self.lay_out([self.message, (self.pages, 1)], keys=self.tr("Enter opens…"))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLayout,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.context import ClientContext
from ui.message_label import MessageLabel, ShowsMessages

MARGINS = (20, 16, 20, 10)
SPACING = 12
LAST = -1  # make_table(stretch=LAST): the last column takes the room left
_Select = QAbstractItemView.SelectionMode
_Edit = QAbstractItemView.EditTrigger
_Resize = QHeaderView.ResizeMode

Part = QWidget | QLayout | tuple[QWidget | QLayout, int]


def key_hints(text: str) -> QLabel:
    """The grey line of keys at the bottom of a screen (`QLabel#keyHints` in style.qss)."""
    keys = QLabel(text)
    keys.setObjectName("keyHints")
    keys.setWordWrap(True)
    return keys


def make_table(name: str, model: QAbstractItemModel, *,
               selection: QAbstractItemView.SelectionMode | None = None,
               resize: QHeaderView.ResizeMode = _Resize.ResizeToContents,
               stretch: int | None = LAST, edit: Any = _Edit.NoEditTriggers,
               alternate: bool = False, focus: Qt.FocusPolicy | None = None,
               tab_keys: bool = False) -> QTableView:
    """A table of whole rows over `model`. `selection` None keeps Qt's (extended); `stretch`
    is the column that takes the room left (LAST, a column number, or None); `tab_keys` lets
    Tab walk the cells instead of leaving the table."""
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if selection is not None:
        table.setSelectionMode(selection)
    table.setEditTriggers(edit)
    table.setTabKeyNavigation(tab_keys)
    table.setAlternatingRowColors(alternate)
    if focus is not None:
        table.setFocusPolicy(focus)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(resize)
    if stretch == LAST:
        header.setStretchLastSection(True)
    elif stretch is not None:
        header.setSectionResizeMode(stretch, _Resize.Stretch)
    return table


class Page(ShowsMessages, QWidget):
    """A screen of the main window: `ctx`, its message line (`self.message`, shown through
    show_error / show_success / show_failure) and `lay_out` for the column of parts with
    the key hints at the bottom."""

    def __init__(self, ctx: ClientContext, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(name)
        self.message = MessageLabel()

    def lay_out(self, parts: Sequence[Part], keys: str | None = None,
                spacing: int = SPACING) -> QVBoxLayout:
        """The parts top to bottom (a `(part, stretch)` pair stretches), then the key hints."""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.setSpacing(spacing)
        for part in parts:
            item, stretch = part if isinstance(part, tuple) else (part, 0)
            if isinstance(item, QLayout):
                layout.addLayout(item, stretch)
            else:
                layout.addWidget(item, stretch)
        if keys is not None:
            layout.addWidget(key_hints(keys))
        return layout

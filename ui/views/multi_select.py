"""A button that picks several values from a menu of check marks (the Orders channel and status
filters): the menu stays open while the clerk ticks (mouse or Space), "all" clears the ticks,
and the button's text says what is picked."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

SHOWN_NAMES = 2  # more ticks than this: "已选 N 项"


class StayOpenMenu(QMenu):
    """A menu whose checkable items toggle without closing it."""

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        action = self.activeAction()
        if action is not None and action.isCheckable() and action.isEnabled():
            action.trigger()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self.activeAction()
        if (event.key() == Qt.Key.Key_Space and action is not None and action.isCheckable()):
            action.trigger()
            return
        super().keyPressEvent(event)


class MultiSelectButton(QToolButton):
    changed = Signal()

    def __init__(self, name: str, everything: str, choices: Sequence[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        # the arrow is part of the text: the style's indicator overlapped it
        self.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        self._everything = everything
        self._menu = StayOpenMenu(self)
        self._menu.setObjectName(name + "Menu")
        self.all_action = self._menu.addAction(everything)
        self.all_action.triggered.connect(lambda: self.set_selected(()))
        self._menu.addSeparator()
        self._actions: dict[str, QAction] = {}
        for text, value in choices:
            action = self._menu.addAction(text)
            action.setCheckable(True)
            action.setData(value)
            action.toggled.connect(self._toggled)
            self._actions[value] = action
        self.setMenu(self._menu)
        self._quiet = False
        self._show_text()

    def action(self, value: str) -> QAction:
        return self._actions[value]

    def selected(self) -> tuple[str, ...]:
        """The ticked values in menu order (empty: everything)."""
        return tuple(v for v, a in self._actions.items() if a.isChecked())

    def set_selected(self, values: Iterable[str]) -> None:
        """Tick exactly `values` (unknown ones are ignored); one `changed` if anything did."""
        wanted = set(values)
        before = self.selected()
        self._quiet = True
        try:
            for value, action in self._actions.items():
                action.setChecked(value in wanted)
        finally:
            self._quiet = False
        if self.selected() != before:
            self._show_text()
            self.changed.emit()

    def _toggled(self, _checked: bool) -> None:
        if not self._quiet:
            self._show_text()
            self.changed.emit()

    def _show_text(self) -> None:
        names = [a.text() for a in self._actions.values() if a.isChecked()]
        if not names:
            text = self._everything
        elif len(names) <= SHOWN_NAMES:
            text = "、".join(names)
        else:
            text = self.tr("{n} selected").format(n=len(names))
        self.setText(text + " ▾")
        self.setToolTip("、".join(names) or self._everything)
        self.all_action.setCheckable(True)
        self.all_action.setChecked(not names)

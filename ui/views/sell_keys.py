"""The Sell view's keyboard model: a number always means what the key after it says.

    digits, F1…F9  that many tickets of tile 1…9 (no number: one; press again for more)
    after a ticket key the keyboard is in 实收 (tendered): digits are the visitor's cash —
                   unless another ticket key follows them: then they are its quantity
    Enter          take the money and sell; tendered empty = the exact amount
    Tab            (in 实收) stays there: `2 F1 Tab 300 Enter`, the old habit, still works
    + / -          one more / one less on the selected cart line
    ↑ / ↓          select a cart line;  Del (box empty) removes it;  Esc empties the box
    Shift+Tab      back to the quantity box: digits, Enter set the selected line's quantity
    Ctrl+Del       clear the cart;  Alt+D visit date;  F10 print jobs

So `2 F1 3 0 0 Enter Enter` sells two adults for 300 tendered and the second Enter finds an
empty cart: no key sequence turns the cash into a quantity.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_Ctrl = Qt.KeyboardModifier.ControlModifier


class SellKeys(QObject):
    """Filters the keys of the view's two boxes (quantity, 实收); the rest (Enter, F-keys)
    bubble up to the view's keyPressEvent."""

    def __init__(self, view: Any) -> None:
        super().__init__(view)
        self.view = view
        view.qty_entry.installEventFilter(self)
        view.tendered.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        view = self.view
        if event.type() == QEvent.Type.KeyPress and watched in (view.qty_entry, view.tendered):
            return self._box_key(watched, event)  # type: ignore[arg-type]
        return False

    def _box_key(self, box: QLineEdit, event: QKeyEvent) -> bool:
        """Keys both boxes share (the cart's), then each box's own."""
        view, key, mods = self.view, event.key(), event.modifiers()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            view.bump(+1)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            view.bump(-1)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            view.move_selection(-1 if key == Qt.Key.Key_Up else 1)
        elif key == Qt.Key.Key_Delete and mods & _Ctrl:
            view.clear_cart()  # the line edit would take Ctrl+Del as "delete word"
        elif key == Qt.Key.Key_Delete and not box.text():
            view.remove_selected()
        elif key == Qt.Key.Key_Escape and box.text():
            box.clear()
            view.payment.typed = False
        elif box is view.tendered and key == Qt.Key.Key_Tab and not mods:
            pass  # already where the amount goes
        elif box is view.qty_entry and key in _ENTER and box.text():
            view.set_selected_qty(int(box.text()))
        else:
            return False
        return True

    def typed_quantity(self) -> int | None:
        """The number typed before a ticket key (1 when none), taken out of its box: the
        quantity box, or 实收 when the clerk typed it there (after the previous ticket key;
        a quick amount clicked is no quantity). None: no number of tickets (said so)."""
        view = self.view
        text, box = view.qty_entry.text().strip(), view.qty_entry
        if not text and view.payment.typed:
            text, box = view.tendered.text().strip(), view.tendered
        box.clear()
        view.payment.typed = False
        if not text:
            return 1
        if text.isdigit() and int(text) > 0:
            return int(text)
        view.show_error(self.tr("{text} is no number of tickets: type a whole number, then "
                                "the ticket key.").format(text=text))
        return None

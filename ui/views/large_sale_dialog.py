"""The question before a large sale (many tickets or much money): the clerk types the number of
tickets to go ahead. A stray Enter — the slip that once sold 200 tickets — answers nothing;
Esc (or 取消, the default button) goes back to the cart as it was."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_fen

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def is_large(tickets: int, total_fen: int, *, max_tickets: int, max_fen: int) -> bool:
    """A sale that needs its own confirmation (the thresholds are the window's settings)."""
    return tickets >= max_tickets or total_fen >= max_fen


class LargeSaleDialog(QDialog):
    """Window-modal; `open()` it and listen to `accepted`."""

    def __init__(self, tickets: int, total_fen: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("largeSale")
        self.tickets = tickets
        self.setWindowTitle(self.tr("Large sale"))
        question = QLabel(self.tr("{n} tickets, {amount} in all. Type the number of tickets "
                                  "({n}) and press Enter to sell; Esc goes back.").format(
                                      n=tickets, amount=format_fen(total_fen)))
        question.setObjectName("largeSaleQuestion")
        question.setWordWrap(True)
        self.count = QLineEdit()
        self.count.setObjectName("largeSaleCount")
        self.count.setValidator(QIntValidator(0, 9999, self))
        self.count.installEventFilter(self)
        self.count.textEdited.connect(self._typed)
        self.hint = QLabel()
        self.hint.setObjectName("message")
        buttons = QDialogButtonBox()
        self.sell_button = QPushButton(self.tr("Sell"))
        self.sell_button.setEnabled(False)
        self.sell_button.setAutoDefault(False)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setDefault(True)
        buttons.addButton(self.sell_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self._sell)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        for widget in (question, self.count, self.hint, buttons):
            column.addWidget(widget)
        self.count.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.count and event.type() == QEvent.Type.KeyPress \
                and event.key() in _ENTER:  # type: ignore[attr-defined]
            self._sell()
            return True  # never the default button's Enter
        return super().eventFilter(watched, event)

    def matches(self) -> bool:
        return self.count.text().strip() == str(self.tickets)

    def _typed(self, _text: str) -> None:
        self.sell_button.setEnabled(self.matches())
        self.hint.setText("")

    def _sell(self) -> None:
        if self.matches():
            self.accept()
            return
        self.hint.setText(self.tr("Type {n}, the number of tickets, to sell — or Esc.").format(
            n=self.tickets))
        self.hint.setProperty("kind", "error")
        self.hint.style().unpolish(self.hint)
        self.hint.style().polish(self.hint)

"""Cash at the Sell view: total due, tendered (typed or a quick amount), change, confirm.

After a sale the panel keeps showing it — the change big, what was due and handed over under
it — until the next sale starts, so the clerk counts the change from the screen, not memory."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from app.domain.errors import ValidationError
from app.domain.money import format_fen, parse_yuan


class PaymentPanel(QWidget):
    confirm_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paymentPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)  # the card of the stylesheet
        self.total_fen = 0
        self.typed = False  # tendered keyed in since the last ticket key (not a quick amount)
        self.settled: tuple[int, int, int] | None = None  # the last sale: total, tendered, change
        self.total_label = QLabel(format_fen(0))
        self.total_label.setObjectName("total")
        self.tendered = QLineEdit()
        self.tendered.setObjectName("tendered")
        self.tendered.setPlaceholderText(self.tr("empty = exact amount"))
        self.tendered.textChanged.connect(self._update_change)
        self.tendered.textEdited.connect(self._edited)
        self.change_label = QLabel("—")
        self.change_label.setObjectName("change")
        self.settled_label = QLabel()
        self.settled_label.setObjectName("settled")
        self.settled_label.setVisible(False)
        self.confirm = QPushButton(self.tr("Take cash (Enter)"))
        self.confirm.setObjectName("primary")
        self.confirm.clicked.connect(self.confirm_requested)
        quick = QHBoxLayout()
        for text, fen in ((self.tr("Exact"), None), ("¥50", 5000), ("¥100", 10000),
                          ("¥200", 20000)):
            button = QPushButton(text)
            button.setObjectName("quick")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, f=fen: self.quick_amount(f))
            quick.addWidget(button)
        tendered_label = QLabel(self.tr("&Tendered"))
        tendered_label.setBuddy(self.tendered)
        grid = QGridLayout(self)
        grid.setContentsMargins(16, 12, 16, 12)
        grid.setVerticalSpacing(10)
        grid.addWidget(QLabel(self.tr("Total")), 0, 0)
        grid.addWidget(self.total_label, 0, 1)
        grid.addWidget(tendered_label, 1, 0)
        grid.addWidget(self.tendered, 1, 1)
        grid.addLayout(quick, 2, 1)
        grid.addWidget(QLabel(self.tr("Change")), 3, 0)
        grid.addWidget(self.change_label, 3, 1)
        grid.addWidget(self.settled_label, 4, 1)
        grid.addWidget(self.confirm, 5, 0, 1, 2)
        grid.setRowStretch(6, 1)

    def set_total(self, fen: int) -> None:
        self.total_fen = fen
        if fen:
            self.settled = None  # the next sale has started
        if self.settled is None:
            self.total_label.setText(format_fen(fen))
        self._update_change()

    def show_settled(self, total_fen: int, tendered_fen: int, change_fen: int) -> None:
        """The sale just made stays on screen (tendered cleared for the next visitor)."""
        self.settled = (total_fen, tendered_fen, change_fen)
        self.clear_tendered()
        self._update_change()

    def clear_tendered(self) -> None:
        self.tendered.clear()
        self.typed = False

    def _edited(self, _text: str) -> None:
        self.typed = True
        if self.settled is not None:
            self.settled = None
            self.set_total(self.total_fen)

    def tendered_fen(self) -> int:
        """What the visitor handed over; empty means exactly the total."""
        text = self.tendered.text().strip()
        return self.total_fen if not text else parse_yuan(text)

    def quick_amount(self, fen: int | None) -> None:
        self.tendered.setText("" if fen is None else f"{fen / 100:g}")
        self.typed = False
        self.tendered.setFocus()

    def _update_change(self, *_args: Any) -> None:
        self.settled_label.setVisible(self.settled is not None)
        if self.settled is not None:
            total, tendered, change = self.settled
            self.total_label.setText(format_fen(total))
            self.settled_label.setText(self.tr("Last sale: {total} due, {tendered} "
                                               "tendered").format(
                total=format_fen(total), tendered=format_fen(tendered)))
            self._show_change(format_fen(change), "settled")
            return
        state = "none"
        try:
            change = self.tendered_fen() - self.total_fen
        except ValidationError as exc:
            text, state = exc.message, "short"
        else:
            if self.total_fen == 0:
                text = "—"
            elif change < 0:
                text = self.tr("short by {amount}").format(amount=format_fen(-change))
                state = "short"
            else:
                text, state = format_fen(change), "ok"
        self._show_change(text, state)

    def _show_change(self, text: str, state: str) -> None:
        self.change_label.setText(text)
        self.change_label.setProperty("state", state)
        self.change_label.style().unpolish(self.change_label)
        self.change_label.style().polish(self.change_label)

"""The count of the drawer on the Shift screen (交接班): pieces per denomination → counted,
against the expected cash, the variance live as the clerk types; the reason a supervisor
gives when he takes another clerk's shift over; the 交班 button.

Keys: Enter in a count field moves to the next one, on the last one to the reason (take-over)
or to 交班; Enter on 交班 asks to close (`close_requested`) — the question comes next.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QLineEdit, QPushButton, QWidget

from app.domain.cash import DENOMINATIONS_FEN
from app.domain.money import format_fen
from ui.variance_text import variance_text
from ui.views.shift_actions import BLOCKED, OWN, TAKE_OVER

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class CountBox(QGroupBox):
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Count the drawer and close"))
        self.expected_fen: int | None = None
        grid = QGridLayout(self)
        self.edits: list[QLineEdit] = []
        for i, fen in enumerate(DENOMINATIONS_FEN):
            edit = QLineEdit()
            edit.setObjectName(f"count{fen}")
            edit.setValidator(QIntValidator(0, 100_000, self))
            edit.setPlaceholderText("0")
            edit.setMaximumWidth(100)
            edit.textChanged.connect(self.refresh)
            edit.installEventFilter(self)
            label = QLabel(self.denomination_label(fen))
            label.setBuddy(edit)
            grid.addWidget(label, i, 0)
            grid.addWidget(edit, i, 1)
            grid.addWidget(QLabel(self.tr("pcs")), i, 2)
            self.edits.append(edit)
        n = len(DENOMINATIONS_FEN)
        self.counted_label, self.expected_label = QLabel(), QLabel()
        self.variance_label = QLabel()
        self.variance_label.setObjectName("variance")
        for offset, (title, value) in enumerate((
                (self.tr("Counted"), self.counted_label),
                (self.tr("Expected"), self.expected_label),
                (self.tr("Variance"), self.variance_label))):
            grid.addWidget(QLabel(title), n + offset, 0)
            grid.addWidget(value, n + offset, 1, 1, 2)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("takeOverReason")
        self.reason_edit.setPlaceholderText(self.tr("Why you close this shift (required)"))
        self.reason_edit.installEventFilter(self)
        self.reason_label = QLabel(self.tr("Take-over reason"))
        grid.addWidget(self.reason_label, n + 3, 0)
        grid.addWidget(self.reason_edit, n + 3, 1, 1, 2)
        self.close_button = QPushButton(self.tr("Close shift"))
        self.close_button.setObjectName("primary")
        self.close_button.clicked.connect(self.close_requested)
        self.close_button.installEventFilter(self)
        grid.addWidget(self.close_button, n + 4, 0, 1, 3)
        chain = [*self.edits, self.reason_edit, self.close_button]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)
        self.set_mode(OWN)
        self.refresh()

    def denomination_label(self, fen: int) -> str:
        if fen >= 100:
            return self.tr("{n} yuan").format(n=fen // 100)
        return self.tr("{n} jiao").format(n=fen // 10)

    # -- what the clerk counted -----------------------------------------------------------------
    def counted(self) -> dict[int, int]:
        return {fen: int(edit.text()) for fen, edit in zip(DENOMINATIONS_FEN, self.edits,
                                                             strict=True) if edit.text()}

    def counted_fen(self) -> int:
        return sum(fen * n for fen, n in self.counted().items())

    def reason(self) -> str:
        return self.reason_edit.text().strip()

    def set_expected(self, fen: int | None) -> None:
        self.expected_fen = fen
        self.refresh()

    def refresh(self, *_args: Any) -> None:
        counted = self.counted_fen()
        self.counted_label.setText(format_fen(counted))
        self.expected_label.setText(format_fen(self.expected_fen or 0))
        if not self.counted():  # nothing counted yet: no "short ¥500" before the count
            self._show_variance("—", "none")
        else:
            variance = counted - (self.expected_fen or 0)
            self._show_variance(variance_text(variance), "error" if variance else "success")

    def _show_variance(self, text: str, kind: str) -> None:
        self.variance_label.setText(text)
        self.variance_label.setProperty("kind", kind)
        self.variance_label.style().unpolish(self.variance_label)
        self.variance_label.style().polish(self.variance_label)

    def clear(self) -> None:
        for edit in (*self.edits, self.reason_edit):
            edit.clear()

    def set_mode(self, mode: str) -> None:
        """OWN: count and close; TAKE_OVER: also a reason; BLOCKED: another clerk's shift."""
        self.setEnabled(mode != BLOCKED)
        self.reason_label.setVisible(mode == TAKE_OVER)
        self.reason_edit.setVisible(mode == TAKE_OVER)
        self.close_button.setText(self.tr("Take over and close") if mode == TAKE_OVER
                                  else self.tr("Close shift"))

    # -- keyboard -------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.KeyPress and event.key() in _ENTER:  # type: ignore[attr-defined]
            if watched is self.close_button:
                self.close_requested.emit()
                return True
            if watched in self.edits:
                i = self.edits.index(watched)  # type: ignore[arg-type]
                self._after(i).setFocus()
                return True
            if watched is self.reason_edit:
                self.close_button.setFocus()
                return True
        return super().eventFilter(watched, event)

    def _after(self, i: int) -> QWidget:
        if i + 1 < len(self.edits):
            return self.edits[i + 1]
        return self.reason_edit if self.reason_edit.isVisible() else self.close_button

"""The question before 交班: counted, expected and the variance (长款 + / 短款 -), and for a
supervisor's take-over whose shift it is and why. Closing cannot be undone, so a stray Enter
must not do it: Enter goes back to counting (the default button); closing takes Tab to
"Close shift" and then Enter (or Space, or a click)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_fen
from ui.variance_text import variance_text


@dataclass(frozen=True)
class CloseFigures:
    clerk: str  # whose shift
    counted_fen: int
    expected_fen: int
    taken_over_by: str = ""  # a supervisor closing another clerk's shift
    reason: str = ""

    @property
    def variance_fen(self) -> int:
        """counted − expected: > 0 长款, < 0 短款 (the service records the same)."""
        return self.counted_fen - self.expected_fen


class CloseConfirmDialog(QDialog):
    """Window-modal (open it with `open()`); `accepted` means close the shift now."""

    def __init__(self, figures: CloseFigures, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figures = figures
        self.setObjectName("confirmClose")
        self.setWindowTitle(self.tr("Close the shift?"))
        self.variance_label = QLabel(variance_text(figures.variance_fen))
        self.variance_label.setObjectName("variance")
        self.variance_label.setProperty("kind", "error" if figures.variance_fen else "success")
        form = QFormLayout()
        form.addRow(self.tr("Shift of"), QLabel(figures.clerk))
        form.addRow(self.tr("Counted"), QLabel(format_fen(figures.counted_fen)))
        form.addRow(self.tr("Expected"), QLabel(format_fen(figures.expected_fen)))
        form.addRow(self.tr("Variance"), self.variance_label)
        if figures.taken_over_by:
            form.addRow(self.tr("Taken over by"), QLabel(figures.taken_over_by))
            form.addRow(self.tr("Reason"), QLabel(figures.reason))
        note = QLabel(self.tr("Closing cannot be undone. Enter goes back to counting; to close, "
                              "press Tab, then Enter."))
        note.setWordWrap(True)
        self.back_button = QPushButton(self.tr("Back to counting"))
        self.back_button.setDefault(True)  # what Enter does
        self.back_button.clicked.connect(self.reject)
        self.confirm_button = QPushButton(self.tr("Close shift") if not figures.taken_over_by
                                          else self.tr("Take over and close"))
        self.confirm_button.setObjectName("primary")
        self.confirm_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.confirm_button)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(note)
        box.addLayout(buttons)
        QWidget.setTabOrder(self.back_button, self.confirm_button)
        self.back_button.setFocus()

    def showEvent(self, event: object) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)  # type: ignore[arg-type]
        self.activateWindow()  # the keys go to the question at once
        self.back_button.setFocus()  # never start on the button that closes

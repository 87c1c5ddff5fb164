"""The one-line message every screen shows above its work: success in green, a refusal in red
(styled by `QLabel#message[kind=...]` in resources/style.qss)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget


class MessageLabel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("message")
        self.setWordWrap(True)

    def show_message(self, text: str, kind: str) -> None:
        """`kind`: success | error | none (hidden styling)."""
        self.setText(text)
        self.setProperty("kind", kind if text else "none")
        self.style().unpolish(self)
        self.style().polish(self)

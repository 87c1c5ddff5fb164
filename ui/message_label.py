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


class ShowsMessages:
    """The message slots of a screen that has a `MessageLabel` as `self.message` (mix in
    before QWidget): a refusal in Chinese, a success, a plain note, nothing."""

    message: MessageLabel

    def show_failure(self, exc: BaseException) -> None:
        from ui.errors import user_message

        self.show_error(user_message(exc))

    def show_error(self, text: str) -> None:
        self._show(text, "error")

    def show_success(self, text: str) -> None:
        self._show(text, "success")

    def show_info(self, text: str) -> None:
        self._show(text, "none")

    def clear_message(self) -> None:
        self._show("", "none")

    def _show(self, text: str, kind: str) -> None:
        self.message.show_message(text, kind)

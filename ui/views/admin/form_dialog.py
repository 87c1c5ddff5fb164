"""The one dialog shape of the 管理 screen: a form, a red line for what is wrong, OK (Enter)
and Cancel (Esc). OK checks the form here (`check`), then sends it to the store (`send`, a
task); the dialog stays open with the store's refusal in words until the store says yes.

    class ResetPasswordDialog(FormDialog):
        def check(self): return None if same else self.tr("The passwords differ.")
        def send(self): return self.tab.ask("change_user", ..., done=self.succeeded,
                                            write=True, failed=self.refused)
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ui import tasks
from ui.errors import user_message


class FormDialog(QDialog):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.answer: Any = None
        self.form = QFormLayout()
        self.form.setVerticalSpacing(10)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addLayout(self.form)
        column.addWidget(self.error)
        column.addWidget(self.buttons)
        self.setMinimumWidth(460)

    # -- override -------------------------------------------------------------------------
    def check(self) -> str | None:
        """What is wrong with the form before asking the store (None: nothing)."""
        return None

    def send(self) -> tasks.Task | None:
        """Ask the store; hand `self.succeeded` and `self.refused` to the task."""
        raise NotImplementedError

    # -- flow -----------------------------------------------------------------------------
    def accept(self) -> None:  # Enter, or the OK button
        if not self.ok.isEnabled():
            return
        problem = self.check()
        if problem:
            self.show_error(problem)
            return
        self.ok.setEnabled(False)
        task = self.send()
        if task is None:  # not sent (no longer writable)
            self.ok.setEnabled(True)
            return
        task.on_done(lambda: self.ok.setEnabled(True))

    def reject(self) -> None:  # Esc, or Cancel
        if not self.ok.isEnabled():
            return  # the store is answering: its answer decides (the write may be done)
        super().reject()

    def succeeded(self, answer: Any) -> None:
        self.answer = answer
        super().accept()

    def refused(self, exc: BaseException) -> None:
        self.show_error(user_message(exc))

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

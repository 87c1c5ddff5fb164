"""This window as a device of a real central store (DESIGN.md §14): the window number an admin
registered it under and the device secret `POST /devices` showed once. Reached from the login
dialog, since nobody can sign in before the window has them; kept in the window's settings."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ui import tasks
from ui.context import ClientContext
from ui.errors import user_message


def save_device(ctx: ClientContext, terminal: str, secret: str) -> Any:
    """Worker: the settings with this window's number and device secret."""
    from app.services.prints import settings as settings_service

    with ctx.session() as session:
        current = settings_service.load(session)
        wanted = dataclasses.replace(current, terminal_id=terminal, device_secret=secret)
        return settings_service.save(session, wanted, now=ctx.now())


class DeviceDialog(QDialog):
    """Window number and device secret; Enter saves, Esc leaves them as they were."""

    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("deviceDialog")
        self.setWindowTitle(self.tr("This window as a device"))
        self.setMinimumWidth(420)
        intro = QLabel(self.tr("Enter the window number and the device secret the administrator "
                               "got when registering this window (管理 → 设备)."))
        intro.setWordWrap(True)
        self.terminal = QLineEdit(ctx.terminal)
        self.terminal.setObjectName("deviceTerminal")
        self.terminal.setMaxLength(8)
        self.terminal.setValidator(QRegularExpressionValidator(
            QRegularExpression("[A-Za-z0-9]{1,8}"), self.terminal))
        self.terminal.textChanged.connect(self._show_device_id)
        self.device_id = QLabel()
        self.device_id.setObjectName("deviceId")
        self.secret = QLineEdit(getattr(ctx.settings, "device_secret", "") or "")
        self.secret.setObjectName("deviceSecret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        form.addRow(self.tr("Window number"), self.terminal)
        form.addRow(self.tr("Device id"), self.device_id)
        form.addRow(self.tr("Device secret"), self.secret)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._show_device_id(self.terminal.text())
        self.secret.setFocus()

    def _show_device_id(self, terminal: str) -> None:
        self.device_id.setText(f"window-{terminal.strip().upper() or '?'}")

    def _refuse(self, text: str, field: QLineEdit) -> None:
        self.error.setText(text)
        self.error.show()
        field.setFocus()

    def save(self) -> None:
        if not self.terminal.hasAcceptableInput():
            self._refuse(self.tr("The window number is 1 to 8 letters or digits, e.g. 05."),
                         self.terminal)
            return
        secret = self.secret.text().strip()
        if not secret:
            self._refuse(self.tr("Enter the device secret."), self.secret)
            return
        self.buttons.setEnabled(False)
        (tasks.write(save_device, self.ctx, self.terminal.text().strip().upper(), secret,
                     owner=self)
            .on_success(self._saved)
            .on_failure(lambda exc: self._refuse(user_message(exc), self.secret))
            .on_done(lambda: self.buttons.setEnabled(True)))

    def _saved(self, settings: Any) -> None:
        self.ctx.settings = settings
        self.accept()

"""The sign-in dialog: user name, password, Enter submits; the check runs off the GUI thread."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui import tasks
from ui.context import ClientContext
from ui.errors import user_message


def _login(ctx: ClientContext, username: str, password: str) -> Any:
    """Worker: runs on the writer thread, after the database has been opened there
    (`sync.sign_in`: this window's users, else the central store's check)."""
    from sync.sign_in import Window, sign_in

    if ctx.db is None:
        raise RuntimeError("the local database is not open")
    window = Window(ctx.db, ctx.device_id, ctx.terminal, ctx.store_url, ctx.device_secret)
    return sign_in(window, username, password, now=ctx.now())


class LoginDialog(QDialog):
    """Accepted once a user has signed in; `user` then holds their UserInfo."""

    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.user: Any = None
        self._busy = False
        self.setObjectName("loginDialog")
        self.setWindowTitle(self.tr("Menpiao — Sign in"))
        self.setMinimumWidth(380)

        title = QLabel(self.tr("Menpiao Box Office"))
        title.setObjectName("loginTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setPlaceholderText(self.tr("e.g. clerk1"))
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        self.error.hide()
        self.submit = QPushButton(self.tr("Sign in"))
        self.submit.setObjectName("primary")
        self.submit.setDefault(True)  # Enter in either field submits
        self.submit.clicked.connect(self._submit)

        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        self.terminal = terminal = QLabel()
        terminal.setObjectName("hint")
        self.set_terminal(ctx.terminal)
        # a real store: the window number and secret an admin registered it with (§14)
        self.device = QPushButton(self.tr("This window's device…"))
        self.device.setObjectName("link")
        self.device.setAutoDefault(False)
        self.device.clicked.connect(self.edit_device)
        self.device.setVisible(bool(ctx.store_url))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(14)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.submit)
        footer = QHBoxLayout()
        footer.addWidget(self.device)
        footer.addStretch(1)
        footer.addWidget(terminal)
        layout.addLayout(footer)
        self.username.setFocus()

    def set_terminal(self, terminal: str) -> None:
        self.terminal.setText(self.tr("Window {terminal}").format(terminal=terminal))

    def edit_device(self) -> None:
        from ui.device_dialog import DeviceDialog

        if DeviceDialog(self.ctx, self).exec():
            self.set_terminal(self.ctx.terminal)
            self.error.hide()
        self.username.setFocus()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.adjustSize()  # a long message wraps onto more lines: the dialog grows to show them

    def _submit(self) -> None:
        if self._busy:
            return
        username, password = self.username.text().strip(), self.password.text()
        if not username:
            self.show_error(self.tr("Please enter your user name."))
            self.username.setFocus()
            return
        self._set_busy(True)
        (tasks.write(_login, self.ctx, username, password, owner=self)
            .on_success(self._signed_in)
            .on_failure(self._refused)
            .on_done(lambda: self._set_busy(False)))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.submit.setEnabled(not busy)
        self.submit.setText(self.tr("Signing in…") if busy else self.tr("Sign in"))

    def _signed_in(self, user: Any) -> None:
        if user.role == "gate":
            self.show_error(self.tr("Gate accounts cannot sign in at a ticket window."))
            return
        self.user = user
        # kept in memory only, to sign in to the central store as the same clerk
        self.credentials = (self.username.text().strip(), self.password.text())
        self.error.hide()
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        from app.domain.errors import Unauthorized
        from sync.sign_in import DeviceRefused, NotSignedInHere

        if isinstance(exc, NotSignedInHere):  # not a wrong password: kept for Enter later
            self.show_error(self.tr("This account has not signed in at this window while the "
                                    "central store could be reached, so it cannot be checked "
                                    "offline. Sign in once the network is back."))
            self.password.setFocus()
            return
        if isinstance(exc, DeviceRefused):
            self.show_error(self.tr("The central store does not accept this window as a device "
                                    "(not registered, deactivated, or a wrong device secret). "
                                    "Check 「This window's device…」 with an administrator."))
            self.device.setFocus()
            return
        if isinstance(exc, Unauthorized):  # the service says it in Chinese; say it in our tongue
            self.show_error(self.tr("Wrong user name or password."))
        else:
            self.show_error(user_message(exc))
        self.password.clear()
        self.password.setFocus()

"""The dialogs of the 设备 tab: register a window or gate (DESIGN.md §14), move one, and the
device secret — shown once, to copy, never again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui import admin_labels as labels
from ui.views.admin.form_dialog import FormDialog

if TYPE_CHECKING:
    from ui import tasks
    from ui.views.admin.devices_tab import DevicesTab

KINDS = ("window", "gate", "office")


class RegisterDeviceDialog(FormDialog):
    def __init__(self, tab: DevicesTab) -> None:
        super().__init__("registerDeviceDialog", tab)
        self.setWindowTitle(self.tr("Register a device"))
        self.tab = tab
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for kind in KINDS:
            self.kind.addItem(labels.device_kind_label(kind), kind)
        self.terminal = QLineEdit()
        self.terminal.setObjectName("terminal")
        self.terminal.setMaxLength(8)
        self.terminal.setValidator(QRegularExpressionValidator(
            QRegularExpression("[A-Za-z0-9]{1,8}"), self))
        self.terminal.setPlaceholderText(self.tr("e.g. 03"))
        self.device_id = QLineEdit()
        self.device_id.setObjectName("deviceId")
        self.device_id.setMaxLength(64)
        self.device_id.setValidator(QRegularExpressionValidator(
            QRegularExpression("[A-Za-z0-9._-]{1,64}"), self))
        self.location = QLineEdit()
        self.location.setObjectName("location")
        self.location.setMaxLength(64)
        self.location.setPlaceholderText(self.tr("e.g. 南门售票厅"))
        self.form.addRow(self.tr("Kind"), self.kind)
        self.form.addRow(self.tr("Window no."), self.terminal)
        self.form.addRow(self.tr("Device id"), self.device_id)
        self.form.addRow(self.tr("Location"), self.location)
        self._named = ""  # the id this dialog proposed: replaced while the admin keeps it
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.terminal.textChanged.connect(self._propose_id)
        self._kind_changed()
        self.kind.setFocus()

    def _kind_changed(self) -> None:
        window = self.kind.currentData() == "window"
        self.terminal.setEnabled(window)
        if not window:
            self.terminal.clear()
        self._propose_id()

    def _propose_id(self) -> None:
        """window-03 for window 03; the admin may type another id."""
        if self.device_id.text() not in ("", self._named):
            return
        terminal = self.terminal.text().strip().upper()
        kind = self.kind.currentData()
        self._named = f"window-{terminal}" if kind == "window" and terminal else ""
        self.device_id.setText(self._named)

    def check(self) -> str | None:
        if self.kind.currentData() == "window" and not self.terminal.text().strip():
            self.terminal.setFocus()
            return self.tr("A ticket window needs its window number.")
        if not self.device_id.text().strip():
            self.device_id.setFocus()
            return self.tr("Please enter the device id (letters, digits, . _ -).")
        return None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"device_id": self.device_id.text().strip(),
                                "kind": self.kind.currentData()}
        if self.terminal.text().strip():
            body["terminal"] = self.terminal.text().strip().upper()
        if self.location.text().strip():
            body["location"] = self.location.text().strip()
        return body

    def send(self) -> tasks.Task | None:
        return self.tab.ask("register_device", self.body(), done=self.succeeded, write=True,
                            failed=self.refused)


class MoveDeviceDialog(FormDialog):
    def __init__(self, tab: DevicesTab, device: dict[str, Any]) -> None:
        super().__init__("moveDeviceDialog", tab)
        self.setWindowTitle(self.tr("Location of {device}").format(device=device["device_id"]))
        self.tab, self.device = tab, device
        self.location = QLineEdit(device.get("location") or "")
        self.location.setObjectName("location")
        self.location.setMaxLength(64)
        self.form.addRow(self.tr("Location"), self.location)
        self.location.setFocus()
        self.location.selectAll()

    def send(self) -> tasks.Task | None:
        return self.tab.ask("change_device", self.device["device_id"],
                            {"location": self.location.text().strip() or None},
                            done=self.succeeded, write=True, failed=self.refused)


class SecretDialog(QDialog):
    """The secret of a device just registered: copy it (Enter or Ctrl+C) and type it into
    that device's sign-in; it is never shown again."""

    def __init__(self, answer: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deviceSecretDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        device = answer.get("device") or {}
        self.setWindowTitle(self.tr("Device secret of {device}").format(
            device=answer["device_id"]))
        where = device.get("location") or labels.device_kind_label(device.get("kind", ""))
        intro = QLabel(self.tr("{device} ({where}) is registered. Enter this secret on that "
                               "device when it signs in for the first time.").format(
            device=answer["device_id"], where=where))
        intro.setWordWrap(True)
        self.secret = QLineEdit(answer["device_secret"])
        self.secret.setObjectName("deviceSecret")
        self.secret.setReadOnly(True)
        self.secret.setMinimumWidth(460)
        self.warning = warning = QLabel(self.tr(
            "The secret is shown this once: the store keeps only a "
                                 "fingerprint of it. Lost, the device must be registered "
                                 "again."))
        warning.setObjectName("fieldError")
        warning.setWordWrap(True)
        self.copy_button = QPushButton(self.tr("Copy (Ctrl+C)"))
        self.copy_button.setObjectName("primary")
        self.copy_button.setDefault(True)
        self.copy_button.clicked.connect(self.copy)
        self.copied = QLabel()
        self.copied.setObjectName("hint")
        buttons = QDialogButtonBox()
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(self.tr("I have noted it — close"),
                                  QDialogButtonBox.ButtonRole.AcceptRole)
        close.setAutoDefault(False)
        buttons.accepted.connect(self.accept)
        QShortcut(QKeySequence.StandardKey.Copy, self, self.copy)
        column = QVBoxLayout(self)
        for widget in (intro, self.secret, warning, self.copied, buttons):
            column.addWidget(widget)
        self.secret.selectAll()
        self.secret.setFocus()

    def copy(self) -> None:
        QApplication.clipboard().setText(self.secret.text())
        self.copied.setText(self.tr("Copied to the clipboard."))

"""设备: the windows and gates the store knows (DESIGN.md §14) — kind, window number, location,
whether alive, whether in service; register one (Ctrl+N: its secret is shown once), move it
(Enter), take it out of service or back (Ctrl+D). Supervisors read the list."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QPushButton, QWidget

from ui.context import ClientContext
from ui.models.admin_models import DevicesModel
from ui.views.admin.device_dialogs import MoveDeviceDialog, RegisterDeviceDialog, SecretDialog
from ui.views.admin.form_dialog import FormDialog
from ui.views.admin.list_tab import ListTab


class DevicesTab(ListTab):
    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "devicesTab", DevicesModel(), None, parent)
        self.dialog: FormDialog | None = None
        self.secret_dialog: SecretDialog | None = None
        self.register_button = QPushButton(self.tr("Register a device (Ctrl+N)"))
        self.register_button.setObjectName("registerDevice")
        self.register_button.clicked.connect(self.register)
        self.move_button = QPushButton(self.tr("Location (Enter)"))
        self.move_button.clicked.connect(self.edit_current)
        self.active_button = QPushButton(self.tr("Take out of service (Ctrl+D)"))
        self.active_button.setObjectName("toggleDevice")
        self.active_button.clicked.connect(self.toggle_active)
        self.lay_out([self.register_button, self.move_button, self.active_button],
                     self.tr("↑/↓ choose a device · Ctrl+N register · Enter location · "
                             "Ctrl+D out of or back into service · F5 reload"))
        self.shortcut("Ctrl+N", self.register)
        self.shortcut("Ctrl+D", self.toggle_active)
        self.update_actions()

    def key_of(self, row: dict[str, Any]) -> str:
        return row["device_id"]

    def update_actions(self) -> None:
        device = self.current()
        self.register_button.setEnabled(self.writable)
        for button in (self.move_button, self.active_button):
            button.setEnabled(self.writable and device is not None)
        self.active_button.setText(
            self.tr("Back into service (Ctrl+D)")
            if device is not None and device.get("active") is False
            else self.tr("Take out of service (Ctrl+D)"))

    def reload(self) -> None:
        self.ask("devices", done=self.show_rows)

    def _reload_at(self, device_id: str) -> None:
        self.ask("devices", done=lambda rows: self.show_rows(rows, select=device_id))

    # -- actions --------------------------------------------------------------------------
    def register(self) -> FormDialog | None:
        if not self.writable:
            return None
        self.dialog = RegisterDeviceDialog(self)
        self.dialog.accepted.connect(lambda d=self.dialog: self._registered(d.answer))
        self.dialog.open()
        return self.dialog

    def _registered(self, answer: dict[str, Any]) -> None:
        self.show_success(self.tr("Device {device} registered.").format(
            device=answer["device_id"]))
        self._reload_at(answer["device_id"])
        self.secret_dialog = SecretDialog(answer, self)
        self.secret_dialog.finished.connect(lambda _r: self.table.setFocus())
        self.secret_dialog.open()

    def edit_current(self) -> FormDialog | None:
        device = self.current()
        if device is None or not self.writable:
            return None
        self.dialog = MoveDeviceDialog(self, device)
        self.dialog.accepted.connect(lambda d=self.dialog: self._moved(d.answer))
        self.dialog.open()
        return self.dialog

    def _moved(self, device: dict[str, Any]) -> None:
        self.show_success(self.tr("{device} now stands at {location}.").format(
            device=device["device_id"], location=device.get("location") or "—"))
        self._reload_at(device["device_id"])
        self.table.setFocus()

    def toggle_active(self) -> None:
        device = self.current()
        if device is None:
            return
        self.ask("change_device", device["device_id"],
                 {"active": device.get("active") is False}, done=self._toggled, write=True)

    def _toggled(self, device: dict[str, Any]) -> None:
        text = (self.tr("{device} is back in service.") if device.get("active")
                else self.tr("{device} is out of service: it can no longer sign in."))
        self.show_success(text.format(device=device["device_id"]))
        self._reload_at(device["device_id"])

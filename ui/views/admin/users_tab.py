"""用户 (admins only: the store lets no one else read its users): every user with display name,
role and state; new user (Ctrl+N), name and role (Enter), new password (Ctrl+R), deactivate or
reactivate (Ctrl+D). The store refuses in words — a password it does not accept, a name taken,
the last admin — and nothing is written then."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QPushButton, QWidget

from ui import admin_labels as labels
from ui.context import ClientContext
from ui.models.admin_models import UsersModel
from ui.views.admin.form_dialog import FormDialog
from ui.views.admin.list_tab import ListTab
from ui.views.admin.user_dialogs import EditUserDialog, NewUserDialog, PasswordDialog


class UsersTab(ListTab):
    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "usersTab", UsersModel(), None, parent)
        self.dialog: FormDialog | None = None
        self.new_button = QPushButton(self.tr("New user (Ctrl+N)"))
        self.new_button.setObjectName("newUser")
        self.new_button.clicked.connect(self.new_user)
        self.edit_button = QPushButton(self.tr("Name and role (Enter)"))
        self.edit_button.clicked.connect(self.edit_current)
        self.password_button = QPushButton(self.tr("New password (Ctrl+R)"))
        self.password_button.clicked.connect(self.reset_password)
        self.active_button = QPushButton(self.tr("Deactivate (Ctrl+D)"))
        self.active_button.setObjectName("toggleUser")
        self.active_button.clicked.connect(self.toggle_active)
        self.lay_out([self.new_button, self.edit_button, self.password_button,
                      self.active_button],
                     self.tr("↑/↓ choose a user · Enter name and role · Ctrl+N new user · "
                             "Ctrl+R new password · Ctrl+D deactivate or reactivate · F5 "
                             "reload"))
        self.shortcut("Ctrl+N", self.new_user)
        self.shortcut("Ctrl+R", self.reset_password)
        self.shortcut("Ctrl+D", self.toggle_active)
        self.update_actions()

    def key_of(self, row: dict[str, Any]) -> str:
        return row["username"]

    def update_actions(self) -> None:
        user = self.current()
        self.new_button.setEnabled(self.writable)
        for button in (self.edit_button, self.password_button, self.active_button):
            button.setEnabled(self.writable and user is not None)
        self.active_button.setText(
            self.tr("Reactivate (Ctrl+D)") if user is not None and not user["active"]
            else self.tr("Deactivate (Ctrl+D)"))

    def reload(self) -> None:
        self.ask("users", done=self.show_rows)

    # -- actions --------------------------------------------------------------------------
    def _open(self, dialog: FormDialog) -> FormDialog:
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._done(dialog))
        dialog.open()
        return dialog

    def _done(self, dialog: FormDialog) -> None:
        user = dialog.answer
        self.show_success(self._done_text(dialog, user))
        self.ask("users", done=lambda rows: self.show_rows(rows, select=user["username"]))
        self.table.setFocus()

    def _done_text(self, dialog: FormDialog, user: dict[str, Any]) -> str:
        if isinstance(dialog, NewUserDialog):
            return self.tr("User {name} ({role}) created.").format(
                name=user["username"], role=labels.role_label(user["role"]))
        if isinstance(dialog, PasswordDialog):
            return self.tr("New password set for {name}; signed out everywhere.").format(
                name=user["username"])
        return self.tr("{name} is now {role}, shown as {display}.").format(
            name=user["username"], role=labels.role_label(user["role"]),
            display=user.get("display_name") or user["username"])

    def new_user(self) -> FormDialog | None:
        return self._open(NewUserDialog(self)) if self.writable else None

    def edit_current(self) -> FormDialog | None:
        user = self.current()
        if user is None or not self.writable:
            return None
        return self._open(EditUserDialog(self, user))

    def reset_password(self) -> FormDialog | None:
        user = self.current()
        if user is None or not self.writable:
            return None
        return self._open(PasswordDialog(self, user))

    def toggle_active(self) -> None:
        user = self.current()
        if user is None:
            return
        self.ask("change_user", user["username"], {"active": not user["active"]},
                 done=self._toggled, write=True)

    def _toggled(self, user: dict[str, Any]) -> None:
        text = (self.tr("{name} reactivated: may sign in again.") if user["active"] else
                self.tr("{name} deactivated and signed out everywhere (Ctrl+D reactivates)."))
        self.show_success(text.format(name=user["username"]))
        self.ask("users", done=lambda rows: self.show_rows(rows, select=user["username"]))

"""The dialogs of the 用户 tab: a new user, a user's name and role, a new password. The
password rule (≥ 8 characters, not the user name) is the store's: its refusal shows here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit

from ui import admin_labels as labels
from ui.views.admin.form_dialog import FormDialog

if TYPE_CHECKING:
    from ui import tasks
    from ui.views.admin.users_tab import UsersTab

STAFF_ROLES = ("clerk", "supervisor", "finance", "admin")  # gates sign in as `gate`


def role_box(current: str = "clerk") -> QComboBox:
    box = QComboBox()
    box.setObjectName("role")
    for role in STAFF_ROLES + ("gate",):
        box.addItem(labels.role_label(role), role)
    box.setCurrentIndex(max(0, box.findData(current)))
    return box


def password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(256)
    return edit


class NewUserDialog(FormDialog):
    def __init__(self, tab: UsersTab) -> None:
        super().__init__("newUserDialog", tab)
        self.setWindowTitle(self.tr("New user"))
        self.tab = tab
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setMaxLength(64)
        self.display_name = QLineEdit()
        self.display_name.setObjectName("displayName")
        self.display_name.setMaxLength(64)
        self.role = role_box()
        self.password = password_edit("password")
        self.again = password_edit("passwordAgain")
        rule = QLabel(self.tr("At least 8 characters, not the user name."))
        rule.setObjectName("hint")
        self.form.addRow(self.tr("User name"), self.username)
        self.form.addRow(self.tr("Display name"), self.display_name)
        self.form.addRow(self.tr("Role"), self.role)
        self.form.addRow(self.tr("Password"), self.password)
        self.form.addRow(self.tr("Password again"), self.again)
        self.form.addRow("", rule)
        self.username.setFocus()

    def check(self) -> str | None:
        if not self.username.text().strip():
            self.username.setFocus()
            return self.tr("Please enter the user name.")
        if self.password.text() != self.again.text():
            self.again.setFocus()
            self.again.selectAll()
            return self.tr("The two passwords differ.")
        return None

    def body(self) -> dict[str, Any]:
        body = {"username": self.username.text().strip(), "role": self.role.currentData(),
                "password": self.password.text()}
        if self.display_name.text().strip():
            body["display_name"] = self.display_name.text().strip()
        return body

    def send(self) -> tasks.Task | None:
        return self.tab.ask("add_user", self.body(), done=self.succeeded, write=True,
                            failed=self.refused)


class EditUserDialog(FormDialog):
    def __init__(self, tab: UsersTab, user: dict[str, Any]) -> None:
        super().__init__("editUserDialog", tab)
        self.setWindowTitle(self.tr("Change user {name}").format(name=user["username"]))
        self.tab, self.user = tab, user
        self.display_name = QLineEdit(user.get("display_name") or "")
        self.display_name.setObjectName("displayName")
        self.display_name.setMaxLength(64)
        self.role = role_box(user["role"])
        self.form.addRow(self.tr("User name"), QLabel(user["username"]))
        self.form.addRow(self.tr("Display name"), self.display_name)
        self.form.addRow(self.tr("Role"), self.role)
        self.display_name.setFocus()
        self.display_name.selectAll()

    def changes(self) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        if self.display_name.text().strip() != (self.user.get("display_name") or ""):
            changes["display_name"] = self.display_name.text().strip()
        if self.role.currentData() != self.user["role"]:
            changes["role"] = self.role.currentData()
        return changes

    def check(self) -> str | None:
        return None if self.changes() else self.tr("Nothing changed.")

    def send(self) -> tasks.Task | None:
        return self.tab.ask("change_user", self.user["username"], self.changes(),
                            done=self.succeeded, write=True, failed=self.refused)


class PasswordDialog(FormDialog):
    def __init__(self, tab: UsersTab, user: dict[str, Any]) -> None:
        super().__init__("passwordDialog", tab)
        self.setWindowTitle(self.tr("New password for {name}").format(name=user["username"]))
        self.tab, self.user = tab, user
        self.password = password_edit("password")
        self.again = password_edit("passwordAgain")
        note = QLabel(self.tr("At least 8 characters, not the user name. The user is signed "
                              "out everywhere."))
        note.setObjectName("hint")
        note.setWordWrap(True)
        self.form.addRow(self.tr("New password"), self.password)
        self.form.addRow(self.tr("Password again"), self.again)
        self.form.addRow("", note)
        self.password.setFocus()

    def check(self) -> str | None:
        if self.password.text() != self.again.text():
            self.again.setFocus()
            self.again.selectAll()
            return self.tr("The two passwords differ.")
        return None

    def send(self) -> tasks.Task | None:
        return self.tab.ask("change_user", self.user["username"],
                            {"password": self.password.text()}, done=self.succeeded,
                            write=True, failed=self.refused)

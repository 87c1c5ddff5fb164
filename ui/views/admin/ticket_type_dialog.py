"""A ticket type to create or change (DESIGN.md §15 `POST/PUT /catalog/ticket-types`): code,
name, kind, price; a pass has its uses, a group its minimum size, a package its components
(`ADULT+CHILD`). The code is never changed; a new price applies to sales after it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QSpinBox

from app.domain.errors import ValidationError
from app.domain.money import format_fen, parse_yuan
from ui import admin_labels as labels
from ui.views.admin.form_dialog import FormDialog

if TYPE_CHECKING:
    from ui import tasks
    from ui.views.admin.ticket_types_tab import TicketTypesTab


def _spin(name: str, low: int, high: int, value: int) -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(low, high)
    spin.setValue(value)
    return spin


class TicketTypeDialog(FormDialog):
    def __init__(self, tab: TicketTypesTab, current: dict[str, Any] | None,
                 codes: list[str]) -> None:
        super().__init__("ticketTypeDialog", tab)
        self.tab, self.current = tab, current
        self.setWindowTitle(self.tr("New ticket type") if current is None else
                            self.tr("Change ticket type {code}").format(code=current["code"]))
        t = current or {}
        self.code = QLineEdit(t.get("code", ""))
        self.code.setObjectName("code")
        self.code.setMaxLength(32)
        self.code.setValidator(QRegularExpressionValidator(
            QRegularExpression("[A-Za-z0-9_-]{1,32}"), self))
        self.code.setReadOnly(current is not None)
        self.name = QLineEdit(t.get("name", ""))
        self.name.setObjectName("name")
        self.name.setMaxLength(32)
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for kind in labels.TYPE_KINDS:
            self.kind.addItem(labels.ticket_kind_label(kind), kind)
        self.kind.setCurrentIndex(max(0, self.kind.findData(labels.kind_of(t) or "regular")))
        self.price = QLineEdit(format_fen(t["price_fen"])[1:] if "price_fen" in t else "")
        self.price.setObjectName("price")
        self.price.setPlaceholderText(self.tr("yuan, e.g. 120 or 99.5"))
        self.uses = _spin("usesTotal", 2, 1000, int(t.get("uses_total") or 12))
        self.min_group = _spin("minGroupSize", 2, 1000, int(t.get("min_group_size") or 10))
        self.components = QLineEdit("+".join(t.get("components") or ()))
        self.components.setObjectName("components")
        self.components.setPlaceholderText(self.tr("codes joined by +, e.g. ADULT+CHILD"))
        choices = QLabel(self.tr("Types on sale: {codes}").format(codes="、".join(codes) or "—"))
        choices.setObjectName("hint")
        choices.setWordWrap(True)
        self.active = QCheckBox(self.tr("On sale"))
        self.active.setObjectName("active")
        self.active.setChecked(bool(t.get("active", True)))
        self.form.addRow(self.tr("Code"), self.code)
        self.form.addRow(self.tr("Name"), self.name)
        self.form.addRow(self.tr("Kind"), self.kind)
        self.form.addRow(self.tr("Price (yuan)"), self.price)
        self.form.addRow(self.tr("Uses per pass"), self.uses)
        self.form.addRow(self.tr("Minimum group size"), self.min_group)
        self.form.addRow(self.tr("Components"), self.components)
        self.form.addRow("", choices)
        self.form.addRow("", self.active)
        if current is not None and "price_fen" in t:
            note = QLabel(self.tr("A new price applies to sales after it; orders already "
                                  "sold keep theirs."))
            note.setObjectName("hint")
            note.setWordWrap(True)
            self.form.addRow("", note)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        (self.name if current is not None else self.code).setFocus()

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        for widget, on in ((self.uses, kind == "pass"), (self.min_group, kind == "group"),
                           (self.components, kind == "package")):
            widget.setEnabled(on)
            self.form.setRowVisible(widget, on)

    def check(self) -> str | None:
        if not self.code.text().strip():
            self.code.setFocus()
            return self.tr("Please enter the code (letters and digits, e.g. ADULT).")
        if not self.name.text().strip():
            self.name.setFocus()
            return self.tr("Please enter the name printed on the ticket.")
        try:
            parse_yuan(self.price.text())
        except ValidationError as exc:
            self.price.setFocus()
            return exc.message
        if self.kind.currentData() == "package" and len(self.parts()) < 2:
            self.components.setFocus()
            return self.tr("A package is made of at least two ticket types, e.g. ADULT+CHILD.")
        return None

    def parts(self) -> list[str]:
        return [p.upper() for p in re.split(r"[+,，、\s]+", self.components.text()) if p]

    def body(self) -> dict[str, Any]:
        kind = self.kind.currentData()
        body: dict[str, Any] = {
            "code": self.code.text().strip().upper(), "name": self.name.text().strip(),
            "kind": "regular" if kind == "package" else kind,
            "price_fen": parse_yuan(self.price.text()), "active": self.active.isChecked()}
        if kind == "package":
            body["components"] = self.parts()
        if kind == "pass":
            body["uses_total"] = self.uses.value()
        if kind == "group":
            body["min_group_size"] = self.min_group.value()
        return body

    def send(self) -> tasks.Task | None:
        if self.current is None:
            return self.tab.ask("add_ticket_type", self.body(), done=self.succeeded,
                                write=True, failed=self.refused)
        return self.tab.ask("change_ticket_type", self.current["code"], self.body(),
                            done=self.succeeded, write=True, failed=self.refused)

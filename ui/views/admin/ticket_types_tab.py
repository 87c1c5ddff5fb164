"""票种: the ticket types (code, name, kind, price, details, state) from `GET /catalog`; new
(Ctrl+N), change (Enter), take off sale or back (Ctrl+D) through DESIGN.md §15
`POST/PUT /catalog/ticket-types`. A type is never deleted: `active: false` takes it off sale
and keeps its sales."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QPushButton, QWidget

from ui import admin_labels as labels
from ui.context import ClientContext
from ui.models.admin_models import TicketTypesModel
from ui.views.admin.form_dialog import FormDialog
from ui.views.admin.list_tab import ListTab
from ui.views.admin.ticket_type_dialog import TicketTypeDialog


class TicketTypesTab(ListTab):
    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "ticketTypesTab", TicketTypesModel(), None,
                         parent)
        self.dialog: FormDialog | None = None
        self.new_button = QPushButton(self.tr("New ticket type (Ctrl+N)"))
        self.new_button.setObjectName("newTicketType")
        self.new_button.clicked.connect(self.new_type)
        self.edit_button = QPushButton(self.tr("Change (Enter)"))
        self.edit_button.clicked.connect(self.edit_current)
        self.active_button = QPushButton(self.tr("Take off sale (Ctrl+D)"))
        self.active_button.setObjectName("toggleTicketType")
        self.active_button.clicked.connect(self.toggle_active)
        self.lay_out([self.new_button, self.edit_button, self.active_button],
                     self.tr("↑/↓ choose a type · Enter change · Ctrl+N new type · Ctrl+D "
                             "off or back on sale · F5 reload"))
        self.shortcut("Ctrl+N", self.new_type)
        self.shortcut("Ctrl+D", self.toggle_active)
        self.update_actions()

    def key_of(self, row: dict[str, Any]) -> str:
        return row["code"]

    def update_actions(self) -> None:
        t = self.current()
        self.new_button.setEnabled(self.writable)
        for button in (self.edit_button, self.active_button):
            button.setEnabled(self.writable and t is not None)
        self.active_button.setText(
            self.tr("Back on sale (Ctrl+D)") if t is not None and t.get("active") is False
            else self.tr("Take off sale (Ctrl+D)"))

    def reload(self) -> None:
        self.ask("ticket_types", done=self.show_rows)

    def codes(self) -> list[str]:
        return [r["code"] for r in self.model.rows()
                if r.get("active", True) and not r.get("components")]

    # -- actions --------------------------------------------------------------------------
    def _open(self, current: dict[str, Any] | None) -> FormDialog | None:
        if not self.writable:
            return None
        self.dialog = TicketTypeDialog(self, current, self.codes())
        self.dialog.accepted.connect(lambda d=self.dialog: self._saved(d.answer, current))
        self.dialog.open()
        return self.dialog

    def new_type(self) -> FormDialog | None:
        return self._open(None)

    def edit_current(self) -> FormDialog | None:
        t = self.current()
        return self._open(t) if t is not None else None

    def _saved(self, t: dict[str, Any], before: dict[str, Any] | None) -> None:
        kind = labels.ticket_kind_label(labels.kind_of(t))
        text = (self.tr("Ticket type {code} {name} ({kind}) created.") if before is None
                else self.tr("Ticket type {code} {name} ({kind}) saved."))
        self.show_success(text.format(code=t["code"], name=t["name"], kind=kind))
        self.ask("ticket_types", done=lambda rows: self.show_rows(rows, select=t["code"]))
        self.table.setFocus()

    def toggle_active(self) -> None:
        t = self.current()
        if t is None:
            return
        body = {k: t[k] for k in ("code", "name", "kind", "price_fen")}
        extra = {"components": bool(t.get("components")), "uses_total": t["kind"] == "pass",
                 "min_group_size": t["kind"] == "group"}
        body |= {k: t[k] for k, wanted in extra.items() if wanted and k in t}
        body["active"] = t.get("active") is False
        self.ask("change_ticket_type", t["code"], body, done=self._toggled, write=True)

    def _toggled(self, t: dict[str, Any]) -> None:
        text = (self.tr("{name} is on sale again.") if t.get("active", True)
                else self.tr("{name} is off sale; its orders stay as they are."))
        self.show_success(text.format(name=t["name"]))
        self.ask("ticket_types", done=lambda rows: self.show_rows(rows, select=t["code"]))

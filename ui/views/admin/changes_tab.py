"""变更记录: the admin log (`GET /admin/changes`), newest first — when, who, which record, what
was done and before → after in words (角色：售票员 → 值班主管). Filter by kind of record;
"Earlier" (End) pages back. Supervisors and admins read it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHBoxLayout, QPushButton, QWidget

from ui import admin_labels as labels
from ui.context import ClientContext
from ui.models.admin_models import AdminChangesModel
from ui.views.admin.list_tab import ListTab
from ui.views.admin.requests import call

ENTITIES = (None, "user", "device", "ticket_type", "inventory", "refund_policy",
            "force_majeure")
PAGE = 50


class ChangesTab(ListTab):
    writers = ()

    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "changesTab", AdminChangesModel(ctx.venue().local),
                         AdminChangesModel.CHANGE, parent)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.next_before: int | None = None
        self.entity = QComboBox()
        self.entity.setObjectName("changesEntity")
        for entity in ENTITIES:
            self.entity.addItem(labels.entity_label(entity) if entity else self.tr("All"),
                                entity)
        self.entity.currentIndexChanged.connect(lambda _i: self.reload())
        self.more_button = QPushButton(self.tr("Earlier (End)"))
        self.more_button.setObjectName("earlierChanges")
        self.more_button.clicked.connect(self.load_more)
        self.lay_out([self.more_button],
                     self.tr("↑/↓ read · Alt+F kind of record · End loads earlier changes · "
                             "F5 reload"))
        filters = QHBoxLayout()
        filters.addWidget(self.entity)
        filters.addStretch(1)
        self.layout().insertLayout(1, filters)
        self.shortcut("End", self.load_more)
        self.shortcut("Alt+F", self.entity.setFocus)
        self.entity.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.update_actions()

    def key_of(self, row: dict[str, Any]) -> str:
        return str(row["seq"])

    def update_actions(self) -> None:
        self.more_button.setEnabled(self.online and self.next_before is not None)

    def _params(self, before: int | None) -> dict[str, Any]:
        return {"entity": self.entity.currentData(), "before": before, "limit": PAGE}

    def reload(self) -> None:
        self.ask("admin_changes", self._params(None), done=self._loaded, worker=_changes)

    def _loaded(self, body: dict[str, Any]) -> None:
        self.next_before = body.get("next_before")
        self.show_rows(list(body.get("changes") or []))

    def load_more(self) -> None:
        if self.next_before is None:
            return
        self.ask("admin_changes", self._params(self.next_before), done=self._appended,
                 worker=_changes)

    def _appended(self, body: dict[str, Any]) -> None:
        self.next_before = body.get("next_before")
        first = self.model.append_rows(list(body.get("changes") or []))
        self.table.resizeColumnsToContents()
        if first < self.model.rowCount():
            self.table.selectRow(first)
        self.update_actions()


def _changes(ctx: ClientContext, method: str, params: dict[str, Any]) -> dict[str, Any]:
    """A page of the log (worker): the filter as keywords."""
    return call(ctx, method, **params)

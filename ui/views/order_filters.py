"""The Orders screen's filters (issue 14): channels and statuses (several at once), ticket type,
order date and visit date ranges (今日/昨日/本周/自定义), and saved filters. It shows and reads
widgets only; the view turns `criteria()` into a search.

Keys: Alt+C channels, Alt+S statuses, Alt+T ticket type, Alt+O order date, Alt+D visit date.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QWidget

from app.services.lookup.search import CHANNELS
from ui import tasks
from ui.context import ClientContext
from ui.models.orders_model import channel_label, status_label
from ui.views.date_range import DateRangePicker
from ui.views.multi_select import MultiSelectButton
from ui.views.saved_filters import SavedFilters, SavedFiltersBox

# 异常 first: it is what a supervisor looks for
STATUS_CHOICES = ("anomaly", "pending_payment", "paying", "paid", "redeeming", "redeemed",
                  "refunding", "refunded", "cancelled")


def load_ticket_types(ctx: ClientContext) -> list[tuple[str, str]]:
    """Worker: (name, code) of the active ticket types, in catalog order."""
    from app.services.stock import catalog

    with ctx.session() as session:
        return [(t.name, t.code) for t in catalog.ticket_types(session)]


class OrderFilterBar(QWidget):
    changed = Signal()

    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._quiet = False
        self.channel = MultiSelectButton("channelFilter", self.tr("All channels"),
                                         [(channel_label(c), c) for c in CHANNELS])
        self.status = MultiSelectButton("statusFilter", self.tr("All statuses"),
                                        [(status_label(s), s) for s in STATUS_CHOICES])
        self.ticket_type = QComboBox()
        self.ticket_type.setObjectName("ticketTypeFilter")
        self.ticket_type.addItem(self.tr("All ticket types"), None)
        self.created = DateRangePicker("createdFilter", ctx.today)
        self.visit = DateRangePicker("visitFilter", ctx.today)
        username = getattr(ctx.user, "username", "") or ""
        self.saved = SavedFiltersBox(SavedFilters(ctx.home, username), self.state)
        self.saved.picked.connect(self.set_state)
        for signal in (self.channel.changed, self.status.changed, self.created.changed,
                       self.visit.changed, self.ticket_type.currentIndexChanged):
            signal.connect(self._changed)
        self._lay_out()
        tasks.run(load_ticket_types, ctx, owner=self).on_success(self._fill_types)

    def _lay_out(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        first = QHBoxLayout()
        for text, widget in ((self.tr("&Channel"), self.channel),
                             (self.tr("&Status"), self.status),
                             (self.tr("&Ticket type"), self.ticket_type)):
            first.addWidget(self._label(text, widget))
            first.addWidget(widget)
        first.addStretch(1)
        first.addWidget(self.saved)
        second = QHBoxLayout()
        for text, widget in ((self.tr("&Ordered on"), self.created),
                             (self.tr("Visit &date"), self.visit)):
            second.addWidget(self._label(text, widget.preset))
            second.addWidget(widget)
        second.addStretch(1)
        grid.addLayout(first, 0, 0)
        grid.addLayout(second, 1, 0)

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def _fill_types(self, types: list[tuple[str, str]]) -> None:
        wanted = self.ticket_type.currentData()
        self.ticket_type.blockSignals(True)
        for name, code in types:
            self.ticket_type.addItem(name, code)
        self.ticket_type.setCurrentIndex(max(0, self.ticket_type.findData(wanted)))
        self.ticket_type.blockSignals(False)

    # -- reading and writing --------------------------------------------------------------------
    def criteria(self) -> dict[str, Any]:
        """The OrderFilters fields the widgets ask for."""
        created_from, created_to = self.created.range()
        visit_from, visit_to = self.visit.range()
        return {"channel": self.channel.selected(), "status": self.status.selected(),
                "ticket_type": self.ticket_type.currentData(),
                "created_from": created_from, "created_to": created_to,
                "visit_from": visit_from, "visit_to": visit_to}

    def state(self) -> dict[str, Any]:
        """What a saved filter keeps (presets stay presets)."""
        return {"channel": list(self.channel.selected()), "status": list(self.status.selected()),
                "ticket_type": self.ticket_type.currentData(),
                "created": self.created.state(), "visit": self.visit.state()}

    def set_state(self, state: dict[str, Any]) -> None:
        """Show a saved filter; one `changed` at the end."""
        self._quiet = True
        try:
            self.channel.set_selected(state.get("channel") or ())
            self.status.set_selected(state.get("status") or ())
            self.ticket_type.setCurrentIndex(
                max(0, self.ticket_type.findData(state.get("ticket_type"))))
            self.created.set_state(state.get("created") or {})
            self.visit.set_state(state.get("visit") or {})
        finally:
            self._quiet = False
        self.changed.emit()

    def _changed(self, *_args: Any) -> None:
        if not self._quiet:
            self.changed.emit()

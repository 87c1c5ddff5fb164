"""The right half of the Anomalies view: one anomaly's reason and evidence, the devices it
names (location, status, last heartbeat), the stock involved, the order's timeline with its
hash-chain verdict, and the fixes — one button each, the recommended one first — with the note
some of them need. The view decides what a click does (`fix_requested`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.anomalies import NOTE_REQUIRED_FIXES, device_ids
from app.domain.money import format_fen
from ui.anomaly_labels import (
    device_status_label,
    evidence_rows,
    fix_label,
    kind_label,
    local_text,
    status_label,
)
from ui.anomaly_requests import AnomalyDetail
from ui.anomaly_values import remember_ticket_names, ticket_type_text
from ui.models.orders_model import status_label as order_status_label
from ui.models.table_model import RowsModel
from ui.views.page import make_table
from ui.views.timeline_panel import TimelinePanel


class AnomalyDetailPane(QWidget):
    fix_requested = Signal(str)
    order_requested = Signal()

    def __init__(self, local: Callable[[datetime], datetime],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("anomalyDetail")
        self._local = local
        self.detail: AnomalyDetail | None = None
        self.fix_buttons: dict[str, QPushButton] = {}
        self._online = False
        self._offline_reason = ""
        self._build()
        self.show_detail(None)

    def _build(self) -> None:
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.reason = QLabel()
        self.reason.setObjectName("anomalyReason")
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.evidence = QFormLayout()
        self.order_line = QLabel()
        self.order_button = QPushButton(self.tr("Order detail"))
        self.order_button.setObjectName("anomalyOrder")
        self.order_button.clicked.connect(self.order_requested)
        order_row = QHBoxLayout()
        order_row.addWidget(self.order_line, 1)
        order_row.addWidget(self.order_button)
        self.devices = QLabel()
        self.devices.setObjectName("anomalyDevices")
        self.devices.setWordWrap(True)
        self.stock_model = RowsModel((self.tr("Ticket type"), self.tr("Visit date"),
                                      self.tr("Capacity"), self.tr("Sold"), self.tr("Held"),
                                      self.tr("Oversold"), self.tr("Available")), [], self)
        self.stock = make_table("anomalyStock", self.stock_model)
        self.stock.setMaximumHeight(90)
        self.timeline = TimelinePanel(self._local)
        self.timeline.table.setMinimumHeight(100)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 8, 0)
        column.addWidget(self.title)
        column.addWidget(self.reason)
        column.addLayout(self.evidence)
        column.addLayout(order_row)
        for title, widget in ((self.tr("Devices"), self.devices),
                              (self.tr("Stock involved"), self.stock)):
            column.addWidget(self._section(title))
            column.addWidget(widget)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        timeline = QWidget()  # below the evidence, always in sight: its verdict matters
        lower = QVBoxLayout(timeline)
        lower.setContentsMargins(0, 4, 0, 0)
        lower.addWidget(self._section(self.tr("Order timeline")))
        lower.addWidget(self.timeline, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(scroll)
        split.addWidget(timeline)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        self.note = QLineEdit()
        self.note.setObjectName("anomalyNote")
        self.note.setMaxLength(500)
        self.note.setPlaceholderText(self.tr("Note (required to mark resolved, dismiss or "
                                             "refund in cash)"))
        self.buttons_row = QHBoxLayout()
        self.offline = QLabel()
        self.offline.setObjectName("offlineHint")
        self.offline.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split, 1)
        layout.addWidget(self.note)
        layout.addLayout(self.buttons_row)
        layout.addWidget(self.offline)

    def _section(self, title: str) -> QLabel:
        label = QLabel(title)
        label.setObjectName("sectionTitle")
        return label

    # -- showing --------------------------------------------------------------------------------
    def show_detail(self, detail: AnomalyDetail | None) -> None:
        self.detail = detail
        if detail is not None:
            remember_ticket_names(detail.ticket_names)
        a = detail.anomaly if detail else None
        self.title.setText(self._title(a) if a else self.tr("No anomaly selected"))
        self.reason.setText(a["reason"] if a else "")
        self._fill_evidence(a)
        self._fill_order(a)
        self._fill_devices(a, detail.devices if detail else {})
        self._fill_stock(a)
        tl = detail.timeline if detail else None
        if tl is None:
            note = self.tr("No order: the payment names none.") if a else ""
            self.timeline.show_events([], None, note)
        else:
            self.timeline.show_events(tl.events, tl.verified, tl.note, tl.devices)
        self._fill_buttons(a)

    def _title(self, a: Mapping[str, Any]) -> str:
        parts = [kind_label(a["kind"]), format_fen(int(a.get("amount_fen") or 0))]
        if a.get("status") != "open":
            parts.append(status_label(a["status"]))
        return " · ".join(parts)

    def _fill_evidence(self, a: Mapping[str, Any] | None) -> None:
        while self.evidence.rowCount():
            self.evidence.removeRow(0)
        for label, value in evidence_rows((a or {}).get("evidence") or {}, self._local):
            text = QLabel(value)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.evidence.addRow(label, text)
        if a and a.get("status") != "open":
            by = a.get("resolved_by")
            by = self.tr("the system") if by == "system" else by
            self.evidence.addRow(self.tr("Handled"), QLabel(" · ".join(
                str(x) for x in (by, a.get("resolution"),
                                 local_text(a.get("resolved_at"), self._local)) if x)))

    def _fill_order(self, a: Mapping[str, Any] | None) -> None:
        order = (a or {}).get("order")
        self.order_button.setVisible(order is not None)
        if order is None:
            self.order_line.setText(self.tr("Order: {no}").format(
                no=(a or {}).get("order_no") or "—") if a else "")
            return
        self.order_line.setText(self.tr("Order {no} · {total} · {status}").format(
            no=order["order_no"], total=format_fen(order["total_fen"]),
            status=order_status_label(order.get("display_status") or order["status"])))

    def _fill_devices(self, a: Mapping[str, Any] | None,
                      devices: Mapping[str, Mapping[str, Any]]) -> None:
        lines = []
        for device_id in device_ids((a or {}).get("evidence") or {}):
            d = devices.get(device_id)
            if d is None:
                lines.append(self.tr("{id} (not known to the store, or offline)").format(
                    id=device_id))
                continue
            lines.append(self.tr("{id} · {location} · {status} · last heartbeat {at}").format(
                id=device_id, location=d.get("location") or "—",
                status=device_status_label(d.get("status")),
                at=local_text(d.get("last_heartbeat_at") or d.get("last_seen_at"),
                              self._local) or "—"))
        self.devices.setText("\n".join(lines) or "—")

    def _fill_stock(self, a: Mapping[str, Any] | None) -> None:
        self.stock_model.set_rows([
            (ticket_type_text(i["ticket_type"]), i["visit_date"], str(i["capacity"]), str(i["sold"]),
             str(i["held"]), str(i["oversold"]), str(i["available"]))
            for i in (a or {}).get("inventory") or []])

    # -- fixes ----------------------------------------------------------------------------------
    def _fill_buttons(self, a: Mapping[str, Any] | None) -> None:
        for button in self.fix_buttons.values():
            self.buttons_row.removeWidget(button)
            button.deleteLater()
        self.fix_buttons = {}
        if not a or a.get("status") != "open":
            self._update_enabled()
            return
        for n, fix in enumerate(a.get("fixes") or []):
            text = fix_label(fix) + ("  ⏎" if n == 0 else "")
            button = QPushButton(text)
            button.setObjectName("primary" if n == 0 else f"fix_{fix}")
            button.setProperty("fix", fix)
            button.clicked.connect(lambda _=False, f=fix: self.fix_requested.emit(f))
            self.buttons_row.addWidget(button)
            self.fix_buttons[fix] = button
        self._update_enabled()

    def set_online(self, online: bool, reason: str) -> None:
        self._online, self._offline_reason = online, reason
        self._update_enabled()

    def _update_enabled(self) -> None:
        for fix, button in self.fix_buttons.items():
            button.setEnabled(self._online)
            tip = self._offline_reason if not self._online else (
                self.tr("Needs a note") if fix in NOTE_REQUIRED_FIXES else "")
            button.setToolTip(tip)
        self.offline.setText(self._offline_reason)
        self.offline.setVisible(not self._online)

    def recommended(self) -> str | None:
        return next(iter(self.fix_buttons), None)

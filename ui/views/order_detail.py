"""One order in detail (from the Orders and the Anomalies views): who, when, how much, its
tickets, payments and refunds, its timeline with the hash-chain verdict (red when broken) and
the devices its redemptions name, with their locations.

Personal data stays masked. Supervisor, finance and admin have 显示完整信息: the store answers
with the full phone and ID number and logs who looked (`customer.revealed`); it needs the
store, so it is disabled offline. Esc closes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.lifecycle import TICKET_LABELS_ZH
from app.domain.money import format_fen
from ui import tasks
from ui.anomaly_labels import device_status_label, local_text
from ui.errors import user_message
from ui.message_label import MessageLabel
from ui.models.orders_model import ANOMALY_COLOR, channel_label, status_label
from ui.models.table_model import RowsModel
from ui.store_reads import TimelineResult, load_timeline, store_online
from ui.views.order_actions import OrderActionsBar
from ui.views.page import make_table
from ui.views.timeline_panel import TimelinePanel

REVEAL_ROLES = ("supervisor", "finance", "admin")


def _ticket_state(state: str) -> str:
    if QLocale().language() == QLocale.Language.Chinese:
        return TICKET_LABELS_ZH.get(state, state)
    return state


def named_devices(order: dict[str, Any], events: Sequence[dict[str, Any]]) -> list[str]:
    """Devices that redeemed the order's tickets or scanned them (timeline actors), in order."""
    found = [t["redeemed_by"] for t in order.get("tickets", []) if t.get("redeemed_by")]
    found += [str(e["actor"]).partition(":")[2] for e in events
              if str(e.get("actor", "")).startswith("device:")]
    return list(dict.fromkeys(d for d in found if d))


class OrderDetailDialog(QDialog):
    def __init__(self, order: dict[str, Any], local_text: Callable[[str | None], str],
                 parent: QWidget | None = None, ctx: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderDetail")
        self.order = order
        self.ctx = ctx
        self._local = local_text
        self.timeline_result: TimelineResult | None = None
        self.revealed: dict[str, Any] | None = None
        self.setWindowTitle(self.tr("Order {order_no}").format(order_no=order["order_no"]))
        self.resize(860, 600)
        self.tickets = make_table("detailTickets", self._ticket_model())
        self.payments = make_table("detailPayments", self._payment_model())
        self.refunds = make_table("detailRefunds", self._refund_model())
        self.timeline = TimelinePanel(self._venue_time)
        self.devices_model = RowsModel((self.tr("Device"), self.tr("Location"),
                                        self.tr("Status"), self.tr("Last heartbeat")), [], self)
        self.devices = make_table("detailDevices", self.devices_model)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("detailTabs")
        for widget, title in ((self.tickets, self.tr("Tickets")),
                              (self.payments, self.tr("Payments")),
                              (self.refunds, self.tr("Refunds")),
                              (self.timeline, self.tr("Timeline")),
                              (self.devices, self.tr("Devices"))):
            self.tabs.addTab(widget, title)
        self.message = MessageLabel()
        self.actions_bar = OrderActionsBar(ctx, order, self)
        self.actions_bar.message.connect(self.message.show_message)
        self.actions_bar.order_changed.connect(self.order_changed)
        self.actions_bar.leaving.connect(self.close)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self._summary())
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        bottom = QHBoxLayout()
        bottom.addWidget(self.actions_bar, 1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self.tickets.setFocus()
        self.load_timeline()

    def _venue_time(self, at: datetime) -> datetime:
        return self.ctx.venue().local(at) if self.ctx is not None else at

    # -- summary --------------------------------------------------------------------------------
    def _summary(self) -> QFormLayout:
        o, form = self.order, QFormLayout()
        self.status_label = status = QLabel()
        status.setObjectName("detailStatus")
        self._show_status()
        window = " · ".join(x for x in (o.get("terminal"), o.get("clerk")) if x)
        form.addRow(self.tr("Order no."), QLabel(o["order_no"]))
        form.addRow(self.tr("Channel"), QLabel(channel_label(o["channel"])))
        form.addRow(self.tr("Status"), status)
        form.addRow(self.tr("Visit date"), QLabel(o["visit_date"]))
        form.addRow(self.tr("Ordered at"), QLabel(self._local(o.get("created_at"))))
        if window:
            form.addRow(self.tr("Window · clerk"), QLabel(window))
        form.addRow(self.tr("Customer"), self._customer_row())
        money = self.tr("total {total} · paid {paid} · refunded {refunded}").format(
            total=format_fen(o["total_fen"]), paid=format_fen(o["paid_fen"]),
            refunded=format_fen(o["refunded_fen"]))
        form.addRow(self.tr("Amount"), QLabel(money))
        return form

    def _show_status(self) -> None:
        o = self.order
        self.status_label.setText(status_label(o.get("display_status") or o["status"]))
        self.status_label.setStyleSheet(f"color: {ANOMALY_COLOR}; font-weight: bold;"
                                        if o.get("display_status") == "anomaly" else "")

    def order_changed(self, order: dict[str, Any]) -> None:
        """An action changed the order: its status, its tickets, the actions, the timeline."""
        self.order = order
        self._show_status()
        self.tickets.setModel(self._ticket_model())
        self.actions_bar.set_order(order)
        self.load_timeline()

    def _customer_row(self) -> QWidget:
        c = self.order.get("customer") or {}
        who = " · ".join(x for x in (c.get("name"), c.get("phone_masked"), c.get("id_masked"))
                         if x)
        self.customer = QLabel(who or "—")
        self.customer.setObjectName("detailCustomer")
        self.customer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reveal_button = QPushButton(self.tr("Show full details"))
        self.reveal_button.setObjectName("revealCustomer")
        self.reveal_button.clicked.connect(self.reveal)
        role = getattr(getattr(self.ctx, "user", None), "role", None)
        self.reveal_button.setVisible(role in REVEAL_ROLES and bool(c.get("phone_masked")
                                                                   or c.get("id_masked")))
        online = self.ctx is not None and store_online(self.ctx)
        self.reveal_button.setEnabled(online)
        if not online:
            self.reveal_button.setToolTip(self.tr("Needs the central store (offline now)"))
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.customer, 1)
        line.addWidget(self.reveal_button)
        return row

    def reveal(self) -> None:
        """Ask the store for the unmasked customer data (it logs the look)."""
        if self.ctx is None or not store_online(self.ctx):
            return
        self.reveal_button.setEnabled(False)
        (tasks.run(self.ctx.store.get_order, self.order["order_no"], reveal=True, owner=self)
            .on_success(self._revealed)
            .on_failure(self._reveal_failed))

    def _revealed(self, order: dict[str, Any]) -> None:
        c = order.get("customer") or {}
        self.revealed = c
        self.customer.setText(" · ".join(x for x in (c.get("name"), c.get("phone"),
                                                     c.get("id_no")) if x) or "—")
        self.reveal_button.hide()
        self.message.show_message(self.tr("Full details shown; the look is logged in the "
                                          "order's timeline."), "success")
        self.load_timeline()

    def _reveal_failed(self, exc: BaseException) -> None:
        self.reveal_button.setEnabled(True)
        self.message.show_message(user_message(exc), "error")

    # -- tickets, payments, refunds -------------------------------------------------------------
    def _ticket_model(self) -> RowsModel:
        rows = [(t["code"], t.get("name") or t["ticket_type"], format_fen(t["price_fen"]),
                 _ticket_state(t["status"]), self._local(t.get("redeemed_at")),
                 t.get("redeemed_by") or "")
                for t in self.order.get("tickets", [])]
        return RowsModel((self.tr("Ticket code"), self.tr("Ticket"), self.tr("Price"),
                          self.tr("Status"), self.tr("Redeemed at"), self.tr("Redeemed by")),
                         rows, self)

    def _payment_model(self) -> RowsModel:
        rows = [(p["payment_no"], self.method_label(p["method"]), format_fen(p["amount_fen"]),
                 self.payment_status(p["status"]), self._local(p.get("at")),
                 p.get("provider_txn_id") or "")
                for p in self.order.get("payments", [])]
        return RowsModel((self.tr("Payment no."), self.tr("Method"), self.tr("Amount"),
                          self.tr("Status"), self.tr("Time"), self.tr("Transaction no.")),
                         rows, self)

    def _refund_model(self) -> RowsModel:
        rows = [(r["refund_no"], self.method_label(r["method"]), format_fen(r["amount_fen"]),
                 format_fen(r.get("fee_fen", 0) + r.get("payment_fee_fen", 0)),
                 self.refund_status(r["status"]), self._local(r.get("created_at")),
                 r.get("reason") or "")
                for r in self.order.get("refunds", [])]
        return RowsModel((self.tr("Refund no."), self.tr("Method"), self.tr("Refund"),
                          self.tr("Fees"), self.tr("Status"), self.tr("Time"),
                          self.tr("Reason")), rows, self)

    def method_label(self, method: str) -> str:
        return {"cash": self.tr("Cash"), "wechat": self.tr("WeChat Pay"),
                "alipay": self.tr("Alipay"), "ota": self.tr("OTA"),
                "voucher": self.tr("Voucher")}.get(method, method)

    def payment_status(self, status: str) -> str:
        return {"started": self.tr("Started"), "succeeded": self.tr("Succeeded"),
                "failed": self.tr("Failed"), "refunded": self.tr("Refunded")}.get(status, status)

    def refund_status(self, status: str) -> str:
        return {"awaiting_approval": self.tr("Awaiting approval"),
                "succeeded": self.tr("Succeeded"), "processing": self.tr("Processing"),
                "submitted": self.tr("Submitted"), "failed": self.tr("Failed")}.get(
            status, status)

    # -- timeline and devices -------------------------------------------------------------------
    def load_timeline(self) -> None:
        if self.ctx is None:
            return
        (tasks.run(load_timeline, self.ctx, self.order["order_no"], store_online(self.ctx),
                   owner=self)
            .on_success(self._show_timeline)
            .on_failure(lambda exc: self.message.show_message(user_message(exc), "error")))

    def _show_timeline(self, result: TimelineResult) -> None:
        self.timeline_result = result
        self.timeline.show_events(result.events, result.verified, result.note, result.devices)
        if result.verified is False:
            self.tabs.setTabText(3, self.tr("Timeline ✗"))
        rows = []
        for device_id in named_devices(self.order, result.events):
            d = result.devices.get(device_id) or {}
            rows.append((device_id, d.get("location") or "—",
                         device_status_label(d.get("status")) if d else "—",
                         local_text(d.get("last_heartbeat_at"), self._venue_time)))
        self.devices_model.set_rows(rows)

    def row_texts(self, table: QTableView) -> list[list[str]]:
        m = table.model()
        return [[m.index(r, c).data() for c in range(m.columnCount())]
                for r in range(m.rowCount())]

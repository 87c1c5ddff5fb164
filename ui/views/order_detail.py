"""One order in detail (opened from the Orders view): who, when, how much, its tickets and its
payments. Personal data stays masked (as the search returned it). Esc closes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.lifecycle import TICKET_LABELS_ZH
from app.domain.money import format_fen
from ui.models.orders_model import ANOMALY_COLOR, channel_label, status_label

Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    """A few read-only rows of text (an order's tickets or payments)."""

    def __init__(self, headers: Sequence[str], rows: Sequence[Sequence[str]],
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._headers, self._rows = list(headers), [list(r) for r in rows]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        return None


def _ticket_state(state: str) -> str:
    if QLocale().language() == QLocale.Language.Chinese:
        return TICKET_LABELS_ZH.get(state, state)
    return state


class OrderDetailDialog(QDialog):
    def __init__(self, order: dict[str, Any], local_text: Callable[[str | None], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderDetail")
        self.order = order
        self._local = local_text
        self.setWindowTitle(self.tr("Order {order_no}").format(order_no=order["order_no"]))
        self.resize(760, 520)
        self.tickets = self._table("detailTickets", self._ticket_model())
        self.payments = self._table("detailPayments", self._payment_model())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self._summary())
        layout.addWidget(QLabel(self.tr("Tickets")))
        layout.addWidget(self.tickets, 3)
        layout.addWidget(QLabel(self.tr("Payments")))
        layout.addWidget(self.payments, 1)
        layout.addWidget(buttons)
        self.tickets.setFocus()

    def _summary(self) -> QFormLayout:
        o, form = self.order, QFormLayout()
        status = QLabel(status_label(o.get("display_status") or o["status"]))
        status.setObjectName("detailStatus")
        if o.get("display_status") == "anomaly":
            status.setStyleSheet(f"color: {ANOMALY_COLOR}; font-weight: bold;")
        c = o.get("customer") or {}
        who = " · ".join(x for x in (c.get("name"), c.get("phone_masked"), c.get("id_masked"))
                         if x)
        window = " · ".join(x for x in (o.get("terminal"), o.get("clerk")) if x)
        form.addRow(self.tr("Order no."), QLabel(o["order_no"]))
        form.addRow(self.tr("Channel"), QLabel(channel_label(o["channel"])))
        form.addRow(self.tr("Status"), status)
        form.addRow(self.tr("Visit date"), QLabel(o["visit_date"]))
        form.addRow(self.tr("Ordered at"), QLabel(self._local(o.get("created_at"))))
        if window:
            form.addRow(self.tr("Window · clerk"), QLabel(window))
        form.addRow(self.tr("Customer"), QLabel(who or "—"))
        money = self.tr("total {total} · paid {paid} · refunded {refunded}").format(
            total=format_fen(o["total_fen"]), paid=format_fen(o["paid_fen"]),
            refunded=format_fen(o["refunded_fen"]))
        form.addRow(self.tr("Amount"), QLabel(money))
        return form

    def _ticket_model(self) -> RowsModel:
        rows = [(t["code"], t.get("name") or t["ticket_type"], format_fen(t["price_fen"]),
                 _ticket_state(t["status"]), self._local(t.get("redeemed_at")))
                for t in self.order.get("tickets", [])]
        return RowsModel((self.tr("Ticket code"), self.tr("Ticket"), self.tr("Price"),
                          self.tr("Status"), self.tr("Redeemed at")), rows, self)

    def _payment_model(self) -> RowsModel:
        rows = [(p["payment_no"], self.method_label(p["method"]), format_fen(p["amount_fen"]),
                 self.payment_status(p["status"]), self._local(p.get("at")))
                for p in self.order.get("payments", [])]
        return RowsModel((self.tr("Payment no."), self.tr("Method"), self.tr("Amount"),
                          self.tr("Status"), self.tr("Time")), rows, self)

    def method_label(self, method: str) -> str:
        return {"cash": self.tr("Cash"), "wechat": self.tr("WeChat Pay"),
                "alipay": self.tr("Alipay"), "ota": self.tr("OTA"),
                "voucher": self.tr("Voucher")}.get(method, method)

    def payment_status(self, status: str) -> str:
        return {"started": self.tr("Started"), "succeeded": self.tr("Succeeded"),
                "failed": self.tr("Failed"), "refunded": self.tr("Refunded")}.get(status, status)

    def _table(self, name: str, model: RowsModel) -> QTableView:
        table = QTableView()
        table.setObjectName(name)
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        return table

    def row_texts(self, table: QTableView) -> list[list[str]]:
        m = table.model()
        return [[m.index(r, c).data() for c in range(m.columnCount())]
                for r in range(m.rowCount())]

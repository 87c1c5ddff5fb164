"""The 日结对账 screen's dialogs: a channel's orders of the day (double-click or Enter opens
one in the order detail), a shift's Z report as the store keeps it (重打 prints it again),
and the close confirmation with the totals and the discrepancies still open. Esc closes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_fen
from ui.admin_labels import method_label
from ui.models.orders_model import channel_label, status_label
from ui.models.table_model import RIGHT, ROW_ROLE, Column, TableModel
from ui.variance_text import signed_fen, variance_text
from ui.views.page import make_table

translate = QCoreApplication.translate


class ChannelOrdersModel(TableModel):
    def __init__(self, local: Callable[[str | None], str], parent: Any = None) -> None:
        self.local = local
        super().__init__(parent)

    def columns(self) -> list[Column]:
        return [Column(self.tr("Order"), lambda r: r["order_no"]),
                Column(self.tr("Status"), lambda r: status_label(r["status"])),
                Column(self.tr("Amount"), lambda r: format_fen(int(r["total_fen"])),
                       align=RIGHT),
                Column(self.tr("Created"), lambda r: self.local(r.get("created_at")))]


class ChannelOrdersDialog(QDialog):
    """The orders of one channel created on the day; `order_chosen(order)` on Enter or a
    double-click."""

    order_chosen = Signal(object)

    def __init__(self, channel: str, day: str, orders: list[dict[str, Any]],
                 local: Callable[[str | None], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("channelOrders")
        self.setWindowTitle(self.tr("{channel} orders of {day}").format(
            channel=channel_label(channel), day=day))
        self.resize(720, 480)
        self.model = ChannelOrdersModel(local, self)
        self.model.set_rows(orders)
        self.table = make_table("channelOrdersTable", self.model)
        self.table.activated.connect(self._chosen)
        self.table.doubleClicked.connect(self._chosen)
        count = QLabel(self.tr("{n} orders · Enter or double-click opens one").format(
            n=len(orders)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(count)
        box.addWidget(self.table, 1)
        box.addWidget(buttons)
        if orders:
            self.table.selectRow(0)
        self.table.setFocus()

    def _chosen(self, index: Any) -> None:
        order = self.model.data(index, ROW_ROLE)
        if order is not None:
            self.order_chosen.emit(order)


class ZReportDialog(QDialog):
    """One shift's Z report (the store's copy); 重打 asks for `reprint_requested`."""

    reprint_requested = Signal()

    def __init__(self, shift: dict[str, Any], local: Callable[[str | None], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("zReport")
        z = shift.get("z_report") or {}
        self.setWindowTitle(self.tr("Z report · window {t} · {clerk}").format(
            t=shift["terminal"], clerk=shift["clerk"]))
        form = QFormLayout()
        rows = [(self.tr("Opened"), local(shift["opened_at"])),
                (self.tr("Closed"), local(shift.get("closed_at")) or self.tr("Open")),
                (self.tr("Float"), format_fen(int(shift["float_fen"]))),
                (self.tr("Cash sales"), format_fen(int(shift["cash_sales_fen"]))),
                (self.tr("Cash refunds"), signed_fen(-int(shift["cash_refunds_fen"]))),
                (self.tr("Cash in"), format_fen(int(shift["cash_in_fen"]))),
                (self.tr("Cash out"), format_fen(int(shift["cash_out_fen"]))),
                (self.tr("Expected"), format_fen(int(shift["expected_fen"])))]
        rows += [(f"{method_label(s['method'])} ×{s['count']}", format_fen(int(s["amount_fen"])))
                 for s in z.get("noncash_sales", [])]
        if shift.get("counted_fen") is not None:
            rows += [(self.tr("Counted"), format_fen(int(shift["counted_fen"]))),
                     (self.tr("Variance"), variance_text(int(shift["variance_fen"])))]
        if z.get("closed_by") and z.get("closed_by") != shift["clerk"]:
            rows.append((self.tr("Taken over by"), f"{z['closed_by']}：{z.get('close_reason')}"))
        for label, value in rows:
            text = QLabel(value)
            if label == self.tr("Variance") and shift.get("variance_fen"):
                text.setStyleSheet("color: #c62828; font-weight: bold;")
            form.addRow(label, text)
        self.note = QLabel("" if z else self.tr("The store keeps no Z report of this shift "
                                                "(still open): nothing to reprint."))
        self.note.setWordWrap(True)
        self.reprint_button = QPushButton(self.tr("&Reprint Z report (marked 重打)"))
        self.reprint_button.setObjectName("reprintZ")
        self.reprint_button.setEnabled(bool(z))
        self.reprint_button.clicked.connect(self.reprint_requested.emit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.reprint_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(self.note)
        box.addWidget(buttons)


def close_confirmation(parent: QWidget, day: str, totals: dict[str, Any],
                       open_items: int) -> QMessageBox:
    """关账 asked once more: the day's totals and how many discrepancies are still open."""
    fen = format_fen
    lines = [
        translate("DayCloseConfirm", "Close {day}? The figures are kept as they are now; "
                                     "anything later is listed as a late entry.").format(day=day),
        "",
        translate("DayCloseConfirm", "Paid: {v}").format(v=fen(totals["paid_fen"])),
        translate("DayCloseConfirm", "Refunded: {v}").format(v=fen(totals["refunded_fen"])),
        translate("DayCloseConfirm", "Net: {v}").format(v=fen(totals["net_fen"])),
        translate("DayCloseConfirm", "Cash expected / counted: {e} / {c}").format(
            e=fen(totals["cash_expected_fen"]), c=fen(totals["cash_counted_fen"])),
        translate("DayCloseConfirm", "Variance: {v}").format(
            v=variance_text(totals["variance_fen"])),
        "",
        translate("DayCloseConfirm", "{n} discrepancies are still open.").format(n=open_items)
        if open_items else translate("DayCloseConfirm", "No discrepancy is open.")]
    title = translate("DayCloseConfirm", "Close the day")
    box = QMessageBox(QMessageBox.Icon.Question, title, "\n".join(lines),
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                      parent)
    box.setObjectName("closeDayConfirm")
    box.button(QMessageBox.StandardButton.Yes).setText(title)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    return box

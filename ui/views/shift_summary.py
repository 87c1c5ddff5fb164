"""What the open shift's drawer should hold, line by line (交接班 → 本班): the float, cash
sales, cash refunds and approved payouts, cash in and out, the expected cash now, and the
non-cash takings beside it. Signs: money in +, money out -."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from app.domain.money import format_fen
from ui.models.cash_movements_model import PAYOUT, REFUND
from ui.variance_text import signed_fen


class ShiftSummary(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.who_label, self.float_label, self.sales_label = QLabel(), QLabel(), QLabel()
        self.noncash_label, self.refunds_label, self.payouts_label = QLabel(), QLabel(), QLabel()
        self.cash_in_label, self.cash_out_label = QLabel(), QLabel()
        self.expected_label = QLabel()
        self.expected_label.setObjectName("total")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        for title, label in ((self.tr("Shift"), self.who_label),
                             (self.tr("Float"), self.float_label),
                             (self.tr("Cash sales"), self.sales_label),
                             (self.tr("Cash refunds"), self.refunds_label),
                             (self.tr("Approved payouts"), self.payouts_label),
                             (self.tr("Cash in"), self.cash_in_label),
                             (self.tr("Cash out"), self.cash_out_label),
                             (self.tr("Expected cash now"), self.expected_label),
                             (self.tr("Non-cash sales"), self.noncash_label)):
            form.addRow(title, label)

    def show_shift(self, info: Any, t: Any, expected_fen: int,
                   local: Callable[[datetime], str]) -> None:
        """`info`: shifts.ShiftInfo; `t`: shift_tally.Tally; `local`: a time as the venue's."""
        self.who_label.setText(self.tr("{clerk} · terminal {terminal} · since {at}").format(
            clerk=info.clerk, terminal=info.terminal, at=local(info.opened_at)))
        self.float_label.setText(format_fen(info.float_fen))
        self.sales_label.setText(self.tr("{n} sales, {amount}").format(
            n=t.cash_sales_count, amount=format_fen(t.cash_sales_fen)))
        for label, kind in ((self.refunds_label, REFUND), (self.payouts_label, PAYOUT)):
            n, fen = t.refunds_of(kind)
            label.setText(self.tr("{n}, {amount}").format(n=n, amount=signed_fen(-fen)))
        self.cash_in_label.setText(signed_fen(t.cash_in_fen))
        self.cash_out_label.setText(signed_fen(-t.cash_out_fen))
        self.expected_label.setText(format_fen(expected_fen))
        self.noncash_label.setText("；".join(
            self.tr("{method} {n}, {amount}").format(
                method=self.method_label(s["method"]), n=s["count"],
                amount=format_fen(s["amount_fen"]))
            for s in t.noncash_sales) or "—")

    def method_label(self, method: str) -> str:
        return {"wechat": self.tr("WeChat Pay"), "alipay": self.tr("Alipay"),
                "ota": self.tr("OTA"), "voucher": self.tr("Voucher")}.get(method, method)

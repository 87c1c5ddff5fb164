"""The day's totals in big figures: 收款, 退款, 净额, 应有现金, 实点现金, 差额 (red when ≠ 0)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QWidget

from app.domain.money import format_fen
from ui.variance_text import variance_text
from ui.views.dashboard.figures import Figure


class TotalsStrip(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dayTotals")
        self.paid = Figure("dayPaid", self.tr("Paid"))
        self.refunded = Figure("dayRefunded", self.tr("Refunded"))
        self.net = Figure("dayNet", self.tr("Net"))
        self.expected = Figure("dayCashExpected", self.tr("Cash expected"))
        self.counted = Figure("dayCashCounted", self.tr("Cash counted"))
        self.variance = Figure("dayVariance", self.tr("Variance"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for fig in self.figures():
            layout.addWidget(fig, 1)

    def figures(self) -> tuple[Figure, ...]:
        return (self.paid, self.refunded, self.net, self.expected, self.counted,
                self.variance)

    def show_totals(self, t: dict[str, Any]) -> None:
        self.paid.set(format_fen(t["paid_fen"]))
        self.refunded.set(format_fen(t["refunded_fen"]))
        self.net.set(format_fen(t["net_fen"]))
        self.expected.set(format_fen(t["cash_expected_fen"]))
        self.counted.set(format_fen(t["cash_counted_fen"]),
                         self.tr("closed shifts only"))
        self.variance.set(variance_text(int(t["variance_fen"])),
                          alert=int(t["variance_fen"]) != 0)

"""The Z report of a closed shift on screen (交接班 → 已交班): the stored document read through
`ShiftReportDoc`, so a field is never looked up under a wrong key (备用金 is `float_fen`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from app.domain.money import format_fen
from app.domain.print_docs import ShiftReportDoc
from ui.variance_text import signed_fen, variance_text

KEYS = ("clerk", "opened", "closed", "float", "sales", "refunds", "in", "out", "expected",
        "counted", "variance", "closed_by", "reason")


class ShiftReportForm(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        titles = {"clerk": self.tr("Clerk"), "opened": self.tr("Opened"),
                  "closed": self.tr("Closed"), "float": self.tr("Float"),
                  "sales": self.tr("Cash sales"), "refunds": self.tr("Cash refunds and payouts"),
                  "in": self.tr("Cash in"), "out": self.tr("Cash out"),
                  "expected": self.tr("Expected"), "counted": self.tr("Counted"),
                  "variance": self.tr("Variance"), "closed_by": self.tr("Taken over by"),
                  "reason": self.tr("Reason")}
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.labels: dict[str, QLabel] = {}
        for key in KEYS:
            self.labels[key] = QLabel()
            self.form.addRow(titles[key], self.labels[key])
        self.labels["variance"].setObjectName("variance")

    def show_report(self, report: dict[str, Any]) -> ShiftReportDoc:
        doc = ShiftReportDoc.from_dict(dict(report))
        for key, text in (
                ("clerk", doc.clerk), ("opened", doc.opened_at), ("closed", doc.closed_at),
                ("float", format_fen(doc.float_fen)),
                ("sales", self.tr("{n} sales, {amount}").format(
                    n=doc.cash_sales_count, amount=format_fen(doc.cash_sales_fen))),
                ("refunds", self.tr("{n}, {amount}").format(
                    n=doc.refunds_count, amount=signed_fen(-doc.refunds_fen))),
                ("in", signed_fen(doc.cash_in_fen)), ("out", signed_fen(-doc.cash_out_fen)),
                ("expected", format_fen(doc.expected_fen)),
                ("counted", format_fen(doc.counted_fen)),
                ("variance", variance_text(doc.variance_fen)),
                ("closed_by", doc.closed_by), ("reason", doc.close_reason)):
            self.labels[key].setText(str(text))
        taken_over = bool(doc.closed_by) and doc.closed_by != doc.clerk
        for key in ("closed_by", "reason"):
            self.form.setRowVisible(self.labels[key], taken_over)
        variance = self.labels["variance"]
        variance.setProperty("kind", "error" if doc.variance_fen else "success")
        variance.style().unpolish(variance)
        variance.style().polish(variance)
        return doc

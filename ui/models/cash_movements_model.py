"""What went in and out of the drawer during the open shift besides sales (交接班 screen): cash
put in or taken out with its reason, cash refunds settled here, approved refunds paid out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtGui import QColor

from app.domain.money import format_fen
from ui.models.table_model import RIGHT, Column, TableModel

IN, OUT, REFUND, PAYOUT = "in", "out", "refund", "payout"
_OUT_COLOUR = QColor("#b71c1c")


def drawer_lines(tally: Any) -> list[dict]:
    """The tally's movements and refund lines as rows {kind, amount_fen, at, reason |
    order_no + refund_no}, oldest first; the drawer gains on `in` only."""
    rows = [dict(m) for m in tally.movements] + [dict(r) for r in tally.refunds]
    return sorted(rows, key=lambda r: datetime.fromisoformat(r["at"]))


class CashMovementsModel(TableModel):
    """Rows of `drawer_lines` (a shift has few)."""

    def columns(self) -> list[Column]:
        return [Column(self.tr("Time"), lambda r: r["time"]),
                Column(self.tr("Kind"), self.kind_text),
                Column(self.tr("Amount"), self.amount_text, align=RIGHT,
                       foreground=lambda r: None if r["kind"] == IN else _OUT_COLOUR),
                Column(self.tr("Details"), self.detail_text)]

    def kind_text(self, row: dict) -> str:
        return {IN: self.tr("Cash in"), OUT: self.tr("Cash out"),
                REFUND: self.tr("Cash refund"),
                PAYOUT: self.tr("Approved payout")}.get(row["kind"], row["kind"])

    def detail_text(self, row: dict) -> str:
        if row["kind"] in (REFUND, PAYOUT):
            return self.tr("Order {order} · refund {refund}").format(
                order=row["order_no"], refund=row["refund_no"])
        return row["reason"]

    @staticmethod
    def amount_text(row: dict) -> str:
        return ("+" if row["kind"] == IN else "-") + format_fen(row["amount_fen"])

    def set_lines(self, tally: Any, local_time: Any) -> None:
        self.set_rows([dict(r, time=local_time(r["at"])) for r in drawer_lines(tally)])

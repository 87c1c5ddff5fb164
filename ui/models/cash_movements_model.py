"""The cash put into or taken out of the drawer during the open shift (交接班 screen)."""

from __future__ import annotations

from typing import Any

from app.domain.money import format_fen
from ui.models.table_model import RIGHT, Column, TableModel


class CashMovementsModel(TableModel):
    """Rows are the tally's movement dicts: {kind, amount_fen, reason, at} (a shift has few)."""

    def columns(self) -> list[Column]:
        return [Column(self.tr("Time"), lambda r: r["time"]),
                Column(self.tr("Kind"), self.kind_text),
                Column(self.tr("Amount"), self.amount_text, align=RIGHT),
                Column(self.tr("Reason"), lambda r: r["reason"])]

    def kind_text(self, row: dict) -> str:
        return self.tr("Cash in") if row["kind"] == "in" else self.tr("Cash out")

    @staticmethod
    def amount_text(row: dict) -> str:
        return ("+" if row["kind"] == "in" else "-") + format_fen(row["amount_fen"])

    def set_movements(self, rows: list[dict], local_time: Any) -> None:
        self.set_rows([dict(r, time=local_time(r["at"])) for r in rows])

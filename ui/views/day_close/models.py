"""The tables of the 日结对账 screen, over the store's day-close JSON: shifts (one row per
shift, its window beside it), money by payment method and by channel, the discrepancies and
the late entries. A shortfall, a variance ≠ 0 and a refund read red."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtGui import QColor, QFont

from app.domain.money import format_fen
from ui.admin_labels import method_label
from ui.models.orders_model import channel_label
from ui.models.table_model import RIGHT, Column, TableModel
from ui.variance_text import signed_fen
from ui.views.day_close.kinds import kind, late_kind

RED = QColor("#c62828")


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font
Local = Callable[[str | None], str]


def _red_if(test: Callable[[Any], bool]) -> Callable[[Any], Any]:
    return lambda row: RED if test(row) else None


def _money(key: str) -> Callable[[Any], str]:
    return lambda row: format_fen(int(row[key]))


class ShiftsModel(TableModel):
    """Rows: the shifts of `windows`, each with its `terminal`."""

    def __init__(self, local: Local, parent: Any = None) -> None:
        self.local = local
        super().__init__(parent)

    def columns(self) -> list[Column]:
        def variance(row: Any) -> str:
            v = row.get("variance_fen")
            return "—" if v is None else signed_fen(int(v))

        def counted(row: Any) -> str:
            c = row.get("counted_fen")
            return self.tr("Not counted") if c is None else format_fen(int(c))

        def moved(row: Any) -> str:
            return signed_fen(int(row["cash_in_fen"]) - int(row["cash_out_fen"]))

        def closed(row: Any) -> str:
            return self.local(row["closed_at"]) if row.get("closed_at") else self.tr("Open")

        red_variance = _red_if(lambda r: bool(r.get("variance_fen")))
        return [
            Column(self.tr("Window"), lambda r: r["terminal"]),
            Column(self.tr("Clerk"), lambda r: r["clerk"]),
            Column(self.tr("Opened"), lambda r: self.local(r["opened_at"])),
            Column(self.tr("Closed"), closed,
                   foreground=_red_if(lambda r: not r.get("closed_at"))),
            Column(self.tr("Float"), _money("float_fen"), align=RIGHT),
            Column(self.tr("Cash sales"), _money("cash_sales_fen"), align=RIGHT),
            Column(self.tr("Cash refunds"), _money("cash_refunds_fen"), align=RIGHT),
            Column(self.tr("In / out"), moved, align=RIGHT),
            Column(self.tr("Expected"), _money("expected_fen"), align=RIGHT),
            Column(self.tr("Counted"), counted, align=RIGHT),
            Column(self.tr("Variance"), variance, align=RIGHT, foreground=red_variance,
                   font=lambda r: _bold() if r.get("variance_fen") else None),
        ]

    def set_windows(self, windows: list[dict[str, Any]]) -> None:
        self.set_rows([{"terminal": w["terminal"], **s} for w in windows for s in w["shifts"]])


class MoneyModel(TableModel):
    """Money by `key` ("method" or "channel"): paid, refunded, net (channels: orders too)."""

    def __init__(self, key: str, parent: Any = None) -> None:
        self.key = key
        super().__init__(parent)

    def columns(self) -> list[Column]:
        name = method_label if self.key == "method" else channel_label
        head = self.tr("Payment method") if self.key == "method" else self.tr("Channel")
        cols = [Column(head, lambda r: name(r[self.key]))]
        if self.key == "channel":
            cols.append(Column(self.tr("Orders"), lambda r: str(r["orders"]), align=RIGHT))
        return cols + [
            Column(self.tr("Paid"), _money("paid_fen"), align=RIGHT),
            Column(self.tr("Refunded"), _money("refunded_fen"), align=RIGHT,
                   foreground=_red_if(lambda r: r["refunded_fen"] > 0)),
            Column(self.tr("Net"), _money("net_fen"), align=RIGHT),
        ]


class DiscrepanciesModel(TableModel):
    def columns(self) -> list[Column]:
        return [
            Column(self.tr("Kind"), lambda r: kind(r["kind"]).label),
            Column(self.tr("Order"), lambda r: r.get("order_no") or r.get("terminal") and
                   self.tr("Window {t}").format(t=r["terminal"]) or "—"),
            Column(self.tr("Amount"), lambda r: format_fen(int(r["amount_fen"])), align=RIGHT),
            Column(self.tr("What to do"), lambda r: kind(r["kind"]).action_label),
            Column(self.tr("Reason"), lambda r: r["reason"], tooltip=lambda r: r["reason"]),
        ]


class LateEntriesModel(TableModel):
    def __init__(self, local: Local, parent: Any = None) -> None:
        self.local = local
        super().__init__(parent)

    def columns(self) -> list[Column]:
        return [
            Column(self.tr("Kind"), lambda r: late_kind(r["kind"])),
            Column(self.tr("Order"), lambda r: r.get("order_no") or "—"),
            Column(self.tr("Window"), lambda r: r.get("terminal") or "—"),
            Column(self.tr("At"), lambda r: self.local(r.get("at"))),
            Column(self.tr("Amount"), lambda r: signed_fen(int(r["amount_fen"])), align=RIGHT,
                   foreground=_red_if(lambda r: r["amount_fen"] < 0)),
            Column(self.tr("Reason"), lambda r: r["reason"], tooltip=lambda r: r["reason"]),
        ]


def local_minutes(venue: Any) -> Local:
    """ISO time → venue-local `MM-DD HH:MM` ("" for none)."""
    def text(iso: str | None) -> str:
        return venue.local(datetime.fromisoformat(iso)).strftime("%m-%d %H:%M") if iso else ""
    return text

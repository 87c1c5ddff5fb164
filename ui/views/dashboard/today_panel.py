"""今日看板: the day's big numbers (revenue, valid orders, entries against capacity, refunds),
what needs someone now in red (anomalies open, approvals waiting, devices offline), and the
charts: revenue by channel, orders by hour against yesterday and the same weekday last week,
the status mix of the day's orders."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from app.domain.money import format_fen
from ui.models.orders_model import channel_label, status_label
from ui.views.dashboard.charts import BarChart, HourChart
from ui.views.dashboard.figures import Figure
from ui.views.dashboard.loads import Snapshot


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


class TodayPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashToday")
        self.revenue = Figure("revenueValue", self.tr("Revenue today"))
        self.orders = Figure("ordersValue", self.tr("Valid orders"))
        self.entries = Figure("entriesValue", self.tr("Entries / capacity"))
        self.refunds = Figure("refundsValue", self.tr("Refunded today"))
        self.anomalies = Figure("anomaliesValue", self.tr("Anomalies open"))
        self.approvals = Figure("approvalsValue", self.tr("Refunds awaiting approval"))
        self.devices = Figure("devicesValue", self.tr("Devices offline"))
        self.by_channel = BarChart("channelChart", self.tr("Revenue by channel (yuan)"))
        self.by_hour = HourChart("hourChart", self.tr("Orders by hour"))
        self.status_mix = BarChart("statusChart", self.tr("Status of today's orders"))
        figures = QGridLayout()
        figures.setSpacing(10)
        for n, fig in enumerate((self.revenue, self.orders, self.entries, self.refunds)):
            figures.addWidget(fig, 0, n)
        for n, fig in enumerate((self.anomalies, self.approvals, self.devices)):
            figures.addWidget(fig, 1, n)
        charts = QHBoxLayout()
        charts.addWidget(self.by_channel, 1)
        charts.addWidget(self.status_mix, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(figures)
        layout.addWidget(self.by_hour, 1)
        layout.addLayout(charts, 1)

    def show_snapshot(self, snap: Snapshot) -> None:
        d = snap.day
        self.revenue.set(format_fen(d["revenue_fen"]))
        self.orders.set(f"{d['orders']:,}", self.tr("{n} tickets").format(n=d["tickets"]))
        self.entries.set(f"{d['entries']:,} / {d['capacity']:,}",
                         self.tr("{p} of capacity").format(p=percent(d["entries"],
                                                                     d["capacity"])))
        self.refunds.set(format_fen(d["refunds_fen"]))
        for fig, n in ((self.anomalies, d["anomalies_open"]),
                       (self.approvals, d["approvals_waiting"]),
                       (self.devices, d["devices_offline"])):
            fig.set(f"{n:,}", alert=n > 0)
        self.by_channel.show_bars([(channel_label(c["channel"]), c["revenue_fen"] / 100)
                                   for c in d["by_channel"]])
        self.by_hour.show_hours(
            (self.tr("Today"), _orders_by_hour(d)),
            [(self.tr("Yesterday"), _orders_by_hour(snap.yesterday)),
             (self.tr("Same day last week"), _orders_by_hour(snap.last_week))])
        mix = sorted(d["status_mix"].items(), key=lambda kv: (kv[0] != "anomaly", -kv[1]))
        self.status_mix.show_bars([(status_label(s), n) for s, n in mix])


def _orders_by_hour(report: dict[str, Any]) -> list[float]:
    hours = {h["hour"]: h["orders"] for h in report.get("by_hour", [])}
    return [hours.get(h, 0) for h in range(24)]

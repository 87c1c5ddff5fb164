"""The KPI strip: a period picker (今日 / 本周 / 本月 / 自定义 with two dates, Alt+P reaches it)
and the period's valid orders per day, revenue, average order value, refund and repeat rates.
`period_changed` fires when the chosen period changes."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from app.domain.money import format_fen
from ui.views.dashboard.figures import Figure
from ui.views.dashboard.periods import CHOICES, CUSTOM, period_of


def rate(bp: int) -> str:
    return f"{bp / 100:.2f}%"


class KpiStrip(QWidget):
    period_changed = Signal()

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiStrip")
        self.today = today
        self.period = QComboBox()
        self.period.setObjectName("periodPicker")
        names = {"today": self.tr("Today"), "week": self.tr("This week"),
                 "month": self.tr("This month"), "custom": self.tr("Custom…")}
        for choice in CHOICES:
            self.period.addItem(names[choice], choice)
        self.first = self._date_edit("periodFrom", today)
        self.last = self._date_edit("periodTo", today)
        picker = QLabel(self.tr("&Period"))
        picker.setBuddy(self.period)
        self.valid = Figure("kpiValidPerDay", self.tr("Valid orders / day"))
        self.revenue = Figure("kpiRevenue", self.tr("Revenue"))
        self.aov = Figure("kpiAov", self.tr("Average order"))
        self.refund_rate = Figure("kpiRefundRate", self.tr("Refund rate"))
        self.repeat_rate = Figure("kpiRepeatRate", self.tr("Repeat buyers"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in (picker, self.period, self.first, self.last):
            layout.addWidget(w)
        for fig in (self.valid, self.revenue, self.aov, self.refund_rate, self.repeat_rate):
            layout.addWidget(fig, 1)
        self.period.currentIndexChanged.connect(self._choice_changed)
        self.first.dateChanged.connect(lambda _d: self.period_changed.emit())
        self.last.dateChanged.connect(lambda _d: self.period_changed.emit())
        self._choice_changed()

    def _date_edit(self, name: str, day: date) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day))
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _choice_changed(self) -> None:
        custom = self.period.currentData() == CUSTOM
        self.first.setEnabled(custom)
        self.last.setEnabled(custom)
        self.period_changed.emit()

    def chosen(self) -> tuple[date, date]:
        custom = (self.first.date().toPython(), self.last.date().toPython())
        return period_of(self.period.currentData(), self.today, custom)

    def show_kpis(self, k: dict[str, Any]) -> None:
        self.valid.set(f"{float(k['valid_orders_per_day']):,.2f}",
                       self.tr("{n} in {d} days").format(n=k["valid_orders"], d=k["days"]))
        self.revenue.set(format_fen(k["revenue_fen"]))
        self.aov.set(format_fen(k["aov_fen"]))
        self.refund_rate.set(rate(k["refund_rate_bp"]))
        self.repeat_rate.set(rate(k["repeat_rate_bp"]))

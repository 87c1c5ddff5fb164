"""A date range picked by preset — 全部, 今日, 昨日, 本周 (Monday to Sunday) — or 自定义 with two
date fields, relative to the venue's today from the injected clock (`today()`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

ALL, TODAY, YESTERDAY, THIS_WEEK, CUSTOM = "all", "today", "yesterday", "week", "custom"
PRESETS = (ALL, TODAY, YESTERDAY, THIS_WEEK, CUSTOM)


def preset_range(preset: str, today: date) -> tuple[date | None, date | None]:
    """The first and last day a preset means (None, None: no bound)."""
    if preset == TODAY:
        return today, today
    if preset == YESTERDAY:
        day = today - timedelta(days=1)
        return day, day
    if preset == THIS_WEEK:
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)
    return None, None


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(qdate: QDate) -> date:
    return date(qdate.year(), qdate.month(), qdate.day())


class DateRangePicker(QWidget):
    changed = Signal()

    def __init__(self, name: str, today: Callable[[], date],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._today = today
        self.preset = QComboBox()
        self.preset.setObjectName(name + "Preset")
        for value, text in zip(PRESETS, (self.tr("All dates"), self.tr("Today"),
                                         self.tr("Yesterday"), self.tr("This week"),
                                         self.tr("Custom…")), strict=True):
            self.preset.addItem(text, value)
        self.first, self.last = QDateEdit(), QDateEdit()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.preset)
        self.dash = QLabel("–")
        for edit, suffix in ((self.first, "From"), (self.last, "To")):
            edit.setObjectName(name + suffix)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(_qdate(today()))
            edit.dateChanged.connect(self._date_changed)
        lay.addWidget(self.first)
        lay.addWidget(self.dash)
        lay.addWidget(self.last)
        self.preset.currentIndexChanged.connect(self._preset_changed)
        self._show_dates()

    def range(self) -> tuple[date | None, date | None]:
        """The first and last day (inclusive; a custom range typed backwards is turned round)."""
        preset = self.preset.currentData()
        if preset != CUSTOM:
            return preset_range(preset, self._today())
        first, last = _day(self.first.date()), _day(self.last.date())
        return (first, last) if first <= last else (last, first)

    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = {"preset": self.preset.currentData()}
        if state["preset"] == CUSTOM:
            first, last = self.range()
            state |= {"from": first.isoformat(), "to": last.isoformat()}  # type: ignore[union-attr]
        return state

    def set_state(self, state: dict[str, Any]) -> None:
        """Apply a saved state without signalling (the caller searches once)."""
        quiet = (self, self.preset, self.first, self.last)
        for widget in quiet:
            widget.blockSignals(True)
        try:
            if state.get("preset") == CUSTOM:
                for edit, key in ((self.first, "from"), (self.last, "to")):
                    try:
                        edit.setDate(_qdate(date.fromisoformat(str(state.get(key)))))
                    except ValueError:
                        pass
            index = self.preset.findData(state.get("preset", ALL))
            self.preset.setCurrentIndex(max(0, index))
        finally:
            for widget in quiet:
                widget.blockSignals(False)
        self._show_dates()

    def _preset_changed(self, _index: int) -> None:
        self._show_dates()
        self.changed.emit()

    def _date_changed(self, _d: QDate) -> None:
        if self.preset.currentData() == CUSTOM:
            self.changed.emit()

    def _show_dates(self) -> None:
        custom = self.preset.currentData() == CUSTOM
        for widget in (self.first, self.dash, self.last):
            widget.setVisible(custom)

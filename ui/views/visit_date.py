"""The Sell view's visit date: today by default, never in the past, at most MAX_DAYS_AHEAD
ahead; after closing time the first date on sale is tomorrow."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QWidget

from app.domain.venue import MAX_DAYS_AHEAD


class VisitDateEdit(QDateEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("visitDate")
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd  dddd")

    def reset_range(self, venue: Any, now: datetime) -> None:
        first = venue.local_date(now)
        if now >= venue.closing_at(first):  # closed for today: sell for tomorrow
            first += timedelta(days=1)
        self.setMinimumDate(QDate(first.year, first.month, first.day))
        last = first + timedelta(days=MAX_DAYS_AHEAD)
        self.setMaximumDate(QDate(last.year, last.month, last.day))

    def visit_date(self) -> date:
        d = self.date()
        return date(d.year(), d.month(), d.day())

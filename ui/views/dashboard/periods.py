"""The dashboard's periods: 今日 / 本周 / 本月 / 自定义 as (first, last) venue-local days, and the
days the hour chart compares today with. Pure functions over dates."""

from __future__ import annotations

from datetime import date, timedelta

TODAY, WEEK, MONTH, CUSTOM = "today", "week", "month", "custom"
CHOICES = (TODAY, WEEK, MONTH, CUSTOM)


def period_of(choice: str, today: date, custom: tuple[date, date] | None = None
              ) -> tuple[date, date]:
    """(first, last) of a choice: the week starts on Monday, both end today; a custom range is
    put in order."""
    if choice == WEEK:
        return today - timedelta(days=today.weekday()), today
    if choice == MONTH:
        return today.replace(day=1), today
    if choice == CUSTOM and custom is not None:
        first, last = custom
        return (first, last) if first <= last else (last, first)
    return today, today


def compared_days(day: date) -> tuple[date, date]:
    """The day before and the same weekday a week before."""
    return day - timedelta(days=1), day - timedelta(days=7)

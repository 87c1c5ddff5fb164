"""The dates a report is asked for: one venue-local day, or a range of them (inclusive, at
most `MAX_DAYS`), as the UTC instants that bound them, and the local hour of an instant in
SQL. Bad input is a ValidationError in Chinese naming the parameter; nothing is read."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Any

import sqlalchemy as sa

from app.domain.errors import ValidationError
from app.domain.venue import Venue
from app.store.types import UTCDateTime

MAX_DAYS = 366
_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


@dataclass(frozen=True)
class Period:
    """Local days `first`..`last` (inclusive): the instants `start` <= t < `end` (aware UTC)."""

    first: date
    last: date
    venue: Venue

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @cached_property  # (`in` is asked once per row of a report: 40,000 entries a busy day)
    def start(self) -> datetime:
        return local_instant(self.first, time(0), self.venue)

    @cached_property
    def end(self) -> datetime:
        return local_instant(self.last + timedelta(days=1), time(0), self.venue)

    def holds(self, column: Any) -> Any:
        """SQL: the instant `column` falls inside the period."""
        return sa.and_(column >= self.start, column < self.end)

    def local_hour(self, at: datetime) -> int:
        return self.venue.local(at).hour

    def __contains__(self, at: datetime) -> bool:
        return self.start <= at < self.end


def local_instant(day: date, clock: time, venue: Venue) -> datetime:
    """`day` at `clock` on the venue's wall clock, as aware UTC."""
    return datetime.combine(day, clock, venue.tz).astimezone(UTC)


def parse_day(text: str | None, field: str) -> date:
    """`YYYY-MM-DD`, a real calendar date; anything else is refused naming `field`."""
    if text is None or not str(text).strip():
        raise ValidationError(f"请填写日期 {field}（格式 YYYY-MM-DD）", field=field)
    text = str(text).strip()
    try:
        if not _ISO_DAY.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"日期 {field} 不正确：{text[:20]}，应为 YYYY-MM-DD 格式的日期",
                              field=field) from None


def one_day(text: str | None, venue: Venue, field: str = "date") -> Period:
    day = parse_day(text, field)
    return Period(day, day, venue)


def date_range(first: str | None, last: str | None, venue: Venue) -> Period:
    """`from`..`to` inclusive: `from` not after `to`, at most `MAX_DAYS` days."""
    start, end = parse_day(first, "from"), parse_day(last, "to")
    if start > end:
        raise ValidationError(f"开始日期 {start} 不能晚于结束日期 {end}", field="from")
    period = Period(start, end, venue)
    if period.days > MAX_DAYS:
        raise ValidationError(f"查询范围最多 {MAX_DAYS} 天（现在是 {period.days} 天），请缩小范围",
                              field="to")
    return period


def hour_of(column: Any, day: date, venue: Venue) -> Any:
    """SQL: the venue-local hour (0–23) of an instant of `day` — a CASE over the day's hour
    boundaries, computed here, so it is the same on every engine and in every zone."""
    bounds = [local_instant(day, time(h), venue) for h in range(1, 24)]
    return sa.case(*[(column < sa.literal(b, UTCDateTime()), h) for h, b in enumerate(bounds)],
                   else_=23)

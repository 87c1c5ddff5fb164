"""The scenic area's clock rules: time zone, opening and closing, local business dates."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .errors import ValidationError

MAX_DAYS_AHEAD = 90


@dataclass(frozen=True)
class Venue:
    name: str = "门票景区"
    zone: str = "Asia/Shanghai"
    opening: time = time(8, 0)
    closing: time = time(18, 0)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def local(self, at: datetime) -> datetime:
        if at.tzinfo is None:
            raise ValueError("times must be aware")
        return at.astimezone(self.tz)

    def local_date(self, at: datetime) -> date:
        return self.local(at).date()

    def opening_at(self, day: date) -> datetime:
        return datetime.combine(day, self.opening, self.tz)

    def closing_at(self, day: date) -> datetime:
        return datetime.combine(day, self.closing, self.tz)

    def check_visit_date(self, visit_date: date, now: datetime) -> None:
        """Window sales are for today (until closing) or a later date within the horizon."""
        today = self.local_date(now)
        if visit_date < today:
            raise ValidationError(f"游玩日期 {visit_date:%Y-%m-%d} 已过，不能售票",
                                  field="visit_date")
        if visit_date == today and now >= self.closing_at(today):
            raise ValidationError("今日已闭园，请选择明天或以后的日期", field="visit_date")
        if visit_date > today + timedelta(days=MAX_DAYS_AHEAD):
            raise ValidationError(f"只能预售 {MAX_DAYS_AHEAD} 天内的票", field="visit_date")

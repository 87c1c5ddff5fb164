"""Which visit dates a window keeps leases for (issue 12): once today's selling is over, the
next selling day — so a window online in the evening can sell tomorrow's tickets offline.
The clock is injected: these hold at any real hour."""

from datetime import date, datetime, time, timedelta

import pytest

from app.domain.venue import Venue
from sync.leases import LeaseKeeper

VENUE = Venue()  # Asia/Shanghai, 08:00–18:00
DAY = date(2026, 11, 21)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), VENUE.tz)


def keeper(**kw) -> LeaseKeeper:
    return LeaseKeeper(db=None, client=None, device_id="window-01", venue=VENUE, **kw)


@pytest.mark.parametrize(("now", "days"), [
    (at(DAY, 7, 30), [DAY]),  # before opening: today is still to be sold
    (at(DAY, 10), [DAY]),
    (at(DAY, 17, 59), [DAY]),
    (at(DAY, 18), [DAY + timedelta(days=1)]),  # closed: tomorrow is the selling day
    (at(DAY, 19), [DAY + timedelta(days=1)]),
    (at(DAY, 23, 30), [DAY + timedelta(days=1)]),
    (at(DAY + timedelta(days=1), 0, 30), [DAY + timedelta(days=1)]),  # past midnight
])
def test_the_selling_day_moves_to_tomorrow_at_closing(now, days):
    assert keeper().days(now) == days


def test_extra_days_follow_the_selling_day():
    assert keeper(extra_days=2).days(at(DAY, 19)) == [
        DAY + timedelta(days=1), DAY + timedelta(days=2), DAY + timedelta(days=3)]
    assert keeper(extra_days=1).days(at(DAY, 10)) == [DAY, DAY + timedelta(days=1)]

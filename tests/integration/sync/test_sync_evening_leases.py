"""An evening window holds leases for the next selling day (issue 12): online after closing, it
asks the real store for tomorrow's leases, so when the network drops it still sells tomorrow's
tickets — from those leases only. The clock is injected (never the real hour)."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.store.models import LeaseRow, Order

LEASED = {"ADULT", "CHILD", "SPECIAL", "ANNUAL", "GROUP"}  # packages draw on their components


@pytest.mark.parametrize("evening", [
    datetime(2026, 11, 21, 11, 0, tzinfo=UTC),  # 19:00 at the venue (Asia/Shanghai)
    datetime(2026, 11, 21, 15, 30, tzinfo=UTC),  # 23:30
])
def test_after_closing_the_window_keeps_tomorrows_leases_and_sells_offline(
        live, make_window, client_clock, evening):
    tomorrow = live.venue.local_date(evening) + timedelta(days=1)
    assert live.venue.local_date(evening).isoformat() == "2026-11-21"  # still the same day
    live.clock.at = client_clock.at = evening
    w = make_window(live.base, leases=True)

    assert w.engine.sync_once().online

    with w.db.session() as s:
        mine = s.execute(sa.select(LeaseRow)).scalars().all()
    assert {(r.ticket_type, r.visit_date, r.granted, r.status) for r in mine} == {
        (code, tomorrow, 30, "active") for code in LEASED}
    assert all(evening < r.expires_at.replace(tzinfo=UTC) <= evening + timedelta(hours=4)
               for r in mine)

    sale = w.sell(("ADULT", 2), ("FAMILY", 1), visit_date=tomorrow, from_leases=True)  # offline
    with w.db.session() as s:
        used = dict(s.execute(sa.select(LeaseRow.ticket_type, LeaseRow.used)).all())
    assert (used["ADULT"], used["CHILD"]) == (3, 1)

    assert w.engine.sync_once().pending == 0  # back online: the store takes the sale
    with live.db.session() as s:
        order = s.execute(sa.select(Order).where(Order.order_no == sale.order_no)).scalar_one()
    assert (order.visit_date, order.total_fen) == (tomorrow, 33_000)

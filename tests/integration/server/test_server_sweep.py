"""The store's periodic sweep: leases past closing time and unpaid orders past 15 minutes are
released by the same tasks the running app schedules every 30 s."""

from datetime import timedelta

import sqlalchemy as sa

from app.domain.venue import Venue
from app.services.stock import leases
from app.store.models import Inventory, LeaseRow
from server.app import sweep_tasks
from server.sweeper import Sweeper


def test_sweep_once_runs_every_task_and_survives_a_failing_one(live, now):
    venue = Venue()
    day = venue.local_date(now)
    leases.grant(live.db.session(), device_id="w1", ticket_type="ADULT", visit_date=day,
                 qty=5, now=now, venue=venue)
    calls = []

    def broken(session, at):
        calls.append(at)
        raise RuntimeError("boom")

    closing = venue.closing_at(day) + timedelta(seconds=1)
    sweeper = Sweeper(live.db, lambda: closing, [broken, *sweep_tasks(venue)])
    sweeper.sweep_once()
    assert calls == [closing]
    with live.db.session() as s:
        assert s.execute(sa.select(LeaseRow.status)).scalar_one() == "expired"
        held = s.execute(sa.select(Inventory.held).where(
            Inventory.ticket_type == "ADULT", Inventory.visit_date == day)).scalar_one()
    assert held == 0

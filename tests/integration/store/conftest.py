"""Fixtures of the store/services integration tests: a migrated, catalogued database on a real
SQLite file or a real PostgreSQL database, and a one-line way to sell."""

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.domain.venue import Venue
from app.services.admin import seeding
from app.services.sales import selling
from app.store.db import Database
from app.store.models import Base


@pytest.fixture
def venue() -> Venue:
    return Venue()


@pytest.fixture
def db(db_url, now, venue):
    """A migrated database with the demo catalog and capacity (no users: argon2 is slow)."""
    database = Database.open(db_url)
    seeding.seed_catalog(database.session(), now=now, venue=venue)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(sqlite_url, now, venue):
    database = Database.open(sqlite_url)
    seeding.seed_catalog(database.session(), now=now, venue=venue)
    yield database
    database.dispose()


def sell(db: Database, now: datetime, venue: Venue, *lines: tuple[str, int],
         tendered: int | None = None, terminal: str = "01", method: str = "cash",
         visit_date: date | None = None, order_id: str | None = None) -> selling.SaleResult:
    """Sell `lines` ((code, qty), ...) for today; tendered defaults to a generous 10000 yuan."""
    request = selling.SaleRequest(
        terminal=terminal, clerk="clerk1", device_id="dev-" + terminal,
        visit_date=visit_date or venue.local_date(now),
        lines=tuple(selling.SaleLine(code, qty) for code, qty in lines),
        tendered_fen=1_000_000 if tendered is None else tendered,
        payment_method=method, order_id=order_id)
    return selling.sell(db.session(), request, now=now, venue=venue)


def snapshot(db: Database) -> dict[str, object]:
    """Row counts of every table plus the inventory numbers: equal snapshots mean nothing
    was written."""
    with db.engine.connect() as conn:
        counts = {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                  for t in Base.metadata.sorted_tables}
        stock = conn.execute(sa.text(
            "SELECT ticket_type, visit_date, sold, held, version FROM inventory "
            "ORDER BY ticket_type, visit_date")).all()
        counters = conn.execute(sa.text("SELECT * FROM counters ORDER BY name")).all()
    return {"counts": counts, "stock": stock, "counters": counters}


def tomorrow(now: datetime, venue: Venue) -> date:
    return venue.local_date(now) + timedelta(days=1)

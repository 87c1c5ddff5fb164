"""A writer that knows what it wrote hands the changes feed that state (`changes.touch(...,
state=...)`) instead of the feed reading it back at commit (issue 16): the state it hands must
be exactly what reading back gives, and anything that may have changed the entity since (a
touch without state, a savepoint rolled back) makes the feed read it back after all."""

import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.domain.venue import Venue
from app.services.journal import changes, orders
from app.services.keyed import keyed_requests
from app.services.sales import selling
from app.services.stock.catalog import load_catalog
from app.store.db import Database
from app.store.models import ChangeLog, Inventory

VENUE = Venue()


@pytest.fixture
def db(store_db_url):
    database = Database.open(store_db_url)
    database.emit_changes = True
    yield database
    database.dispose()


def _feed(db: Database) -> list[tuple[str, str, int, dict]]:
    with db.session() as s:
        return [(r.entity, r.entity_id, r.version, r.data) for r in s.execute(
            sa.select(ChangeLog).order_by(ChangeLog.seq)).scalars()]


def _stock(db: Database, entity_id: str) -> tuple[int, dict]:
    code, _, iso = entity_id.partition(":")
    with db.session() as s:
        row = s.execute(sa.select(Inventory.__table__).where(
            Inventory.ticket_type == code, Inventory.visit_date == date.fromisoformat(iso))
        ).first()
        return changes.inventory_state(row)


def _sell(db: Database, now, day, key: str) -> keyed_requests.Answer:
    with db.session() as s, s.begin():
        catalog = load_catalog(s)
    total = 2 * catalog["ADULT"].price_fen + catalog["CHILD"].price_fen

    def make(order_id: str) -> selling.SaleRequest:
        return selling.SaleRequest(
            terminal="01", clerk="clerk1", device_id="dev-01", visit_date=day,
            lines=(selling.SaleLine("ADULT", 2), selling.SaleLine("CHILD", 1)),
            tendered_fen=total + 500, payment_method="cash", order_id=order_id,
            customer=selling.Customer("张三", "13812345678", "110101199001011234"))

    with db.session() as s:
        return keyed_requests.sell(s, make, username="clerk1", key=key, body={"key": key},
                                   order_id=None, amount_fen=total, now=now, venue=VENUE)


def test_a_sale_feeds_exactly_what_reading_it_back_gives(db, now):
    day = VENUE.local_date(now) + timedelta(days=1)
    before = len(_feed(db))
    done = _sell(db, now, day, uuid.uuid4().hex)
    fed = _feed(db)[before:]
    assert [(entity, entity_id) for entity, entity_id, _, _ in fed] == [
        ("order", done.body["order_id"]), ("inventory", f"ADULT:{day}"),
        ("inventory", f"CHILD:{day}")]
    with db.session() as s:
        assert fed[0][3] == orders.get_order(s, done.body["order_no"])  # every field
    assert fed[0][2] == 1 and done.body == fed[0][3]
    assert fed[0][3]["customer"]["phone_masked"] == "138****5678"
    assert "13812345678" not in str(fed[0][3])
    for _, entity_id, version, data in fed[1:]:
        assert (version, data) == _stock(db, entity_id)


def test_a_replayed_key_answers_the_first_sale_and_feeds_nothing(db, now):
    day = VENUE.local_date(now) + timedelta(days=1)
    key = uuid.uuid4().hex
    first = _sell(db, now, day, key)
    before = len(_feed(db))
    again = _sell(db, now, day, key)
    assert again.replayed and again.body == first.body
    assert len(_feed(db)) == before


def test_a_later_touch_without_state_or_a_savepoint_rolled_back_reads_back(db, now):
    day = VENUE.local_date(now) + timedelta(days=1)
    entity_id = changes.inventory_id("ADULT", day)
    stale = (999, {"stale": True})
    before = len(_feed(db))
    with db.session() as s, s.begin():  # handed a state, then touched without one
        changes.touch(s, "inventory", entity_id, now=now, state=stale)
        changes.touch(s, "inventory", entity_id, now=now)
        changes.touch(s, "inventory", entity_id, now=now, state=stale)
    with db.session() as s, s.begin():  # handed a state inside a savepoint that rolled back
        with pytest.raises(RuntimeError), s.begin_nested():
            changes.touch(s, "inventory", entity_id, now=now, state=stale)
            raise RuntimeError
    with db.session() as s, s.begin():  # handed a state and nothing else: it is written
        changes.touch(s, "inventory", entity_id, now=now, state=stale)
    fed = [(v, d) for _, _, v, d in _feed(db)[before:]]
    assert fed[:2] == [_stock(db, entity_id)] * 2
    assert fed[2] == stale

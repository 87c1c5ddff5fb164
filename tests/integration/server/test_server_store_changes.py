"""What this slice changed below the server: migration 0002 (tokens, Idempotency-Keys) upgrades
a 0001 database in place, and `sell` can skip the window's outbox and print jobs and run a
hook inside its transaction."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from conftest import snapshot

from app.domain.errors import ValidationError
from app.domain.venue import Venue
from app.services.admin import auth, seeding
from app.services.sales import selling
from app.store.db import Database, create_engine, upgrade
from app.store.models import IdempotencyKey


def test_0002_upgrades_a_0001_database_and_keeps_its_rows(empty_db_url, now):
    db_url = empty_db_url
    engine = create_engine(db_url)
    try:
        upgrade(engine, "0001")
        with engine.begin() as conn:
            assert "api_tokens" not in sa.inspect(conn).get_table_names()
            conn.execute(sa.text(
                "INSERT INTO users (user_id, username, display_name, role, password_hash, "
                "active, created_at, updated_at) VALUES ('u1', 'old', 'Old', 'clerk', 'h', "
                ":t, :at, :at)"), {"t": True, "at": now})
    finally:
        engine.dispose()
    db = Database.open(db_url)
    try:
        with db.engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
            assert {"api_tokens", "idempotency_keys"} <= names
            assert conn.execute(sa.text("SELECT username FROM users")).scalars().all() == ["old"]
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() \
                >= "0002"  # and on to head
        assert [u.username for u in auth.list_users(db.session())] == ["old"]
    finally:
        db.dispose()


@pytest.fixture
def db(sqlite_url, now):
    database = Database.open(sqlite_url)
    seeding.seed_catalog(database.session(), now=now, venue=Venue())
    yield database
    database.dispose()


def _request(now, **kw):
    return selling.SaleRequest(terminal="01", clerk="clerk1", device_id="d",
                               visit_date=now.date() + timedelta(days=1),
                               lines=(selling.SaleLine("ADULT", 1),), tendered_fen=10000, **kw)


def test_sell_without_local_effects_writes_no_outbox_op_nor_print_job(db, now):
    sale = selling.sell(db.session(), _request(now), now=now, venue=Venue(), local_effects=False)
    assert sale.print_job_ids == ()
    counts = snapshot(db)["counts"]
    assert counts["orders"] == 1 and counts["outbox"] == 0 and counts["print_jobs"] == 0


def test_before_commit_runs_in_the_sale_transaction(db, now):
    seen = []

    def keep(session, result):
        seen.append(result.order_no)
        session.add(IdempotencyKey(username="clerk1", key="k", request_sha256="0" * 64,
                                   order_id=result.order_id, order_no=result.order_no,
                                   created_at=now))

    sale = selling.sell(db.session(), _request(now), now=now, venue=Venue(), before_commit=keep)
    assert seen == [sale.order_no] and snapshot(db)["counts"]["idempotency_keys"] == 1
    before = snapshot(db)

    def refuse(session, result):
        raise ValidationError("金额不符")

    with pytest.raises(ValidationError):
        selling.sell(db.session(), _request(now), now=now, venue=Venue(), before_commit=refuse)
    assert snapshot(db) == before  # the hook's refusal rolled the whole sale back

"""Migrations build the schema the models describe, on both engines, and the connection
settings are the promised ones."""

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.store.db import Database, alembic_config
from app.store.models import Base, Setting
from app.store.models.orders import PG_ONLY_INDEXES

TABLES = {"users", "devices", "ticket_types", "inventory", "leases", "orders", "tickets",
          "payments", "refunds", "timeline_events", "anomalies", "shifts", "outbox",
          "print_jobs", "settings", "order_counters", "counters", "sync_state", "applied_ops",
          "change_log"}


def test_upgrade_creates_the_models_schema(empty_db_url):
    db_url = empty_db_url
    db = Database.open(db_url)
    try:
        with db.engine.connect() as conn:
            assert TABLES <= set(sa.inspect(conn).get_table_names())
            head = ScriptDirectory.from_config(alembic_config()).get_current_head()
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() \
                == head
            ctx = MigrationContext.configure(conn, opts={
                "compare_type": True, "compare_server_default": True,
                "include_object": lambda obj, name, kind, reflected, other:
                    not (kind == "index" and name in PG_ONLY_INDEXES)})
            assert compare_metadata(ctx, Base.metadata) == []
    finally:
        db.dispose()
    Database.open(db_url).dispose()  # reopening an up-to-date database is a no-op


def test_sqlite_connections_get_the_pragmas(sqlite_url):
    db = Database.open(sqlite_url)
    try:
        for _ in range(2):  # a fresh pooled connection each time gets them too
            with db.engine.connect() as conn:
                pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
                assert pragma("journal_mode") == "wal"
                assert pragma("synchronous") == 2  # FULL
                assert pragma("foreign_keys") == 1
                assert pragma("busy_timeout") >= 5000
            db.engine.pool.dispose()
    finally:
        db.dispose()


def test_datetimes_are_stored_utc_and_come_back_aware(db_url, now):
    db = Database.open(db_url)
    local = now.astimezone(timezone(timedelta(hours=8)))
    try:
        with db.session() as s, s.begin():
            s.add(Setting(key="probe", value={"a": [1, "二"]}, updated_at=local))
        with db.session() as s:
            row = s.get(Setting, "probe")
            assert row.updated_at == now and row.updated_at.utcoffset() == timedelta(0)
            assert row.value == {"a": [1, "二"]}
        with pytest.raises(sa.exc.StatementError), db.session() as s, s.begin():
            s.add(Setting(key="naive", value={}, updated_at=datetime(2026, 1, 1)))
    finally:
        db.dispose()


def test_inventory_check_constraint_refuses_oversell(db):
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE inventory SET sold = capacity + 1 "
                             "WHERE ticket_type = 'ADULT'"))


def test_search_indexes_exist_on_postgresql_only(empty_db_url):
    """Migration 0013: the phone-tail and name-part indexes are PostgreSQL's (pg_trgm is
    available on the test server); SQLite has the plain ones only."""
    db = Database.open(empty_db_url)
    try:
        with db.engine.connect() as conn:
            names = {i["name"] for i in sa.inspect(conn).get_indexes("orders")}
            pg = conn.dialect.name == "postgresql"
    finally:
        db.dispose()
    assert {"ix_orders_channel_created", "ix_orders_status_created"} <= names
    assert (set(PG_ONLY_INDEXES) <= names) if pg else not set(PG_ONLY_INDEXES) & names


def test_migrations_go_down_to_nothing_and_up_again(empty_db_url):
    db_url = empty_db_url
    from alembic import command

    db = Database.open(db_url)
    try:
        with db.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "base")
        with db.engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
    finally:
        db.dispose()
    Database.open(db_url).dispose()


def test_sqlite_transactions_hold_the_write_lock_from_begin(sqlite_url):
    """BEGIN IMMEDIATE: a second writer waits at its BEGIN instead of failing mid-way."""
    db = Database.open(sqlite_url)
    try:
        first = db.session()
        first.begin()
        first.connection().exec_driver_sql("SELECT 1")  # a read still takes the lock
        other = db.engine.raw_connection()
        other.driver_connection.execute("PRAGMA busy_timeout=50")
        with pytest.raises(Exception, match="locked"):
            other.driver_connection.execute("BEGIN IMMEDIATE")
        first.rollback()
        other.driver_connection.execute("BEGIN IMMEDIATE")
        other.driver_connection.execute("ROLLBACK")
        other.close()
    finally:
        db.dispose()


def test_read_services_do_not_wait_for_a_writer(sqlite_db, now, venue):
    """Reads are DEFERRED snapshot reads: they see the last commit while a sale is open."""
    from app.services.stock import catalog

    writer = sqlite_db.session()
    writer.begin()
    writer.connection().exec_driver_sql("UPDATE inventory SET sold = 7 WHERE ticket_type='ADULT'")
    try:  # would wait for the lock (busy_timeout) and then fail if reads took it
        assert catalog.availability(sqlite_db.session(), venue.local_date(now))["ADULT"] == 1000
    finally:
        writer.rollback()

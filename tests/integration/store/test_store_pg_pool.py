"""The PostgreSQL pool pings only a connection that sat idle (issue 16: the built-in pre-ping
cost a round trip per request), and still replaces one the server dropped meanwhile."""

import psycopg
import pytest
import sqlalchemy as sa

from app.store import db as store_db
from app.store.db import Database

pytestmark = pytest.mark.postgres


def _kill_backends(url: str) -> int:
    name = sa.make_url(url).database
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
        return len(c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchall())


def test_a_connection_the_server_dropped_while_idle_is_replaced(pg_migrated_url, monkeypatch):
    monkeypatch.setattr(store_db, "PING_AFTER_IDLE_S", 0.0)
    database = Database.open(pg_migrated_url)
    try:
        with database.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT 1")).scalar() == 1
        assert _kill_backends(pg_migrated_url) >= 1
        with database.engine.connect() as conn:  # pinged, found dead, replaced
            assert conn.execute(sa.text("SELECT 2")).scalar() == 2
    finally:
        database.dispose()


def test_a_connection_used_a_moment_ago_is_not_pinged(pg_migrated_url, monkeypatch):
    """The trade: a connection the server dropped within the idle window fails its first
    statement (as a disconnect, which empties the pool) and the next checkout is fresh."""
    monkeypatch.setattr(store_db, "PING_AFTER_IDLE_S", 3600.0)
    database = Database.open(pg_migrated_url)
    try:
        with database.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        assert _kill_backends(pg_migrated_url) >= 1
        with pytest.raises(sa.exc.DBAPIError) as failed, database.engine.connect() as conn:
            conn.execute(sa.text("SELECT 2"))  # not pinged: the dead connection is used
        assert failed.value.connection_invalidated
        with database.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT 3")).scalar() == 3
    finally:
        database.dispose()

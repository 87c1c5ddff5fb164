"""Migration 0003 (received_requests) upgrades a 0002 database in place and goes back down."""

import sqlalchemy as sa

from app.store.db import Database, alembic_config, create_engine, upgrade


def test_0003_upgrades_a_0002_database_and_downgrades(empty_db_url, now):
    db_url = empty_db_url
    from alembic import command

    engine = create_engine(db_url)
    try:
        upgrade(engine, "0002")
        with engine.begin() as conn:
            assert "received_requests" not in sa.inspect(conn).get_table_names()
            conn.execute(sa.text(
                "INSERT INTO users (user_id, username, display_name, role, password_hash, "
                "active, created_at, updated_at) VALUES ('u1', 'old', 'Old', 'gate', 'h', "
                ":t, :at, :at)"), {"t": True, "at": now})
        upgrade(engine, "0003")
        with engine.begin() as conn:
            assert "received_requests" in sa.inspect(conn).get_table_names()
            assert conn.execute(sa.text("SELECT username FROM users")).scalars().all() == ["old"]
            conn.execute(sa.text(
                "INSERT INTO received_requests (scope, key, request_sha256, result, created_at) "
                "VALUES ('redemption', 'n1', :d, NULL, :at)"), {"d": "0" * 64, "at": now})
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0002")
        with engine.connect() as conn:
            assert "received_requests" not in sa.inspect(conn).get_table_names()
    finally:
        engine.dispose()
    Database.open(db_url).dispose()  # and up to head again

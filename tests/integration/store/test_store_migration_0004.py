"""Migration 0004 (cash_movements) upgrades a 0003 database with an open shift in place and
goes back down."""

import sqlalchemy as sa
from alembic import command

from app.store.db import Database, alembic_config, create_engine, upgrade


def test_0004_upgrades_a_0003_database_and_downgrades(empty_db_url, now):
    engine = create_engine(empty_db_url)
    try:
        upgrade(engine, "0003")
        with engine.begin() as conn:
            assert "cash_movements" not in sa.inspect(conn).get_table_names()
            conn.execute(sa.text(
                "INSERT INTO shifts (shift_id, terminal, clerk, status, opening_float_fen, "
                "opened_at) VALUES ('s1', '01', 'clerk1', 'open', 500, :at)"), {"at": now})
        upgrade(engine, "0004")
        with engine.begin() as conn:
            assert conn.execute(sa.text("SELECT shift_id FROM shifts")).scalars().all() == ["s1"]
            conn.execute(sa.text(
                "INSERT INTO cash_movements (movement_id, shift_id, terminal, clerk, kind, "
                "amount_fen, reason, at) VALUES ('m1', 's1', '01', 'clerk1', 'in', 100, "
                "'补零钱', :at)"), {"at": now})
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0003")
        with engine.connect() as conn:
            assert "cash_movements" not in sa.inspect(conn).get_table_names()
    finally:
        engine.dispose()
    Database.open(empty_db_url).dispose()  # and up to head again

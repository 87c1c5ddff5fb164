"""Migration 0012 (day closes, settlement lines) upgrades a 0011 database holding an order,
keeps it, and goes back down."""

import sqlalchemy as sa
from alembic import command

from app.store.db import Database, alembic_config, create_engine, upgrade

ORDER = ("INSERT INTO orders (order_id, order_no, channel, visit_date, status, payment_state, "
         "created_at, updated_at) VALUES ('o1', 'W01-20261121-0001', 'window', :day, 'paid', "
         "'paid', :at, :at)")
TABLES = {"day_closes", "settlement_lines"}


def test_0012_adds_the_day_close_tables_to_a_0011_database(empty_db_url, now):
    engine = create_engine(empty_db_url)
    try:
        upgrade(engine, "0011")
        with engine.begin() as conn:
            conn.execute(sa.text(ORDER), {"day": now.date(), "at": now})
        upgrade(engine, "0012")
        with engine.connect() as conn:
            assert TABLES <= set(sa.inspect(conn).get_table_names())
            assert conn.execute(sa.text("SELECT order_no FROM orders")).scalar() == \
                "W01-20261121-0001"
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0011")
        with engine.connect() as conn:
            assert not TABLES & set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()
    Database.open(empty_db_url).dispose()  # and up to head again

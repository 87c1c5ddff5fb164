"""Migration 0013 (search and report indexes) upgrades a 0012 database holding an order, keeps
it, and goes back down; PostgreSQL answers phone tails and name parts through its indexes."""

import sqlalchemy as sa
from alembic import command

from app.store.db import Database, alembic_config, create_engine, upgrade

ORDER = ("INSERT INTO orders (order_id, order_no, channel, visit_date, status, payment_state, "
         "created_at, updated_at, customer_name, customer_phone) VALUES ('o1', "
         "'W01-20261121-0001', 'window', :day, 'paid', 'paid', :at, :at, '张小明', "
         "'13800001234')")
BOTH = {"ix_orders_channel_created", "ix_orders_status_created", "ix_orders_order_no_lower"}
PG_ONLY = {"ix_orders_phone_reversed", "ix_orders_name_trgm", "ix_orders_name_grams"}


def _indexes(engine: sa.Engine) -> set[str]:
    """Index names, expression indexes included (SQLAlchemy does not reflect those on
    SQLite)."""
    sql = ("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
           if engine.dialect.name == "postgresql" else
           "SELECT name FROM sqlite_master WHERE type = 'index'")
    with engine.connect() as conn:
        return set(conn.execute(sa.text(sql)).scalars())


def test_0013_adds_the_search_indexes_to_a_0012_database(empty_db_url, now):
    engine = create_engine(empty_db_url)
    try:
        upgrade(engine, "0012")
        with engine.begin() as conn:
            conn.execute(sa.text(ORDER), {"day": now.date(), "at": now})
        assert not (BOTH | PG_ONLY) & _indexes(engine)
        upgrade(engine, "0013")
        pg = engine.dialect.name == "postgresql"
        added = _indexes(engine)
        assert BOTH | {"ix_payments_at", "ix_refunds_status"} <= added
        assert (PG_ONLY <= added) if pg else not PG_ONLY & added
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT order_no FROM orders")).scalar() == \
                "W01-20261121-0001"
            if pg:
                _uses_the_indexes(conn)
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0012")
        assert not (BOTH | PG_ONLY | {"ix_payments_at", "ix_refunds_status"}) & \
            _indexes(engine)
    finally:
        engine.dispose()
    Database.open(empty_db_url).dispose()  # and up to head again


def _uses_the_indexes(conn: sa.Connection) -> None:
    conn.execute(sa.text("SET enable_seqscan = off"))
    tail = conn.execute(sa.text(
        "EXPLAIN SELECT order_id FROM orders WHERE reverse(customer_phone) COLLATE \"C\" "
        ">= '4321' AND reverse(customer_phone) COLLATE \"C\" < '4322'")).scalars().all()
    assert "ix_orders_phone_reversed" in "\n".join(tail)
    name = conn.execute(sa.text(
        "EXPLAIN SELECT order_id FROM orders WHERE customer_name ILIKE '%小明%'")).scalars().all()
    assert "ix_orders_name_trgm" in "\n".join(name)
    short = conn.execute(sa.text(
        "EXPLAIN SELECT order_id FROM orders WHERE menpiao_name_grams(customer_name) @> "
        "ARRAY['小明']")).scalars().all()
    assert "ix_orders_name_grams" in "\n".join(short)
    assert conn.execute(sa.text("SELECT menpiao_name_grams('张小明')")).scalar() == \
        ["张", "张小", "小", "小明", "明"]
    conn.execute(sa.text("RESET enable_seqscan"))

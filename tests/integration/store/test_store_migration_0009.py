"""Migration 0009 (order heads, audit checkpoints) upgrades a 0008 database with orders and
their timelines in place — each order's last hash and event count backfilled from its chain
— and goes back down."""

from datetime import timedelta

import sqlalchemy as sa
from alembic import command

from app.domain.timeline import next_event
from app.store.db import Database, alembic_config, create_engine, upgrade
from app.store.models import TimelineEvent

ORDER = ("INSERT INTO orders (order_id, order_no, channel, visit_date, status, payment_state, "
         "created_at, updated_at) VALUES (:id, :no, 'window', :day, 'paid', 'paid', :at, :at)")


def _events(conn, order_id, n, at):
    prev, made = None, []
    for i in range(n):
        prev = next_event(prev, at=at + timedelta(seconds=i), actor="user:clerk1",
                          action="order.created" if i == 0 else "payment.succeeded",
                          source="window", detail={"i": i})
        made.append(prev)
    if made:
        conn.execute(sa.insert(TimelineEvent.__table__), [
            {"order_id": order_id, "seq": e.seq, "at": e.at, "actor": e.actor,
             "action": e.action, "detail": e.detail, "source": e.source,
             "prev_hash": e.prev_hash, "hash": e.hash} for e in made])
    return made


def test_0009_backfills_order_heads_from_a_0008_database(empty_db_url, now):
    engine = create_engine(empty_db_url)
    try:
        upgrade(engine, "0008")
        with engine.begin() as conn:
            heads = {}
            for no, n in (("W01-20261121-0001", 3), ("W01-20261121-0002", 1),
                          ("W01-20261121-0003", 0)):
                conn.execute(sa.text(ORDER), {"id": no[-4:], "no": no, "day": now.date(),
                                              "at": now})
                made = _events(conn, no[-4:], n, now)
                heads[no[-4:]] = (made[-1].hash if made else None, n)
        upgrade(engine, "0009")
        with engine.connect() as conn:
            got = {r.order_id: (r.last_hash, r.event_count) for r in conn.execute(
                sa.text("SELECT order_id, last_hash, event_count FROM orders"))}
            assert got == heads
            assert "audit_checkpoints" in sa.inspect(conn).get_table_names()
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0008")
        with engine.connect() as conn:
            assert "audit_checkpoints" not in sa.inspect(conn).get_table_names()
            assert "last_hash" not in {c["name"] for c in sa.inspect(conn).get_columns("orders")}
    finally:
        engine.dispose()
    Database.open(empty_db_url).dispose()  # and up to head again

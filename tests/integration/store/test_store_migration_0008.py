"""Migration 0008 (accounts and intake hygiene) upgrades a 0007 database in place: the
sign_in_failures table appears, a payment callback's stored key becomes `PROVIDER:TXN` (so
that it still replays), and a transaction id is unique per provider only; then back down."""

import pytest
import sqlalchemy as sa
from alembic import command

from app.store.db import Database, alembic_config, create_engine, upgrade

PAYMENT = ("INSERT INTO payments (payment_id, payment_no, method, amount_fen, tendered_fen, "
           "change_fen, status, provider, provider_txn_id, at) VALUES (:id, :no, :provider, "
           "100, 100, 0, 'succeeded', :provider, :txn, :at)")


def _keys(conn) -> list[str]:
    return conn.execute(sa.text("SELECT key FROM received_requests WHERE scope = "
                                "'payment_callback' ORDER BY key")).scalars().all()


def test_0008_upgrades_a_0007_database_and_downgrades(empty_db_url, now):
    engine = create_engine(empty_db_url)
    try:
        upgrade(engine, "0007")
        with engine.begin() as conn:
            conn.execute(sa.text(PAYMENT), {"id": "p1", "no": "PAY-WECHAT-T1",
                                            "provider": "wechat", "txn": "T1", "at": now})
            conn.execute(sa.text(
                "INSERT INTO received_requests (scope, key, request_sha256, created_at) VALUES "
                "('payment_callback', 'T1', 'x', :at), ('redemption', 'N1', 'y', :at)"),
                {"at": now})
        upgrade(engine, "0008")
        with engine.begin() as conn:
            assert "sign_in_failures" in sa.inspect(conn).get_table_names()
            assert _keys(conn) == ["wechat:T1"]
            assert conn.execute(sa.text("SELECT key FROM received_requests WHERE scope = "
                                        "'redemption'")).scalar() == "N1"
            conn.execute(sa.text(PAYMENT), {"id": "p2", "no": "PAY-ALIPAY-T1",
                                            "provider": "alipay", "txn": "T1", "at": now})
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(sa.text(PAYMENT), {"id": "p3", "no": "PAY-WECHAT-T1-2",
                                            "provider": "wechat", "txn": "T1", "at": now})
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM payments WHERE payment_id = 'p2'"))
            command.downgrade(alembic_config(conn), "0007")
        with engine.connect() as conn:
            assert "sign_in_failures" not in sa.inspect(conn).get_table_names()
            assert _keys(conn) == ["T1"]
    finally:
        engine.dispose()
    Database.open(empty_db_url).dispose()  # and up to head again

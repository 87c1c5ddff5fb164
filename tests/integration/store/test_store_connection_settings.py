"""Every PostgreSQL connection of the store runs with JIT off (app.store.db: compiling the
reports' aggregates cost more than it saved), and options a caller passes are kept."""

import sqlalchemy as sa

from app.store.db import Database, create_engine


def test_store_connections_run_without_jit(pg_migrated_url):
    database = Database.open(pg_migrated_url, migrate=False)
    try:
        with database.session() as session:
            assert session.execute(sa.text("SHOW jit")).scalar() == "off"
    finally:
        database.dispose()


def test_options_of_the_caller_are_kept_beside_jit_off(pg_migrated_url):
    engine = create_engine(pg_migrated_url,
                           connect_args={"options": "-c statement_timeout=4321"})
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SHOW jit")).scalar() == "off"
            assert conn.execute(sa.text("SHOW statement_timeout")).scalar() == "4321ms"
    finally:
        engine.dispose()

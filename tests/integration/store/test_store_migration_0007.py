"""Migration 0007 (registered devices: secret_sha256, active) upgrades a 0006 database with
devices met on first contact in place (active, unregistered: they sign in nowhere until an
admin registers them) and goes back down."""

import sqlalchemy as sa
from alembic import command

from app.store.db import Database, alembic_config, create_engine, upgrade


def _columns(conn) -> set[str]:
    return {c["name"] for c in sa.inspect(conn).get_columns("devices")}


def test_0007_upgrades_a_0006_database_and_downgrades(empty_db_url, now):
    engine = create_engine(empty_db_url)
    try:
        upgrade(engine, "0006")
        with engine.begin() as conn:
            assert {"secret_sha256", "active"}.isdisjoint(_columns(conn))
            conn.execute(sa.text(
                "INSERT INTO devices (device_id, kind, terminal, created_at, status) "
                "VALUES ('window-01', 'window', '01', :at, 'online')"), {"at": now})
        upgrade(engine, "0007")
        with engine.begin() as conn:
            row = conn.execute(sa.text(
                "SELECT device_id, terminal, secret_sha256, active FROM devices")).one()
            assert tuple(row) == ("window-01", "01", None, True)
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0006")
        with engine.connect() as conn:
            assert {"secret_sha256", "active"}.isdisjoint(_columns(conn))
            assert conn.execute(sa.text("SELECT device_id FROM devices")).scalar() == "window-01"
    finally:
        engine.dispose()
    Database.open(empty_db_url).dispose()  # and up to head again


def test_an_old_demo_store_upgraded_signs_its_windows_in_again(empty_db_url, now):
    """`make run` on a data folder from before registration: the upgraded store's demo devices
    are unregistered rows; seeding registers them (their id as secret), and the embedded
    store's own window too."""
    from app.domain.venue import Venue
    from app.services.admin import auth, seeding

    engine = create_engine(empty_db_url)
    try:
        upgrade(engine, "0006")
        with engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO devices (device_id, kind, terminal, created_at, status) VALUES "
                "('window-01', 'window', '01', :at, 'online'), "
                "('window-03', 'window', '03', :at, 'online')"), {"at": now})
    finally:
        engine.dispose()
    db = Database.open(empty_db_url)
    try:
        seeding.seed_demo(db.session(), now=now, venue=Venue())
        assert seeding.register_window(db.session(), "window-03", "03", now=now) == "window-03"
        for device_id, terminal in (("window-01", "01"), ("window-03", "03")):
            who = auth.sign_in(db.session(), "clerk1", "clerk1", device_id=device_id,
                               device_secret=device_id, now=now)
            assert who.terminal == terminal
    finally:
        db.dispose()

"""Fixtures shared by every test layer: a fixed clock and real databases.

Databases are real and fresh for every test. `db_url` (both engines) starts at the newest
schema, copied from a template migrated once per session (a PostgreSQL `TEMPLATE` database, a
SQLite file), since running every migration for every test would dominate the suite;
`empty_db_url` is an empty database for the tests of the migrations themselves. Passwords are
hashed with cheap argon2 parameters in this process (the server and the services under test
run here too); the CLI tests in their own processes use the real ones.
"""

import os
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from argon2 import PasswordHasher

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PG_ADMIN_URL = os.environ.get("MENPIAO_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")

# 2026-11-21 10:00 in Asia/Shanghai: inside opening hours.
FIXED_NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return FIXED_NOW


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashes():
    from app.services.admin import auth

    real = auth._hasher  # noqa: SLF001
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # noqa: SLF001
    yield
    auth._hasher = real  # noqa: SLF001


def _admin():
    import sqlalchemy as sa

    return sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")


def _create_pg(name: str, template: str | None = None) -> str:
    import sqlalchemy as sa

    admin = _admin()
    try:
        with admin.connect() as conn:
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.execute(sa.text(f'CREATE DATABASE "{name}"{suffix}'))
    except sa.exc.OperationalError as exc:  # a core feature: fail loudly, never skip
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}")
    finally:
        admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _drop_pg(name: str) -> None:
    import sqlalchemy as sa

    admin = _admin()
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _migrate(url: str) -> None:
    from app.store.db import Database

    Database.open(url).dispose()


def _migrate_and_seed_store(url: str) -> None:
    """What a demo store holds before its first request: the schema, the demo users, catalog
    and capacity, and their changes in the feed (at FIXED_NOW)."""
    from app.domain.venue import Venue
    from app.services.admin import seeding
    from app.store.db import Database

    db = Database.open(url)
    db.emit_changes = True
    seeding.seed_demo(db.session(), now=FIXED_NOW, venue=Venue())
    db.dispose()


@pytest.fixture(scope="session")
def pg_template():
    """A PostgreSQL database at the newest schema, the template of every test's database."""
    name = f"menpiao_tmpl_{uuid.uuid4().hex[:12]}"
    _migrate(_create_pg(name))
    yield name
    _drop_pg(name)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "menpiao.sqlite3"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_store_template():
    name = f"menpiao_stmpl_{uuid.uuid4().hex[:12]}"
    _migrate_and_seed_store(_create_pg(name))
    yield name
    _drop_pg(name)


@pytest.fixture(scope="session")
def sqlite_store_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("store-template") / "menpiao.sqlite3"
    _migrate_and_seed_store(f"sqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def store_db_url(request, tmp_path, sqlite_store_template) -> str:
    """Both engines: a fresh database holding a seeded demo store (see
    `_migrate_and_seed_store`), for the tests that run the central store."""
    if request.param == "sqlite":
        path = tmp_path / "menpiao.sqlite3"
        shutil.copyfile(sqlite_store_template, path)
        return f"sqlite:///{path}"
    name = f"menpiao_test_{uuid.uuid4().hex[:12]}"
    url = _create_pg(name, template=request.getfixturevalue("pg_store_template"))
    request.addfinalizer(lambda: _drop_pg(name))
    return url


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'menpiao.sqlite3'}"


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"menpiao_test_{uuid.uuid4().hex[:12]}"
    yield _create_pg(name)
    _drop_pg(name)


@pytest.fixture
def pg_migrated_url(pg_template):
    """A fresh PostgreSQL database at the newest schema, dropped afterwards."""
    name = f"menpiao_test_{uuid.uuid4().hex[:12]}"
    yield _create_pg(name, template=pg_template)
    _drop_pg(name)


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path, sqlite_template) -> str:
    """Run a test on both engines, each on a fresh database at the newest schema."""
    if request.param == "sqlite":
        path = tmp_path / "menpiao.sqlite3"
        shutil.copyfile(sqlite_template, path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("pg_migrated_url")


@pytest.fixture(params=["sqlite", "postgres"])
def empty_db_url(request, tmp_path) -> str:
    """Both engines, an empty database: for the tests of the migrations."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'menpiao.sqlite3'}"
    return request.getfixturevalue("pg_url")

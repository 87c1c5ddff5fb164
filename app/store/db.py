"""Engine, sessions and migrations: `Database.open(url)` is how every part reaches its database.

SQLite (the window's local file, the embedded store): WAL, `synchronous=FULL`, foreign keys on and
a busy timeout on every connection, and every transaction starts with `BEGIN IMMEDIATE` so that
writers queue on the lock instead of failing half-way when a read turns into a write (so never
keep a session's transaction open: `with db.session() as s:`). Read-only use cases open theirs
with `read_transaction(session)`, a DEFERRED begin that never waits for writers.
PostgreSQL (the central store) goes through psycopg 3 at READ COMMITTED; services keep the
invariants with conditional UPDATEs and CHECK constraints. Its JIT compiler is off for our
connections (`jit=off`): the reports' aggregates cost enough to trigger it, and compiling took
0.4–1.5 s per query at a million orders — far more than it ever saved.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 15_000
_PG_MIGRATION_LOCK = 0x6D656E70  # "menp": one migrator at a time across workers

_MIGRATE_LOCK = threading.Lock()  # Alembic's context is process-global: one upgrade at a time

PG_OPTIONS = "-c jit=off"  # libpq options of every PostgreSQL connection (see the docstring)

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)


def _on_sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # Take transaction control away from the sqlite3 module; the "begin" hook issues BEGIN.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    for pragma in SQLITE_PRAGMAS:
        cur.execute(pragma)
    cur.close()


_READ_ONLY: ContextVar[bool] = ContextVar("menpiao_sqlite_read_only", default=False)


def _begin_sqlite(dbapi_conn: Any) -> None:
    dbapi_conn.execute("BEGIN" if _READ_ONLY.get() else "BEGIN IMMEDIATE")


def dialect_insert(session_or_dialect: Session | str) -> Any:
    """The `insert()` of the session's backend (or of the dialect named), which has
    `on_conflict_do_nothing` / `on_conflict_do_update` on both of Menpiao's engines."""
    name = session_or_dialect if isinstance(session_or_dialect, str) \
        else session_or_dialect.get_bind().dialect.name
    return postgresql.insert if name == "postgresql" else sqlite.insert


@contextmanager
def read_transaction(session: Session) -> Iterator[Session]:
    """`session.begin()` for a transaction that only reads. On SQLite it starts DEFERRED: it
    reads a WAL snapshot without taking (or waiting for) the write lock. Elsewhere it is
    exactly `session.begin()`."""
    token = _READ_ONLY.set(True)
    try:
        with session.begin():
            session.connection()  # start it now, while the flag is set
            yield session
    finally:
        _READ_ONLY.reset(token)


@contextmanager
def atomic(session: Session) -> Iterator[Session]:
    """All-or-nothing work: its own transaction (`session.begin()`), or a SAVEPOINT when the
    caller already holds one open (a pushed batch applies a group of ops in one transaction,
    each op in a savepoint: a failing op rolls back only itself)."""
    if session.in_transaction():
        with session.begin_nested():
            yield session
    else:
        with session.begin():
            yield session


@contextmanager
def reading(session: Session) -> Iterator[Session]:
    """`read_transaction`, or the caller's transaction when one is open."""
    if session.in_transaction():
        yield session
    else:
        with read_transaction(session):
            yield session


def read_one(session: Session, statement: sa.Executable,
             params: dict[str, Any] | None = None) -> sa.Row | None:
    """The first row of one statement that only reads. On PostgreSQL, outside the caller's
    transaction when it has none, the statement runs on its own (autocommit: one statement
    is its own snapshot), which spares the BEGIN and COMMIT round trips of a transaction —
    what every request's token check paid (issue 16). Elsewhere, in `reading`."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql" and not session.in_transaction():
        with bind.connect() as conn:
            return conn.execution_options(isolation_level="AUTOCOMMIT") \
                .execute(statement, params).first()
    with reading(session):
        return session.connection().execute(statement, params).first()


PING_AFTER_IDLE_S = 5.0  # a pooled PostgreSQL connection idle longer is pinged before use
_IDLE_SINCE = "menpiao.idle_since"


def _mark_idle(_dbapi_conn: Any, record: Any) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()


def _ping_if_idle(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
    """The pool's pre-ping, only for a connection that sat idle (a server restart or a
    dropped socket shows there): one used a moment ago is alive, and pinging it cost a round
    trip on every request. A dead one is replaced, as the built-in pre-ping does."""
    idle_since = record.info.get(_IDLE_SINCE)
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
        return
    try:
        dbapi_conn.execute("SELECT 1")
        dbapi_conn.rollback()
    except Exception as exc:  # any failure: the pool retries with a new connection
        raise sa.exc.DisconnectionError() from exc


def create_engine(url: str, **kw: Any) -> sa.Engine:
    """An engine with Menpiao's connection settings for the URL's backend."""
    sa_url = sa.make_url(url)
    if sa_url.get_backend_name() == "sqlite":
        kw.setdefault("connect_args", {}).setdefault("timeout", BUSY_TIMEOUT_MS / 1000)
        engine = sa.create_engine(sa_url, **kw)
        sa.event.listen(engine, "connect", _on_sqlite_connect)
        # The dialect's own begin hook (a no-op for pysqlite) rather than a "begin" event: an
        # engine with connection events pays for event dispatch on every statement.
        engine.dialect.do_begin = _begin_sqlite  # type: ignore[method-assign]
        return engine
    if sa_url.get_backend_name() == "postgresql":
        if sa_url.drivername == "postgresql":  # plain postgresql:// means psycopg 3 here
            sa_url = sa_url.set(drivername="postgresql+psycopg")
        args = dict(kw.get("connect_args") or {})
        given = args.get("options") or sa_url.query.get("options")
        args["options"] = " ".join(filter(None, (given, PG_OPTIONS)))
        kw["connect_args"] = args
        engine = sa.create_engine(sa_url, **kw)
        sa.event.listen(engine, "checkout", _ping_if_idle)
        sa.event.listen(engine, "checkin", _mark_idle)
        return engine
    raise ValueError(f"unsupported database URL: {url} (use sqlite:/// or postgresql+psycopg://)")


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """Alembic configured in code: no alembic.ini, no dependence on the working directory."""
    from alembic.config import Config  # imported here: alembic costs ~150 ms at start-up

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Run the migrations up to `revision` in one transaction (DDL is transactional on both)."""
    from alembic import command

    with _MIGRATE_LOCK, engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        command.upgrade(alembic_config(conn), revision)


EMIT_CHANGES = "menpiao.changes.enabled"  # Session.info key read by app.services.journal.changes
OP_SIGNER = "menpiao.ops.signer"  # Session.info key read by app.services.journal.outbox


class Database:
    """One database: its engine, a session factory, and the schema kept at head."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self.emit_changes = False  # the central store: services write the changes feed
        # a window: (username, op key) of the clerk signed in, who signs the ops queued
        # (app.domain.op_signing); None: ops go unsigned
        self.op_signer: tuple[str, str] | None = None

    @classmethod
    def open(cls, url: str, *, migrate: bool = True, **engine_kw: Any) -> Database:
        """Connect to `url` and bring its schema to the latest migration."""
        engine = create_engine(url, **engine_kw)
        if migrate:
            try:
                upgrade(engine)
            except BaseException:
                engine.dispose()
                raise
        return cls(engine)

    @property
    def engine(self) -> sa.Engine:
        return self._engine

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def session(self) -> Session:
        """A new Session; services open their own transaction on it (`with session.begin()`).
        On the central store (`emit_changes`) its commits write the changes feed."""
        session = self._sessions()
        if self.emit_changes:
            session.info[EMIT_CHANGES] = True
        if self.op_signer is not None:
            session.info[OP_SIGNER] = self.op_signer
        return session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self._engine.dispose()

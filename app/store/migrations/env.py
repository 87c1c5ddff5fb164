"""Alembic environment, configured from code by `app.store.db` (no alembic.ini)."""

from alembic import context

from app.store.db import create_engine
from app.store.models import Base
from app.store.models.orders import PG_ONLY_INDEXES

config = context.config


def _include(obj, name, kind, reflected, compare_to) -> bool:
    """Autogenerate leaves alone the PostgreSQL-only indexes of migration 0013."""
    return not (kind == "index" and name in PG_ONLY_INDEXES)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=_include,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported")
run_migrations_online()

"""Is the store's database there? `GET /health` asks (DESIGN.md §14: it says ok only when the
database answers)."""

import logging

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.errors import DomainError
from app.store.db import read_transaction

log = logging.getLogger(__name__)


class Unavailable(DomainError):
    """HTTP 503: the store cannot reach its database."""

    code = "unavailable"


def check(session: Session) -> None:
    """One cheap read of the schema's own table; Unavailable when the database cannot answer
    (gone, unreachable, or not a migrated store)."""
    try:
        with read_transaction(session):
            session.execute(sa.text("SELECT 1 FROM alembic_version")).first()
    except sa.exc.SQLAlchemyError as exc:
        log.warning("health check: database unavailable: %s", exc)
        raise Unavailable("数据库不可用，服务暂停") from None

"""Requests from outside that must take effect exactly once (channel orders, payment callbacks,
gate redemptions), kept in `received_requests`.

The key is claimed first in the request's transaction with INSERT ... ON CONFLICT DO NOTHING:
on PostgreSQL a racing twin waits on the key until the first writer commits, then inserts
nothing and reads the committed row (READ COMMITTED sees it); on SQLite the whole transaction
already holds the write lock. The same key with another body is refused."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.domain.errors import DomainError
from app.store.models import ReceivedRequest

from .outbox import payload_digest

_table = ReceivedRequest.__table__


class KeyReused(DomainError):
    """The key was already used for a request with another body (HTTP 422)."""

    code = "idempotency_key_reused"


def digest(payload: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a request's meaning (key order and spacing ignored)."""
    return payload_digest(dict(payload))


def find(session: Session, scope: str, key: str) -> ReceivedRequest | None:
    """The stored request, or None (inside the caller's transaction)."""
    return session.execute(
        sa.select(ReceivedRequest).where(_table.c.scope == scope, _table.c.key == key)
        .execution_options(populate_existing=True)).scalar_one_or_none()


def check(row: ReceivedRequest, request_sha256: str, message: str) -> ReceivedRequest:
    """`row` when it was made by the same body; KeyReused (with `message`) otherwise."""
    if row.request_sha256 != request_sha256:
        raise KeyReused(message)
    return row


def claim(session: Session, scope: str, key: str, request_sha256: str, *,
          now: datetime, message: str) -> ReceivedRequest | None:
    """Take the key for this transaction: None when it is ours (go on and act), else the row
    of the request that took it first (replay it; KeyReused when its body differed)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" \
        else sqlite.insert
    stmt = insert(_table).values(scope=scope, key=key, request_sha256=request_sha256,
                                 created_at=now).on_conflict_do_nothing() \
        .returning(_table.c.key)
    if session.connection().execute(stmt).first() is not None:
        return None
    row = find(session, scope, key)
    assert row is not None  # it conflicted, so it is committed now
    return check(row, request_sha256, message)


def finish(session: Session, scope: str, key: str, *, order_id: str | None,
           result: Mapping[str, Any]) -> None:
    """Store the answer of the claimed request (same transaction)."""
    session.connection().execute(
        sa.update(_table).where(_table.c.scope == scope, _table.c.key == key)
        .values(order_id=order_id, result=dict(result)))

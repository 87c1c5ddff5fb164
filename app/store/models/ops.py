"""Operational tables: shifts and their cash movements, the sync outbox and its server-side mirror (applied_ops,
change_log), print jobs and the counters behind human numbers."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..types import BigIntPK
from .base import Base, counter, fen, short, uuid_pk


class Shift(Base):
    __tablename__ = "shifts"
    __table_args__ = (sa.Index("ix_shifts_terminal", "terminal", "opened_at"),)

    shift_id: Mapped[str] = uuid_pk()
    terminal: Mapped[str] = short(8)
    clerk: Mapped[str] = short(64)
    status: Mapped[str] = short(16, default="open")  # open | closed
    opening_float_fen: Mapped[int] = fen()
    cash_expected_fen: Mapped[int | None] = fen(None)
    cash_counted_fen: Mapped[int | None] = fen(None)
    variance_fen: Mapped[int | None] = fen(None)
    report: Mapped[dict[str, Any] | None]
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class CashMovement(Base):
    """Cash put into (`in`) or taken out of (`out`) a window's drawer during a shift, with the
    reason; counted in the shift's expected cash (migration 0004)."""

    __tablename__ = "cash_movements"
    __table_args__ = (
        sa.CheckConstraint("amount_fen > 0 AND kind IN ('in', 'out')", name="amount_kind"),
        sa.Index("ix_cash_movements_shift", "shift_id", "at"),
    )

    movement_id: Mapped[str] = uuid_pk()
    shift_id: Mapped[str] = short(36, sa.ForeignKey("shifts.shift_id"))
    terminal: Mapped[str] = short(8)
    clerk: Mapped[str] = short(64)
    kind: Mapped[str] = short(8)
    amount_fen: Mapped[int] = fen()
    reason: Mapped[str] = mapped_column(sa.Text)
    at: Mapped[datetime]


class OutboxOp(Base):
    """Ops the window still has to push to the central store (DESIGN.md §9)."""

    __tablename__ = "outbox"
    __table_args__ = (sa.Index("ix_outbox_state", "state", "seq"),)

    op_id: Mapped[str] = uuid_pk()
    seq: Mapped[int] = mapped_column(sa.BigInteger, unique=True)
    kind: Mapped[str] = short(16)
    payload: Mapped[dict[str, Any]]
    payload_sha256: Mapped[str] = short(64)
    device_time: Mapped[datetime]
    state: Mapped[str] = short(16, default="pending")  # pending | inflight | acked | rejected
    attempts: Mapped[int] = counter(0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    signed_by: Mapped[str | None] = short(64)  # the clerk whose op key signed it
    signature: Mapped[str | None] = short(64)  # app.domain.op_signing.sign


class PrintJobRow(Base):
    """Documents waiting for, or done on, the printer (columns fixed by docs/contracts.md)."""

    __tablename__ = "print_jobs"
    __table_args__ = (
        sa.Index("ix_print_jobs_queue", "status", "created_at"),
        sa.Index("ix_print_jobs_order_no", "order_no"),
    )

    id: Mapped[str] = uuid_pk()
    kind: Mapped[str] = short(16)
    payload: Mapped[dict[str, Any]]
    order_no: Mapped[str | None] = short(64)
    status: Mapped[str] = short(16, default="pending")
    attempts: Mapped[int] = counter(0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime | None]
    printed_at: Mapped[datetime | None]


class OrderCounter(Base):
    """Last window order sequence per terminal and local day (W01-20261121-0007)."""

    __tablename__ = "order_counters"

    terminal: Mapped[str] = short(8, primary_key=True)
    local_date: Mapped[date] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = counter(0)


class Counter(Base):
    """Named monotonic counters (e.g. the outbox seq); bumped with UPDATE ... RETURNING so
    concurrent writers on PostgreSQL serialise on the row."""

    __tablename__ = "counters"

    name: Mapped[str] = short(32, primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default=sa.text("0"))


class SyncState(Base):
    __tablename__ = "sync_state"

    stream: Mapped[str] = short(32, primary_key=True)
    cursor: Mapped[str | None] = short(64)
    updated_at: Mapped[datetime | None]


class AppliedOp(Base):
    """Server side: every pushed op ever applied, kept permanently for idempotency."""

    __tablename__ = "applied_ops"

    op_id: Mapped[str] = uuid_pk()
    payload_sha256: Mapped[str] = short(64)
    kind: Mapped[str | None] = short(16)
    device_id: Mapped[str | None] = short(64)
    result: Mapped[dict[str, Any]]
    applied_at: Mapped[datetime | None]


class ChangeLog(Base):
    """Server side: the changes feed, written in the same transaction as each change."""

    __tablename__ = "change_log"
    __table_args__ = (sa.Index("ix_change_log_entity", "entity", "entity_id"),)

    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    entity: Mapped[str] = short(16)
    entity_id: Mapped[str] = short(64)
    version: Mapped[int]
    data: Mapped[dict[str, Any]]
    at: Mapped[datetime]


class AdminChange(Base):
    """Server side: the admin log (DESIGN.md §15) — who changed which user, device, ticket
    type, capacity, refund policy or force-majeure day, when, and the record before and after
    (no password, hash or secret ever)."""

    __tablename__ = "admin_changes"
    __table_args__ = (sa.Index("ix_admin_changes_entity", "entity", "entity_key", "seq"),)

    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = short(80)
    entity: Mapped[str] = short(32)
    entity_key: Mapped[str] = short(80)
    action: Mapped[str] = short(32)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]


class ApiToken(Base):
    """Server side: a bearer token of the HTTP API, stored as the SHA-256 of the opaque token
    (a stolen database copy holds no usable token). Bound to the device and window it logged
    in from; refused after `expires_at` or once revoked."""

    __tablename__ = "api_tokens"
    __table_args__ = (sa.Index("ix_api_tokens_username", "username"),)

    token_sha256: Mapped[str] = short(64, primary_key=True)
    username: Mapped[str] = short(64, sa.ForeignKey("users.username"))
    device_id: Mapped[str | None] = short(64)
    terminal: Mapped[str | None] = short(8)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class IdempotencyKey(Base):
    """Server side: `Idempotency-Key`s of POST requests, per user, kept with the digest of the
    body and the order made, written in the same transaction as that order."""

    __tablename__ = "idempotency_keys"

    username: Mapped[str] = short(64, primary_key=True)
    key: Mapped[str] = short(128, primary_key=True)
    request_sha256: Mapped[str] = short(64)
    order_id: Mapped[str] = short(36)
    order_no: Mapped[str] = short(64)
    created_at: Mapped[datetime]

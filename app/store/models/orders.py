"""Orders and everything that hangs off one: tickets, payments, refunds, the timeline,
anomalies."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, counter, fen, short, uuid_pk

ORDER_FK = "orders.order_id"
# Made by migration 0013 on PostgreSQL only (an expression b-tree with a collation, GINs over
# pg_trgm and `menpiao_name_grams`): no SQLite equivalent, so not declared below; schema
# comparisons skip them.
PG_ONLY_INDEXES = ("ix_orders_phone_reversed", "ix_orders_name_trgm", "ix_orders_name_grams")


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        sa.CheckConstraint(
            "total_fen >= 0 AND paid_fen >= 0 AND refunded_fen >= 0", name="money_nonneg"),
        sa.UniqueConstraint("channel", "external_id"),
        sa.Index("ix_orders_created_at", "created_at"),
        sa.Index("ix_orders_terminal_created", "terminal", "created_at"),
        sa.Index("ix_orders_visit_date", "visit_date"),
        sa.Index("ix_orders_customer_phone", "customer_phone"),
        sa.Index("ix_orders_channel_created", "channel", "created_at"),
        sa.Index("ix_orders_status_created", "status", "created_at"),
        sa.Index("ix_orders_status_visit", "status", "visit_date"),
        sa.Index("ix_orders_order_no_lower", sa.text("lower(order_no)")),
    )

    order_id: Mapped[str] = uuid_pk()
    order_no: Mapped[str] = short(64, unique=True)
    channel: Mapped[str] = short(16)
    external_id: Mapped[str | None] = short(64)
    terminal: Mapped[str | None] = short(8)
    clerk: Mapped[str | None] = short(64)
    device_id: Mapped[str | None] = short(64)
    visit_date: Mapped[date]
    status: Mapped[str] = short(24)
    payment_state: Mapped[str] = short(16)
    cancelled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    total_fen: Mapped[int] = fen()
    paid_fen: Mapped[int] = fen()
    refunded_fen: Mapped[int] = fen()
    customer_name: Mapped[str | None] = short(64)
    customer_phone: Mapped[str | None] = short(32)
    customer_id_no: Mapped[str | None] = short(32)
    receipt_reprint_count: Mapped[int] = counter(0)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = counter(1)
    locked_at: Mapped[datetime | None]  # the lock_order anomaly fix: no more admissions
    locked_by: Mapped[str | None] = short(64)
    lock_reason: Mapped[str | None] = mapped_column(sa.Text)
    # the timeline's head, kept by `journal.timeline.append` in the same transaction (§14)
    last_hash: Mapped[str | None] = short(64)
    event_count: Mapped[int] = counter(0)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        sa.CheckConstraint("price_fen >= 0 AND list_price_fen >= 0", name="money_nonneg"),
        sa.CheckConstraint("uses_left >= 0 AND uses_left <= uses_total", name="uses_range"),
        sa.Index("ix_tickets_order", "order_id", "position"),
        sa.Index("ix_tickets_stock", "ticket_type", "status"),
    )

    ticket_id: Mapped[str] = uuid_pk()
    order_id: Mapped[str] = short(36, sa.ForeignKey(ORDER_FK))
    position: Mapped[int] = counter(1)  # 1-based order inside the order
    code: Mapped[str] = short(40, unique=True)
    ticket_type: Mapped[str] = short(32)  # the type it counts against (a package's component)
    sold_as: Mapped[str] = short(32)  # what the visitor bought (the package code)
    name: Mapped[str] = short(64)  # printed name, e.g. 亲子套票·成人票
    kind: Mapped[str] = short(16)
    price_fen: Mapped[int] = fen()
    list_price_fen: Mapped[int] = fen()
    status: Mapped[str] = short(16)
    uses_total: Mapped[int] = counter(1)
    uses_left: Mapped[int] = counter(1)
    redeemed_at: Mapped[datetime | None]
    redeemed_by: Mapped[str | None] = short(64)
    reprint_count: Mapped[int] = counter(0)
    updated_at: Mapped[datetime]
    version: Mapped[int] = counter(1)


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (
        sa.CheckConstraint(
            "amount_fen >= 0 AND tendered_fen >= 0 AND change_fen >= 0", name="money_nonneg"),
        sa.Index("ix_payments_order", "order_id"),
        sa.Index("ix_payments_at", "at"),
        # a transaction id is the provider's: two providers may use the same one
        sa.UniqueConstraint("provider", "provider_txn_id"),
    )

    payment_id: Mapped[str] = uuid_pk()
    payment_no: Mapped[str] = short(80, unique=True)
    order_id: Mapped[str | None] = short(36, sa.ForeignKey(ORDER_FK))  # null: paid, no order
    method: Mapped[str] = short(16)
    amount_fen: Mapped[int] = fen()
    tendered_fen: Mapped[int] = fen()
    change_fen: Mapped[int] = fen()
    status: Mapped[str] = short(16)  # started | succeeded | failed | refunded
    provider: Mapped[str | None] = short(32)
    provider_txn_id: Mapped[str | None] = short(128)
    at: Mapped[datetime]


class Refund(Base):
    __tablename__ = "refunds"
    __table_args__ = (
        sa.CheckConstraint(
            "amount_fen >= 0 AND fee_fen >= 0 AND payment_fee_fen >= 0", name="money_nonneg"),
        sa.Index("ix_refunds_order", "order_id"),
        sa.Index("ix_refunds_status", "status", "updated_at"),
    )

    refund_id: Mapped[str] = uuid_pk()
    refund_no: Mapped[str] = short(80, unique=True)
    order_id: Mapped[str] = short(36, sa.ForeignKey(ORDER_FK))
    ticket_ids: Mapped[list[Any]]
    method: Mapped[str] = short(16)
    status: Mapped[str] = short(24)  # requested | awaiting_approval | processing | submitted | succeeded | failed
    amount_fen: Mapped[int] = fen()
    fee_fen: Mapped[int] = fen()
    payment_fee_fen: Mapped[int] = fen()
    rule: Mapped[str | None] = short(32)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    override: Mapped[dict[str, Any] | None]
    approvals: Mapped[list[Any]] = mapped_column(default=list)
    requested_by: Mapped[str | None] = short(64)
    attempts: Mapped[int] = counter(0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = counter(1)
    paid_out_terminal: Mapped[str | None] = short(8)  # the window whose drawer paid the cash
    paid_out_at: Mapped[datetime | None]


class TimelineEvent(Base):
    """Append-only, hash-chained order log (DESIGN.md §7). Its rows are made (chained and
    hashed) only by `app.services.journal.timeline`, which writes them, or hands them to a
    caller that writes them with its own rows in one statement (`timeline.table_rows`)."""

    __tablename__ = "timeline_events"
    __table_args__ = (sa.UniqueConstraint("order_id", "seq"),
                      sa.Index("ix_timeline_events_at", "at"))

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    order_id: Mapped[str] = short(36, sa.ForeignKey(ORDER_FK))
    seq: Mapped[int]
    at: Mapped[datetime]
    actor: Mapped[str] = short(80)
    action: Mapped[str] = short(64)
    detail: Mapped[dict[str, Any]]
    source: Mapped[str] = short(16)
    prev_hash: Mapped[str] = short(64)
    hash: Mapped[str] = short(64)


class AuditCheckpoint(Base):
    """One venue-local day's signed checkpoint (DESIGN.md §14): every order touched that day
    with its event count and last hash as the day ended, chained, and the chain's HMAC under
    a key kept outside the database. Written by `app.services.journal.audit`."""

    __tablename__ = "audit_checkpoints"

    day: Mapped[date] = mapped_column(primary_key=True)
    entries: Mapped[dict[str, Any]]  # {"orders": [[order_id, order_no, event_count, hash]]}
    chain_hash: Mapped[str] = short(64)
    mac: Mapped[str] = short(64)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = short(80)


class Anomaly(Base):
    __tablename__ = "anomalies"
    __table_args__ = (
        sa.Index("ix_anomalies_queue", "status", "priority"),
        sa.Index("ix_anomalies_order", "order_id"),
    )

    anomaly_id: Mapped[str] = uuid_pk()
    kind: Mapped[str] = short(40)
    category: Mapped[str] = short(16)
    order_id: Mapped[str | None] = short(36, sa.ForeignKey(ORDER_FK))
    order_no: Mapped[str | None] = short(64)
    dedupe_key: Mapped[str | None] = short(160, unique=True)  # one open anomaly per cause
    reason: Mapped[str] = mapped_column(sa.Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    priority: Mapped[int] = counter(0)
    status: Mapped[str] = short(16, default="open")  # open | resolved | dismissed
    fixes: Mapped[list[Any]] = mapped_column(default=list)
    detected_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = short(64)
    resolution: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = counter(1)

"""People, devices, what is sold and how much of it: users, devices, ticket_types, inventory,
leases, settings."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, counter, short, uuid_pk


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("role IN ('clerk','supervisor','finance','admin','gate')", name="role"),
    )

    user_id: Mapped[str] = uuid_pk()
    username: Mapped[str] = short(64, unique=True)
    display_name: Mapped[str] = short(64)
    role: Mapped[str] = short(16)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # app.domain.op_signing: the store's copy of the key / a window's, under the password
    op_key: Mapped[str | None] = short(64)
    op_key_wrapped: Mapped[str | None] = short(200)


class Device(Base):
    __tablename__ = "devices"

    device_id: Mapped[str] = short(64, primary_key=True)
    kind: Mapped[str] = short(16, default="window")  # window | gate | office | server
    terminal: Mapped[str | None] = short(8)
    last_user: Mapped[str | None] = short(64)
    last_seen_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    location: Mapped[str | None] = short(64)  # 南门闸机1号
    status: Mapped[str] = short(16, default="online", server_default="online")
    last_heartbeat_at: Mapped[datetime | None]
    # SHA-256 of the secret shown once at registration (DESIGN.md §14); NULL: not registered
    secret_sha256: Mapped[str | None] = short(64)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())


class TicketTypeRow(Base):
    __tablename__ = "ticket_types"
    __table_args__ = (
        sa.CheckConstraint("price_fen >= 0", name="price_nonneg"),
        sa.CheckConstraint("uses_total >= 1", name="uses_positive"),
        sa.CheckConstraint("min_group_size >= 1", name="group_positive"),
    )

    code: Mapped[str] = short(32, primary_key=True)
    name: Mapped[str] = short(64)
    kind: Mapped[str] = short(16)
    price_fen: Mapped[int] = mapped_column(sa.BigInteger)
    components: Mapped[list[Any]] = mapped_column(default=list)
    uses_total: Mapped[int] = counter(1)
    min_group_size: Mapped[int] = counter(1)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    sort_order: Mapped[int] = counter(0)
    version: Mapped[int] = counter(1)
    updated_at: Mapped[datetime]


class Inventory(Base):
    """Stock of one ticket type on one visit date. Packages have no rows: they draw on their
    components' rows."""

    __tablename__ = "inventory"
    __table_args__ = (
        sa.UniqueConstraint("ticket_type", "visit_date"),
        sa.CheckConstraint("sold + held <= capacity", name="no_oversell"),
        sa.CheckConstraint(
            "capacity >= 0 AND sold >= 0 AND held >= 0 AND oversold >= 0", name="nonneg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    ticket_type: Mapped[str] = short(32, sa.ForeignKey("ticket_types.code"))
    visit_date: Mapped[date]
    capacity: Mapped[int] = counter(0)
    sold: Mapped[int] = counter(0)
    held: Mapped[int] = counter(0)
    oversold: Mapped[int] = counter(0)
    version: Mapped[int] = counter(1)
    updated_at: Mapped[datetime]


class LeaseRow(Base):
    """Units granted to one device to sell offline (DESIGN.md §4)."""

    __tablename__ = "leases"
    __table_args__ = (
        sa.CheckConstraint("used >= 0 AND used <= granted", name="used_within_granted"),
        sa.Index("ix_leases_stock", "ticket_type", "visit_date"),
    )

    lease_id: Mapped[str] = uuid_pk()
    device_id: Mapped[str] = short(64)
    ticket_type: Mapped[str] = short(32, sa.ForeignKey("ticket_types.code"))
    visit_date: Mapped[date]
    granted: Mapped[int] = counter(0)
    used: Mapped[int] = counter(0)
    status: Mapped[str] = short(16, default="active")  # active | returned | expired
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = counter(1)


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = short(64, primary_key=True)
    value: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]

"""Server side: the day close (DESIGN.md §15) and the settlement lines finance imports from
channels and payment providers (migration 0012)."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, fen, short, uuid_pk


class DayClose(Base):
    """One closed venue-local day: who closed it, when, and the figures as they stood then
    (`snapshot`: the report plus the ids of the payments, refunds and shifts it counted), so
    money recorded later shows as a late entry instead of changing the closed figures."""

    __tablename__ = "day_closes"

    day: Mapped[date] = mapped_column(primary_key=True)
    closed_by: Mapped[str] = short(64)
    closed_at: Mapped[datetime]
    snapshot: Mapped[dict[str, Any]]


class SettlementLine(Base):
    """One line of a settlement file (order_no, txn_id, amount_fen, fee_fen, date) from
    `source` (a channel or provider), as imported and as matched against the store."""

    __tablename__ = "settlement_lines"
    __table_args__ = (
        sa.UniqueConstraint("source", "txn_id"),
        sa.Index("ix_settlement_lines_day", "settled_on"),
        sa.Index("ix_settlement_lines_payment", "payment_id"),
    )

    line_id: Mapped[str] = uuid_pk()
    source: Mapped[str] = short(32)
    order_no: Mapped[str] = short(64)
    txn_id: Mapped[str] = short(128)
    amount_fen: Mapped[int] = fen()
    fee_fen: Mapped[int] = fen()
    settled_on: Mapped[date]
    status: Mapped[str] = short(24)  # matched | unknown_order | amount_differs | duplicate
    payment_id: Mapped[str | None] = short(36)
    imported_by: Mapped[str] = short(64)
    imported_at: Mapped[datetime]

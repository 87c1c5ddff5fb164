"""Server side: requests from outside that must take effect once — channel orders (by channel
and external id), payment callbacks (by provider and transaction id) and gate redemptions (by
nonce) — kept permanently with the digest of the body and the answer given."""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Mapped

from .base import Base, short


class ReceivedRequest(Base):
    """One accepted request. `scope` is `channel_order` (key `CHANNEL:EXTERNAL_ID`),
    `payment_callback` (key `PROVIDER:PROVIDER_TXN_ID`) or `redemption` (key the nonce). The row is
    written first in the request's transaction: a racing twin waits on the key, then replays."""

    __tablename__ = "received_requests"

    scope: Mapped[str] = short(24, primary_key=True)
    key: Mapped[str] = short(160, primary_key=True)
    request_sha256: Mapped[str] = short(64)
    order_id: Mapped[str | None] = short(36)
    result: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]

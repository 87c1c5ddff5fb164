"""What the reports count, defined once:

- **valid order**: paid (`payment_state = paid`) and not cancelled (DESIGN.md §15); an order
  counts on the local day it was created (`orders.created_at`).
- **revenue** (`revenue_fen`): every payment made for an order — `succeeded`, or paid in and
  later paid back whole (`refunded`) — at its instant (`payments.at`), whatever the visit
  date. Money with no order (a payment nobody could match) is an anomaly, not revenue.
- **refunds** (`refunds_fen`): every `succeeded` refund at the instant its money went back:
  `paid_out_at` (cash out of a drawer), else `updated_at` (settled at once, or when the
  provider paid it). Refunds still waiting, submitted to a platform or failed are not money
  back yet.
- **entry**: a `ticket.redeemed` event (a gate's admission or a supervisor's manual one; a
  pass counts each use) at the instant of the scan (`scanned_at`, which an offline gate
  uploads later), else the event's instant.
- **rates** are basis points, `half_up(10000 × part ÷ whole)`, 0 when the whole is 0.
"""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa

from app.domain.lifecycle import PaymentState
from app.domain.money import div_half_up
from app.services.admin.devices import OFFLINE_WINDOW
from app.store.models import Order, Payment, Refund, TimelineEvent
from app.store.types import UTCDateTime

from .periods import Period

PAID_IN = ("succeeded", "refunded")  # payment states whose money came in
REFUND_DONE = "succeeded"
ENTRY = "ticket.redeemed"


def valid_order() -> Any:
    """SQL: the order is valid (paid and not cancelled)."""
    return sa.and_(Order.payment_state == str(PaymentState.PAID), Order.cancelled == sa.false())


def paid_in(period: Period) -> Any:
    """SQL: a payment of an order whose money came in inside the period."""
    return sa.and_(Payment.order_id.is_not(None), Payment.status.in_(PAID_IN),
                   period.holds(Payment.at))


def refunded_at() -> Any:
    """SQL: the instant a refund's money went back (see the module docstring)."""
    return sa.func.coalesce(Refund.paid_out_at, Refund.updated_at, type_=UTCDateTime())


def refunded_in(period: Period) -> Any:
    return sa.and_(Refund.status == REFUND_DONE, period.holds(refunded_at()))


REPORT_WORK_MEM = "64MB"


def roomy(session: Any) -> None:
    """On PostgreSQL, let this (read) transaction's sorts and hash tables take
    `REPORT_WORK_MEM` each: grouping a month of orders by phone spilled to disk with the
    default 4 MB and took twice as long. `SET LOCAL`: it ends with the transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'"))


def fen(value: Any) -> int:
    """A SQL sum as int fen (PostgreSQL answers a Decimal, an empty sum NULL)."""
    return int(value or 0)


def rate_bp(part: int, whole: int) -> int:
    return div_half_up(10_000 * part, whole) if whole else 0


def per_day(count: int, days: int) -> float:
    """`count ÷ days`, half-up to 2 decimals."""
    exact = Decimal(count) / Decimal(days)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def entry_instants(session: Any, period: Period) -> list[datetime]:
    """The instants of the entries inside the period. A scan is uploaded at most
    `OFFLINE_WINDOW` after it happened (older ones are refused), so the events looked at are
    those recorded from the period's start to `OFFLINE_WINDOW` after its end."""
    events = TimelineEvent.__table__  # Core rows: the ORM's cost 3 µs a row on a busy day
    rows = session.connection().execute(
        sa.select(events.c.at, events.c.detail["scanned_at"].as_string())
        .where(events.c.action == ENTRY, events.c.at >= period.start,
               events.c.at < period.end + OFFLINE_WINDOW)).all()
    out = []
    for at, scanned in rows:
        instant = _instant(scanned) or at
        if instant in period:
            out.append(instant)
    return out


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else None

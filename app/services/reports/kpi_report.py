"""`GET /reports/kpis?from=&to=` (DESIGN.md §15, seed 004): the key figures of local days
`from`..`to` (inclusive, at most 366):

- `days` = to − from + 1;
- `valid_orders`: orders created in the range that are paid and not cancelled
  (`measures.valid_order`); `valid_orders_per_day` = valid_orders ÷ days, half-up to 0.01;
- `revenue_fen`: payments made in the range (`measures`: the day report's revenue, summed);
- `aov_fen` = half_up(revenue_fen ÷ valid_orders), 0 without valid orders;
- `refund_rate_bp` = half_up(10000 × valid orders with any refund not rejected (asked,
  waiting, paid or failed — whenever asked) ÷ valid_orders);
- `repeat_rate_bp` = half_up(10000 × phones with ≥ 2 valid orders ÷ phones with ≥ 1), over
  the valid orders of the range that name a phone.
"""

from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.money import div_half_up
from app.domain.venue import Venue
from app.store.db import read_transaction
from app.store.models import Order, Payment, Refund

from . import measures
from .periods import Period, date_range


@dataclass(frozen=True)
class Kpis:
    days: int
    valid_orders: int
    valid_orders_per_day: float
    revenue_fen: int
    aov_fen: int
    refund_rate_bp: int
    repeat_rate_bp: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def kpis(session: Session, first: str | None, last: str | None, *, venue: Venue) -> Kpis:
    """The KPIs of the range (see the module docstring); ValidationError for a bad date, `from`
    after `to` or more than 366 days (nothing read)."""
    period = date_range(first, last, venue)
    with read_transaction(session):
        measures.roomy(session)
        valid, refunded, phones, repeat = _orders(session, period)
        revenue = measures.fen(session.execute(
            sa.select(sa.func.sum(Payment.amount_fen)).where(measures.paid_in(period))).scalar())
    return Kpis(days=period.days, valid_orders=valid,
                valid_orders_per_day=measures.per_day(valid, period.days),
                revenue_fen=revenue, aov_fen=div_half_up(revenue, valid) if valid else 0,
                refund_rate_bp=measures.rate_bp(refunded, valid),
                repeat_rate_bp=measures.rate_bp(repeat, phones))


def _valid_in(period: Period) -> Any:
    return sa.and_(measures.valid_order(), period.holds(Order.created_at))


def _orders(session: Session, period: Period) -> tuple[int, int, int, int]:
    """(valid orders, those of them with a refund not rejected, phones with ≥ 1 valid order,
    phones with ≥ 2) in the range — one pass over the valid orders, grouped by phone (orders
    without a phone form the NULL and '' groups, which count as orders but not as phones)."""
    asked = sa.select(Refund.order_id).where(Refund.status != "rejected")
    per_phone = sa.select(
        Order.customer_phone.label("phone"), sa.func.count().label("n"),
        sa.func.sum(sa.case((Order.order_id.in_(asked), 1), else_=0)).label("refunded")) \
        .where(_valid_in(period)).group_by(Order.customer_phone).subquery()
    named = sa.and_(per_phone.c.phone.is_not(None), per_phone.c.phone != "")
    row = session.execute(sa.select(
        sa.func.sum(per_phone.c.n), sa.func.sum(per_phone.c.refunded),
        sa.func.sum(sa.case((named, 1), else_=0)),
        sa.func.sum(sa.case((sa.and_(named, per_phone.c.n >= 2), 1), else_=0)))).one()
    return tuple(measures.fen(v) for v in row)  # type: ignore[return-value]

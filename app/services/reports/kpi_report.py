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
        valid = _count(session, period)
        revenue = measures.fen(session.execute(
            sa.select(sa.func.sum(Payment.amount_fen)).where(measures.paid_in(period))).scalar())
        refunded = _count(session, period, sa.exists().where(
            Refund.order_id == Order.order_id, Refund.status != "rejected"))
        phones, repeat = _phones(session, period)
    return Kpis(days=period.days, valid_orders=valid,
                valid_orders_per_day=measures.per_day(valid, period.days),
                revenue_fen=revenue, aov_fen=div_half_up(revenue, valid) if valid else 0,
                refund_rate_bp=measures.rate_bp(refunded, valid),
                repeat_rate_bp=measures.rate_bp(repeat, phones))


def _valid_in(period: Period) -> Any:
    return sa.and_(measures.valid_order(), period.holds(Order.created_at))


def _count(session: Session, period: Period, *more: Any) -> int:
    return int(session.execute(sa.select(sa.func.count()).select_from(Order)
                               .where(_valid_in(period), *more)).scalar_one())


def _phones(session: Session, period: Period) -> tuple[int, int]:
    """(phones with ≥ 1 valid order, phones with ≥ 2) in the range."""
    per_phone = sa.select(Order.customer_phone, sa.func.count().label("n")) \
        .where(_valid_in(period), Order.customer_phone.is_not(None),
               Order.customer_phone != "") \
        .group_by(Order.customer_phone).subquery()
    phones, repeat = session.execute(sa.select(
        sa.func.count(), sa.func.sum(sa.case((per_phone.c.n >= 2, 1), else_=0)))
        .select_from(per_phone)).one()
    return int(phones), measures.fen(repeat)

"""`GET /reports/day?date=` (DESIGN.md §15): one venue-local day at a glance.

- `orders`, `tickets`: the valid orders created that day and their tickets (every ticket the
  order sold, refunded ones too: refunds are money, counted apart);
- `revenue_fen`: payments made that day (`measures`), whatever the visit date;
- `refunds_fen`: refunds whose money went back that day (`measures`);
- `entries`: admissions scanned that day (`measures`); `capacity`: Σ capacity of the ticket
  types for visits that day (packages draw on their components);
- `by_channel`: every channel (DESIGN §2 order) with its valid orders, tickets and revenue —
  revenue belongs to the channel of the order it paid for; `by_hour`: the 24 local hours with
  orders created, revenue paid and entries scanned in each; their sums are the day's figures;
- `status_mix`: every order created that day (valid or not) by its status;
- `anomalies_open`, `approvals_waiting` (refunds awaiting approval), `devices_offline`
  (active gates and windows not heard from for `devices.OFFLINE_AFTER`): what needs someone
  now, as of the request, whatever the date asked for."""

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.anomalies import AnomalyStatus
from app.domain.ids import CHANNEL_PREFIXES
from app.domain.venue import Venue
from app.services.admin.devices import OFFLINE_AFTER
from app.store.db import read_transaction
from app.store.models import Anomaly, Device, Inventory, Order, Payment, Refund, Ticket

from . import measures
from .periods import Period, hour_of, one_day

WATCHED_DEVICES = ("gate", "window")


@dataclass(frozen=True)
class ChannelFigures:
    channel: str
    orders: int
    tickets: int
    revenue_fen: int


@dataclass(frozen=True)
class HourFigures:
    hour: int
    orders: int
    revenue_fen: int
    entries: int


@dataclass(frozen=True)
class DayReport:
    date: str
    orders: int
    tickets: int
    revenue_fen: int
    refunds_fen: int
    entries: int
    capacity: int
    by_channel: list[ChannelFigures]
    by_hour: list[HourFigures]
    status_mix: dict[str, int]
    anomalies_open: int
    approvals_waiting: int
    devices_offline: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def day_report(session: Session, day: str | None, *, now: datetime, venue: Venue) -> DayReport:
    """The day's report (see the module docstring); `day` is `YYYY-MM-DD` (ValidationError
    otherwise, nothing read)."""
    period = one_day(day, venue)
    with read_transaction(session):
        measures.roomy(session)
        orders = _orders(session, period)
        tickets = _tickets(session, period)
        revenue = _revenue(session, period)
        entries = Counter(period.local_hour(at) for at in measures.entry_instants(session,
                                                                                  period))
        return DayReport(
            date=period.first.isoformat(),
            orders=sum(orders.values()), tickets=sum(tickets.values()),
            revenue_fen=sum(revenue.values()), refunds_fen=_refunds(session, period),
            entries=sum(entries.values()), capacity=_capacity(session, period.first),
            by_channel=_by_channel(orders, tickets, revenue),
            by_hour=[HourFigures(h, _at_hour(orders, h), _at_hour(revenue, h), entries[h])
                     for h in range(24)],
            status_mix=_status_mix(session, period),
            anomalies_open=_count(session, Anomaly, Anomaly.status == str(AnomalyStatus.OPEN)),
            approvals_waiting=_count(session, Refund, Refund.status == "awaiting_approval"),
            devices_offline=_offline(session, now))


def _grouped(session: Session, inner: Any, value: Any) -> dict[tuple[str, int], int]:
    """{(channel, hour): Σ value} over a subquery with columns channel, hour, value (grouped
    outside, so PostgreSQL sees one GROUP BY expression whatever the CASE's parameters)."""
    q = inner.subquery()
    rows = session.execute(sa.select(q.c.channel, q.c.hour, value(q))
                           .group_by(q.c.channel, q.c.hour)).all()
    return {(channel, int(hour)): measures.fen(n) for channel, hour, n in rows}


def _orders(session: Session, p: Period) -> dict[tuple[str, int], int]:
    inner = sa.select(Order.channel.label("channel"),
                      hour_of(Order.created_at, p.first, p.venue).label("hour")) \
        .where(measures.valid_order(), p.holds(Order.created_at))
    return _grouped(session, inner, lambda q: sa.func.count())


def _tickets(session: Session, p: Period) -> dict[str, int]:
    rows = session.execute(
        sa.select(Order.channel, sa.func.count(Ticket.ticket_id))
        .join(Ticket, Ticket.order_id == Order.order_id)
        .where(measures.valid_order(), p.holds(Order.created_at))
        .group_by(Order.channel)).all()
    return {channel: int(n) for channel, n in rows}


def _revenue(session: Session, p: Period) -> dict[tuple[str, int], int]:
    inner = sa.select(Order.channel.label("channel"),
                      hour_of(Payment.at, p.first, p.venue).label("hour"),
                      Payment.amount_fen.label("amount")) \
        .join(Order, Order.order_id == Payment.order_id).where(measures.paid_in(p))
    return _grouped(session, inner, lambda q: sa.func.sum(q.c.amount))


def _at_hour(figures: dict[tuple[str, int], int], hour: int) -> int:
    return sum(n for (_, h), n in figures.items() if h == hour)


def _by_channel(orders: dict[tuple[str, int], int], tickets: dict[str, int],
                revenue: dict[tuple[str, int], int]) -> list[ChannelFigures]:
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (channel, _), n in orders.items():
        per[channel][0] += n
    for channel, n in tickets.items():
        per[channel][1] += n
    for (channel, _), n in revenue.items():
        per[channel][2] += n
    known = list(CHANNEL_PREFIXES)
    names = known + sorted(set(per) - set(known))
    return [ChannelFigures(c, *per[c]) for c in names]


def _refunds(session: Session, p: Period) -> int:
    return measures.fen(session.execute(
        sa.select(sa.func.sum(Refund.amount_fen)).where(measures.refunded_in(p))).scalar())


def _capacity(session: Session, day: date) -> int:
    return measures.fen(session.execute(
        sa.select(sa.func.sum(Inventory.capacity)).where(Inventory.visit_date == day)).scalar())


def _status_mix(session: Session, p: Period) -> dict[str, int]:
    rows = session.execute(sa.select(Order.status, sa.func.count())
                           .where(p.holds(Order.created_at)).group_by(Order.status)).all()
    return {status: int(n) for status, n in sorted(rows)}


def _count(session: Session, model: Any, condition: Any) -> int:
    return int(session.execute(sa.select(sa.func.count()).select_from(model)
                               .where(condition)).scalar_one())


def _offline(session: Session, now: datetime) -> int:
    """Active gates and windows with no heartbeat nor other contact since `now -
    OFFLINE_AFTER` (the rule of `devices.info`)."""
    since = now - OFFLINE_AFTER
    quiet = sa.and_(sa.or_(Device.last_heartbeat_at.is_(None), Device.last_heartbeat_at < since),
                    sa.or_(Device.last_seen_at.is_(None), Device.last_seen_at < since))
    return _count(session, Device, sa.and_(Device.active == sa.true(),
                                           Device.kind.in_(WATCHED_DEVICES), quiet))

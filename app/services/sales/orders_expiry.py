"""Unpaid orders expire (DESIGN.md §3): a channel order still `pending_payment` 15 minutes
after it was taken is cancelled, its tickets voided and its units given back. The central
store runs `expire_unpaid` every 30 s."""

from collections import Counter
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import actors
from app.domain.lifecycle import UNPAID_TTL, PaymentState, TicketState, next_ticket_state
from app.services.journal import changes, timeline
from app.services.journal.order_state import changed, lock_order, tickets_of
from app.services.stock import stock_writes
from app.store.db import read_transaction
from app.store.models import Order

# `paying` (a payment started) is not expired here: its result is still to come.
UNPAID = (str(PaymentState.NONE), str(PaymentState.FAILED))
SOURCE = "server"
BATCH = 200


def _due(cutoff: datetime) -> sa.ColumnElement[bool]:
    # paid_fen > 0: money arrived that did not settle the order (an anomaly is open): the
    # supervisor decides, the sweep never cancels an order holding a visitor's money.
    return sa.and_(Order.cancelled.is_(False), Order.payment_state.in_(UNPAID),
                   Order.paid_fen == 0, Order.created_at <= cutoff)


def _still_due(order: Order, cutoff: datetime) -> bool:
    return (not order.cancelled and order.payment_state in UNPAID and order.paid_fen == 0
            and order.created_at <= cutoff)


def _release(session: Session, order: Order, units: Counter[str], now: datetime) -> None:
    changes.touch_inventory(session, units, order.visit_date, now=now,
                            rows=stock_writes.return_units(session, units, order.visit_date, now))


def cancel_order(session: Session, order: Order, *, now: datetime, reason: str, message: str,
                 actor: str = actors.SYSTEM, source: str = SOURCE) -> dict[str, int]:
    """Cancel an unpaid order inside the caller's transaction: valid tickets void, their units
    back to free capacity, `order.cancelled` on the timeline (`reason` code, Chinese
    `message`); the units released per ticket type."""
    units: Counter[str] = Counter()
    for t in tickets_of(session, order.order_id):
        if t.status == TicketState.VALID:
            t.status = str(next_ticket_state(t.status, "void"))
            t.version += 1
            t.updated_at = now
            units[t.ticket_type] += 1
    order.cancelled = True
    _release(session, order, units, now)
    changed(session, order, now=now)
    released = dict(sorted(units.items()))
    timeline.append(session, order.order_id, [("order.cancelled", {
        "reason": reason, "message": message, "voided_tickets": sum(units.values()),
        "released": released})], at=now, actor=actor, source=source)
    return released


def _cancel(session: Session, order: Order, now: datetime) -> None:
    cancel_order(session, order, now=now, reason="unpaid_timeout",
                 message="超过 15 分钟未支付，订单已自动取消")


def expire_unpaid(session: Session, *, now: datetime) -> int:
    """Cancel every order unpaid for 15 minutes (each in its own short transaction, re-checked
    under the order's row lock so a payment arriving meanwhile wins); the number cancelled."""
    cutoff = now - UNPAID_TTL
    done = 0
    while True:
        with read_transaction(session):
            ids = session.execute(sa.select(Order.order_id).where(_due(cutoff))
                                  .order_by(Order.created_at).limit(BATCH)).scalars().all()
        for order_id in ids:
            with session.begin():
                order = lock_order(session, order_id=order_id)
                if order is None or not _still_due(order, cutoff):
                    continue
                _cancel(session, order, now)
                done += 1
        if len(ids) < BATCH:
            return done

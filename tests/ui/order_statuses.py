"""One channel order in each status the Orders list colours (DESIGN.md §3) in a client's cache,
written through the ORM the way an intake leaves them — for the colour tests and the
screenshot."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from seed_orders import channel_order

from app.domain.lifecycle import derive_status
from app.store.models import Order

# status → (ticket state, payment state, cancelled)
FACTS = {
    "pending_payment": ("valid", "none", False),
    "paying": ("valid", "started", False),
    "paid": ("valid", "paid", False),
    "redeeming": ("redeeming", "paid", False),
    "redeemed": ("redeemed", "paid", False),
    "refunding": ("refunding", "paid", False),
    "refunded": ("refunded", "paid", False),
    "cancelled": ("void", "none", True),
    "anomaly": ("valid", "paid", False),
}


def order_in(db, status: str, *, created_at: datetime, visit_date: date, n: int = 0,
             name: str = "王小明", phone: str = "13700001111") -> dict:
    """A miniprogram order shown as `status` (anomaly: paid, with an open duplicate payment)."""
    ticket, payment, cancelled = FACTS[status]
    made = channel_order(db, "miniprogram", f"{status[:6].upper()}{n}", created_at=created_at,
                         visit_date=visit_date, ticket_status=ticket, paid=payment == "paid",
                         name=name, phone=phone,
                         anomaly="duplicate_payment" if status == "anomaly" else None)
    if payment != "paid" or cancelled:
        stored = derive_status(payment, cancelled, [ticket])
        with db.session() as s, s.begin():
            s.execute(sa.update(Order).where(Order.order_id == made["order_id"]).values(
                payment_state=payment, cancelled=cancelled, status=str(stored)))
    return made


def every_status(db, now: datetime, venue) -> dict[str, dict]:
    """One order per status, a minute apart (待支付 5 minutes old: 10 minutes left to pay)."""
    today = venue.local_date(now)
    made = {}
    for i, status in enumerate(FACTS):
        at = now - timedelta(minutes=5) if status == "pending_payment" else \
            now - timedelta(minutes=10 + i)
        made[status] = order_in(db, status, created_at=at, visit_date=today, n=i)
    return made

"""The `reprint` op (DESIGN.md §10): a window reprinted tickets or the receipt of an order;
the store raises its counters to the window's numbers and logs each reprint, as done by the
token's user (an `actor` in the payload naming anyone else is `rejected`, Forbidden)."""

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.errors import NotFound, ValidationError
from app.services.journal import changes, timeline
from app.store.models import Order, Ticket

from .payload import Fields, Pushed

RECORD = "补打记录"


def record(session: Session, payload: Mapping[str, Any], pushed: Pushed,
           keep: Callable[[Session, int], None]) -> int:
    """The `reprint` recorder of `apply.RECORDERS`: counters raised, logged; the order's
    new version. NotFound for an unknown order, ValidationError for a malformed op."""
    p, now = Fields(payload, RECORD), pushed.now
    p.own("actor", pushed.actor, "登录用户")
    order_id = p.id("order_id")
    items = p.each("tickets") if p.present("tickets") else []
    receipt_no = p.optional_count("receipt_reprint_no")
    p.optional_instant("at")  # when the window printed: checked, the store logs its own time
    with session.begin():
        order = session.execute(sa.select(Order).where(Order.order_id == order_id)
                                .with_for_update()).scalar_one_or_none()
        if order is None:
            raise NotFound(f"没有找到订单 {str(payload.get('order_no'))[:64]}")
        entries = []
        for item in items:
            ticket = session.get(Ticket, item.id("ticket_id"))
            if ticket is None or ticket.order_id != order.order_id:
                raise ValidationError("补打记录中的票不属于该订单", field="tickets")
            n = item.optional_count("reprint_no")
            if n is not None and n > ticket.reprint_count:
                ticket.reprint_count, ticket.version = n, ticket.version + 1
                ticket.updated_at = now
            entries.append(("ticket.reprinted", {"ticket_id": ticket.ticket_id,
                                                 "code": ticket.code, "reprint_no": n}))
        if receipt_no is not None and receipt_no > order.receipt_reprint_count:
            order.receipt_reprint_count = receipt_no
            entries.append(("receipt.reprinted", {"reprint_no": receipt_no}))
        order.version += 1
        order.updated_at = now
        session.flush()
        if entries:
            timeline.append(session, order.order_id, entries, at=now, actor=pushed.actor,
                            source="window")
        changes.touch(session, "order", order.order_id, now=now)
        keep(session, order.version)
    return order.version

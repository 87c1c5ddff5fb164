"""Small helpers for services that change an existing order inside their own transaction:
lock it, keep `orders.status` equal to the derived status, bump its version and touch it for
the changes feed. They never begin or commit."""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.lifecycle import derive_status
from app.services.journal import changes
from app.store import write_through
from app.store.models import Order, Ticket


def lock_order(session: Session, *, order_no: str | None = None,
               order_id: str | None = None) -> Order | None:
    """The order, its row locked until commit (PostgreSQL `FOR UPDATE`; SQLite's
    transactions already hold the write lock), fresh from the database; None if unknown."""
    query = sa.select(Order).with_for_update().execution_options(populate_existing=True)
    if order_id is not None:
        query = query.where(Order.order_id == order_id)
    elif order_no is not None:
        query = query.where(Order.order_no == order_no)
    else:
        raise ValueError("lock_order needs order_no or order_id")
    return session.execute(query).scalar_one_or_none()


def tickets_of(session: Session, order_id: str) -> list[Ticket]:
    """The order's tickets in position order, fresh from the database."""
    return list(session.execute(
        sa.select(Ticket).where(Ticket.order_id == order_id).order_by(Ticket.position)
        .execution_options(populate_existing=True)).scalars())


def changed(session: Session, order: Order, *, now: datetime,
            tickets: Sequence[Ticket] | None = None,
            state: Callable[[], changes.State] | None = None, new: Sequence[Any] = (),
            rows: Sequence[tuple[Any, dict[str, Any]]] = ()) -> None:
    """After changing `order` or its rows: re-derive `status` (the search filters on it),
    bump `version`, stamp `updated_at` and touch it for the changes feed. `tickets`: every
    ticket of the order as the caller holds them (read under the order's lock, changed in
    memory): their states are not read back, and the order's changes are written with these,
    the `new` objects made for it and the plain `rows` ((table, row): its timeline events) by
    Core statements, one UPDATE of its row (`write_through`). `state`: makes the order's
    final state (version, Order JSON) once these are applied, for a caller that holds all of
    it (`changes.touch`'s `state`)."""
    if tickets is None:
        session.flush()
        states = session.execute(sa.select(Ticket.status)
                                 .where(Ticket.order_id == order.order_id)).scalars().all()
    else:
        states = [t.status for t in tickets]
    order.status = str(derive_status(order.payment_state, order.cancelled, states))
    order.version += 1
    order.updated_at = now
    changes.touch(session, "order", order.order_id, now=now,
                  state=None if state is None else state())
    if tickets is not None:
        write_through.write(session, [*new, order, *tickets], rows=rows)

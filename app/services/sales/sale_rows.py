"""The rows a sale writes (DESIGN.md §1, §7): its order, tickets, payment and first timeline
events (`order.created`, `payment.succeeded`), the order row born with its timeline head.

Made apart from writing them (`sale_rows`), so that a window's sale, the store's sale and a
group of pushed sales (`insert_many_sales`) write the same rows to the letter, and the
changes feed can take a new order's state from them (`sold_order_json`) without reading it
back."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import actors
from app.domain.ids import new_id
from app.domain.lifecycle import PaymentState, TicketState, derive_status
from app.domain.timeline import Event
from app.services.journal import changes, timeline
from app.services.journal import orders as order_reads
from app.store.db import dialect_insert
from app.store.models import Order, Payment, Ticket

if TYPE_CHECKING:
    from .selling import SalePlan, SaleRequest, SoldTicket

CHANNEL = "window"
SOURCE = "window"

_orders = Order.__table__
# Built once: a sale runs these every time, and building statements costs more than running them.
_INSERT_ORDER = sa.insert(_orders)
_INSERT_TICKETS = sa.insert(Ticket.__table__)
_INSERT_PAYMENT = sa.insert(Payment.__table__)
_INSERT_ORDER_UNLESS_NO_TAKEN = {
    name: dialect_insert(name)(_orders).on_conflict_do_nothing(
        index_elements=[_orders.c.order_no]).returning(_orders.c.order_id)
    for name in ("postgresql", "sqlite")}


@dataclass(frozen=True)
class SaleRows:
    """The rows a sale inserts, as written (`sold_order_json` makes its Order JSON of them)."""

    order: dict[str, Any]
    tickets: list[dict[str, Any]]
    payment: dict[str, Any]
    events: list[Event]

    @property
    def payment_no(self) -> str:
        return self.payment["payment_no"]


def write_sale_rows(session: Session, req: "SaleRequest", plan: "SalePlan", order_id: str,
                    order_no: str, sold: tuple["SoldTicket", ...], now: datetime) -> str:
    """The order, its tickets, its payment and its first timeline events (`order.created`,
    `payment.succeeded`), the order row born with its timeline head; returns the payment no."""
    rows = sale_rows(req, plan, order_id, order_no, sold, now)
    insert_sale_rows(session, rows)
    return rows.payment_no


def insert_many_sales(session: Session, sales: Sequence[SaleRows]) -> None:
    """Write the rows of several sales (a group of pushed sales) with one statement per
    table, in the order one sale writes them; IntegrityError (nothing of that statement
    written) when one clashes with a stored row."""
    if not sales:
        return
    conn = session.connection()
    conn.execute(_INSERT_ORDER, [r.order for r in sales])
    conn.execute(_INSERT_TICKETS, [t for r in sales for t in r.tickets])
    conn.execute(_INSERT_PAYMENT, [r.payment for r in sales])
    timeline.insert_many(session, [e for r in sales
                                   for e in timeline.rows(r.order["order_id"], r.events)])


def insert_sale_rows(session: Session, rows: SaleRows, *,
                     unless_no_taken: bool = False) -> SaleRows | None:
    """Write `rows` (made by `sale_rows`) in the caller's transaction. `unless_no_taken`:
    None, nothing written, when the order no. is already taken (another order's INSERT
    stands in for a look-up first); else a taken number fails the INSERT."""
    conn = session.connection()
    if unless_no_taken:
        insert = _INSERT_ORDER_UNLESS_NO_TAKEN[session.get_bind().dialect.name]
        if conn.execute(insert, rows.order).first() is None:
            return None
    else:
        conn.execute(_INSERT_ORDER, rows.order)
    conn.execute(_INSERT_TICKETS, rows.tickets)
    conn.execute(_INSERT_PAYMENT, rows.payment)
    timeline.insert(session, rows.order["order_id"], rows.events, move_head=False)
    return rows


def sold_order_json(rows: SaleRows) -> changes.State:
    """The feed's state of the order `rows` just made: its masked Order JSON, as reading it
    back would give (`orders.orders_json`), without reading it back."""
    return 1, order_reads.fresh_order_json(rows.order, rows.tickets, [rows.payment])


def sale_rows(req: "SaleRequest", plan: "SalePlan", order_id: str, order_no: str,
              sold: tuple["SoldTicket", ...], now: datetime) -> SaleRows:
    """The rows of a sale (see `write_sale_rows`), nothing written yet."""
    status = derive_status(PaymentState.PAID, False, [TicketState.VALID] * len(sold))
    c = req.customer
    name, phone, id_no = (c.name, c.phone, c.id_no) if c is not None else (None, None, None)
    payment_no = f"{order_no}-P1"
    events = timeline.chain(_sale_entries(req, plan, order_no, payment_no), at=now,
                            actor=actors.user(req.clerk), source=SOURCE, prev=None)
    order = {
        "order_id": order_id, "order_no": order_no, "channel": CHANNEL,
        "terminal": plan.terminal, "clerk": req.clerk, "device_id": req.device_id,
        "visit_date": req.visit_date, "status": status, "payment_state": PaymentState.PAID,
        "cancelled": False, "total_fen": plan.total_fen, "paid_fen": plan.total_fen,
        "refunded_fen": 0, "receipt_reprint_count": 0, "created_at": now, "updated_at": now,
        "version": 1, "customer_name": name,
        "customer_phone": phone, "customer_id_no": id_no, "last_hash": events[-1].hash,
        "event_count": events[-1].seq}
    tickets = [
        {"ticket_id": t.ticket_id, "order_id": order_id, "position": i, "code": t.code,
         "ticket_type": s.ticket_type, "sold_as": s.sold_as, "name": t.name, "kind": s.kind,
         "price_fen": s.price_fen, "list_price_fen": s.list_price_fen,
         "status": TicketState.VALID, "uses_total": s.uses_total, "uses_left": s.uses_total,
         "reprint_count": 0, "updated_at": now, "version": 1}
        for i, (t, s) in enumerate(zip(sold, plan.specs, strict=True), start=1)]
    payment = {
        "payment_id": new_id(), "payment_no": payment_no, "order_id": order_id,
        "method": req.payment_method, "amount_fen": plan.total_fen,
        "tendered_fen": plan.tendered_fen, "change_fen": plan.change_fen,
        "status": "succeeded", "at": now}
    return SaleRows(order, tickets, payment, events)


def _sale_entries(req: "SaleRequest", plan: "SalePlan", order_no: str,
                  payment_no: str) -> list[timeline.Entry]:
    created = {"order_no": order_no, "channel": CHANNEL, "terminal": plan.terminal,
               "visit_date": req.visit_date.isoformat(), "total_fen": plan.total_fen,
               "tickets": len(plan.specs),
               "lines": [{"ticket_type": ln.ticket_type, "qty": ln.qty} for ln in req.lines]}
    if req.customer is not None:  # masked: the timeline is read by every clerk of the order
        created["customer"] = req.customer.masked()
    paid = {"payment_no": payment_no, "method": req.payment_method,
            "amount_fen": plan.total_fen, "tendered_fen": plan.tendered_fen,
            "change_fen": plan.change_fen}
    return [("order.created", created), ("payment.succeeded", paid)]

"""撤销上一单 at the window (issue 12): the clerk voids the sale just made, at no fee.

A void is a cash refund of the whole order with rule `void` (`app.domain.voids`) and no fee, so
the shift's tally, the day's reports and the timeline see it as what it is: cash back from this
drawer. In one local transaction: the refund (`succeeded`), the tickets `refunded`, the units
back, `sale.voided` and the refund's events on the order's timeline, the `refund` outbox op
(`rule: "void"`: the store re-checks it, `app.services.pushed.voids`) and the void slip, which
opens the drawer — or nothing at all. Refused (Chinese, nothing written): no open shift, not
the last sale of this shift, too old, a ticket used, already refunded.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import actors, voids
from app.domain.errors import NotFound, ValidationError
from app.domain.ids import new_id
from app.domain.print_docs import VoidSlipDoc
from app.domain.timeline import iso_utc
from app.domain.venue import Venue
from app.services.journal import op_changes, outbox, print_queue, timeline
from app.services.journal.order_state import changed, lock_order, tickets_of
from app.services.refunds.refund_quotes import payment_method
from app.services.refunds.refund_requests import detail, next_refund_no, settle
from app.services.shifts.shifts import require_open_shift
from app.store.db import read_transaction
from app.store.models import Order, Refund, Shift, Ticket

SOURCE = "window"
REASON = "撤销上一单"
NO_SALE = "本班次还没有售票，没有可撤销的订单"


class VoidRefused(ValidationError):
    """The sale may not be voided (`rule` names which rule of `app.domain.voids`)."""


@dataclass(frozen=True)
class LastSale:
    """What the clerk confirms: the shift's last sale, and why it cannot be voided (None: it
    can)."""

    order_no: str
    total_fen: int
    paid_fen: int
    lines: tuple[tuple[str, int], ...]  # (ticket name, how many)
    sold_at: datetime
    refusal: str | None


@dataclass(frozen=True)
class VoidResult:
    order_no: str
    refund_no: str
    amount_fen: int
    op_id: str
    print_job_ids: tuple[str, ...]

    @property
    def changes(self) -> op_changes.OpChanges:
        """Cash back from the drawer: order, stock, drawer, slip, op to push."""
        return op_changes.CASH_REFUND


def _newest_sale(session: Session, terminal: str, since: datetime) -> Order | None:
    return session.execute(
        sa.select(Order).where(Order.terminal == terminal, Order.channel == "window",
                               Order.created_at >= since)
        .order_by(Order.created_at.desc(), Order.order_no.desc()).limit(1)).scalars().first()


def sale_facts(session: Session, order: Order, tickets: list[Ticket]) -> voids.Sale:
    """The facts `app.domain.voids` judges, read inside the caller's transaction."""
    return voids.Sale(
        order.order_no, order.channel, order.terminal, order.clerk, order.created_at,
        order.paid_fen, order.refunded_fen, payment_method(session, order.order_id),
        tuple(t.status for t in tickets), sum(t.uses_total - t.uses_left for t in tickets))


def _judge(session: Session, order: Order, tickets: list[Ticket], shift: Shift, *,
           clerk: str, role: str, now: datetime, window: timedelta) -> voids.Refusal | None:
    last = _newest_sale(session, shift.terminal, shift.opened_at)
    ask = voids.VoidAsk(now, shift.terminal, clerk, role, order.paid_fen - order.refunded_fen)
    return voids.window_refusal(sale_facts(session, order, tickets), ask,
                                shift_opened_at=shift.opened_at,
                                last_order_no=last.order_no if last else None, window=window)


def last_sale(session: Session, *, terminal: str, clerk: str, role: str, now: datetime,
              window: timedelta = voids.VOID_WINDOW) -> LastSale:
    """The last sale of the clerk's open shift at `terminal` and whether it can be voided now
    (reads only). IllegalTransition / Forbidden (no shift of his), NotFound (no sale yet)."""
    with read_transaction(session):
        shift = require_open_shift(session, terminal, clerk)
        order = _newest_sale(session, shift.terminal, shift.opened_at)
        if order is None:
            raise NotFound(NO_SALE)
        tickets = tickets_of(session, order.order_id)
        found = _judge(session, order, tickets, shift, clerk=clerk, role=role, now=now,
                       window=window)
        names: dict[str, int] = {}
        for t in tickets:
            names[t.name] = names.get(t.name, 0) + 1
        return LastSale(order.order_no, order.total_fen, order.paid_fen,
                        tuple(names.items()), order.created_at,
                        found.message if found else None)


def _slip(order: Order, refund: Refund, tickets: list[Ticket], *, clerk: str, terminal: str,
          venue: Venue, now: datetime) -> dict[str, Any]:
    def local(at: datetime) -> str:
        return venue.local(at).strftime("%Y-%m-%d %H:%M:%S")

    return VoidSlipDoc(
        venue.name, order.order_no, refund.refund_no,
        [{"name": t.name, "code": t.code, "price_fen": t.price_fen} for t in tickets],
        refund.amount_fen, local(order.created_at), clerk, terminal, local(now)).to_dict()


def _op_payload(order: Order, refund: Refund, clerk: str, now: datetime) -> dict[str, Any]:
    """The `refund` sync op with `rule: "void"` (read by `pushed.voids` on the store)."""
    return {"order_no": order.order_no, "order_id": order.order_id,
            "refund_id": refund.refund_id, "refund_no": refund.refund_no,
            "ticket_ids": list(refund.ticket_ids), "amount_fen": refund.amount_fen,
            "fee_fen": 0, "payment_fee_fen": 0, "reason": refund.reason, "clerk": clerk,
            "created_at": iso_utc(now), "terminal": refund.paid_out_terminal,
            "rule": voids.VOID_RULE}


def _refund_row(session: Session, order: Order, tickets: list[Ticket], *, clerk: str,
                terminal: str, now: datetime) -> Refund:
    row = Refund(refund_id=new_id(), refund_no=next_refund_no(session, order),
                 order_id=order.order_id, ticket_ids=[t.ticket_id for t in tickets],
                 method="cash", status="requested", amount_fen=order.paid_fen, fee_fen=0,
                 payment_fee_fen=0, rule=voids.VOID_RULE, reason=REASON, override=None,
                 approvals=[], requested_by=clerk, attempts=0, created_at=now,
                 updated_at=now, version=1, paid_out_terminal=terminal, paid_out_at=now)
    session.add(row)
    session.flush()
    return row


def void_last_sale(session: Session, order_no: str, *, terminal: str, clerk: str, role: str,
                   now: datetime, venue: Venue,
                   window: timedelta = voids.VOID_WINDOW) -> VoidResult:
    """Void `order_no`, which must be the last sale of the clerk's open shift (see the module
    docstring). Raises IllegalTransition / Forbidden (no shift of his), NotFound, VoidRefused;
    nothing is written then."""
    with session.begin():
        order = lock_order(session, order_no=order_no)
        if order is None:
            raise NotFound(f"没有找到订单 {order_no[:64]}")
        shift = require_open_shift(session, terminal, clerk)
        tickets = tickets_of(session, order.order_id)
        found = _judge(session, order, tickets, shift, clerk=clerk, role=role, now=now,
                       window=window)
        if found is not None:
            raise VoidRefused(found.message, field="order_no", rule=found.code)
        refund = _refund_row(session, order, tickets, clerk=clerk, terminal=shift.terminal,
                             now=now)
        who = actors.user(clerk)
        timeline.append(session, order.order_id, [("sale.voided", detail(refund) | {
            "reason": REASON, "terminal": shift.terminal, "shift_id": shift.shift_id,
            "sold_at": iso_utc(order.created_at),
            "seconds_after_sale": int((now - order.created_at).total_seconds())})],
            at=now, actor=who, source=SOURCE)
        settle(session, order, refund, actor=who, now=now, today=venue.local_date(now),
               source=SOURCE)
        changed(session, order, now=now)
        op = outbox.append(session, "refund", _op_payload(order, refund, clerk, now), now=now)
        slip = _slip(order, refund, tickets, clerk=clerk, terminal=shift.terminal,
                     venue=venue, now=now)
        jobs = print_queue.enqueue(session, [("void_slip", slip)], order_no=order.order_no,
                                   now=now)
        return VoidResult(order.order_no, refund.refund_no, refund.amount_fen, op.op_id, jobs)

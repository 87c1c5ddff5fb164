"""Reprinting tickets and receipts: the same documents again, marked 重打 N, each reprint
counted on the ticket, written to the timeline and pushed as a `reprint` op."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import actors
from app.domain.errors import IllegalTransition, NotFound, ValidationError
from app.domain.lifecycle import TICKET_LABELS_ZH, TicketState
from app.domain.print_docs import ReceiptDoc
from app.domain.timeline import iso_utc
from app.services.journal import op_changes, outbox, print_queue, timeline
from app.services.prints import ticket_docs
from app.services.prints.settings import read as read_settings
from app.store.db import read_transaction
from app.store.models import Order, PrintJobRow, Ticket, TicketTypeRow

SOURCE = "window"
_orders = Order.__table__
_tickets = Ticket.__table__
_types = TicketTypeRow.__table__


@dataclass(frozen=True)
class ReprintResult:
    print_job_ids: tuple[str, ...]
    reprint_no: int

    @property
    def changes(self) -> op_changes.OpChanges:
        return op_changes.REPRINTED


def _lock_order(session: Session, order_no: str, receipt: bool, now: datetime) -> Any:
    """Bump the order's version (row lock on PostgreSQL) and its receipt reprint count."""
    values: dict[str, Any] = {"version": _orders.c.version + 1, "updated_at": now}
    if receipt:
        values["receipt_reprint_count"] = _orders.c.receipt_reprint_count + 1
    row = session.execute(
        sa.update(_orders).where(_orders.c.order_no == order_no).values(values)
        .returning(_orders.c.order_id, _orders.c.visit_date, _orders.c.receipt_reprint_count)
    ).first()
    if row is None:
        raise NotFound(f"没有找到订单 {order_no}", order_no=order_no)
    return row


def _chosen_tickets(session: Session, order_id: str,
                    ticket_ids: Sequence[str] | None) -> list[Ticket]:
    tickets = session.execute(sa.select(Ticket).where(Ticket.order_id == order_id)
                              .order_by(Ticket.position)).scalars().all()
    if ticket_ids is None:
        return [t for t in tickets if t.status == TicketState.VALID]
    by_id = {t.ticket_id: t for t in tickets}
    unknown = [i for i in ticket_ids if i not in by_id]
    if unknown:
        raise ValidationError("所选的票不属于该订单", field="ticket_ids", ticket_ids=unknown)
    chosen = [by_id[i] for i in dict.fromkeys(ticket_ids)]
    for t in chosen:
        if t.status != TicketState.VALID:
            raise IllegalTransition(
                f"票 {t.code} 的状态为“{TICKET_LABELS_ZH.get(t.status, t.status)}”，不能重打",
                ticket_id=t.ticket_id)
    return chosen


def _originals(session: Session, order_no: str) -> dict[str, dict[str, Any]]:
    """First printed payload per ticket code, and the receipt's under the key ''."""
    found: dict[str, dict[str, Any]] = {}
    rows = session.execute(
        sa.select(PrintJobRow.kind, PrintJobRow.payload)
        .where(PrintJobRow.order_no == order_no, PrintJobRow.kind.in_(("ticket", "receipt")))
        .order_by(PrintJobRow.created_at)).all()
    for kind, payload in rows:
        found.setdefault(payload.get("code", "") if kind == "ticket" else "", payload)
    return found


@dataclass(frozen=True)
class _Order:
    """What every ticket of an order shares on paper: how many tickets, which packages."""

    count: int
    packages: dict[str, ticket_docs.Package]


def _order_layout(session: Session, order_id: str) -> _Order:
    rows = session.execute(sa.select(_tickets.c.sold_as, _tickets.c.ticket_type,
                                     _tickets.c.price_fen)
                           .where(_tickets.c.order_id == order_id)).all()
    codes = {r.sold_as for r in rows if r.sold_as != r.ticket_type}
    listed = {} if not codes else {
        r.code: (r.name, len(r.components or ())) for r in session.execute(
            sa.select(_types.c.code, _types.c.name, _types.c.components)
            .where(_types.c.code.in_(codes)))}
    return _Order(len(rows), ticket_docs.packages_paid(rows, listed))


def _ticket_payload(t: Ticket, original: dict[str, Any] | None, order_no: str,
                    visit_date: str, venue_name: str, order: _Order) -> dict[str, Any]:
    package = order.packages.get(t.sold_as) if t.sold_as != t.ticket_type else None
    if original:
        payload = ticket_docs.placed(original, number=t.position, count=order.count,
                                     package=package)
    else:  # the order came from elsewhere: lay the ticket out from its row
        payload = ticket_docs.ticket_payload(
            venue_name, t.name, visit_date, t.price_fen, order_no, t.code,
            uses_total=t.uses_total, number=t.position, count=order.count, package=package)
    return {**payload, "reprint_no": t.reprint_count}


def _receipt_payload(original: dict[str, Any] | None, order_no: str, n: int) -> dict[str, Any]:
    if original is None:
        raise ValidationError(f"订单 {order_no} 没有本机打印过的收据，不能重打",
                              field="receipt")
    return {**ReceiptDoc.from_dict(original).to_dict(), "reprint_no": n, "kick_drawer": False}


def reprint(session: Session, order_no: str, *, ticket_ids: Sequence[str] | None = None,
            receipt: bool = False, actor: str, now: datetime) -> ReprintResult:
    """Print an order's tickets again (all valid ones, or `ticket_ids`; `()` for none) and
    optionally its receipt, marked 重打 N. `actor` is a timeline actor (`user:NAME`; a bare
    name is taken as a user)."""
    who = actor if ":" in actor else actors.user(actor)
    with session.begin():
        order = _lock_order(session, order_no, receipt, now)
        tickets = _chosen_tickets(session, order.order_id, ticket_ids)
        if not tickets and not receipt:
            raise ValidationError("没有可以重打的票", field="ticket_ids")
        return _reprint(session, order, order_no, tickets, receipt, who, now)


def _reprint(session: Session, order: Any, order_no: str, tickets: list[Ticket], receipt: bool,
             who: str, now: datetime) -> ReprintResult:
    for t in tickets:
        t.reprint_count, t.version, t.updated_at = t.reprint_count + 1, t.version + 1, now
    originals = _originals(session, order_no)
    venue_name = read_settings(session).venue_name
    day = order.visit_date.isoformat()
    layout = _order_layout(session, order.order_id)
    jobs = [("ticket", _ticket_payload(t, originals.get(t.code), order_no, day, venue_name,
                                       layout))
            for t in tickets]
    entries = [("ticket.reprinted", {"ticket_id": t.ticket_id, "code": t.code,
                                     "reprint_no": t.reprint_count}) for t in tickets]
    if receipt:
        n = order.receipt_reprint_count
        jobs.append(("receipt", _receipt_payload(originals.get(""), order_no, n)))
        entries.append(("receipt.reprinted", {"reprint_no": n}))
    session.flush()
    timeline.append(session, order.order_id, entries, at=now, actor=who, source=SOURCE)
    outbox.append(session, "reprint", {
        "order_id": order.order_id, "order_no": order_no,
        "tickets": [{"ticket_id": t.ticket_id, "reprint_no": t.reprint_count} for t in tickets],
        "receipt_reprint_no": order.receipt_reprint_count if receipt else None,
        "actor": who, "at": iso_utc(now)}, now=now)
    ids = print_queue.enqueue(session, jobs, order_no=order_no, now=now)
    numbers = [t.reprint_count for t in tickets] + ([order.receipt_reprint_count] if receipt else [])
    return ReprintResult(ids, max(numbers))


def last_sale(session: Session, *, terminal: str, device_id: str) -> str | None:
    """The order number of this window's (`terminal`, `device_id`) last sale that still stands
    (not cancelled): what 重打上一单 reprints, whatever the print queue shows selected."""
    with read_transaction(session):
        return session.execute(
            sa.select(_orders.c.order_no)
            .where(_orders.c.terminal == terminal, _orders.c.device_id == device_id,
                   _orders.c.channel == "window", _orders.c.cancelled.is_(False))
            .order_by(_orders.c.created_at.desc(), _orders.c.order_no.desc())
            .limit(1)).scalar()

"""Reading orders: one order as DESIGN.md §8 Order JSON, a recent list, and the verified
timeline. Personal data is masked unless the caller asks to reveal it (order detail, authorised
role)."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.errors import NotFound
from app.domain.lifecycle import derive_flags, derive_status, display_status
from app.domain.timeline import first_broken, iso_utc
from app.services.journal import timeline as timeline_log
from app.store.db import read_transaction
from app.store.models import Anomaly, Order, Payment, Refund, Ticket

REVEAL_SOURCE = "server"


def mask_phone(phone: str | None) -> str | None:
    """138****5678: the first 3 and last 4 digits stay."""
    if not phone:
        return phone
    if len(phone) <= 7:
        return "*" * (len(phone) - 4) + phone[-4:] if len(phone) > 4 else "****"
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_id_no(id_no: str | None) -> str | None:
    """1101**********1234: the first 4 and last 4 characters stay."""
    if not id_no:
        return id_no
    if len(id_no) <= 8:
        return "*" * len(id_no)
    return id_no[:4] + "*" * (len(id_no) - 8) + id_no[-4:]


SEALED = "sealed"  # anomaly evidence kept on the store only (the backfill fix's full customer)
_MASKS = {"phone": ("phone_masked", mask_phone), "id_no": ("id_masked", mask_id_no)}


def masked_customer(customer: Mapping[str, Any]) -> dict[str, Any]:
    """A customer dict with `phone`/`id_no` replaced by `phone_masked`/`id_masked`."""
    out: dict[str, Any] = {}
    for key, value in customer.items():
        masked_key, mask = _MASKS.get(key, (key, None))
        out[masked_key] = mask(str(value)) if mask and value else value
    return out


def public_evidence(evidence: Mapping[str, Any] | None) -> dict[str, Any]:
    """Anomaly evidence as it leaves the store (DESIGN.md §14): without the sealed part, and
    any customer's phone and ID number masked (also in evidence written before masking)."""
    def clean(value: Any) -> Any:
        if isinstance(value, Mapping):
            if any(k in value for k in _MASKS):
                value = masked_customer(value)
            return {k: clean(v) for k, v in value.items() if k != SEALED}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return clean(dict(evidence or {}))


def _iso(at: Any) -> str | None:
    return iso_utc(at) if at is not None else None


def _ticket_json(t: Ticket) -> dict[str, Any]:
    return {"ticket_id": t.ticket_id, "code": t.code, "ticket_type": t.ticket_type,
            "sold_as": t.sold_as, "name": t.name, "price_fen": t.price_fen,
            "status": t.status, "uses_total": t.uses_total, "uses_left": t.uses_left,
            "redeemed_at": _iso(t.redeemed_at), "redeemed_by": t.redeemed_by,
            "reprint_count": t.reprint_count, "kind": t.kind,
            "list_price_fen": t.list_price_fen, "position": t.position,
            "version": t.version}


def _payment_json(p: Payment) -> dict[str, Any]:
    return {"payment_no": p.payment_no, "method": p.method, "amount_fen": p.amount_fen,
            "tendered_fen": p.tendered_fen, "change_fen": p.change_fen, "status": p.status,
            "provider_txn_id": p.provider_txn_id, "at": _iso(p.at),
            "payment_id": p.payment_id, "provider": p.provider}


def _refund_json(r: Refund) -> dict[str, Any]:
    return {"refund_no": r.refund_no, "status": r.status, "amount_fen": r.amount_fen,
            "fee_fen": r.fee_fen, "payment_fee_fen": r.payment_fee_fen, "method": r.method,
            "ticket_ids": list(r.ticket_ids), "created_at": _iso(r.created_at),
            "refund_id": r.refund_id, "rule": r.rule, "reason": r.reason,
            "approvals": list(r.approvals or []), "requested_by": r.requested_by,
            "updated_at": _iso(r.updated_at), "version": r.version,
            "payout_terminal": (r.override or {}).get("payout_terminal"),
            "paid_out_terminal": r.paid_out_terminal, "paid_out_at": _iso(r.paid_out_at)}


def _order_json(o: Order, tickets: list[Ticket], payments: list[Payment],
                refunds: list[Refund], open_anomalies: int, reveal: bool) -> dict[str, Any]:
    states = [t.status for t in tickets]
    status = derive_status(o.payment_state, o.cancelled, states)
    customer = {"name": o.customer_name, "phone_masked": mask_phone(o.customer_phone),
                "id_masked": mask_id_no(o.customer_id_no)}
    if reveal:
        customer |= {"phone": o.customer_phone, "id_no": o.customer_id_no}
    return {
        "order_id": o.order_id, "order_no": o.order_no, "channel": o.channel,
        "terminal": o.terminal, "clerk": o.clerk, "device_id": o.device_id,
        "external_id": o.external_id, "payment_state": o.payment_state,
        "cancelled": bool(o.cancelled), "updated_at": _iso(o.updated_at),
        "receipt_reprint_count": o.receipt_reprint_count,
        "status": str(status), "display_status": display_status(status, open_anomalies),
        "flags": derive_flags(states), "visit_date": o.visit_date.isoformat(),
        "created_at": _iso(o.created_at), "customer": customer,
        "total_fen": o.total_fen, "paid_fen": o.paid_fen, "refunded_fen": o.refunded_fen,
        "tickets": [_ticket_json(t) for t in tickets],
        "payments": [_payment_json(p) for p in payments],
        "refunds": [_refund_json(r) for r in refunds],
        "open_anomalies": open_anomalies, "version": o.version,
    }


def _as_row(table: sa.Table, values: Mapping[str, Any]) -> SimpleNamespace:
    """`values` (an INSERT's parameters) as the row reading it back gives: every column,
    None where the INSERT gave none."""
    return SimpleNamespace(**({c.name: None for c in table.c} | dict(values)))


def fresh_order_json(order: Mapping[str, Any], tickets: Sequence[Mapping[str, Any]],
                     payments: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The masked Order JSON (as `orders_json`) of an order just inserted with these rows, no
    refund and no anomaly yet — without reading them back (a sale's answer and feed entry)."""
    return order_json(_as_row(Order.__table__, order),
                      [_as_row(Ticket.__table__, t) for t in tickets],
                      [_as_row(Payment.__table__, p) for p in payments], [], 0)


def order_json(order: Any, tickets: Sequence[Any], payments: Sequence[Any],
               refunds: Sequence[Any], open_anomalies: int) -> dict[str, Any]:
    """The masked Order JSON (as `orders_json`) of rows the caller holds as they now are —
    the order, its tickets in position order, payments and refunds by time (ORM objects or
    plain rows) — without reading them back (a refund's feed entry)."""
    return _order_json(order, list(tickets), list(payments), list(refunds), open_anomalies,
                       reveal=False)


def _children(session: Session, model: Any, ids: list[str], order_by: Any) -> dict[str, list]:
    """Rows of `model` under the orders `ids` (plain rows: read-only, no ORM identity work)."""
    table = model.__table__
    out: dict[str, list] = defaultdict(list)
    for row in session.execute(sa.select(table).where(table.c.order_id.in_(ids))
                               .order_by(table.c[order_by.key])):
        out[row.order_id].append(row)
    return out


def open_anomaly_count() -> sa.ScalarSelect[int]:
    """SQL: the number of open anomalies of the order (`Order` in the enclosing query) — a
    column a caller can select beside its orders and hand to `orders_json`."""
    return (sa.select(sa.func.count()).select_from(Anomaly)
            .where(Anomaly.order_id == Order.order_id, Anomaly.status == "open")
            .scalar_subquery())


def orders_json(session: Session, orders: Sequence[Order], reveal: bool, *,
                open_anomalies: Mapping[str, int] | None = None) -> list[dict]:
    """Order JSON of `orders` (inside the caller's transaction), with what a cache needs
    besides DESIGN.md §8: ids, kinds, list prices, positions and versions. The tickets,
    payments and refunds of all the orders are read in one query each; `open_anomalies`
    ({order_id: count}, as selected with `open_anomaly_count`) spares the count's query."""
    ids = [o.order_id for o in orders]
    if not ids:
        return []
    tickets = _children(session, Ticket, ids, Ticket.position)
    payments = _children(session, Payment, ids, Payment.at)
    refunds = _children(session, Refund, ids, Refund.created_at)
    if open_anomalies is None:
        open_anomalies = {oid: n for oid, n in session.execute(
            sa.select(Anomaly.order_id, sa.func.count())
            .where(Anomaly.order_id.in_(ids), Anomaly.status == "open")
            .group_by(Anomaly.order_id))}
    return [_order_json(o, tickets[o.order_id], payments[o.order_id], refunds[o.order_id],
                        int(open_anomalies.get(o.order_id, 0)), reveal) for o in orders]


def _find(session: Session, order_no: str) -> Order:
    order = session.execute(
        sa.select(Order).where(Order.order_no == order_no.strip())).scalar_one_or_none()
    if order is None:
        raise NotFound(f"没有找到订单 {order_no}", order_no=order_no)
    return order


def get_order(session: Session, order_no: str, *, reveal: bool = False) -> dict[str, Any]:
    """One order as Order JSON; NotFound if there is none. `reveal` adds the unmasked phone
    and ID number (order detail for an authorised role)."""
    with read_transaction(session):
        return orders_json(session, [_find(session, order_no)], reveal)[0]


def reveal_customer(session: Session, order_no: str, *, actor: str, now: datetime,
                    source: str = REVEAL_SOURCE) -> dict[str, Any]:
    """The order with its customer's phone and ID number unmasked (order detail of an
    authorised role — the caller checks the role). Looking is logged: `customer.revealed`
    (actor, the fields shown) is written to the order's timeline in the same transaction."""
    with session.begin():
        order = session.execute(
            sa.select(Order).where(Order.order_no == order_no.strip()).with_for_update()
        ).scalar_one_or_none()  # the row lock keeps the timeline chain linear
        if order is None:
            raise NotFound(f"没有找到订单 {order_no}", order_no=order_no)
        shown = [name for name, value in (("phone", order.customer_phone),
                                          ("id_no", order.customer_id_no)) if value]
        timeline_log.append(session, order.order_id, [("customer.revealed", {"fields": shown})],
                            at=now, actor=actor, source=source)
        return orders_json(session, [order], reveal=True)[0]


def recent_orders(session: Session, limit: int = 50, offset: int = 0,
                  terminal: str | None = None) -> list[dict[str, Any]]:
    """Newest orders first (masked Order JSON), optionally of one window terminal."""
    query = sa.select(Order).order_by(Order.created_at.desc(), Order.order_no.desc())
    if terminal:
        query = query.where(Order.terminal == terminal)
    with read_transaction(session):
        orders = session.execute(
            query.limit(max(0, min(limit, 500))).offset(max(0, offset))).scalars().all()
        return orders_json(session, orders, reveal=False)


def timeline(session: Session, order_no: str) -> tuple[list[dict[str, Any]], bool]:
    """The order's events as JSON dicts and whether the hash chain verifies. Each event has
    `intact`: false from the first event that does not verify on (the UI shows those red)."""
    with read_transaction(session):
        events = timeline_log.load(session, _find(session, order_no).order_id)
    broken = first_broken(events)
    out = [{"seq": e.seq, "at": iso_utc(e.at), "actor": e.actor, "action": e.action,
            "detail": dict(e.detail), "source": e.source, "prev_hash": e.prev_hash,
            "hash": e.hash, "intact": broken is None or e.seq < broken} for e in events]
    return out, broken is None

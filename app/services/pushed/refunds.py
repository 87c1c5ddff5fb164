"""The `refund` sync op (DESIGN.md §9): a cash refund a window made offline, from its cache.

The cash is already in the visitor's hand, so the store records the refund as it happened and
never refuses it for approval reasons. What the store knows better is kept next to it, never
overwritten: a ticket a gate redeemed meanwhile stays `redeemed` and raises
`redeemed_after_refund`; the store's own quote and any difference from the window's amounts
go into the timeline.

Checked, not trusted (DESIGN.md §14): the clerk and the drawer that paid (`paid_out_terminal`)
are the token's; a ticket already refunded, being refunded, void, or not refundable by the
store's own quote at the refund's instant (by the refund policy in force then) is `rejected`
— except a ticket a gate redeemed that the window could not know of (quoted as the window saw
it, unredeemed). An amount above the
store's quote is recorded (the cash left the drawer) and raises `refund_mismatch`. A payout of
an approved refund is taken only from its `payout_terminal`."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import actors
from app.domain.errors import Conflict, Forbidden, NotFound, ValidationError
from app.domain.money import format_fen
from app.domain.timeline import iso_utc
from app.domain.venue import Venue
from app.services.journal import timeline
from app.services.journal.anomaly_log import open_anomaly
from app.services.journal.order_state import changed, lock_order
from app.services.journal.read_scope import REFUND_REFUSED, Scope
from app.services.refunds import refund_policy
from app.services.refunds.refund_quotes import (
    FINAL_STATES,
    payment_method,
    pick_tickets,
    quote_ticket,
    ticket_facts,
)
from app.services.refunds.refund_requests import (
    complete,
    next_refund_no,
    return_stock,
    ticket_refunded,
)
from app.services.refunds.refund_rules import force_majeure_rules
from app.store.models import Order, Refund, Ticket

from .payload import Fields, Pushed

SOURCE = "window"
RECORD = "退票记录"
# Tickets no refund can take any more, whatever the window believed: the store's one list.
GONE = FINAL_STATES


@dataclass(frozen=True)
class OfflineRefund:
    order_id: str
    refund_id: str
    refund_no: str
    ticket_ids: tuple[str, ...]
    amount_fen: int
    fee_fen: int
    payment_fee_fen: int
    reason: str
    clerk: str
    created_at: datetime
    terminal: str | None = None  # the window whose drawer paid it


@dataclass(frozen=True)
class StoreQuote:
    refund_fen: int  # what the store would have refunded, at the refund's instant
    rules: str  # the quote's rules, comma-separated


def parse(payload: Mapping[str, Any], user: str, now: datetime,
          terminal: str | None = None) -> OfflineRefund:
    """Check the op's payload; ValidationError (the op is rejected) when it is malformed or
    dated outside the offline window. The clerk is `user`, the drawer `terminal`."""
    p = Fields(payload, RECORD)
    ticket_ids = p.ids("ticket_ids", 200)
    return OfflineRefund(
        p.id("order_id"), p.id("refund_id"), p.text("refund_no", 80), ticket_ids,
        p.fen("amount_fen", default=0), p.fen("fee_fen", default=0),
        p.fen("payment_fee_fen", default=0), str(payload.get("reason") or "窗口离线退票")[:500],
        user[:64], p.bounded_instant("created_at", now), terminal)


def record(session: Session, payload: Mapping[str, Any], pushed: Pushed,
           keep: Callable[[Session, int], None]) -> int:
    """The `refund` recorder of `apply.RECORDERS`: the clerk and terminal named in the payload
    must be the token's (Forbidden otherwise)."""
    p = Fields(payload, RECORD)
    p.own("clerk", pushed.user, "登录用户")
    p.own("terminal", pushed.terminal, "登录窗口的终端号")
    return record_offline_refund(session, payload, user=pushed.user, now=pushed.now,
                                 venue=pushed.venue, before_commit=keep,
                                 terminal=pushed.terminal,
                                 scope=Scope(pushed.role, pushed.terminal, pushed.user))


def store_quote(session: Session, order: Order, op: OfflineRefund, venue: Venue,
                now: datetime) -> StoreQuote:
    """The store's quote of the op's tickets at the refund's instant. ValidationError for a
    ticket `GONE`, or not refundable for a reason other than a gate redemption the window
    could not know of (that ticket is quoted as the window saw it: unredeemed)."""
    tickets = list(session.execute(
        sa.select(Ticket).where(Ticket.order_id == order.order_id).order_by(Ticket.position)
        .execution_options(populate_existing=True)).scalars())
    # never before the sale: a refund backdated past it would be quoted cheaper
    method, at = payment_method(session, order.order_id), max(op.created_at, order.created_at)
    # the policy the window was bound by then, not one an admin set after the refund
    policy = refund_policy.in_force_at(session, refund_policy.of_venue(venue), at)
    group = sum(1 for t in tickets if t.kind == "group")
    rules = {r.visit_date: r for r in force_majeure_rules(session)}
    total, names = 0, set()
    for t in pick_tickets(tickets, order.order_no, op.ticket_ids):
        if t.status in GONE:
            raise ValidationError(f"{t.name} {t.code}：{GONE[t.status]}", field="ticket_ids",
                                  rule=t.status)
        facts = ticket_facts(t, method=method, group_size=group, now=at,
                             visit_date=order.visit_date)
        q = quote_ticket(facts, policy, rules, None)
        if not q.refundable and (t.status == "redeemed" or t.uses_left < t.uses_total):
            q = quote_ticket(replace(facts, redeemed=False, uses_used=0), policy, rules, None)
        if not q.refundable:
            raise ValidationError(f"{t.name} {t.code}：{q.message}", field="ticket_ids",
                                  rule=q.rule)
        total, names = total + q.refund_fen, names | {q.rule}
    return StoreQuote(total, ",".join(sorted(names)))


def refund_row(session: Session, order: Order, op: OfflineRefund, rule: str,
               now: datetime) -> Refund:
    """The refund as the window paid it (cash, `succeeded`); a `refund_no` already taken
    gets the order's next number."""
    taken = session.execute(sa.select(Refund.refund_id)
                            .where(Refund.refund_no == op.refund_no)).first()
    refund_no = next_refund_no(session, order) if taken else op.refund_no
    row = Refund(refund_id=op.refund_id, refund_no=refund_no, order_id=order.order_id,
                 ticket_ids=list(op.ticket_ids), method="cash", status="succeeded",
                 amount_fen=op.amount_fen, fee_fen=op.fee_fen,
                 payment_fee_fen=op.payment_fee_fen, rule=rule[:32], reason=op.reason,
                 override=None, approvals=[], requested_by=op.clerk, attempts=0,
                 created_at=op.created_at, updated_at=now, version=1,
                 paid_out_terminal=op.terminal, paid_out_at=op.created_at)
    session.add(row)
    session.flush()
    return row


def _crossed(session: Session, order: Order, t: Ticket, op: OfflineRefund, venue: Venue,
             now: datetime) -> None:
    when = venue.local(op.created_at).strftime("%Y-%m-%d %H:%M:%S")
    redeemed = venue.local(t.redeemed_at).strftime("%Y-%m-%d %H:%M:%S") if t.redeemed_at \
        else "未知时间"
    open_anomaly(
        session, "redeemed_after_refund", order_id=order.order_id,
        reason=(f"票 {t.code} 已于 {redeemed} 在设备 {t.redeemed_by or '未知'} 核销，"
                f"窗口 {op.clerk} 又于 {when} 离线退现金 {format_fen(op.amount_fen)}（同步时发现）"),
        evidence={"ticket_id": t.ticket_id, "code": t.code, "refund_id": op.refund_id,
                  "refund_no": op.refund_no, "refunded_at": iso_utc(op.created_at),
                  "redeemed_at": iso_utc(t.redeemed_at) if t.redeemed_at else None,
                  "redeemed_by": t.redeemed_by},
        amount_fen=op.amount_fen, now=now, dedupe_key=f"redeemed_after_refund:{t.ticket_id}")


def apply_tickets(session: Session, order: Order, op: OfflineRefund, venue: Venue,
                  now: datetime) -> tuple[list[Ticket], list[str]]:
    """Tickets still refundable become `refunded`; the others are kept as they are (a
    redeemed one raises `redeemed_after_refund`)."""
    rows = {t.ticket_id: t for t in session.execute(
        sa.select(Ticket).where(Ticket.order_id == order.order_id)
        .execution_options(populate_existing=True)).scalars()}
    moved, kept = [], []
    for tid in op.ticket_ids:
        t = rows.get(tid)
        if t is None:
            raise ValidationError(f"退票记录中的票 {tid} 不属于订单 {order.order_no}",
                                  field="ticket_ids")
        if t.status in ("valid", "refunding"):
            t.status, t.version, t.updated_at = "refunded", t.version + 1, now
            moved.append(t)
            continue
        kept.append(f"{t.code}:{t.status}")
        if t.status == "redeemed" or t.uses_left < t.uses_total:
            _crossed(session, order, t, op, venue, now)
    return moved, kept


def _pay_out(session: Session, order: Order, refund: Refund, op: OfflineRefund, venue: Venue,
             now: datetime) -> None:
    """The window paid out a cash refund the approvers let through: it succeeds now."""
    if refund.order_id != order.order_id or refund.status != "approved" \
            or refund.method != "cash":
        raise Conflict(f"退款编号 {op.refund_id} 已存在（{refund.status}）")
    where = (refund.override or {}).get("payout_terminal")
    if where and op.terminal and where != op.terminal:
        raise Forbidden(f"退款 {refund.refund_no} 批准在窗口 {where} 付现，"
                        f"窗口 {op.terminal} 不能付出")
    if (op.amount_fen, sorted(op.ticket_ids)) != (refund.amount_fen, sorted(refund.ticket_ids)):
        raise ValidationError(f"付现金额或票与已批准的退款 {refund.refund_no} 不一致",
                              field="amount_fen")
    refund.paid_out_terminal, refund.paid_out_at = op.terminal, op.created_at
    complete(session, order, refund, actor=actors.user(op.clerk), now=now,
             today=venue.local_date(now), source=SOURCE,
             extra={"paid_out_at": iso_utc(op.created_at), "paid_out_by": op.clerk})


def record_offline_refund(session: Session, payload: Mapping[str, Any], *, user: str,
                          now: datetime, venue: Venue,
                          before_commit: Callable[[Session, int], None],
                          terminal: str | None = None, scope: Scope | None = None) -> int:
    """Record a window's offline cash refund in one transaction; the order's new version.
    `user` is the clerk, `terminal` the window whose drawer paid. An op naming a refund the
    approvers let through (`approved`, cash) is its payout: the refund succeeds. Raises
    ValidationError for a malformed op or a ticket the store will not refund (see the module
    docstring), NotFound for an unknown order, Conflict when the refund id is already used,
    Forbidden for a payout at another window than the approved one, or (with `scope`, the
    pusher's read scope) a new refund of an order the pusher may not read (DESIGN §14)."""
    op = parse(payload, user, now, terminal)
    with session.begin():
        order = lock_order(session, order_id=op.order_id)
        if order is None:
            raise NotFound(f"没有找到订单 {str(payload.get('order_no'))[:64]}")
        if (approved := session.get(Refund, op.refund_id)) is not None:
            _pay_out(session, order, approved, op, venue, now)
        else:
            if scope is not None and not scope.order(
                    {"channel": order.channel, "terminal": order.terminal, "clerk": order.clerk}):
                raise Forbidden(REFUND_REFUSED)
            _record_new(session, order, op, venue, now)
        changed(session, order, now=now)
        before_commit(session, order.version)
        return order.version


def _record_new(session: Session, order: Order, op: OfflineRefund, venue: Venue,
                now: datetime) -> None:
    """The refund as it happened, next to the store's quote (inside the transaction)."""
    store = store_quote(session, order, op, venue, now)
    moved, kept = apply_tickets(session, order, op, venue, now)
    refund = refund_row(session, order, op, store.rules, now)
    order.refunded_fen += op.amount_fen
    restored = return_stock(session, order, moved, now, venue.local_date(now))
    detail = {"refund_no": refund.refund_no, "window_refund_no": op.refund_no,
              "method": "cash", "amount_fen": op.amount_fen, "fee_fen": op.fee_fen,
              "payment_fee_fen": op.payment_fee_fen, "ticket_ids": list(op.ticket_ids),
              "offline": True, "refunded_at": iso_utc(op.created_at),
              "store_quote_fen": store.refund_fen,
              "differs_from_store_quote": store.refund_fen != op.amount_fen,
              "not_refunded_here": kept, "paid_out_terminal": op.terminal,
              "above_paid": order.refunded_fen > order.paid_fen, "stock_returned": restored,
              "reason": op.reason}
    entries = [("refund.requested", detail), ("refund.succeeded", detail)]
    entries += [ticket_refunded(t, refund.refund_no) for t in moved]
    timeline.append(session, order.order_id, entries, at=now, actor=actors.user(op.clerk),
                    source=SOURCE)
    if op.amount_fen > store.refund_fen:
        _mismatch(session, order, refund, op, store, venue, now)


def _mismatch(session: Session, order: Order, refund: Refund, op: OfflineRefund,
              store: StoreQuote, venue: Venue, now: datetime) -> None:
    excess = op.amount_fen - store.refund_fen
    when = venue.local(op.created_at).strftime("%Y-%m-%d %H:%M")
    open_anomaly(
        session, "refund_mismatch", order_id=order.order_id, order_no=order.order_no,
        reason=(f"窗口 {op.terminal or '未知'} 的 {op.clerk} 于 {when} 离线退现金 "
                f"{format_fen(op.amount_fen)}（退款 {refund.refund_no}），中心库按规则应退 "
                f"{format_fen(store.refund_fen)}，多退 {format_fen(excess)}"),
        evidence={"terminal": op.terminal, "clerk": op.clerk, "refund_id": refund.refund_id,
                  "refund_no": refund.refund_no, "refunded_fen": op.amount_fen,
                  "quote_fen": store.refund_fen, "difference_fen": excess,
                  "refunded_at": iso_utc(op.created_at)},
        amount_fen=excess, now=now, dedupe_key=f"refund_mismatch:{refund.refund_id}")

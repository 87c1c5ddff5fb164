"""A window's void (撤销上一单, issue 12) as the store records it: a `refund` op with
`rule: "void"`, the whole of a cash sale handed back at no fee.

Checked, not trusted (DESIGN.md §14): the store applies `app.domain.voids.refusal` itself, at
the void's instant, with the token's clerk, role and terminal. A void the store cannot take is
`rejected`, nothing written: an order the pusher may not read or of another window
(`forbidden`), not the whole order, not a window cash sale, already refunded or voided. Any
other broken rule — too old, another clerk's sale without a supervisor, a ticket a gate let in
meanwhile, cash other than what was paid — cannot undo the cash the window handed back: the
void is recorded as it happened and flagged for a supervisor (`refund_mismatch`, or
`redeemed_after_refund` for the redeemed ticket, which stays redeemed)."""

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.domain import actors, voids
from app.domain.errors import Conflict, Forbidden, NotFound, ValidationError
from app.domain.money import format_fen
from app.domain.timeline import iso_utc
from app.domain.venue import Venue
from app.services.journal import timeline
from app.services.journal.anomaly_log import open_anomaly
from app.services.journal.order_state import changed, lock_order, tickets_of
from app.services.journal.read_scope import REFUND_REFUSED, Scope
from app.services.refunds.refund_requests import return_stock, ticket_refunded
from app.services.refunds.window_voids import sale_facts
from app.store.models import Order, Refund

from . import refunds
from .payload import Fields, Pushed

SOURCE = "window"
RECORD = "撤销记录"
# Broken rules that leave nothing to record: the store refuses the op.
REJECTED = frozenset({"not_window_sale", "not_cash", "refunded"})


def is_void(payload: Any) -> bool:
    """A `refund` op that is a void."""
    return isinstance(payload, Mapping) and payload.get("rule") == voids.VOID_RULE


def record(session: Session, payload: Mapping[str, Any], pushed: Pushed,
           keep: Callable[[Session, int], None]) -> int:
    """The void recorder (a `refund` op with `rule: "void"`, see `apply.RECORDERS`); the
    order's new version. Forbidden, ValidationError, NotFound, Conflict: see the module
    docstring."""
    p = Fields(payload, RECORD)
    p.own("clerk", pushed.user, "登录用户")
    p.own("terminal", pushed.terminal, "登录窗口的终端号")
    op = refunds.parse(payload, pushed.user, pushed.now, pushed.terminal)
    with session.begin():
        order = lock_order(session, order_id=op.order_id)
        if order is None:
            raise NotFound(f"没有找到订单 {str(payload.get('order_no'))[:64]}")
        if not Scope(pushed.role, pushed.terminal, pushed.user).order(
                {"channel": order.channel, "terminal": order.terminal, "clerk": order.clerk}):
            raise Forbidden(REFUND_REFUSED)
        if session.get(Refund, op.refund_id) is not None:
            raise Conflict(f"退款编号 {op.refund_id} 已存在")
        broken = _check(session, order, op, pushed)
        _record(session, order, op, broken, pushed.venue, pushed.now)
        changed(session, order, now=pushed.now)
        keep(session, order.version)
        return order.version


def _check(session: Session, order: Order, op: refunds.OfflineRefund,
           pushed: Pushed) -> voids.Refusal | None:
    """The rule the void broke that the store records and flags (None: it broke none);
    raises for the ones it refuses."""
    tickets = tickets_of(session, order.order_id)
    if sorted(op.ticket_ids) != sorted(t.ticket_id for t in tickets):
        raise ValidationError(f"撤销须包含订单 {order.order_no} 的全部门票",
                              field="ticket_ids")
    sale = sale_facts(session, order, tickets)
    ask = voids.VoidAsk(max(op.created_at, order.created_at), pushed.terminal or "",
                        op.clerk, pushed.role, op.amount_fen)
    found = voids.refusal(sale, ask)
    if found is None:
        return None
    if found.code == "other_terminal":
        raise Forbidden(found.message)
    if found.code in REJECTED:
        raise ValidationError(found.message, field="order_id", rule=found.code)
    if found.code == "redeemed":  # raised on its ticket; anything else wrong besides?
        used = tuple("valid" if s in voids.USED else s for s in sale.ticket_states)
        return voids.refusal(replace(sale, ticket_states=used, uses_used=0), ask)
    return found


def _record(session: Session, order: Order, op: refunds.OfflineRefund,
            broken: voids.Refusal | None, venue: Venue, now: datetime) -> None:
    quote = None if broken is None else _quote(session, order, op, venue, now)
    moved, kept = refunds.apply_tickets(session, order, op, venue, now)
    refund = refunds.refund_row(session, order, op, voids.VOID_RULE, now)
    order.refunded_fen += op.amount_fen
    restored = return_stock(session, order, moved, now, venue.local_date(now))
    detail = {"refund_no": refund.refund_no, "window_refund_no": op.refund_no,
              "rule": voids.VOID_RULE, "method": "cash", "amount_fen": op.amount_fen,
              "fee_fen": 0, "payment_fee_fen": 0, "ticket_ids": list(op.ticket_ids),
              "voided_at": iso_utc(op.created_at), "sold_at": iso_utc(order.created_at),
              "paid_out_terminal": op.terminal, "not_refunded_here": kept,
              "stock_returned": restored, "store_check": broken.code if broken else "ok",
              "reason": op.reason}
    entries = [("sale.voided", detail), ("refund.succeeded", detail)]
    entries += [ticket_refunded(t, refund.refund_no) for t in moved]
    timeline.append(session, order.order_id, entries, at=now, actor=actors.user(op.clerk),
                    source=SOURCE)
    if broken is not None and quote is not None:
        _flag(session, order, refund, op, broken, quote, venue, now)


def _quote(session: Session, order: Order, op: refunds.OfflineRefund, venue: Venue,
           now: datetime) -> int:
    """What a refund would have given back at the void's instant (0: none at all)."""
    try:
        return refunds.store_quote(session, order, op, venue, now).refund_fen
    except ValidationError:
        return 0


def _flag(session: Session, order: Order, refund: Refund, op: refunds.OfflineRefund,
          broken: voids.Refusal, quote: int, venue: Venue, now: datetime) -> None:
    """`refund_mismatch`: cash went back at no fee that the rules would not give back."""
    when = venue.local(op.created_at).strftime("%Y-%m-%d %H:%M")
    open_anomaly(
        session, "refund_mismatch", order_id=order.order_id, order_no=order.order_no,
        reason=(f"窗口 {op.terminal or '未知'} 的 {op.clerk} 于 {when} 撤销订单 "
                f"{order.order_no}，退现金 {format_fen(op.amount_fen)}（{refund.refund_no}），"
                f"不符合撤销规则：{broken.message}；按退票规则应退 {format_fen(quote)}"),
        evidence={"void": True, "void_rule": broken.code, "terminal": op.terminal,
                  "clerk": op.clerk, "refund_id": refund.refund_id,
                  "refund_no": refund.refund_no, "refunded_fen": op.amount_fen,
                  "quote_fen": quote, "difference_fen": op.amount_fen - quote,
                  "sold_at": iso_utc(order.created_at), "refunded_at": iso_utc(op.created_at)},
        amount_fen=max(op.amount_fen - quote, 0), now=now,
        dedupe_key=f"refund_mismatch:{refund.refund_id}")


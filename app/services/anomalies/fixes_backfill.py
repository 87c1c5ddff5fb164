"""The `backfill_order` fix of `paid_no_order` (DESIGN.md §6): make the order a provider
payment was for, from what the payer's client attached to the payment (`attach` in the
anomaly's evidence: `visit_date`, `lines: [{ticket_type, qty}]`, optional `customer`,
`channel`, `external_id`), and move the payment onto it.

The new order is a channel order (`miniprogram` unless the attach or the order_no named by
the callback says `website`), paid, priced from the payment's amount, with units from free
capacity (SoldOut refuses). Its number is the one the callback named when that is free,
else `{PREFIX}-PAY{txn}`. Money that came too late for an order the store had cancelled
moves from the cancelled order (its lines and date are the fallback when nothing was
attached) to the new one; the cancelled order stays cancelled."""

from dataclasses import replace
from datetime import date
from typing import Any

import sqlalchemy as sa

from app.domain.catalog import units_needed
from app.domain.errors import Conflict, ValidationError
from app.domain.ids import CHANNEL_PREFIXES, channel_order_no
from app.domain.lifecycle import PaymentState
from app.domain.money import format_fen
from app.services.anomalies.fixes_common import Done, FixContext, payment_of
from app.services.journal import changes, exactly_once, timeline
from app.services.journal.exactly_once import RECEIVED
from app.services.journal.order_state import changed
from app.services.journal.orders import SEALED
from app.services.sales.channels import (
    EXTERNAL_ID,
    ChannelLine,
    ChannelOrder,
    Customer,
    order_meaning,
    plan_order,
    write_order,
)
from app.services.sales.selling import take_stock
from app.services.stock.catalog import load_catalog
from app.store.models import Order

OWN_CHANNELS = ("miniprogram", "website")  # the channels whose payments reach our providers
SCOPE = "channel_order"


def _attach(ctx: FixContext, old: Order | None) -> dict[str, Any]:
    """What the payer's client attached: as sent (`sealed`, with the customer's full phone
    and ID number) when the store kept it so, else the evidence's."""
    sealed = ctx.evidence.get(SEALED)
    attach = (sealed.get("attach") if isinstance(sealed, dict) else None) \
        or ctx.evidence.get("attach")
    if isinstance(attach, dict) and attach.get("lines"):
        return attach
    if old is None:
        raise Conflict("支付没有附带订单信息（attach 中没有游玩日期和票种），无法补单，请改为退款")
    first = timeline.load(ctx.session, old.order_id)[:1]
    lines = first[0].detail.get("lines") if first else None
    if not lines:
        raise Conflict(f"找不到订单 {old.order_no} 的购票明细，无法补单，请改为退款")
    return {"visit_date": old.visit_date.isoformat(), "lines": lines,
            "customer": {"name": old.customer_name, "phone": old.customer_phone,
                         "id_no": old.customer_id_no}}


def _lines(attach: dict[str, Any]) -> tuple[ChannelLine, ...]:
    try:
        return tuple(ChannelLine(str(ln["ticket_type"]), int(ln["qty"]))
                     for ln in attach["lines"])
    except (KeyError, TypeError, ValueError):
        raise Conflict("支付附带的购票明细格式不正确，无法补单，请改为退款") from None


def _day(attach: dict[str, Any]) -> date:
    try:
        return date.fromisoformat(str(attach["visit_date"]))
    except (KeyError, ValueError):
        raise Conflict("支付附带信息中没有有效的游玩日期，无法补单，请改为退款") from None


def _customer(attach: dict[str, Any]) -> Customer | None:
    c = attach.get("customer")
    if not isinstance(c, dict):
        return None
    return Customer(*(str(c[k])[:32] if c.get(k) else None for k in ("name", "phone", "id_no")))


def _channel(attach: dict[str, Any], named: str) -> str:
    if attach.get("channel") in OWN_CHANNELS:
        return str(attach["channel"])
    prefix = named.partition("-")[0]
    return next((c for c in OWN_CHANNELS if CHANNEL_PREFIXES[c] == prefix), OWN_CHANNELS[0])


def _free(ctx: FixContext, channel: str, external_id: str) -> bool:
    if not EXTERNAL_ID.match(external_id):
        return False
    taken = ctx.session.execute(sa.select(Order.order_id).where(
        Order.order_no == channel_order_no(channel, external_id))).first()
    return taken is None and exactly_once.find(
        ctx.session, RECEIVED, (SCOPE, f"{channel}:{external_id}")) is None


def _external_id(ctx: FixContext, attach: dict[str, Any], channel: str, txn: str) -> str:
    named = str(ctx.evidence.get("order_no") or "")
    prefix = CHANNEL_PREFIXES[channel] + "-"
    wanted = [str(attach.get("external_id") or ""),
              named[len(prefix):] if named.startswith(prefix) else "",
              "PAY" + txn.replace(":", "-")[:45]]
    for candidate in wanted:
        if candidate and _free(ctx, channel, candidate):
            return candidate
    raise Conflict("补单的渠道订单号已被占用，无法补单，请改为退款")


def _request(ctx: FixContext, old: Order | None, amount_fen: int, txn: str) -> ChannelOrder:
    attach = _attach(ctx, old)
    channel = _channel(attach, str(ctx.evidence.get("order_no") or ""))
    return ChannelOrder(channel, _external_id(ctx, attach, channel, txn), _day(attach),
                        _lines(attach), amount_fen, True, _customer(attach))


def backfill_order(ctx: FixContext) -> Done:
    """Make the paid-for order and move the payment onto it (see the module docstring)."""
    payment = payment_of(ctx)
    old = ctx.order
    if payment is None:
        raise Conflict("异常记录中没有找到这笔支付")
    if payment.order_id != (old.order_id if old else None):
        raise Conflict("这笔支付已归入别的订单，不能再补单")
    if payment.status != "succeeded":
        raise Conflict(f"支付 {payment.payment_no} 已退款，不能补单")
    s = ctx.session
    req = _request(ctx, old, payment.amount_fen, payment.provider_txn_id or payment.payment_id)
    catalog = load_catalog(s)
    try:
        specs = plan_order(req, catalog, ctx.now, ctx.venue)
    except ValidationError as exc:
        raise Conflict(f"无法补单：{exc.message}") from None
    key = (SCOPE, f"{req.channel}:{req.external_id}")
    if exactly_once.claim(s, RECEIVED, key, exactly_once.digest(order_meaning(req)),
                          message="补单的渠道订单号已被占用", created_at=ctx.now) is not None:
        raise Conflict("补单的渠道订单号已被占用，无法补单，请改为退款")
    need = units_needed(specs)
    take_stock(s, need, req.visit_date, catalog, ctx.now)
    order_no = channel_order_no(req.channel, req.external_id)
    order = write_order(s, replace(req, paid=False), specs, catalog, order_no, ctx.now)
    payment.order_id = order.order_id
    order.paid_fen = payment.amount_fen
    order.payment_state = str(PaymentState.PAID)
    _log_new(ctx, order, req, len(specs), payment, old)
    exactly_once.finish(s, RECEIVED, key, order_id=order.order_id, result={"order_no": order_no})
    changes.touch_inventory(s, need, req.visit_date, now=ctx.now)
    if old is None:
        ctx.anomaly.order_id, ctx.anomaly.order_no = order.order_id, order_no
        ctx.order = order  # `anomaly.fixed` goes on the new order's timeline
    else:
        old.paid_fen -= payment.amount_fen
        ctx.log(old, [("payment.moved", {"payment_no": payment.payment_no,
                                         "amount_fen": payment.amount_fen,
                                         "to_order_no": order_no})])
        changed(s, order, now=ctx.now)
    return Done(f"已按支付附带信息补建订单 {order_no}（{req.visit_date:%Y-%m-%d}，"
                f"{len(specs)} 张票，已支付 {format_fen(payment.amount_fen)}）",
                order_no=order_no, detail={"order_no": order_no,
                                           "payment_no": payment.payment_no})


def _log_new(ctx: FixContext, order: Order, req: ChannelOrder, n_tickets: int, payment: Any,
             old: Order | None) -> None:
    ctx.session.flush()
    timeline.append(ctx.session, order.order_id, [
        ("order.created", {
            "order_no": order.order_no, "channel": req.channel, "external_id": req.external_id,
            "visit_date": req.visit_date.isoformat(), "total_fen": req.amount_fen,
            "tickets": n_tickets, "paid": True,
            "lines": [{"ticket_type": ln.ticket_type, "qty": ln.qty} for ln in req.lines],
            "backfilled": {"anomaly_id": ctx.anomaly.anomaly_id,
                           "from_order_no": old.order_no if old else None}}),
        ("payment.succeeded", {
            "payment_no": payment.payment_no, "method": payment.method,
            "amount_fen": payment.amount_fen, "provider_txn_id": payment.provider_txn_id,
            "moved_from_order_no": old.order_no if old else None})],
        at=ctx.now, actor=ctx.who, source="server", prev=None)
    changes.touch(ctx.session, "order", order.order_id, now=ctx.now)

"""Orders from sales channels (mini-program, website, OTAs, agencies; DESIGN.md §8
`POST /channels/{channel}/orders`): taken once per (channel, external_id), units from free
capacity like a window sale, tickets priced from what the channel charged."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import actors
from app.domain.catalog import (
    MAX_LINE_QTY,
    TicketSpec,
    TicketType,
    expand_line,
    units_needed,
)
from app.domain.errors import NotFound, ValidationError
from app.domain.ids import CHANNEL_PREFIXES, channel_order_no, new_id, new_ticket_code
from app.domain.lifecycle import PaymentState, TicketState, derive_status
from app.domain.money import MAX_FEN, split_proportionally
from app.domain.venue import Venue
from app.services.journal import changes, exactly_once, timeline
from app.services.sales.selling import Customer, take_stock, ticket_name
from app.services.stock.catalog import load_catalog
from app.store.models import Order, Payment, Ticket

CHANNELS = tuple(c for c in CHANNEL_PREFIXES if c != "window")
START_PROVIDERS = ("wechat", "alipay")
TXN_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
SCOPE = "channel_order"
SOURCE = "channel"
EXTERNAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,47}$")  # order_no stays path-safe
_REUSED = "这个渠道订单号已用于另一笔内容不同的订单"


@dataclass(frozen=True)
class ChannelLine:
    ticket_type: str
    qty: int


@dataclass(frozen=True)
class PaymentStart:
    """The visitor is paying right now: the channel opened this provider transaction."""

    provider: str  # wechat | alipay
    provider_txn_id: str


@dataclass(frozen=True)
class ChannelOrder:
    channel: str
    external_id: str
    visit_date: date
    lines: tuple[ChannelLine, ...]
    amount_fen: int  # what the channel charged the visitor
    paid: bool
    customer: Customer | None = None
    payment: PaymentStart | None = None  # only unpaid: the order is `paying` until its callback


@dataclass(frozen=True)
class IntakeResult:
    order_id: str
    order_no: str
    created: bool  # False: a replay of an order already taken


def payment_method(channel: str) -> str:
    """OTAs and agencies settle with us themselves (`ota`); our own channels take WeChat."""
    return "ota" if channel.startswith("ota_") or channel == "agency" else "wechat"


def price_tickets(amount_fen: int, specs: Sequence[TicketSpec]) -> list[int]:
    """Split what the channel charged over the tickets in proportion to their list prices (a
    package component's: its share of the package's); the remainder fen go on the first
    ticket, so the prices sum to `amount_fen`."""
    return split_proportionally(amount_fen, [s.list_price_fen for s in specs])


def check_channel(channel: str) -> None:
    if channel == "window":
        raise ValidationError("窗口订单请通过 POST /orders 提交", field="channel")
    if channel not in CHANNELS:
        raise NotFound(f"没有这个销售渠道：{channel}", channel=channel)


def plan_order(req: ChannelOrder, catalog: Mapping[str, TicketType], now: datetime,
               venue: Venue) -> list[TicketSpec]:
    """The tickets of a channel order, after checking channel, id, date, lines and amount
    (ValidationError, NotFound)."""
    check_channel(req.channel)
    if not EXTERNAL_ID.match(req.external_id):
        raise ValidationError("渠道订单号只能由字母、数字、_ . - 组成，最多 48 个字符",
                              field="external_id")
    venue.check_visit_date(req.visit_date, now)
    if not req.lines:
        raise ValidationError("请至少选择一种票", field="lines")
    if not 0 <= req.amount_fen <= MAX_FEN:
        raise ValidationError("订单金额不正确", field="amount_fen")
    _check_start(req)
    specs: list[TicketSpec] = []
    for line in req.lines:
        specs.extend(expand_line(catalog, line.ticket_type, line.qty))
    if sum(line.qty for line in req.lines) > MAX_LINE_QTY:
        raise ValidationError(f"一个订单最多 {MAX_LINE_QTY} 人", field="qty")
    return specs


def _check_start(req: ChannelOrder) -> None:
    p = req.payment
    if p is None:
        return
    if req.paid:
        raise ValidationError("已支付的订单不能再带“支付中”的交易", field="payment")
    if p.provider not in START_PROVIDERS:
        raise ValidationError(f"不支持的支付渠道：{p.provider[:16]}", field="payment.provider")
    if not TXN_ID.match(p.provider_txn_id):
        raise ValidationError("支付交易号只能由字母、数字、_ . : - 组成，最多 64 个字符",
                              field="payment.provider_txn_id")


def order_meaning(req: ChannelOrder) -> dict[str, Any]:
    c = req.customer
    meaning = {"channel": req.channel, "external_id": req.external_id,
               "visit_date": req.visit_date.isoformat(),
               "lines": [[ln.ticket_type, ln.qty] for ln in req.lines],
               "customer": None if c is None else [c.name, c.phone, c.id_no],
               "amount_fen": req.amount_fen, "paid": req.paid}
    if req.payment is not None:  # absent: the digest of orders taken before the field
        meaning["payment"] = [req.payment.provider, req.payment.provider_txn_id]
    return meaning


def write_order(session: Session, req: ChannelOrder, specs: list[TicketSpec],
                catalog: Mapping[str, TicketType], order_no: str, now: datetime) -> Order:
    """Insert the order, its tickets and (paid) its payment or (paying) its started one;
    units are the caller's."""
    pay = PaymentState.PAID if req.paid else (
        PaymentState.STARTED if req.payment else PaymentState.NONE)
    c = req.customer or Customer()
    order = Order(
        order_id=new_id(), order_no=order_no, channel=req.channel, external_id=req.external_id,
        visit_date=req.visit_date, payment_state=str(pay), cancelled=False,
        status=str(derive_status(pay, False, [TicketState.VALID] * len(specs))),
        total_fen=req.amount_fen, paid_fen=req.amount_fen if req.paid else 0, refunded_fen=0,
        customer_name=c.name, customer_phone=c.phone, customer_id_no=c.id_no,
        receipt_reprint_count=0, created_at=now, updated_at=now, version=1)
    session.add(order)
    session.flush()  # the order row first: tickets and payment refer to it
    session.add_all(Ticket(
        ticket_id=new_id(), order_id=order.order_id, position=i, code=new_ticket_code(),
        ticket_type=s.ticket_type, sold_as=s.sold_as, name=ticket_name(s, catalog),
        kind=str(s.kind), price_fen=price, list_price_fen=s.list_price_fen,
        status=str(TicketState.VALID), uses_total=s.uses_total, uses_left=s.uses_total,
        reprint_count=0, updated_at=now, version=1)
        for i, (s, price) in enumerate(zip(specs, price_tickets(req.amount_fen, specs),
                                           strict=True), start=1))
    if req.paid:
        session.add(Payment(
            payment_id=new_id(), payment_no=f"{order_no}-P1", order_id=order.order_id,
            method=payment_method(req.channel), amount_fen=req.amount_fen,
            tendered_fen=req.amount_fen, change_fen=0, status="succeeded",
            provider=req.channel, at=now))
    elif req.payment is not None:
        _started(session, req.payment, order, now)
    session.flush()
    return order


def _started(session: Session, start: PaymentStart, order: Order, now: datetime) -> None:
    taken = session.execute(sa.select(Payment.payment_no).where(
        Payment.provider == start.provider,
        Payment.provider_txn_id == start.provider_txn_id)).scalar()
    if taken is not None:
        raise ValidationError(f"支付交易号 {start.provider_txn_id} 已用于 {taken}",
                              field="payment.provider_txn_id")
    session.add(Payment(
        payment_id=new_id(), payment_no=f"{order.order_no}-P1", order_id=order.order_id,
        method=start.provider, amount_fen=order.total_fen, tendered_fen=order.total_fen,
        change_fen=0, status="started", provider=start.provider,
        provider_txn_id=start.provider_txn_id, at=now))


def _log(session: Session, req: ChannelOrder, order: Order, n_tickets: int,
         now: datetime) -> None:
    entries: list[tuple[str, dict[str, Any]]] = [("order.created", {
        "order_no": order.order_no, "channel": req.channel, "external_id": req.external_id,
        "visit_date": req.visit_date.isoformat(), "total_fen": req.amount_fen,
        "tickets": n_tickets, "paid": req.paid,
        "lines": [{"ticket_type": ln.ticket_type, "qty": ln.qty} for ln in req.lines]})]
    if req.paid:
        entries.append(("payment.succeeded", {
            "payment_no": f"{order.order_no}-P1", "method": payment_method(req.channel),
            "amount_fen": req.amount_fen, "provider": req.channel}))
    elif req.payment is not None:
        entries.append(("payment.started", {
            "payment_no": f"{order.order_no}-P1", "method": req.payment.provider,
            "amount_fen": req.amount_fen, "provider_txn_id": req.payment.provider_txn_id}))
    timeline.append(session, order.order_id, entries, at=now, actor=actors.channel(req.channel),
                    source=SOURCE, prev=None)


def take_order(session: Session, req: ChannelOrder, *, now: datetime,
               venue: Venue) -> IntakeResult:
    """Take a channel's order once. A replay (same channel, external_id and body) returns
    the order already taken and writes nothing; the same external_id with another body
    raises `exactly_once.KeyReused`.

    New orders: units from free capacity (SoldOut writes nothing), packages split into
    their components, ticket prices split from `amount_fen`; `paid` → a succeeded payment
    (method `ota` for OTAs and agencies, else `wechat`) and status `paid`, else
    `pending_payment` until a payment callback (unpaid orders expire: `orders_expiry`);
    unpaid with `payment` (the provider transaction the channel opened) → a `started`
    payment and status `paying`: not expired, its callback settles that payment row, and
    after 10 min without one the sweep raises `payment_failed_order_open`.
    Timeline `order.created` (+ `payment.succeeded`), actor `channel:NAME`, source `channel`.
    Raises NotFound (unknown channel), ValidationError (bad id, date, lines, amount)."""
    check_channel(req.channel)
    key = (SCOPE, f"{req.channel}:{req.external_id}")
    request_sha = exactly_once.digest(order_meaning(req))
    order_no = channel_order_no(req.channel, req.external_id)

    def work(s: Session) -> exactly_once.Received:
        catalog = load_catalog(s)
        specs = plan_order(req, catalog, now, venue)
        need = units_needed(specs)
        take_stock(s, need, req.visit_date, catalog, now)
        order = write_order(s, req, specs, catalog, order_no, now)
        _log(s, req, order, len(specs), now)
        changes.touch(s, "order", order.order_id, now=now)
        changes.touch_inventory(s, need, req.visit_date, now=now)
        return exactly_once.Received(IntakeResult(order.order_id, order_no, True),
                                     order.order_id, {"order_no": order_no})

    return exactly_once.receive(
        session, key, request_sha, message=_REUSED, now=now, work=work,
        replay=lambda entry: IntakeResult(str(entry.order_id), order_no, False))

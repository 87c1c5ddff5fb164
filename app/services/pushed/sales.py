"""The central store records a window sale that already happened (the `sale` op of DESIGN.md
§9): the window's ids, order_no and ticket codes are kept, and the sale is never refused for
stock or for a visit date in the past — money changed hands.

Units come, in this order, from the lease the window sold on (while it is active), from free
capacity, from another active lease of the same device, type and day; what is still missing
is counted in `inventory.oversold` and raises an `oversold` anomaly (DESIGN.md §4, §6).

What the store knows better is checked (DESIGN.md §14): the clerk, terminal and device are the
token's (`record`); the order number is `W{own terminal}-…` (else Forbidden); the sale was made
within the offline window (`payload.OFFLINE_WINDOW`; a later date is taken as now). The store re-prices the
sale from its catalog — today's prices, the catalog keeps no history — and money paid
otherwise is recorded as paid (it changed hands, tickets priced by their share of it) and
raises a `price_mismatch` anomaly.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import inventory as inv_rules
from app.domain.catalog import TicketSpec, TicketType, units_needed
from app.domain.errors import Forbidden, ValidationError
from app.domain.ids import is_ticket_code, normalize_terminal
from app.domain.money import MAX_FEN, format_fen, split_proportionally
from app.domain.timeline import iso_utc
from app.domain.venue import Venue
from app.services.journal import anomaly_log, changes
from app.services.sales.sale_rows import write_sale_rows
from app.services.sales.selling import (
    PAYMENT_METHODS,
    Customer,
    SaleLine,
    SalePlan,
    SaleRequest,
    SoldTicket,
    plan_sale,
    ticket_name,
)
from app.services.stock import stock_writes
from app.services.stock.catalog import load_catalog
from app.services.stock.leases import ACTIVE
from app.store.db import atomic
from app.store.models import LeaseRow, Order

from .group_stock import GroupStock
from .payload import Fields, Pushed

RECORD = "售票记录"


@dataclass(frozen=True)
class SaleRecord:
    order_id: str
    order_no: str
    version: int
    oversold: int  # units counted beyond capacity


def _customer(p: Fields) -> Customer | None:
    c = p.optional_nested("customer")
    if c is None:
        return None
    return Customer(c.optional_text("name", 64), c.optional_text("phone", 32),
                    c.optional_text("id_no", 32))


def _request(p: Fields, device_id: str) -> SaleRequest:
    lines = tuple(SaleLine(ln.text("ticket_type", 32), ln.count("qty"))
                  for ln in p.each("lines", 50))
    pay = p.nested("payment")
    method = pay.text("method", 16)
    if method not in PAYMENT_METHODS:
        raise ValidationError(f"不支持的支付方式：{method}", field="payment.method")
    tendered = pay.fen("tendered_fen") if pay.present("tendered_fen") else None
    return SaleRequest(
        terminal=p.text("terminal", 8), clerk=p.text("clerk", 64), device_id=device_id,
        visit_date=p.day("visit_date"), lines=lines,
        tendered_fen=pay.fen("amount_fen") if tendered is None else tendered,
        payment_method=method, order_id=p.id("order_id"), customer=_customer(p))


def _tickets(p: Fields, plan: SalePlan,
             catalog: Mapping[str, TicketType]) -> tuple[SoldTicket, ...]:
    given = p.each("tickets")
    if len(given) != len(plan.specs):
        raise ValidationError(f"售票记录应有 {len(plan.specs)} 张票，实际 {len(given)} 张",
                              field="tickets")
    out = []
    for t, spec in zip(given, plan.specs, strict=True):
        if t.raw.get("ticket_type") != spec.ticket_type:
            raise ValidationError("售票记录的票与票种行不一致", field="tickets")
        code = t.text("code", 64)
        if not is_ticket_code(code):
            raise ValidationError(f"票码格式不正确：{code[:40]}", field="tickets")
        out.append(SoldTicket(t.id("ticket_id"), code, spec.ticket_type,
                              ticket_name(spec, catalog), spec.price_fen))
    if len({t.ticket_id for t in out}) != len(out) or len({t.code for t in out}) != len(out):
        raise ValidationError("售票记录中有重复的票", field="tickets")
    return tuple(out)


def _payload_leases(p: Fields) -> dict[str, str]:
    """ticket_type → lease_id the window sold on."""
    out: dict[str, str] = {}
    for entry in p.raw.get("leases") or []:
        if isinstance(entry, dict) and isinstance(entry.get("ticket_type"), str):
            out[entry["ticket_type"]] = Fields(entry, RECORD).id("lease_id")
    if p.present("lease_id") and not out:
        out["*"] = p.id("lease_id")
    return out


def _leases_of(session: Session, lease_id: str | None, device_id: str, code: str,
               day: date) -> tuple[LeaseRow | None, list[LeaseRow]]:
    """The lease the window sold on (None unless it is this device's active lease of that type
    and day) and the device's other active leases of that type and day, oldest first; all
    locked (after the stock row: one lock order)."""
    lease = None if lease_id is None else session.get(
        LeaseRow, lease_id, with_for_update=True, populate_existing=True)
    if lease is not None and (lease.status != ACTIVE or lease.device_id != device_id
                              or lease.ticket_type != code or lease.visit_date != day):
        lease = None
    others = session.execute(
        sa.select(LeaseRow).where(
            LeaseRow.device_id == device_id, LeaseRow.ticket_type == code,
            LeaseRow.visit_date == day, LeaseRow.status == ACTIVE,
            LeaseRow.lease_id != (lease_id or "")).order_by(LeaseRow.created_at)
        .with_for_update().execution_options(populate_existing=True)).scalars().all()
    return lease, list(others)


def _take_units(session: Session, code: str, day: date, n: int, lease_id: str | None,
                device_id: str, now: datetime, group: GroupStock | None = None) -> int:
    """Move `n` units into sold for a sale that happened, as `inv_rules.sell_from_lease`
    decides (see the module docstring); returns the units oversold. In a group (`group`),
    a sale without a lease takes free capacity at the group's end (`group_stock`)."""
    if lease_id is None and group is not None:
        group.want(code, day, n)
        return 0
    if lease_id is None and stock_writes.take_free(session, code, day, n, now):
        return 0  # an online sale with room: free capacity in one statement
    row = stock_writes.lock_stock(session, code, day)  # inventory first, then leases
    lease, others = _leases_of(session, lease_id, device_id, code, day)
    sale = inv_rules.sell_from_lease(
        stock_writes.stock_of(row) if row is not None else inv_rules.Stock(0),
        None if lease is None else stock_writes.lease_of(lease, active=True), n,
        [stock_writes.lease_of(o, active=True) for o in others])
    if lease is not None and sale.lease is not None:
        stock_writes.put_lease(lease, sale.lease, now)
    for other, used in zip(others, sale.others, strict=True):
        stock_writes.put_lease(other, used, now)
    if row is not None:  # a day with no inventory row: counted in the anomaly only
        stock_writes.put_stock(row, sale.stock, now)
    return sale.oversold


def _store_plan(req: SaleRequest, catalog: Mapping[str, TicketType], now: datetime,
                venue: Venue) -> SalePlan:
    """The sale as the store prices it; never refused for what was tendered (the window's
    money is checked against it afterwards)."""
    return plan_sale(replace(req, tendered_fen=MAX_FEN), catalog, now=now, venue=venue,
                     check_date=False)


def _priced(plan: SalePlan, amount_fen: int, tendered_fen: int) -> SalePlan:
    """The sale as it was paid: the window's charge, split over the tickets by list price
    when it is not the store's price."""
    specs = plan.specs
    if amount_fen != plan.total_fen and specs:
        shares = split_proportionally(amount_fen, [s.list_price_fen for s in specs])
        specs = tuple(TicketSpec(s.ticket_type, s.sold_as, s.name, s.kind, p, s.list_price_fen,
                                 s.uses_total, s.person) for s, p in zip(specs, shares,
                                                                          strict=True))
    tendered = max(tendered_fen, amount_fen)
    return SalePlan(plan.terminal, specs, amount_fen, tendered, tendered - amount_fen)


def _order_no(p: Fields, terminal: str) -> str:
    """The window's order number; Forbidden unless it is one of its own terminal's."""
    order_no = p.text("order_no", 64)
    if not order_no.startswith(f"W{terminal}-"):
        raise Forbidden(f"订单号 {order_no[:40]} 不是本窗口（终端 {terminal}）的订单号"
                        f"（应为 W{terminal}-…），已拒绝")
    return order_no


def _terminal(req: SaleRequest) -> str:
    try:
        return normalize_terminal(req.terminal)
    except ValueError:
        raise ValidationError(f"终端编号不正确：{req.terminal[:8]}", field="terminal") from None


@dataclass(frozen=True)
class PreparedSale:
    """A pushed sale checked and priced, before anything is written (`prepare`)."""

    req: SaleRequest  # its order_id is the window's
    order_no: str
    created: datetime  # when it was sold (`bounded_instant`)
    store: SalePlan  # as the store prices it
    plan: SalePlan  # as it was paid
    sold: tuple[SoldTicket, ...]
    leases: dict[str, str]  # ticket_type (or "*") → the lease the window sold on

    @property
    def mismatch(self) -> bool:
        """Paid otherwise than the store prices it (a `price_mismatch` anomaly)."""
        return self.plan.total_fen != self.store.total_fen

    @property
    def need(self) -> dict[str, int]:
        return units_needed(self.plan.specs)


def _checked(p: Fields, device_id: str, now: datetime, venue: Venue,
             catalog: Mapping[str, TicketType]) -> PreparedSale:
    req = _request(p, device_id)
    order_no = _order_no(p, _terminal(req))
    created = p.bounded_instant("created_at", now)
    store = _store_plan(req, catalog, now, venue)
    plan = _priced(store, p.nested("payment").fen("amount_fen"), req.tendered_fen)
    sold = _tickets(p, plan, catalog)
    return PreparedSale(req, order_no, created, store, plan, sold, _payload_leases(p))


def prepare(payload: Mapping[str, Any], pushed: Pushed,
            catalog: Mapping[str, TicketType]) -> PreparedSale:
    """Every check `record` makes before it writes, in the same order, with no write: a
    group's sales are checked first and written together (`bulk_sales`). Raises as `record`
    would (Forbidden, ValidationError)."""
    p = _own(payload, pushed)
    return _checked(p, pushed.device_id, pushed.now, pushed.venue, catalog)


def record_sale(session: Session, payload: Mapping[str, Any], *, device_id: str, user: str,
                now: datetime, venue: Venue,
                before_commit: Callable[[Session, SaleRecord], None] | None = None,
                catalog: Mapping[str, TicketType] | None = None,
                group: GroupStock | None = None) -> SaleRecord:
    """Record a pushed window sale in one transaction (see the module docstring).

    Raises ValidationError for a malformed payload, and IntegrityError when its order_id,
    order_no or a ticket code already belongs to another order; then nothing was written.
    Inside an open transaction it runs in a savepoint (`atomic`); `catalog`: the catalog
    already read in that transaction; `group`: the group's free capacity (`group_stock`).
    """
    del user  # the clerk named in the payload sold it (`record`: the token's user)
    p = Fields(payload, RECORD)
    with atomic(session):
        if catalog is None:
            catalog = load_catalog(session)
        sale = _checked(p, device_id, now, venue, catalog)  # an order_id or order_no
        # already taken: the unique keys refuse it (IntegrityError); `apply` says which
        req, order_no, store, plan = sale.req, sale.order_no, sale.store, sale.plan
        oversold: dict[str, int] = {}
        for code, n in sorted(sale.need.items()):
            over = _take_units(session, code, req.visit_date, n,
                               sale.leases.get(code, sale.leases.get("*")), device_id, now,
                               group)
            if over:
                oversold[code] = over
        write_sale_rows(session, req, plan, req.order_id, order_no, sale.sold, sale.created)
        for code, over in oversold.items():
            _raise_oversold(session, req, order_no, code, over, catalog, plan, now)
        if sale.mismatch:
            _raise_price_mismatch(session, req, order_no, store, plan, venue, sale.created,
                                  now)
        changes.touch(session, "order", req.order_id, now=now)
        changes.touch_inventory(session, sale.need, req.visit_date, now=now)
        version = 1 if not (oversold or sale.mismatch) else session.execute(
            sa.select(Order.version).where(Order.order_id == req.order_id)).scalar_one()
        record = SaleRecord(req.order_id, order_no, version, sum(oversold.values()))
        if before_commit is not None:
            before_commit(session, record)
    return record


def _raise_oversold(session: Session, req: SaleRequest, order_no: str, code: str, over: int,
                    catalog: Mapping[str, TicketType], plan: SalePlan, now: datetime) -> None:
    name = catalog[code].name
    amount = sum(s.price_fen for s in plan.specs if s.ticket_type == code) // max(
        1, sum(1 for s in plan.specs if s.ticket_type == code)) * over
    anomaly_log.open_anomaly(
        session, "oversold", order_id=req.order_id, order_no=order_no,
        reason=(f"窗口 {req.terminal}（设备 {req.device_id}）离线售出的{name} {over} 张"
                f"超出预留且已无余量，{req.visit_date:%Y-%m-%d} 超售 {over} 张，"
                f"约 {format_fen(amount)}"),
        evidence={"device_id": req.device_id, "terminal": req.terminal, "ticket_type": code,
                  "visit_date": req.visit_date.isoformat(), "oversold": over},
        amount_fen=amount, now=now, dedupe_key=f"oversold:{req.order_id}:{code}")


def _raise_price_mismatch(session: Session, req: SaleRequest, order_no: str, store: SalePlan,
                          paid: SalePlan, venue: Venue, sold_at: datetime,
                          now: datetime) -> None:
    gap = paid.total_fen - store.total_fen
    lines = "、".join(f"{ln.ticket_type}×{ln.qty}" for ln in req.lines)
    anomaly_log.open_anomaly(
        session, "price_mismatch", order_id=req.order_id, order_no=order_no,
        reason=(f"窗口 {req.terminal}（设备 {req.device_id}，{req.clerk}）于 "
                f"{venue.local(sold_at):%Y-%m-%d %H:%M} 售出 {lines}，实收 "
                f"{format_fen(paid.total_fen)}，中心库定价 {format_fen(store.total_fen)}，"
                f"{'多收' if gap > 0 else '少收'} {format_fen(abs(gap))}"),
        evidence={"device_id": req.device_id, "terminal": req.terminal, "clerk": req.clerk,
                  "method": req.payment_method, "paid_fen": paid.total_fen,
                  "expected_fen": store.total_fen, "difference_fen": gap,
                  "sold_at": iso_utc(sold_at)},
        amount_fen=abs(gap), now=now, dedupe_key=f"price_mismatch:{req.order_id}")


def _own(payload: Mapping[str, Any], pushed: Pushed) -> Fields:
    """The payload, once the clerk, terminal and device it names are found to be the token's
    (Forbidden otherwise)."""
    p = Fields(payload, RECORD)
    p.own("clerk", pushed.user, "登录用户")
    p.own("terminal", pushed.terminal, "登录窗口的终端号")
    p.own("device_id", pushed.device_id, "登录设备")
    return p


def record(session: Session, payload: Mapping[str, Any], pushed: Pushed,
           keep: Callable[[Session, int], None]) -> int:
    """The `sale` recorder of `apply.RECORDERS`: the clerk, terminal and device named in the
    payload must be the token's (Forbidden otherwise)."""
    _own(payload, pushed)
    return record_sale(session, payload, device_id=pushed.device_id, user=pushed.user,
                       now=pushed.now, venue=pushed.venue,
                       before_commit=lambda s, done: keep(s, done.version),
                       catalog=pushed.catalog, group=pushed.stock).version

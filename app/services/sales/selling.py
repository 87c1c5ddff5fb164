"""Selling at the window (DESIGN.md §1 data flow): one local transaction writes the order, its
tickets, the payment, the inventory, the timeline, the outbox op and the print jobs. Nothing is
printed or pushed before it commits; a refusal writes nothing."""

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import inventory as inv_rules
from app.domain.catalog import MAX_LINE_QTY, TicketSpec, TicketType, expand_line, units_needed
from app.domain.errors import Conflict, SoldOut, ValidationError
from app.domain.ids import new_id, new_ticket_code, normalize_terminal, window_order_no
from app.domain.money import MAX_FEN, format_fen
from app.domain.print_docs import ReceiptDoc, ReceiptLine
from app.domain.timeline import iso_utc
from app.domain.venue import Venue
from app.services.journal import changes, op_changes, outbox, print_queue
from app.services.journal.orders import mask_id_no, mask_phone
from app.services.prints import ticket_docs
from app.services.shifts.shifts import require_open_shift
from app.services.stock import stock_writes
from app.services.stock.catalog import load_catalog
from app.store.counters import next_order_seq
from app.store.models import Inventory, LeaseRow, Order

from .sale_rows import CHANNEL, SaleRows, insert_sale_rows, sale_rows, sold_order_json

CASH = "cash"
PAYMENT_METHODS = ("cash", "wechat", "alipay", "ota", "voucher")

_inventory = Inventory.__table__
_orders = Order.__table__
_leases = LeaseRow.__table__


@dataclass(frozen=True)
class SaleLine:
    ticket_type: str
    qty: int


@dataclass(frozen=True)
class Customer:
    """The visitor an order is for, as the seller gave it (all optional)."""

    name: str | None = None
    phone: str | None = None
    id_no: str | None = None

    def masked(self) -> dict[str, str | None]:
        """As the Order JSON shows it to everyone (DESIGN.md §2 personal data)."""
        return {"name": self.name, "phone_masked": mask_phone(self.phone),
                "id_masked": mask_id_no(self.id_no)}


@dataclass(frozen=True)
class SaleRequest:
    terminal: str
    clerk: str
    device_id: str
    visit_date: date
    lines: tuple[SaleLine, ...]
    tendered_fen: int
    payment_method: str = CASH
    order_id: str | None = None
    from_leases: bool = False  # offline: units come only from this device's leases
    customer: Customer | None = None


@dataclass(frozen=True)
class SoldTicket:
    ticket_id: str
    code: str
    ticket_type: str
    name: str
    price_fen: int


@dataclass(frozen=True)
class SaleResult:
    order_id: str
    order_no: str
    total_fen: int
    tendered_fen: int
    change_fen: int
    tickets: tuple[SoldTicket, ...]
    print_job_ids: tuple[str, ...]

    @property
    def changes(self) -> op_changes.OpChanges:
        """What the sale changed (the client announces it once: printer, sync, screens)."""
        return op_changes.SALE.for_orders(self.order_id)


@dataclass(frozen=True)
class SalePlan:
    """A validated sale, before anything is written."""

    terminal: str
    specs: tuple[TicketSpec, ...]
    total_fen: int
    tendered_fen: int
    change_fen: int


def _check_request(req: SaleRequest, now: datetime, venue: Venue, check_date: bool) -> str:
    try:
        terminal = normalize_terminal(req.terminal)
    except (ValueError, AttributeError):
        raise ValidationError(f"终端编号不正确：{req.terminal}", field="terminal") from None
    if not req.clerk:
        raise ValidationError("缺少售票员", field="clerk")
    if req.payment_method not in PAYMENT_METHODS:
        raise ValidationError(f"不支持的支付方式：{req.payment_method}", field="payment_method")
    if not isinstance(req.visit_date, date) or isinstance(req.visit_date, datetime):
        raise ValidationError("游玩日期不正确", field="visit_date")
    if check_date:
        venue.check_visit_date(req.visit_date, now)
    if not req.lines:
        raise ValidationError("请至少选择一种票", field="lines")
    tendered = req.tendered_fen
    if not isinstance(tendered, int) or isinstance(tendered, bool) or not 0 <= tendered <= MAX_FEN:
        raise ValidationError("实收金额不正确", field="tendered_fen")
    return terminal


def plan_sale(req: SaleRequest, catalog: Mapping[str, TicketType], *, now: datetime,
              venue: Venue, check_date: bool = True) -> SalePlan:
    """Validate a request against the catalog and price it; raises ValidationError.
    `check_date=False` for a sale that already happened (a pushed op may be days old; a type
    taken off sale since is still recorded)."""
    terminal = _check_request(req, now, venue, check_date)
    specs: list[TicketSpec] = []
    for line in req.lines:
        specs.extend(expand_line(catalog, line.ticket_type, line.qty,
                                 sold_already=not check_date))
    if sum(line.qty for line in req.lines) > MAX_LINE_QTY:
        raise ValidationError(f"一次最多售 {MAX_LINE_QTY} 张", field="qty")
    total = sum(s.price_fen for s in specs)
    if req.payment_method != CASH:
        return SalePlan(terminal, tuple(specs), total, total, 0)
    if req.tendered_fen < total:
        raise ValidationError(f"实收金额不足，还差 {format_fen(total - req.tendered_fen)}",
                              field="tendered_fen", short_fen=total - req.tendered_fen)
    return SalePlan(terminal, tuple(specs), total, req.tendered_fen, req.tendered_fen - total)


def _refuse_stock(session: Session, code: str, name: str, visit_date: date, qty: int) -> None:
    row = session.execute(sa.select(_inventory).where(
        _inventory.c.ticket_type == code, _inventory.c.visit_date == visit_date)).first()
    if row is None:
        raise SoldOut(f"{name} {visit_date:%Y-%m-%d} 未开放售票", available=0,
                      ticket_type=code)
    inv_rules.sell_online(inv_rules.Stock(row.capacity, row.sold, row.held), qty, name)
    raise SoldOut(f"{name}余票不足", available=0, ticket_type=code)  # freed meanwhile: rare


def take_stock(session: Session, need: Mapping[str, int], visit_date: date,
               catalog: Mapping[str, TicketType], now: datetime, *,
               cached: bool = False) -> list[Any]:
    """Move units into `sold` with a conditional UPDATE per type, in code order (one lock
    order for every writer); SoldOut when one would break sold + held <= capacity. Returns
    the stock rows as written (on the store; `cached`: the window's copy of the store's
    stock, whose version is the store's, returns nothing)."""
    rows = []
    for code in sorted(need):
        row = stock_writes.take_free(session, code, visit_date, need[code], now, cached=cached)
        if not row:
            _refuse_stock(session, code, catalog[code].name, visit_date, need[code])
        rows.append(row)
    return [] if cached else rows


def take_from_leases(session: Session, need: Mapping[str, int], visit_date: date,
                     device_id: str, catalog: Mapping[str, TicketType],
                     now: datetime) -> list[dict[str, Any]]:
    """An offline sale: units come from this device's active leases only (never free
    capacity: the cache cannot know it), so offline sales can never oversell. Returns the
    `leases` of the sale op; SoldOut when a lease has too few units left."""
    used: list[dict[str, Any]] = []
    for code in sorted(need):
        n = need[code]
        lease = session.execute(
            sa.select(_leases.c.lease_id, (_leases.c.granted - _leases.c.used).label("left"))
            .where(_leases.c.device_id == device_id, _leases.c.ticket_type == code,
                   _leases.c.visit_date == visit_date, _leases.c.status == "active",
                   _leases.c.expires_at > now)
            .order_by((_leases.c.granted - _leases.c.used).desc()).limit(1)).first()
        left = lease.left if lease else 0
        if left < n:
            name = catalog[code].name
            raise SoldOut(f"离线售票只能用本窗口预留的票：{name}仅剩 {left} 张" if left
                          else f"离线状态下{name}没有可售预留，请联网后再售",
                          available=left, ticket_type=code)
        stock_writes.use_lease(session, lease.lease_id, n, now)  # left >= n: it takes
        used.append({"lease_id": lease.lease_id, "ticket_type": code, "qty": n})
    return used


def ticket_name(spec: TicketSpec, catalog: Mapping[str, TicketType]) -> str:
    """Printed name: the type's, or `套票·组成` (亲子套票·成人票) for a package component."""
    if spec.sold_as == spec.ticket_type:
        return spec.name
    return f"{catalog[spec.sold_as].name}·{spec.name}"


def _sold_tickets(plan: SalePlan, catalog: Mapping[str, TicketType]) -> tuple[SoldTicket, ...]:
    return tuple(SoldTicket(new_id(), new_ticket_code(), s.ticket_type, ticket_name(s, catalog),
                            s.price_fen) for s in plan.specs)


def sale_payload(req: SaleRequest, plan: SalePlan, order_id: str, order_no: str,
                 sold: tuple[SoldTicket, ...], now: datetime,
                 leases: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The `sale` op (DESIGN.md §9): the /orders body plus order_id, order_no, tickets and
    lease_id (null: an online sale from free capacity). An offline sale of several types uses
    one lease per type: `leases` lists them all, `lease_id` is the first."""
    return {
        "order_id": order_id, "order_no": order_no, "channel": CHANNEL,
        "visit_date": req.visit_date.isoformat(),
        "lines": [{"ticket_type": ln.ticket_type, "qty": ln.qty} for ln in req.lines],
        "customer": None if req.customer is None else asdict(req.customer),
        "payment": {"method": req.payment_method, "amount_fen": plan.total_fen,
                    "tendered_fen": plan.tendered_fen},
        "tickets": [{"ticket_id": t.ticket_id, "code": t.code, "ticket_type": t.ticket_type}
                    for t in sold],
        "lease_id": leases[0]["lease_id"] if leases else None,
        "leases": leases or [],
        "terminal": plan.terminal, "clerk": req.clerk, "device_id": req.device_id,
        "created_at": iso_utc(now),
    }


def _print_jobs(req: SaleRequest, plan: SalePlan, order_no: str, sold: tuple[SoldTicket, ...],
                catalog: Mapping[str, TicketType], now: datetime,
                venue: Venue) -> list[tuple[str, dict[str, Any]]]:
    day, count = req.visit_date.isoformat(), len(sold)
    jobs: list[tuple[str, dict[str, Any]]] = [
        ("ticket", ticket_docs.ticket_payload(
            venue.name, t.name, day, t.price_fen, order_no, t.code, uses_total=s.uses_total,
            number=i, count=count, package=ticket_docs.package_of(s.sold_as, s.ticket_type,
                                                                  catalog)))
        for i, (t, s) in enumerate(zip(sold, plan.specs, strict=True), start=1)]
    lines = []
    for ln in req.lines:
        unit = catalog[ln.ticket_type].price_fen
        lines.append(dict(vars(ReceiptLine(catalog[ln.ticket_type].name, ln.qty, unit,
                                           ln.qty * unit))))
    receipt = ReceiptDoc(
        venue.name, order_no, lines, plan.total_fen, plan.tendered_fen, plan.change_fen,
        req.payment_method, req.clerk, plan.terminal,
        venue.local(now).strftime("%Y-%m-%d %H:%M:%S"), visit_date=day,
        kick_drawer=req.payment_method == CASH)
    jobs.append(("receipt", dict(vars(receipt))))
    return jobs


def _insert_with_next_no(session: Session, req: SaleRequest, plan: SalePlan, order_id: str,
                         sold: tuple[SoldTicket, ...], now: datetime, venue: Venue) -> SaleRows:
    """The sale's rows written under the terminal's next order no. of the day, skipping
    numbers already taken (a window's own sales recorded through sync keep the numbers that
    window gave them)."""
    day = venue.local_date(now)
    while True:
        order_no = window_order_no(plan.terminal, day, next_order_seq(session, plan.terminal, day))
        rows = sale_rows(req, plan, order_id, order_no, sold, now)
        if insert_sale_rows(session, rows, unless_no_taken=True) is not None:
            return rows


def _check_new_order_id(session: Session, order_id: str | None) -> str:
    if order_id is None:
        return new_id()
    if session.execute(sa.select(_orders.c.order_no)
                       .where(_orders.c.order_id == order_id)).first():
        raise Conflict(f"订单 {order_id} 已存在", order_id=order_id)
    return order_id


def sell(session: Session, request: SaleRequest, *, now: datetime, venue: Venue,
         local_effects: bool = True, require_shift: bool = False,
         before_commit: Callable[[Session, SaleResult], None] | None = None,
         check_order_id: bool = True) -> SaleResult:
    """Sell tickets at the window in one transaction (see the module docstring).

    `local_effects=False` is the central store's sale: no outbox op (nothing to push) and no
    print jobs (the window prints). `before_commit(session, result)` runs last inside the same
    transaction (the server records its Idempotency-Key there); raising rolls everything back.
    `require_shift=True` is the window's rule (as for its cash refunds, `window_refunds`): cash
    goes only into the clerk's own open shift at the request's terminal; the central store's
    sale (`POST /orders`, pushed `sale` ops) has no drawer and no such rule.

    `check_order_id=False`: a given order_id is not looked up first; one already used fails
    the order's INSERT instead (IntegrityError, nothing written) — for a caller that handles
    that anyway (`keyed_requests.sell`).

    Raises ValidationError (bad date, line, quantity, or too little cash tendered), SoldOut
    (not enough units left), Conflict (order_id already used), and with `require_shift`
    IllegalTransition (no open shift) or Forbidden (another clerk's); then nothing was written.
    """
    with session.begin():
        if require_shift and request.payment_method == CASH:
            require_open_shift(session, request.terminal, request.clerk)
        catalog = load_catalog(session)
        plan = plan_sale(request, catalog, now=now, venue=venue)
        order_id = (request.order_id if request.order_id and not check_order_id
                    else _check_new_order_id(session, request.order_id))
        need = units_needed(plan.specs)
        leases, stock = None, []
        if request.from_leases:
            leases = take_from_leases(session, need, request.visit_date, request.device_id,
                                      catalog, now)
        else:
            stock = take_stock(session, need, request.visit_date, catalog, now,
                               cached=local_effects)
        sold = _sold_tickets(plan, catalog)
        rows = _insert_with_next_no(session, request, plan, order_id, sold, now, venue)
        order_no = rows.order["order_no"]
        changes.touch(session, "order", order_id, now=now, state=sold_order_json(rows))
        if stock:  # the rows as written; a window's cache has none (and emits nothing)
            changes.touch_inventory(session, need, request.visit_date, now=now, rows=stock)
        jobs: tuple[str, ...] = ()
        if local_effects:
            outbox.append(session, "sale",
                          sale_payload(request, plan, order_id, order_no, sold, now, leases),
                          now=now)
            jobs = print_queue.enqueue(
                session, _print_jobs(request, plan, order_no, sold, catalog, now, venue),
                order_no=order_no, now=now)
        result = SaleResult(order_id, order_no, plan.total_fen, plan.tendered_fen,
                            plan.change_fen, sold, jobs)
        if before_commit is not None:
            before_commit(session, result)
    return result

"""The central store records a window sale that already happened (the `sale` op of DESIGN.md
§9): the window's ids, order_no and ticket codes are kept, and the sale is never refused for
stock or for a visit date in the past — money changed hands.

Units come, in this order, from the lease the window sold on (while it is active), from free
capacity, from another active lease of the same device, type and day; what is still missing
is counted in `inventory.oversold` and raises an `oversold` anomaly (DESIGN.md §4, §6).
"""

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import inventory as inv_rules
from app.domain.catalog import TicketSpec, TicketType, units_needed
from app.domain.errors import ValidationError
from app.domain.ids import is_ticket_code
from app.domain.money import MAX_FEN, format_fen, split_proportionally
from app.domain.venue import Venue
from app.store.models import LeaseRow, Order

from . import anomaly_log, changes, stock_writes
from .catalog import load_catalog
from .leases import ACTIVE
from .selling import (
    PAYMENT_METHODS,
    SaleLine,
    SalePlan,
    SaleRequest,
    SoldTicket,
    log_sale,
    plan_sale,
    ticket_name,
    write_sale_rows,
)


@dataclass(frozen=True)
class SaleRecord:
    order_id: str
    order_no: str
    version: int
    oversold: int  # units counted beyond capacity


def _field(payload: Mapping[str, Any], name: str, kind: type | tuple[type, ...],
           optional: bool = False) -> Any:
    value = payload.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ValidationError(f"售票记录字段 {name} 缺失或类型不正确", field=name)
    return value


def _uuid(value: Any, name: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise ValidationError(f"售票记录字段 {name} 不是有效的编号", field=name) from None


def _when(value: Any, name: str) -> datetime:
    try:
        at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if at.tzinfo is not None:
            at = at.astimezone(UTC)  # 0001-01-01T00:00+14:00 has no UTC instant
    except (ValueError, OverflowError):
        at = None
    if at is None or at.tzinfo is None:
        raise ValidationError(f"售票记录字段 {name} 不是带时区的时间", field=name)
    return at


def _request(payload: Mapping[str, Any], device_id: str) -> SaleRequest:
    try:
        visit = date.fromisoformat(_field(payload, "visit_date", str))
    except ValueError:
        raise ValidationError("售票记录的游玩日期不正确", field="visit_date") from None
    lines = []
    for line in _field(payload, "lines", list):
        if not isinstance(line, dict):
            raise ValidationError("售票记录的票种行不正确", field="lines")
        lines.append(SaleLine(_field(line, "ticket_type", str), _field(line, "qty", int)))
    pay = _field(payload, "payment", dict)
    method = _field(pay, "method", str)
    if method not in PAYMENT_METHODS:
        raise ValidationError(f"不支持的支付方式：{method}", field="payment.method")
    tendered = _field(pay, "tendered_fen", int, optional=True)
    return SaleRequest(
        terminal=_field(payload, "terminal", str), clerk=_field(payload, "clerk", str),
        device_id=device_id, visit_date=visit, lines=tuple(lines),
        tendered_fen=_field(pay, "amount_fen", int) if tendered is None else tendered,
        payment_method=method, order_id=_uuid(payload.get("order_id"), "order_id"))


def _tickets(payload: Mapping[str, Any], plan: SalePlan,
             catalog: Mapping[str, TicketType]) -> tuple[SoldTicket, ...]:
    given = _field(payload, "tickets", list)
    if len(given) != len(plan.specs):
        raise ValidationError(f"售票记录应有 {len(plan.specs)} 张票，实际 {len(given)} 张",
                              field="tickets")
    out = []
    for t, spec in zip(given, plan.specs, strict=True):
        if not isinstance(t, dict) or t.get("ticket_type") != spec.ticket_type:
            raise ValidationError("售票记录的票与票种行不一致", field="tickets")
        code = _field(t, "code", str)
        if not is_ticket_code(code):
            raise ValidationError(f"票码格式不正确：{code[:40]}", field="tickets")
        out.append(SoldTicket(_uuid(t.get("ticket_id"), "ticket_id"), code, spec.ticket_type,
                              ticket_name(spec, catalog), spec.price_fen))
    if len({t.ticket_id for t in out}) != len(out) or len({t.code for t in out}) != len(out):
        raise ValidationError("售票记录中有重复的票", field="tickets")
    return tuple(out)


def _payload_leases(payload: Mapping[str, Any]) -> dict[str, str]:
    """ticket_type → lease_id the window sold on."""
    out: dict[str, str] = {}
    for entry in payload.get("leases") or []:
        if isinstance(entry, dict) and isinstance(entry.get("ticket_type"), str):
            out[entry["ticket_type"]] = _uuid(entry.get("lease_id"), "leases")
    lease_id = payload.get("lease_id")
    if lease_id is not None and not out:
        out["*"] = _uuid(lease_id, "lease_id")
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
                device_id: str, now: datetime) -> int:
    """Move `n` units into sold for a sale that happened, as `inv_rules.sell_from_lease`
    decides (see the module docstring); returns the units oversold."""
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


def _priced(plan: SalePlan, amount_fen: int) -> SalePlan:
    """The window's charge wins when its catalog priced the sale differently."""
    if amount_fen == plan.total_fen or not plan.specs:
        return plan
    shares = split_proportionally(amount_fen, [s.list_price_fen for s in plan.specs])
    specs = tuple(TicketSpec(s.ticket_type, s.sold_as, s.name, s.kind, p, s.list_price_fen,
                             s.uses_total, s.person) for s, p in zip(plan.specs, shares,
                                                                      strict=True))
    change = max(0, plan.tendered_fen - amount_fen)
    return SalePlan(plan.terminal, specs, amount_fen, max(plan.tendered_fen, amount_fen), change)


def record_sale(session: Session, payload: Mapping[str, Any], *, device_id: str, user: str,
                now: datetime, venue: Venue,
                before_commit: Callable[[Session, SaleRecord], None] | None = None
                ) -> SaleRecord:
    """Record a pushed window sale in one transaction (see the module docstring).

    Raises ValidationError for a malformed payload, and IntegrityError when its order_id,
    order_no or a ticket code already belongs to another order; then nothing was written.
    """
    del user  # the clerk named in the payload sold it; the pushing user is in applied_ops
    with session.begin():
        catalog = load_catalog(session)
        req = _request(payload, device_id)
        amount = _field(_field(payload, "payment", dict), "amount_fen", int)
        if not 0 <= amount <= MAX_FEN:
            raise ValidationError("售票记录的金额不正确", field="payment.amount_fen")
        plan = _priced(plan_sale(req, catalog, now=now, venue=venue, check_date=False), amount)
        order_no = _field(payload, "order_no", str)
        if not 1 <= len(order_no) <= 64:
            raise ValidationError("售票记录的订单号不正确", field="order_no")
        sold = _tickets(payload, plan, catalog)  # an order_id or order_no already taken:
        # the unique keys refuse it (IntegrityError); `sync_apply` says which order clashed
        created = min(_when(payload.get("created_at"), "created_at"), now)
        leases = _payload_leases(payload)
        oversold: dict[str, int] = {}
        for code, n in sorted(units_needed(plan.specs).items()):
            over = _take_units(session, code, req.visit_date, n,
                               leases.get(code, leases.get("*")), device_id, now)
            if over:
                oversold[code] = over
        payment_no = write_sale_rows(session, req, plan, req.order_id, order_no, sold, created)
        log_sale(session, req, plan, req.order_id, order_no, payment_no, created)
        for code, over in oversold.items():
            _raise_oversold(session, req, order_no, code, over, catalog, plan, now)
        changes.touch(session, "order", req.order_id, now=now)
        changes.touch_inventory(session, units_needed(plan.specs), req.visit_date, now=now)
        version = 1 if not oversold else session.execute(
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

"""The inventory fixes of DESIGN.md §6: count a paid order's units in `sold`
(`deduct_inventory`) or give a refunded ticket's unit back (`restore_inventory`).

Both hold a stock row to the rule of `inventory_audit` (the sweep that detects them):
`sold + oversold = live tickets + tickets refunded after their visit date`, live meaning
`valid`, `redeeming`, `redeemed` or `refunding` of an order not cancelled. A fix moves at
most the row's difference and at most the order's own tickets, so a count that is already
right is refused (Conflict) instead of being moved twice. Units that no longer fit the
capacity are counted in `oversold`, as an offline sale beyond its lease is; units given back
leave `oversold` first, as a refund's do (the rules of `app.domain.inventory`)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import inventory as inv_rules
from app.domain.errors import Conflict
from app.services.anomalies.fixes_common import Done, FixContext, need_order
from app.services.journal import changes
from app.services.journal.order_state import tickets_of
from app.services.stock import stock_writes
from app.services.stock.inventory_audit import LIVE, REFUNDED, RefundedTicket, Row, refunded_tickets
from app.store.models import Inventory, Order, Ticket, TicketTypeRow


@dataclass(frozen=True)
class Stock:
    """One locked stock row and what should be counted in it."""

    row: Inventory
    live: int
    refunded: list[RefundedTicket]  # of the row, each with its refund's times


def _stock(ctx: FixContext, code: str, day: date, name: str) -> Stock:
    s = ctx.session
    row = stock_writes.lock_stock(s, code, day)
    if row is None:
        raise Conflict(f"{name} {day:%Y-%m-%d} 没有库存记录，无法调整")
    live = s.execute(
        sa.select(sa.func.count()).select_from(Ticket).join(Order)
        .where(Ticket.ticket_type == code, Ticket.status.in_(LIVE), Order.visit_date == day,
               Order.cancelled.is_(False))).scalar_one()
    refunded = refunded_tickets(s, Row(code, day, row.sold, row.oversold, live, 0))
    return Stock(row, live, refunded)


def _late(ctx: FixContext, t: RefundedTicket, day: date) -> bool:
    """Refunded after its visit date: its unit stays sold (DESIGN.md §4)."""
    return ctx.venue.local_date(t.requested_at) > day


def _names(session: Session, codes: list[str]) -> dict[str, str]:
    found = {code: name for code, name in session.execute(
        sa.select(TicketTypeRow.code, TicketTypeRow.name).where(TicketTypeRow.code.in_(codes)))}
    return {c: found.get(c, c) for c in codes}


def _describe(moved: dict[str, int], names: dict[str, str]) -> str:
    return "、".join(f"{names[c]} {n} 张" for c, n in moved.items())


def deduct_inventory(ctx: FixContext) -> Done:
    """`paid_inventory_not_deducted`: add the order's missing units (of the evidence's
    ticket type, else of every type it has) to `sold`."""
    order = need_order(ctx)
    wanted = ctx.evidence.get("ticket_type")
    mine = Counter(t.ticket_type for t in tickets_of(ctx.session, order.order_id)
                   if t.status in LIVE and (not wanted or t.ticket_type == wanted))
    names = _names(ctx.session, sorted(mine))
    moved: dict[str, int] = {}
    over: dict[str, int] = {}
    for code in sorted(mine):
        stock = _stock(ctx, code, order.visit_date, names[code])
        row = stock.row
        n = min(mine[code], stock.live - row.sold - row.oversold)
        if n <= 0:
            continue
        # the units of a sale that happened on no lease: free capacity, the rest oversold
        sale = inv_rules.sell_from_lease(stock_writes.stock_of(row), None, n)
        stock_writes.put_stock(row, sale.stock, ctx.now)
        moved[code] = n
        if sale.oversold:
            over[code] = sale.oversold
    if not moved:
        raise Conflict(f"订单 {order.order_no} 的票已计入已售库存，无需补扣")
    changes.touch_inventory(ctx.session, moved, order.visit_date, now=ctx.now)
    ctx.log(order, [("inventory.deducted", {"visit_date": order.visit_date.isoformat(),
                                            "units": moved, "oversold": over})])
    text = f"已补扣 {order.visit_date:%Y-%m-%d} 库存：{_describe(moved, names)}"
    if over:
        text += f"（超出容量，计入超售：{_describe(over, names)}）"
    return Done(text, detail={"units": moved, "oversold": over})


def _refunded_mine(ctx: FixContext, order: Order) -> dict[str, str]:
    """The order's refunded tickets the anomaly is about (the evidence's ticket, else its
    type, else all): ticket_id → ticket type."""
    ticket_id, wanted = ctx.evidence.get("ticket_id"), ctx.evidence.get("ticket_type")
    return {t.ticket_id: t.ticket_type for t in tickets_of(ctx.session, order.order_id)
            if t.status == REFUNDED and (not ticket_id or t.ticket_id == ticket_id)
            and (not wanted or t.ticket_type == wanted)}


def restore_inventory(ctx: FixContext) -> Done:
    """`refund_inventory_not_restored`: take the units of the order's tickets refunded on or
    before their visit date out of `sold` (a refund asked for later keeps its unit)."""
    order = need_order(ctx)
    day = order.visit_date
    mine = _refunded_mine(ctx, order)
    codes = sorted(set(mine.values()))
    names = _names(ctx.session, codes)
    moved: dict[str, int] = {}
    late_only = bool(mine)
    for code in codes:
        stock = _stock(ctx, code, day, names[code])
        row = stock.row
        late = [t for t in stock.refunded if _late(ctx, t, day)]
        in_time = [t for t in stock.refunded if t.ticket_id in mine and not _late(ctx, t, day)]
        late_only = late_only and not in_time
        n = min(len(in_time), row.sold + row.oversold - stock.live - len(late))
        if n <= 0:
            continue
        # what the refund should have done: its units out, oversold first, then sold
        stock_writes.put_stock(row, inv_rules.restock_refund(
            stock_writes.stock_of(row), n, visit_date_past=False), ctx.now)
        moved[code] = n
    if late_only:
        raise Conflict(f"订单 {order.order_no} 的票在游玩日期 {day:%Y-%m-%d} 之后才退，"
                       "按规则不回库存，无需恢复")
    if not moved:
        raise Conflict(f"订单 {order.order_no} 退掉的票已回到库存，无需恢复")
    changes.touch_inventory(ctx.session, moved, day, now=ctx.now)
    ctx.log(order, [("inventory.restored", {"visit_date": day.isoformat(), "units": moved})])
    return Done(f"已恢复 {day:%Y-%m-%d} 库存：{_describe(moved, names)}",
                detail={"units": moved})

"""The inventory fixes of DESIGN.md §6: count a paid order's units in `sold`
(`deduct_inventory`) or give a refunded order's units back (`restore_inventory`).

Each checks the stock of the order's ticket types and day against the tickets that hold a
unit (valid, redeeming, redeemed, refunding — of every order of that day): it moves at most
the difference, and at most the order's own tickets, so a count that is already right is
refused (Conflict) instead of being moved twice. Units that no longer fit the capacity are
counted in `oversold`, as an offline sale beyond its lease is."""

from collections import Counter
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.errors import Conflict
from app.store.models import Inventory, Order, Ticket, TicketTypeRow

from . import changes
from .fixes_common import Done, FixContext, need_order
from .order_state import tickets_of

HOLDING = ("valid", "redeeming", "redeemed", "refunding")  # ticket states that hold a unit


def holding_units(session: Session, ticket_type: str, visit_date: date) -> int:
    """Tickets of `ticket_type` for `visit_date` that hold a unit, over every order."""
    return session.execute(
        sa.select(sa.func.count()).select_from(Ticket).join(Order)
        .where(Ticket.ticket_type == ticket_type, Ticket.status.in_(HOLDING),
               Order.visit_date == visit_date)).scalar_one()


def _row(session: Session, code: str, day: date, name: str) -> Inventory:
    row = session.execute(
        sa.select(Inventory).where(Inventory.ticket_type == code, Inventory.visit_date == day)
        .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()
    if row is None:
        raise Conflict(f"{name} {day:%Y-%m-%d} 没有库存记录，无法调整")
    return row


def _names(session: Session, codes: list[str]) -> dict[str, str]:
    found = {code: name for code, name in session.execute(
        sa.select(TicketTypeRow.code, TicketTypeRow.name).where(TicketTypeRow.code.in_(codes)))}
    return {c: found.get(c, c) for c in codes}


def _describe(moved: dict[str, int], names: dict[str, str]) -> str:
    return "、".join(f"{names[c]} {n} 张" for c, n in moved.items())


def deduct_inventory(ctx: FixContext) -> Done:
    """`paid_inventory_not_deducted`: add the order's missing units to `sold`."""
    order = need_order(ctx)
    mine = Counter(t.ticket_type for t in tickets_of(ctx.session, order.order_id)
                   if t.status in HOLDING)
    names = _names(ctx.session, sorted(mine))
    moved: dict[str, int] = {}
    over: dict[str, int] = {}
    for code in sorted(mine):
        row = _row(ctx.session, code, order.visit_date, names[code])
        short = holding_units(ctx.session, code, order.visit_date) - row.sold - row.oversold
        n = min(mine[code], short)
        if n <= 0:
            continue
        fits = max(0, min(n, row.capacity - row.sold - row.held))
        row.sold += fits
        row.oversold += n - fits
        row.version += 1
        row.updated_at = ctx.now
        moved[code] = n
        if n > fits:
            over[code] = n - fits
    if not moved:
        raise Conflict(f"订单 {order.order_no} 的票已计入已售库存，无需补扣")
    changes.touch_inventory(ctx.session, moved, order.visit_date, now=ctx.now)
    ctx.log(order, [("inventory.deducted", {"visit_date": order.visit_date.isoformat(),
                                            "units": moved, "oversold": over})])
    text = f"已补扣 {order.visit_date:%Y-%m-%d} 库存：{_describe(moved, names)}"
    if over:
        text += f"（超出容量，计入超售：{_describe(over, names)}）"
    return Done(text, detail={"units": moved, "oversold": over})


def restore_inventory(ctx: FixContext) -> Done:
    """`refund_inventory_not_restored`: take the order's refunded units out of `sold`
    (only for a visit date not past, as a refund does)."""
    order = need_order(ctx)
    today = ctx.venue.local_date(ctx.now)
    if order.visit_date < today:
        raise Conflict(f"游玩日期 {order.visit_date:%Y-%m-%d} 已过，退票不回库存，无需恢复")
    mine = Counter(t.ticket_type for t in tickets_of(ctx.session, order.order_id)
                   if t.status == "refunded")
    names = _names(ctx.session, sorted(mine))
    moved: dict[str, int] = {}
    for code in sorted(mine):
        row = _row(ctx.session, code, order.visit_date, names[code])
        surplus = row.sold + row.oversold - holding_units(ctx.session, code, order.visit_date)
        n = min(mine[code], surplus, row.sold)
        if n <= 0:
            continue
        row.sold -= n
        row.version += 1
        row.updated_at = ctx.now
        moved[code] = n
    if not moved:
        raise Conflict(f"订单 {order.order_no} 退掉的票已回到库存，无需恢复")
    changes.touch_inventory(ctx.session, moved, order.visit_date, now=ctx.now)
    ctx.log(order, [("inventory.restored", {"visit_date": order.visit_date.isoformat(),
                                            "units": moved})])
    return Done(f"已恢复 {order.visit_date:%Y-%m-%d} 库存：{_describe(moved, names)}",
                detail={"units": moved})

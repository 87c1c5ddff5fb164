"""What a caller may read (DESIGN.md §14 "Reads are scoped"): one rule for the changes feed,
the order reads and the refund routes, so that nobody refunds an order they may not read.

- supervisor, finance, admin: everything;
- clerk: the orders of the window it signed in at (`orders.terminal`, the terminal of its
  token; a clerk signed in without a terminal: its own sales), the catalog and stock — no other
  window's orders, no channel (OTA, WeChat …) orders, no anomalies;
- gate: the catalog only (it checks tickets with `POST /redemptions`);
- anyone else: nothing.

An order someone may not read answers 403 `forbidden` (as order reads always have: window order
numbers are sequential, so a 404 would hide nothing), an unknown one 404 `not_found`."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.errors import Forbidden, NotFound
from app.store.db import read_transaction
from app.store.models import Order

EVERYTHING = ("supervisor", "finance", "admin")  # "supervisor+"
CLERK, GATE = "clerk", "gate"
WINDOW = "window"  # the channel of window sales
READ_REFUSED = "售票员只能查看本窗口售出的订单"
REFUND_REFUSED = "售票员只能为本窗口售出的订单办理退款，其他订单请找值班主管"
_FEED = {CLERK: ("catalog", "inventory", "order", "policy"), GATE: ("catalog",)}


@dataclass(frozen=True)
class Scope:
    """The caller: role, the terminal of its token and its user name."""

    role: str
    terminal: str | None = None
    username: str | None = None

    @property
    def everything(self) -> bool:
        return self.role in EVERYTHING

    def order(self, order: Mapping[str, Any]) -> bool:
        """May the caller read this order (Order JSON or a row's `channel`, `terminal`,
        `clerk`)?"""
        if self.everything:
            return True
        if self.role != CLERK or order.get("channel") != WINDOW:
            return False
        if self.terminal:
            return order.get("terminal") == self.terminal
        return bool(self.username) and order.get("clerk") == self.username

    def change(self, entity: str, data: Mapping[str, Any]) -> bool:
        """Is this change of the feed for the caller?"""
        if self.everything:
            return True
        if entity not in _FEED.get(self.role, ()):
            return False
        return entity != "order" or self.order(data)


def _fields(session: Session, order_no: str) -> Mapping[str, Any]:
    with read_transaction(session):
        row = session.execute(sa.select(Order.channel, Order.terminal, Order.clerk)
                              .where(Order.order_no == order_no.strip())).first()
    if row is None:
        raise NotFound(f"没有找到订单 {order_no}", order_no=order_no)
    return row._mapping


def check_held(scope: Scope, order: Order, *, refused: str = READ_REFUSED) -> None:
    """`check_order` of an order row the caller has read already (a request that locked
    it): Forbidden (`refused`) when the caller may not read it."""
    if not scope.order({"channel": order.channel, "terminal": order.terminal,
                        "clerk": order.clerk}):
        raise Forbidden(refused)


def check_order(session: Session, scope: Scope, order_no: str, *,
                refused: str = READ_REFUSED) -> None:
    """NotFound when there is no such order; Forbidden (`refused`) when the caller may not
    read it. Writes nothing."""
    if scope.everything:
        return
    if not scope.order(_fields(session, order_no)):
        raise Forbidden(refused)

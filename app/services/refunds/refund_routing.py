"""Where a refund asked for at the window goes, and which order a clerk's input means.

A cash order refunded within the rules is settled at the window, in the local database (offline
too); a refund that needs approval, or whose money goes back the way it came (wechat, alipay,
OTA), is a request to the central store. Pure rules over the order's JSON and the quote, plus one
read of the window's database; the Refund screen only shows the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.domain.errors import NotFound
from app.domain.ids import is_ticket_code
from app.services.journal import orders
from app.services.lookup import search

CASH_HERE = "cash_here"  # the window pays out of its drawer now
APPROVAL = "approval"  # a person decides on the store (also: not quoted yet)
ORIGINAL_ROUTE = "original_route"  # the store sends it back by the original payment route
_PAID = ("succeeded", "paid")


@dataclass(frozen=True)
class FoundOrder:
    """The order a clerk's input found (its §8 JSON)."""

    order: dict[str, Any]
    checked: tuple[str, ...]  # the scanned ticket's id, if a code was scanned
    others: int = 0  # more orders matched a phone or name (the newest is shown)


def order_method(order: Mapping[str, Any]) -> str:
    """The refund goes back the way the order was paid (cash at the window)."""
    payments = order.get("payments", [])
    paid = [p for p in payments if p.get("status") in _PAID]
    methods = [p["method"] for p in paid or payments]
    return methods[0] if methods else "cash"


def route(order: Mapping[str, Any], quote: Any) -> str:
    """CASH_HERE: cash within the rules, settled at the window; APPROVAL or ORIGINAL_ROUTE:
    a request to the central store (a person or a provider decides). `quote` is a
    `refund_quotes` quote (None: not quoted yet)."""
    if quote is None or quote.needs_approval:
        return APPROVAL
    if order_method(order) != "cash":
        return ORIGINAL_ROUTE
    return CASH_HERE


def cash_payouts_waiting(order: Mapping[str, Any], terminal: str) -> list[dict[str, Any]]:
    """Approved cash refunds of this order waiting for this window to hand the money over."""
    return [r for r in order.get("refunds", [])
            if r.get("status") == "approved" and r.get("method") == "cash"
            and r.get("payout_terminal") in (None, terminal)]


def find_order_for_refund(session: Session, text: str) -> FoundOrder:
    """A scanned ticket code finds its order (that ticket comes pre-checked); an order number
    its order; a phone (or its last 4 digits) or a name the newest of the visitor's orders
    that still has a valid ticket. Raises NotFound."""
    text = text.strip()
    if is_ticket_code(text):
        found, _ = search.search_orders(session, search.OrderFilters(q=text), limit=1)
        if found:
            checked = tuple(t["ticket_id"] for t in found[0]["tickets"] if t["code"] == text)
            return FoundOrder(found[0], checked)
    try:
        return FoundOrder(orders.get_order(session, text), ())
    except NotFound:
        found, _ = search.search_orders(session, search.OrderFilters(q=text), limit=20)
        live = [o for o in found if any(t["status"] == "valid" for t in o["tickets"])]
        if not live:
            raise
        return FoundOrder(live[0], (), others=len(live) - 1)

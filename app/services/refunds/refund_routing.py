"""Where a refund asked for at the window goes, and which order a clerk's input means.

A cash order refunded within the rules is settled at the window, in the local database (offline
too); a refund that needs approval, or whose money goes back the way it came (wechat, alipay,
OTA), is a request to the central store. Pure rules over the order's JSON and the quote, plus one
read of the window's database; the Refund screen only shows the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.domain.errors import NotFound
from app.domain.ids import is_ticket_code
from app.services.journal import orders
from app.services.lookup import search
from app.services.refunds.refund_quotes import FINAL_STATES

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
    phones: int = 0  # today's order found by its tail; so many visitors' phones end so too


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


def tickable(ticket: Mapping[str, Any]) -> bool:
    """A ticket (Order JSON) a refund may still take: not gone already (refunded, refunding,
    void) nor used up (redeemed; a pass is quoted by its uses left)."""
    status = ticket.get("status")
    if status in FINAL_STATES:
        return False
    return status != "redeemed" or ticket.get("kind") == "pass"


def find_order_for_refund(session: Session, text: str, *, terminal: str | None = None,
                          today: date | None = None) -> FoundOrder:
    """A scanned ticket code finds its order (that ticket comes pre-checked); 1–4 digits
    today's order of this window with that tail (`0012` → W01-20261121-0012, given `terminal`
    and `today`); an order number its order; a phone (or its last 4 digits) or a name the
    newest of the visitor's orders that still has a valid ticket. Raises NotFound."""
    text = text.strip()
    if is_ticket_code(text):
        found, _ = search.search_orders(session, search.OrderFilters(q=text), limit=1)
        if found:
            checked = tuple(t["ticket_id"] for t in found[0]["tickets"] if t["code"] == text)
            return FoundOrder(found[0], checked)
    tail_no = (search.window_order_no_of_tail(text, terminal=terminal, day=today)
               if terminal and today else None)
    if tail_no is not None:
        try:
            order = orders.get_order(session, tail_no)
        except NotFound:
            pass
        else:  # today's order wins; a visitor whose phone ends so is named, not shown
            return FoundOrder(order, (), phones=len(_live(session, text, order["order_no"])))
    try:
        return FoundOrder(orders.get_order(session, text), ())
    except NotFound:
        live = _live(session, text)
        if not live:
            if tail_no is not None:
                raise NotFound(f"今天本窗口没有 {tail_no} 号订单，也没有手机尾号是 {text} "
                               "的订单") from None
            raise
        return FoundOrder(live[0], (), others=len(live) - 1)


def _live(session: Session, text: str, but: str | None = None) -> list[dict[str, Any]]:
    """The orders a phone (tail) or a name finds that still have a valid ticket, newest
    first (without order `but`)."""
    if text.isdigit() and len(text) < search.PHONE_TAIL_MIN:
        return []  # too short for a phone tail; "12" in a name or order no. is no match
    found, _ = search.search_orders(session, search.OrderFilters(q=text), limit=20)
    return [o for o in found if o["order_no"] != but
            and any(t["status"] == "valid" for t in o["tickets"])]

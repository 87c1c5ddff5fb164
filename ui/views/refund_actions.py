"""What the Refund view does off the GUI thread (workers touch no widget).

Where a refund goes: a cash order within the rules is refunded here, in the local database
(offline too); anything else — approval needed, or money going back the way it came
(wechat, alipay, OTA) — is a request to the central store, which needs the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from app.domain.errors import DomainError
from ui.context import ClientContext

translate = QCoreApplication.translate
WINDOW, STORE = "window", "store"


@dataclass(frozen=True)
class Loaded:
    order: dict[str, Any]
    checked: tuple[str, ...]  # the scanned ticket's id, if a code was scanned
    others: int = 0  # more orders matched a phone or name (the newest is shown)


class NotConnected(DomainError):
    """A refund that only the central store can take, with no store to take it."""

    code = "not_connected"

    def __init__(self) -> None:
        super().__init__(translate(
            "RefundView", "This refund must be sent to the central store (approval or refund "
                          "by the original payment route), and it cannot be reached now."))


def order_method(order: dict[str, Any]) -> str:
    """The refund goes back the way the order was paid (cash at the window)."""
    paid = [p for p in order.get("payments", []) if p.get("status") in ("succeeded", "paid")]
    methods = [p["method"] for p in paid or order.get("payments", [])]
    return methods[0] if methods else "cash"


def route(order: dict[str, Any], quote: Any) -> str:
    """WINDOW: cash within the rules, settled here; STORE: everything a person or a
    provider has to decide."""
    if order_method(order) == "cash" and quote is not None and not quote.needs_approval:
        return WINDOW
    return STORE


def payouts(order: dict[str, Any], terminal: str) -> list[dict[str, Any]]:
    """Approved cash refunds of this order waiting for this window to hand the money over."""
    return [r for r in order.get("refunds", [])
            if r.get("status") == "approved" and r.get("method") == "cash"
            and (r.get("payout_terminal") in (None, terminal))]


def load_order(ctx: ClientContext, text: str) -> Loaded:
    """A scanned ticket code finds its order through the order search (that ticket comes
    pre-checked); an order number its order; a phone (or its last 4 digits) or a name the
    newest of the visitor's orders that still has a valid ticket."""
    from app.domain.errors import NotFound
    from app.domain.ids import is_ticket_code
    from app.services import orders, search

    text = text.strip()
    with ctx.session() as session:
        if is_ticket_code(text):
            found, _ = search.search_orders(session, search.OrderFilters(q=text), limit=1)
            if found:
                checked = tuple(t["ticket_id"] for t in found[0]["tickets"]
                                if t["code"] == text)
                return Loaded(found[0], checked)
        try:
            return Loaded(orders.get_order(session, text), ())
        except NotFound:
            found, _ = search.search_orders(session, search.OrderFilters(q=text), limit=20)
            live = [o for o in found if any(t["status"] == "valid" for t in o["tickets"])]
            if not live:
                raise
            return Loaded(live[0], (), others=len(live) - 1)


def quote(ctx: ClientContext, order_no: str, ticket_ids: list[str], now: datetime,
          override: dict[str, Any] | None = None) -> Any:
    from app.services import refund_quotes, window_refunds

    with ctx.session() as session:
        return refund_quotes.quote(session, order_no, ticket_ids, now=now,
                                   policy=window_refunds.policy_of(ctx.venue()),
                                   override=override, role=ctx.user.role)


def refund_here(ctx: ClientContext, order_no: str, ticket_ids: list[str], reason: str,
                now: datetime, override: dict[str, Any] | None = None) -> Any:
    from app.services import window_refunds

    with ctx.session() as session:
        return window_refunds.refund_cash(
            session, order_no, ticket_ids, reason, terminal=ctx.terminal,
            clerk=ctx.user.username, role=ctx.user.role, now=now, venue=ctx.venue(),
            override=override)


def parse_override(rate: str, reason: str, evidence: str) -> dict[str, Any] | None:
    """The fee override typed in the view ({fee_bp, reason, evidence_no}), None when the
    rate is empty; the service checks reason and evidence (in Chinese)."""
    from decimal import Decimal, InvalidOperation

    from app.domain.errors import ValidationError

    rate = rate.strip().rstrip("%").strip()
    if not rate:
        return None
    try:
        bp = Decimal(rate) * 100
    except InvalidOperation:
        raise ValidationError("手续费率请填写 0 到 100 之间的百分数", field="override.fee_bp") \
            from None
    if bp != bp.to_integral_value() or not 0 <= bp <= 10000:
        raise ValidationError("手续费率请填写 0 到 100 之间的百分数（最多两位小数）",
                              field="override.fee_bp")
    return {"fee_bp": int(bp), "reason": reason.strip(), "evidence_no": evidence.strip()}


def send_to_store(ctx: ClientContext, order_no: str, ticket_ids: list[str], method: str,
                  reason: str, key: str, override: dict[str, Any] | None = None) -> Any:
    """The request on the central store (the same `key` never makes two refunds)."""
    from app.domain.errors import ValidationError

    client = ctx.store
    if client is None:
        raise NotConnected()
    if not reason.strip():
        raise ValidationError("请填写退票原因", field="reason")
    body: dict[str, Any] = {"ticket_ids": ticket_ids, "method": method,
                            "reason": reason.strip()}
    if override is not None:
        body["override"] = override
    from app.services.refund_requests import RefundInfo

    answer = client.request_refund(order_no, body, key)  # the §8 refund JSON
    return RefundInfo(**{**answer, "ticket_ids": tuple(answer["ticket_ids"])})


def pay_out(ctx: ClientContext, refund_no: str, now: datetime) -> Any:
    from app.services import window_refunds

    with ctx.session() as session:
        return window_refunds.pay_out(session, refund_no, terminal=ctx.terminal,
                                      clerk=ctx.user.username, now=now, venue=ctx.venue())

"""What the Refund view does off the GUI thread (workers touch no widget).

Where a refund goes and which order the clerk means are `app.services.refunds.refund_routing`'s rules;
here they meet the window's database and the central store's client.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from app.domain.errors import DomainError
from app.services.refunds import refund_routing
from app.services.refunds.refund_routing import FoundOrder
from ui.context import ClientContext

translate = QCoreApplication.translate


class NotConnected(DomainError):
    """A refund that only the central store can take, with no store to take it."""

    code = "not_connected"

    def __init__(self) -> None:
        super().__init__(translate(
            "RefundView", "This refund must be sent to the central store (approval or refund "
                          "by the original payment route), and it cannot be reached now."))


def load_order(ctx: ClientContext, text: str) -> FoundOrder:
    """The order a scanned code, today's order tail of this window, an order number, a phone
    or a name means (`refund_routing.find_order_for_refund`)."""
    with ctx.session() as session:
        return refund_routing.find_order_for_refund(
            session, text, terminal=ctx.terminal, today=ctx.venue().local_date(ctx.now()))


def quote(ctx: ClientContext, order_no: str, ticket_ids: list[str], now: datetime,
          override: dict[str, Any] | None = None) -> Any:
    from app.services.refunds import refund_quotes, window_refunds

    with ctx.session() as session:
        return refund_quotes.quote(session, order_no, ticket_ids, now=now,
                                   policy=window_refunds.policy_of(ctx.venue()),
                                   override=override, role=ctx.user.role)


def refund_here(ctx: ClientContext, order_no: str, ticket_ids: list[str], reason: str,
                now: datetime, override: dict[str, Any] | None = None) -> Any:
    from app.services.refunds import window_refunds

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
    from app.services.refunds.refund_requests import RefundInfo

    answer = client.request_refund(order_no, body, key)  # the §8 refund JSON
    return RefundInfo(**{**answer, "ticket_ids": tuple(answer["ticket_ids"])})


def check_payout(ctx: ClientContext, refund_no: str, now: datetime) -> Any:
    """The amount and the drawer's cash the clerk confirms (`window_refunds.check_payout`)."""
    from app.services.refunds import window_refunds

    with ctx.session() as session:
        return window_refunds.check_payout(session, refund_no, terminal=ctx.terminal,
                                           clerk=ctx.user.username, now=now)


def pay_out(ctx: ClientContext, refund_no: str, now: datetime) -> Any:
    from app.services.refunds import window_refunds

    with ctx.session() as session:
        return window_refunds.pay_out(session, refund_no, terminal=ctx.terminal,
                                      clerk=ctx.user.username, now=now, venue=ctx.venue())

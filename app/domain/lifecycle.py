"""Ticket states, their legal transitions, and the derived order status (DESIGN.md §3)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from .errors import IllegalTransition


class TicketState(StrEnum):
    VALID = "valid"
    REDEEMING = "redeeming"
    REDEEMED = "redeemed"
    REFUNDING = "refunding"
    REFUNDED = "refunded"
    VOID = "void"


class PaymentState(StrEnum):
    NONE = "none"  # no payment started
    STARTED = "started"  # started, no result yet
    PAID = "paid"
    FAILED = "failed"


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAYING = "paying"
    CANCELLED = "cancelled"
    REFUNDING = "refunding"
    REDEEMING = "redeeming"
    REFUNDED = "refunded"
    REDEEMED = "redeemed"
    PAID = "paid"


# An unpaid channel order expires this long after it was taken (the sweep cancels it; the
# Orders list counts it down).
UNPAID_TTL = timedelta(minutes=15)

STATUS_LABELS_ZH = {
    "pending_payment": "待支付",
    "paying": "支付中",
    "cancelled": "已取消",
    "refunding": "退票中",
    "redeeming": "核销中",
    "refunded": "已退票",
    "redeemed": "已核销",
    "paid": "已支付未核销",
    "anomaly": "异常订单",
}

TICKET_LABELS_ZH = {
    "valid": "有效",
    "redeeming": "核销中",
    "redeemed": "已核销",
    "refunding": "退票中",
    "refunded": "已退票",
    "void": "已作废",
}

# event -> {from_state: to_state}
_TRANSITIONS: dict[str, dict[TicketState, TicketState]] = {
    "redeem_start": {TicketState.VALID: TicketState.REDEEMING},
    "redeem_done": {TicketState.REDEEMING: TicketState.REDEEMED},
    "redeem_abort": {TicketState.REDEEMING: TicketState.VALID},
    "refund_start": {TicketState.VALID: TicketState.REFUNDING},
    "refund_done": {TicketState.REFUNDING: TicketState.REFUNDED},
    "refund_abort": {TicketState.REFUNDING: TicketState.VALID},
    "void": {TicketState.VALID: TicketState.VOID},
}


def ticket_events() -> tuple[str, ...]:
    return tuple(_TRANSITIONS)


def next_ticket_state(state: TicketState | str, event: str) -> TicketState:
    """The state after `event`, or IllegalTransition (nothing is written by the caller)."""
    current = TicketState(state)
    allowed = _TRANSITIONS.get(event)
    if allowed is None:
        raise IllegalTransition(f"未知操作：{event}", event=event)
    if current not in allowed:
        raise IllegalTransition(
            f"票的状态为“{TICKET_LABELS_ZH[current]}”，不能执行该操作",
            state=str(current), event=event,
        )
    return allowed[current]


@dataclass(frozen=True)
class PassUse:
    """A pass stays valid while uses are left; the last use redeems it."""

    uses_left: int

    def use(self) -> tuple[int, TicketState]:
        if self.uses_left <= 0:
            raise IllegalTransition("年卡/次卡次数已用完", uses_left=self.uses_left)
        left = self.uses_left - 1
        return left, (TicketState.VALID if left > 0 else TicketState.REDEEMED)


def derive_status(
    payment: PaymentState | str, cancelled: bool, tickets: Iterable[TicketState | str]
) -> OrderStatus:
    """The order status of §3, first rule that matches wins."""
    pay = PaymentState(payment)
    states = [TicketState(t) for t in tickets]
    if cancelled:
        return OrderStatus.CANCELLED
    if pay is PaymentState.NONE or pay is PaymentState.FAILED:
        return OrderStatus.PENDING_PAYMENT
    if pay is PaymentState.STARTED:
        return OrderStatus.PAYING
    if TicketState.REFUNDING in states:
        return OrderStatus.REFUNDING
    if TicketState.REDEEMING in states:
        return OrderStatus.REDEEMING
    if states and all(s is TicketState.REFUNDED for s in states):
        return OrderStatus.REFUNDED
    if states and all(s in (TicketState.REDEEMED, TicketState.REFUNDED) for s in states):
        return OrderStatus.REDEEMED
    return OrderStatus.PAID


def derive_flags(tickets: Iterable[TicketState | str]) -> list[str]:
    """`partially_redeemed` / `partially_refunded` when some, not all, tickets are so."""
    states = [TicketState(t) for t in tickets]
    flags = []
    for flag, state in (("partially_redeemed", TicketState.REDEEMED),
                        ("partially_refunded", TicketState.REFUNDED)):
        n = sum(s is state for s in states)
        if 0 < n < len(states):
            flags.append(flag)
    return flags


def display_status(status: OrderStatus | str, open_anomalies: int) -> str:
    return "anomaly" if open_anomalies > 0 else str(status)

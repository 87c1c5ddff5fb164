"""Cancelling an unpaid order by hand (`POST /orders/{order_no}/cancel`): what the 15-minute
expiry does (`orders_expiry.cancel_order`: tickets void, units back to free capacity,
`order.cancelled` on the timeline), now, at a supervisor's request — in one transaction.

Only a `pending_payment` order may be cancelled here (DESIGN.md §3): not one whose payment
started (`paying`: its result is still to come — the `payment_failed_order_open` anomaly and
its `cancel_and_release` fix handle that), not one holding any money. Anything else is a
Conflict naming the order's status. Under an `Idempotency-Key` the same request answers the
same order again (`replayed`); the key with another request is `idempotency_key_reused`."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain import actors
from app.domain.errors import Conflict, NotFound
from app.domain.lifecycle import STATUS_LABELS_ZH
from app.services.journal import exactly_once, orders
from app.services.journal.exactly_once import IDEMPOTENCY_KEYS
from app.services.journal.order_state import lock_order
from app.services.sales.orders_expiry import UNPAID, cancel_order
from app.store.models import Order

REASON_MAX = 200
_REUSED = "这个 Idempotency-Key 已用于另一个不同的请求"


@dataclass(frozen=True)
class Cancelled:
    """The order's JSON after the cancel; `replayed`: an earlier answer to the same key."""

    order: dict[str, Any]
    replayed: bool = False


def _check_unpaid(order: Order) -> None:
    if order.cancelled or order.payment_state not in UNPAID or order.paid_fen:
        label = STATUS_LABELS_ZH.get(order.status, order.status)
        raise Conflict(f"订单 {order.order_no} 的状态为“{label}”，只有待支付的订单可以取消",
                       status=order.status)


def _cancel(session: Session, order_no: str, who: str, reason: str | None,
            now: datetime) -> Order:
    order = lock_order(session, order_no=order_no)
    if order is None:
        raise NotFound(f"没有找到订单 {order_no[:64]}", order_no=order_no)
    _check_unpaid(order)
    note = f"：{reason}" if reason else ""
    cancel_order(session, order, now=now, reason="cancelled_by_user",
                 message=f"主管取消未支付订单并释放库存{note}", actor=who)
    return order


def cancel_unpaid(session: Session, order_no: str, *, username: str, key: str,
                  reason: str | None, now: datetime) -> Cancelled:
    """Cancel the unpaid order `order_no` once per (`username`, `key`). Raises NotFound,
    Conflict (not unpaid), KeyReused."""
    keyed = (username, key)
    digest = exactly_once.digest({"cancel": order_no, "reason": reason or ""})
    if exactly_once.seen(session, IDEMPOTENCY_KEYS, keyed, digest, _REUSED) is not None:
        return Cancelled(orders.get_order(session, order_no), True)
    try:
        with session.begin():
            order = _cancel(session, order_no, actors.user(username), reason, now)
            exactly_once.claim_or_raise(session, IDEMPOTENCY_KEYS, keyed, digest,
                                        message=_REUSED, order_id=order.order_id,
                                        order_no=order.order_no, created_at=now)
    except (IntegrityError, exactly_once.Taken):
        session.rollback()  # a racing twin with the same key committed first
        if exactly_once.seen(session, IDEMPOTENCY_KEYS, keyed, digest, _REUSED) is None:
            raise
        return Cancelled(orders.get_order(session, order_no), True)
    return Cancelled(orders.get_order(session, order_no))

"""Paying a whole provider payment back (the money-moving payment fixes of DESIGN.md §6: a
duplicate payment, money that has no live order, money an unpaid order holds): one provider
call keyed by our refund number, then the records, inside the caller's transaction.

On an order the refund is a `refunds` row (no tickets, method the payment's, `succeeded`),
`orders.refunded_fen` grows and the timeline gets `payment.refunded`; a payment with no
order only turns `refunded`. A provider refusal raises ProviderFailed before anything is
written, so the fix can simply be pressed again (the same refund number: never paid twice)."""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.domain.errors import Conflict, ProviderFailed
from app.domain.ids import new_id
from app.domain.money import format_fen
from app.services.refunds.refund_providers import ProviderAnswer, RefundProvider
from app.services.refunds.refund_requests import next_refund_no
from app.store.models import Order, Payment, Refund

PROVIDER_METHODS = ("wechat", "alipay")
METHOD_ZH = {"wechat": "微信支付", "alipay": "支付宝"}


def call_refund(provider: RefundProvider | None, *, method: str, txn: str | None,
                refund_no: str, amount_fen: int) -> ProviderAnswer:
    """The provider's refund of `amount_fen`; ProviderFailed (Chinese) when it refuses or
    cannot be reached."""
    if provider is None:
        raise ProviderFailed("没有配置支付渠道，无法原路退款")
    try:
        answer = provider.refund(provider_txn_id=txn, refund_no=refund_no,
                                 amount_fen=amount_fen, provider=method)
    except Exception as exc:  # noqa: BLE001 - a network failure is a refusal here
        answer = ProviderAnswer(False, error=f"{type(exc).__name__}: {exc}"[:300])
    if not answer.ok:
        channel = METHOD_ZH.get(method, method)
        raise ProviderFailed(f"{channel}退款失败：{answer.error or '未说明原因'}，请稍后重试",
                             refund_no=refund_no)
    return answer


def refund_payment(session: Session, order: Order | None, payment: Payment,
                   provider: RefundProvider | None, *, rule: str, reason: str, actor: str,
                   now: datetime) -> dict[str, Any]:
    """Pay `payment` back in full by its original route (see the module docstring); the
    `payment.refunded` detail. Conflict when it is not a succeeded provider payment."""
    if payment.status != "succeeded":
        state = "已退款" if payment.status == "refunded" else f"状态为 {payment.status}"
        raise Conflict(f"支付 {payment.payment_no} {state}，不能再退")
    if payment.method not in PROVIDER_METHODS:
        raise Conflict(f"支付 {payment.payment_no} 不是微信/支付宝支付，不能原路退回")
    refund_no = next_refund_no(session, order) if order else f"{payment.payment_no}-R1"
    answer = call_refund(provider, method=payment.method, txn=payment.provider_txn_id,
                         refund_no=refund_no, amount_fen=payment.amount_fen)
    payment.status = "refunded"
    detail = {"payment_no": payment.payment_no, "refund_no": refund_no,
              "method": payment.method, "amount_fen": payment.amount_fen,
              "provider_txn_id": payment.provider_txn_id,
              "provider_refund_id": answer.provider_refund_id, "rule": rule}
    if order is not None:
        session.add(Refund(
            refund_id=new_id(), refund_no=refund_no, order_id=order.order_id, ticket_ids=[],
            method=payment.method, status="succeeded", amount_fen=payment.amount_fen,
            fee_fen=0, payment_fee_fen=0, rule=rule, reason=reason[:500], override=None,
            approvals=[], requested_by=actor, attempts=1, created_at=now, updated_at=now,
            version=1))
        order.refunded_fen += payment.amount_fen
        session.flush()
    return detail


def summary(detail: dict[str, Any]) -> str:
    channel = METHOD_ZH.get(detail["method"], detail["method"])
    return (f"已经{channel}原路退回 {format_fen(detail['amount_fen'])}"
            f"（支付 {detail['payment_no']}，退款号 {detail['refund_no']}）")

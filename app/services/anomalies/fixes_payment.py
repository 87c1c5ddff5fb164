"""The payment fixes of DESIGN.md §6 (`backfill_order` has its own module): pay money back
that has no live order or was paid twice, ask the provider what became of a payment, cancel
an order whose payment failed. Each checks its precondition under the locks the dispatcher
took and raises Conflict (Chinese reason) when it no longer holds."""

import sqlalchemy as sa

from app.domain.errors import Conflict, ProviderFailed
from app.domain.ids import new_id
from app.domain.lifecycle import PaymentState, TicketState
from app.domain.money import format_fen
from app.domain.timeline import iso_utc
from app.services.anomalies.fixes_common import Done, FixContext, need_order, payment_of
from app.services.journal.order_state import tickets_of
from app.services.refunds.payment_refunds import (
    METHOD_ZH,
    PROVIDER_METHODS,
    refund_payment,
    summary,
)
from app.services.refunds.refund_providers import PaymentQuery
from app.services.sales.orders_expiry import cancel_order
from app.store.models import Order, Payment

_STATUS_ZH = {"failed": "支付失败", "not_found": "没有这笔支付", "unknown": "状态未知"}


def _the_payment(ctx: FixContext) -> Payment:
    payment = payment_of(ctx)
    if payment is None:
        raise Conflict("异常记录中没有找到这笔支付")
    return payment


def _order_no(ctx: FixContext, order_id: str) -> str:
    return ctx.session.execute(
        sa.select(Order.order_no).where(Order.order_id == order_id)).scalar_one()


def refund_payment_fix(ctx: FixContext) -> Done:
    """`paid_no_order`: pay the money back by its original route (the payment keeps no
    order, or stays on the cancelled order it came too late for)."""
    payment = _the_payment(ctx)
    here = ctx.order.order_id if ctx.order else None
    if payment.order_id != here:
        where = _order_no(ctx, payment.order_id) if payment.order_id else "（无订单）"
        raise Conflict(f"这笔支付已归入订单 {where}，不能再按无订单退款")
    detail = refund_payment(ctx.session, ctx.order, payment, ctx.provider, rule="paid_no_order",
                            reason=ctx.note or "支付没有对应的有效订单，原路退回",
                            actor=ctx.actor, now=ctx.now)
    if ctx.order is not None:
        ctx.log(ctx.order, [("payment.refunded", detail)])
    ctx.anomaly.evidence = dict(ctx.evidence) | {"refund": detail}
    return Done(summary(detail), detail={"refund": detail})


def refund_duplicate(ctx: FixContext) -> Done:
    """`duplicate_payment`: pay the extra payment back, provided the order's other payments
    still cover its total."""
    order = need_order(ctx)
    payment = _the_payment(ctx)
    if payment.order_id != order.order_id:
        raise Conflict("这笔支付不属于该订单")
    if payment.status == "refunded":
        raise Conflict(f"重复支付 {payment.payment_no} 已退款")
    others = int(ctx.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(Payment.amount_fen), 0))
        .where(Payment.order_id == order.order_id, Payment.status == "succeeded",
               Payment.payment_id != payment.payment_id)).scalar_one())  # PG: a Decimal
    if others < order.total_fen:
        raise Conflict(f"订单的其他支付合计 {format_fen(others)}，不足应付 "
                       f"{format_fen(order.total_fen)}：这笔已不是重复支付，不能退")
    detail = refund_payment(ctx.session, order, payment, ctx.provider, rule="duplicate_payment",
                            reason=ctx.note or "重复支付，原路退回", actor=ctx.actor,
                            now=ctx.now)
    ctx.log(order, [("payment.refunded", detail)])
    return Done(summary(detail), detail={"refund": detail})


def _check_open(order: Order) -> None:
    if order.cancelled:
        raise Conflict(f"订单 {order.order_no} 已取消（库存已释放），这条异常已不存在，"
                       "请选择忽略并填写说明")
    if order.payment_state == PaymentState.PAID:
        raise Conflict(f"订单 {order.order_no} 已支付 {format_fen(order.paid_fen)}，"
                       "这条异常已不存在，请选择忽略并填写说明")


def _provider_name(ctx: FixContext, order: Order) -> str:
    named = ctx.evidence.get("provider")
    if named in PROVIDER_METHODS:
        return str(named)
    method = ctx.session.execute(
        sa.select(Payment.method).where(Payment.order_id == order.order_id,
                                        Payment.method.in_(PROVIDER_METHODS))
        .order_by(Payment.at)).scalars().first()
    return method or "wechat"


def _ask(ctx: FixContext, order: Order, provider: str) -> PaymentQuery:
    if ctx.provider is None:
        raise ProviderFailed("没有配置支付渠道，无法查询")
    txn = ctx.evidence.get("provider_txn_id")
    try:
        answer = ctx.provider.query_payment(provider=provider, order_no=order.order_no,
                                            provider_txn_id=str(txn) if txn else None)
    except Exception as exc:  # noqa: BLE001 - a network failure: nothing learned
        answer = PaymentQuery("unknown", error=f"{type(exc).__name__}: {exc}"[:300])
    if answer.error:
        raise ProviderFailed(f"{METHOD_ZH.get(provider, provider)}查询失败：{answer.error}，"
                             "请稍后重试")
    return answer


def _confirmed(ctx: FixContext, order: Order, provider: str, answer: PaymentQuery) -> dict:
    """Record the payment the provider confirmed; the `payment.succeeded` detail."""
    txn = answer.provider_txn_id or ctx.evidence.get("provider_txn_id")
    payment = ctx.session.execute(
        sa.select(Payment).where(Payment.provider == provider, Payment.provider_txn_id == txn)
        .with_for_update()
        .execution_options(populate_existing=True)).scalar_one_or_none() if txn else None
    if payment is not None and payment.order_id != order.order_id:
        raise Conflict(f"支付渠道的交易 {txn} 已记在别的订单上")
    before = None
    if payment is None:
        n = ctx.session.execute(sa.select(sa.func.count()).select_from(Payment)
                                .where(Payment.order_id == order.order_id)).scalar_one()
        payment = Payment(payment_id=new_id(), payment_no=f"{order.order_no}-P{n + 1}",
                          order_id=order.order_id, method=provider, amount_fen=0,
                          tendered_fen=0, change_fen=0, status="failed", provider=provider,
                          provider_txn_id=txn, at=answer.paid_at or ctx.now)
        ctx.session.add(payment)
    elif payment.status == "succeeded":
        before = payment.amount_fen  # the callback's amount was wrong
        order.paid_fen -= payment.amount_fen
    payment.status = "succeeded"
    payment.amount_fen = payment.tendered_fen = answer.amount_fen
    payment.at = answer.paid_at or payment.at
    order.paid_fen += answer.amount_fen
    order.payment_state = str(PaymentState.PAID)
    ctx.session.flush()
    return {"payment_no": payment.payment_no, "method": provider,
            "amount_fen": answer.amount_fen, "provider_txn_id": txn,
            "paid_at": iso_utc(payment.at), "confirmed_by_query": True,
            "recorded_amount_fen": before}


def _learned(ctx: FixContext, order: Order, provider: str, answer: PaymentQuery,
             said: str) -> Done:
    """The provider says the order is not paid (in full): the anomaly stays open with the
    answer in its evidence and `cancel_and_release` recommended; the timeline says who asked
    and what came back."""
    reply = {"provider": provider, "status": answer.status,
             "provider_txn_id": answer.provider_txn_id or ctx.evidence.get("provider_txn_id"),
             "asked_at": iso_utc(ctx.now), "answer": said}
    if answer.amount_fen:  # what the provider says was paid (another amount)
        reply["amount_fen"] = answer.amount_fen
    ctx.anomaly.evidence = dict(ctx.evidence) | {"payment_query": reply}
    fixes = list(ctx.anomaly.fixes or [])
    ctx.anomaly.fixes = ["cancel_and_release"] + [f for f in fixes if f != "cancel_and_release"]
    ctx.log(order, [("payment.queried", reply | {"note": ctx.note})])
    return Done(said, keep_open=True)


def query_payment(ctx: FixContext) -> Done:
    """`payment_failed_order_open`: ask the provider. Paid in full → the payment is recorded
    (a failed one turns succeeded, a wrong amount is corrected) and the order is paid;
    still pending → refused (ask later); not paid, or another amount → the answer is kept and
    `cancel_and_release` becomes the recommended fix (`_learned`)."""
    order = need_order(ctx)
    _check_open(order)
    provider = _provider_name(ctx, order)
    answer = _ask(ctx, order, provider)
    if answer.status == "pending":
        raise Conflict("支付渠道显示这笔支付仍未完成，请稍后再查")
    if answer.status != "success":
        return _learned(ctx, order, provider, answer, (
            f"{METHOD_ZH.get(provider, provider)}答复：未支付"
            f"（{_STATUS_ZH.get(answer.status, '状态未知')}），建议取消订单并释放库存"))
    if answer.amount_fen != order.total_fen:
        return _learned(ctx, order, provider, answer, (
            f"{METHOD_ZH.get(provider, provider)}答复：实付 {format_fen(answer.amount_fen)}，"
            f"与应付 {format_fen(order.total_fen)} 不符，建议取消订单并退款"))
    detail = _confirmed(ctx, order, provider, answer)
    ctx.log(order, [("payment.succeeded", detail)])
    return Done(f"{METHOD_ZH[provider]}确认已支付 {format_fen(answer.amount_fen)}"
                f"（交易号 {detail['provider_txn_id']}），订单已标记为已支付",
                detail={"payment": detail})


def cancel_and_release(ctx: FixContext) -> Done:
    """`payment_failed_order_open`: cancel the unpaid order, void its tickets and give the
    units back; money it holds (an amount that did not match) goes back by its route first.
    Refused for a paid or cancelled order and for tickets already used or being refunded."""
    order = need_order(ctx)
    _check_open(order)
    busy = [t for t in tickets_of(ctx.session, order.order_id)
            if t.status not in (TicketState.VALID, TicketState.VOID)]
    if busy:
        raise Conflict(f"订单 {order.order_no} 有票已核销或正在退票，不能取消")
    held = ctx.session.execute(
        sa.select(Payment).where(Payment.order_id == order.order_id,
                                 Payment.status == "succeeded").order_by(Payment.at)
        .with_for_update().execution_options(populate_existing=True)).scalars().all()
    refunds = [refund_payment(ctx.session, order, p, ctx.provider, rule="order_cancelled",
                              reason=ctx.note or "订单支付异常已取消，原路退回",
                              actor=ctx.actor, now=ctx.now) for p in held]
    if refunds:
        ctx.log(order, [("payment.refunded", d) for d in refunds])
    released = cancel_order(ctx.session, order, now=ctx.now, reason="anomaly_fix",
                            message="主管处理支付异常，取消订单并释放库存", actor=ctx.who)
    units = "、".join(f"{code} {n} 张" for code, n in released.items()) or "无"
    text = f"已取消订单 {order.order_no}，释放库存 {units}"
    if refunds:
        text += "；" + "；".join(summary(d) for d in refunds)
    return Done(text, detail={"released": released, "refunds": refunds})

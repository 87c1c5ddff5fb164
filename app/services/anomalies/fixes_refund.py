"""The refund fixes of DESIGN.md §6, on the refund machinery of `refund_requests` (routing,
settling) and the provider of `refund_providers`: push a stuck refund along its route
(`process_refund`), try a failed provider refund again (`retry_refund`), or pay it in cash at
the window instead (`change_refund_method`). A provider refusal raises ProviderFailed and
writes nothing; the fix can be pressed again (same refund number: never paid twice)."""

import sqlalchemy as sa

from app.domain.errors import Conflict
from app.domain.money import format_fen
from app.services.anomalies.fixes_common import Done, FixContext, need_order, refund_of
from app.services.refunds import refund_requests
from app.services.refunds.payment_refunds import METHOD_ZH, PROVIDER_METHODS, call_refund
from app.store.models import Payment, Refund

_STATUS_ZH = {"requested": "已申请", "awaiting_approval": "等待审批",
              "approved": "已批准待窗口付现（请通知申请窗口付现，或由审批人驳回）",
              "processing": "退款中",
              "submitted": "已提交渠道", "succeeded": "已退款", "failed": "退款失败"}
_ROLES_ZH = {"supervisor": "主管", "finance": "财务"}


def _refuse(refund: Refund) -> Conflict:
    state = _STATUS_ZH.get(refund.status, refund.status)
    return Conflict(f"退款 {refund.refund_no} 当前状态为“{state}”，不能执行这个处理")


def _pay_out(ctx: FixContext, refund: Refund, *, retried: bool) -> None:
    """Call the provider for `refund` now; on success settle it as the sweep would."""
    order = need_order(ctx)
    txn = ctx.session.execute(
        sa.select(Payment.provider_txn_id)
        .where(Payment.order_id == order.order_id, Payment.method == refund.method,
               Payment.status == "succeeded").order_by(Payment.at)).scalars().first()
    answer = call_refund(ctx.provider, method=refund.method, txn=txn,
                         refund_no=refund.refund_no, amount_fen=refund.amount_fen)
    refund.attempts += 1
    refund.last_error = None
    refund_requests.complete(
        ctx.session, order, refund, actor=ctx.who, now=ctx.now,
        today=ctx.venue.local_date(ctx.now),
        extra={"provider_refund_id": answer.provider_refund_id, "attempts": refund.attempts,
               "retried_by" if retried else "processed_by": ctx.actor})


def _approve(ctx: FixContext, refund: Refund) -> None:
    """An `awaiting_approval` refund: the fixer's approval, when it is the last one missing
    (the approval rules hold: never one's own request, dual approval by two people);
    otherwise refused, naming who still has to approve."""
    left = refund_requests.approvals_left(refund, ctx.role)
    if left:
        roles = "、".join(_ROLES_ZH.get(r, r) for r in left)
        raise Conflict(f"退款 {refund.refund_no} 正在等待审批，还需要{roles}审批，"
                       "请在退款审批中审批后再处理")
    refund_requests.add_approval(ctx.session, need_order(ctx), refund, approver=ctx.actor,
                                 role=ctx.role, now=ctx.now,
                                 today=ctx.venue.local_date(ctx.now))


def process_refund(ctx: FixContext) -> Done:
    """`refund_not_processed`: move the refund on now. Waiting for approval → the fixer's
    approval when it is the last one missing; `requested` → routed by its method (cash and
    voucher succeed, OTA is submitted); then a wechat/alipay refund goes to the provider at
    once (so does one found `processing`). Settled or failed refunds are refused."""
    order = need_order(ctx)
    refund = refund_of(ctx)
    if refund.status == "awaiting_approval":
        _approve(ctx, refund)
    elif refund.status == "requested":
        refund_requests.settle(ctx.session, order, refund, actor=ctx.who, now=ctx.now,
                               today=ctx.venue.local_date(ctx.now))
    elif refund.status != "processing":
        raise _refuse(refund)
    if refund.status == "processing" and refund.method in PROVIDER_METHODS:
        _pay_out(ctx, refund, retried=False)
    state = _STATUS_ZH.get(refund.status, refund.status)
    return Done(f"退款 {refund.refund_no}（{format_fen(refund.amount_fen)}）已处理，"
                f"当前状态：{state}", detail={"refund_no": refund.refund_no,
                                            "refund_status": refund.status})


def retry_refund(ctx: FixContext) -> Done:
    """`refund_failed`: ask the provider once more, now."""
    need_order(ctx)
    refund = refund_of(ctx)
    if refund.status != "failed":
        raise _refuse(refund)
    _pay_out(ctx, refund, retried=True)
    channel = METHOD_ZH.get(refund.method, refund.method)
    return Done(f"退款 {refund.refund_no} 已重新经{channel}原路退回 "
                f"{format_fen(refund.amount_fen)}", detail={"refund_no": refund.refund_no})


def change_refund_method(ctx: FixContext) -> Done:
    """`refund_failed`: the provider will not pay it: the refund becomes a cash refund,
    paid at the window now (succeeded: tickets refunded, stock back as usual)."""
    order = need_order(ctx)
    refund = refund_of(ctx)
    if refund.status != "failed":
        raise _refuse(refund)
    before = refund.method
    refund.method = "cash"
    ctx.log(order, [("refund.method_changed", {
        "refund_no": refund.refund_no, "from": before, "to": "cash", "note": ctx.note})])
    refund_requests.complete(ctx.session, order, refund, actor=ctx.who, now=ctx.now,
                             today=ctx.venue.local_date(ctx.now),
                             extra={"changed_from": before})
    return Done(f"退款 {refund.refund_no} 改为现金退款 {format_fen(refund.amount_fen)}，"
                "请在窗口将现金交给游客", detail={"refund_no": refund.refund_no,
                                           "from": before})

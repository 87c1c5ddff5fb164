"""The redemption fixes of DESIGN.md §6: let the visitor in by hand when the gate failed
(`manual_redeem`), and stop an order's tickets at every gate after a duplicate redemption
(`lock_order`; the gate then answers `invalid` with the reason)."""

from app.domain.errors import Conflict
from app.domain.lifecycle import PaymentState
from app.domain.redemption import Scan, TicketFacts, judge
from app.services.admissions.redemptions import use_ticket
from app.services.anomalies.fixes_common import Done, FixContext, need_order, ticket_of


def manual_redeem(ctx: FixContext) -> Done:
    """`redeem_failed`: redeem the ticket now, as the supervisor, exactly as a gate would
    (same verdict: still valid, paid, its day today, order not locked)."""
    order = need_order(ctx)
    t = ticket_of(ctx)
    verdict = judge(TicketFacts(t.status, t.uses_total, t.uses_left, order.visit_date,
                                order.payment_state == PaymentState.PAID, order.cancelled,
                                t.redeemed_at, order.locked_at is not None),
                    Scan(ctx.venue.local_date(ctx.now), ctx.now))
    if not verdict.admit:
        raise Conflict(f"票 {t.code} 不能核销：{verdict.reason}")
    use_ticket(t, ctx.who, ctx.now, verdict, ctx.now)
    ctx.log(order, [("ticket.redeemed", {
        "ticket_id": t.ticket_id, "code": t.code, "name": t.name, "outcome": "valid",
        "reason": "主管人工核销", "uses_left": t.uses_left, "manual": True,
        "anomaly_id": ctx.anomaly.anomaly_id})])
    return Done(f"已人工核销票 {t.code}（{t.name}）", detail={"ticket_id": t.ticket_id})


def lock_order(ctx: FixContext) -> Done:
    """`duplicate_redemption`: lock the order; its tickets no longer admit anyone."""
    order = need_order(ctx)
    if order.locked_at is not None:
        when = ctx.venue.local(order.locked_at).strftime("%Y-%m-%d %H:%M")
        raise Conflict(f"订单 {order.order_no} 已于 {when} 被 {order.locked_by} 锁定")
    order.locked_at = ctx.now
    order.locked_by = ctx.actor
    order.lock_reason = ctx.note or ctx.anomaly.reason
    ctx.log(order, [("order.locked", {"reason": order.lock_reason,
                                      "anomaly_id": ctx.anomaly.anomaly_id})])
    return Done(f"已锁定订单 {order.order_no}，其余的票不能再入园")

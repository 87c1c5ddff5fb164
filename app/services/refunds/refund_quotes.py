"""Refund quotes above one ticket (DESIGN.md §5 "Above a single ticket"): the facts of each
ticket read from the store, force-majeure batch rules (`refund_rules`), a fee
override, and the request-level holds (dual approval, high risk, orders older than 90 days).

Nothing here writes; `refund_requests` turns a quote into a refund."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.errors import NotFound, ValidationError
from app.domain.money import apply_bp, format_fen
from app.domain.refunds import RefundFacts, RefundPolicy, RefundQuote, quote_refund
from app.services.refunds import refund_facts
from app.services.refunds.refund_rules import ForceMajeure
from app.store.db import read_transaction
from app.store.models import Order, Payment, Ticket

MANUAL_AFTER = timedelta(days=90)
HIGH_RISK_REFUNDS_PER_DAY = 10
SUPERVISOR, FINANCE = "supervisor", "finance"
DEFAULT_POLICY = RefundPolicy()
# Not refundable whatever the rules say: the ticket is gone already.
FINAL_STATES = {"refunded": "该票已退票，不能重复退", "refunding": "该票正在退票中，不能重复申请",
          "void": "该票所在订单已取消，不能退票"}


@dataclass(frozen=True)
class Override:
    """A supervisor's fee override for one request (medical proof...)."""

    fee_bp: int
    reason: str
    evidence_no: str


@dataclass(frozen=True)
class RequestQuote:
    tickets: tuple[tuple[str, RefundQuote], ...]
    total_refund_fen: int
    total_fee_fen: int
    total_payment_fee_fen: int
    needs_approval: bool
    approvals_required: tuple[str, ...]  # roles: () | (supervisor,) | (supervisor, finance)
    reasons: tuple[str, ...]  # zh_CN, one per hold or applied batch rule


def payment_method(session: Session, order_id: str) -> str:
    """The method of the order's succeeded payment (`cash` when none is recorded)."""
    method = session.execute(
        sa.select(Payment.method).where(Payment.order_id == order_id,
                                        Payment.status == "succeeded")
        .order_by(Payment.at)).scalars().first()
    return method or "cash"


def pick_tickets(tickets: Sequence[Ticket], order_no: str,
                 ticket_ids: Sequence[str]) -> list[Ticket]:
    """The requested tickets of the order; refuses an empty, repeated or foreign id."""
    if not ticket_ids:
        raise ValidationError("请至少选择一张要退的票", field="ticket_ids")
    if len(set(ticket_ids)) != len(ticket_ids):
        raise ValidationError("同一张票在一次退票中只能出现一次", field="ticket_ids")
    by_id = {t.ticket_id: t for t in tickets}
    picked = []
    for tid in ticket_ids:
        if tid not in by_id:
            raise ValidationError(f"票 {str(tid)[:40]} 不属于订单 {order_no}",
                                  field="ticket_ids")
        picked.append(by_id[tid])
    return picked


def ticket_facts(t: Ticket, *, method: str, group_size: int, now: datetime,
                 visit_date: date) -> RefundFacts:
    """One ticket's facts: a package component's share (paid and of the list: the fee is
    taken on that share, never on the component's own price), a pass's uses."""
    return RefundFacts(
        ticket_kind=t.kind, face_price_fen=t.list_price_fen, paid_fen=t.price_fen,
        visit_date=visit_date, requested_at=now, payment_method=method,
        redeemed=t.status == "redeemed", uses_total=t.uses_total,
        uses_used=t.uses_total - t.uses_left, group_size=group_size)


def _with_fee(facts: RefundFacts, policy: RefundPolicy, rule: str, fee_bp: int, words: str,
              needs_approval: bool) -> RefundQuote:
    """A quote at `fee_bp` instead of the rule's rate; same amounts formula as §5."""
    paid = max(0, facts.paid_fen)
    gross, base = paid, facts.face_price_fen
    if facts.ticket_kind == "pass":
        total = max(1, facts.uses_total)
        gross = base = paid * max(0, total - facts.uses_used) // total
    fee = min(apply_bp(max(0, base), fee_bp), paid)
    pay_fee = apply_bp(paid, policy.payment_fee_bp.get(facts.payment_method, 0))
    refund = max(0, gross - fee - pay_fee)
    message = f"{words}：手续费 {format_fen(fee)}"
    if pay_fee:
        message += f"，支付通道手续费 {format_fen(pay_fee)} 不退"
    return RefundQuote(True, needs_approval, rule, fee_bp, fee, pay_fee, refund,
                       message + f"，应退 {format_fen(refund)}。")


def quote_ticket(facts: RefundFacts, policy: RefundPolicy, rules: Mapping[date, ForceMajeure],
                 override: Override | None) -> RefundQuote:
    """The §5 quote, then a force-majeure rule of the visit date (wins, even for `special`),
    else the override (refused for `special`). A redeemed ticket stays refused."""
    base = quote_refund(facts, policy)
    if base.rule in ("already_redeemed", "pass_mostly_used"):
        return base
    fm = rules.get(facts.visit_date) if facts.ticket_kind != "pass" else None
    if fm is not None:
        return _with_fee(facts, policy, "force_majeure", fm.fee_bp,
                         f"不可抗力批量规则（{fm.label}）", False)
    if override is None:
        return base
    if facts.ticket_kind == "special":
        raise ValidationError("特价票的手续费不能人工调整（只有不可抗力批量规则可以）",
                              field="override")
    return _with_fee(facts, policy, "override", override.fee_bp,
                     f"主管调整手续费为 {override.fee_bp / 100:g}%（{override.reason}，"
                     f"凭证 {override.evidence_no}）", base.needs_approval)


def check_override(raw: Mapping[str, Any] | None) -> Override | None:
    """An override needs a fee rate in 0–10000 bp, a reason and an evidence number."""
    if raw is None:
        return None
    fee_bp = raw.get("fee_bp")
    if not isinstance(fee_bp, int) or isinstance(fee_bp, bool) or not 0 <= fee_bp <= 10000:
        raise ValidationError("调整后的手续费率必须在 0 到 10000 基点之间（不能为负，也不能超过实付）",
                              field="override.fee_bp")
    reason = str(raw.get("reason") or "").strip()
    evidence = str(raw.get("evidence_no") or "").strip()
    if not reason:
        raise ValidationError("调整手续费必须填写原因", field="override.reason")
    if not evidence:
        raise ValidationError("调整手续费必须填写凭证编号（如医院证明编号）",
                              field="override.evidence_no")
    return Override(fee_bp, reason, evidence)


def _dual(order: Order, facts: refund_facts.OrderFacts, total_refund: int,
          policy: RefundPolicy) -> str | None:
    """The dual-approval reason when this request, with the recent ones, reaches the line:
    what was refunded or asked back (any refund not rejected) in the last 24 h for this order
    or any order of the same visitor's phone counts toward `dual_approval_fen` with the new
    request (DESIGN.md §14), so one ¥6,000 refund split in two ¥3,000 requests needs both
    approvals on the second."""
    if total_refund >= policy.dual_approval_fen:
        return (f"退款合计 {format_fen(total_refund)} 达到 "
                f"{format_fen(policy.dual_approval_fen)}，需主管和财务双人审批")
    earlier = facts.recent_fen
    if total_refund + earlier >= policy.dual_approval_fen:
        return (f"本单及同一手机号 24 小时内已退或申请退款 {format_fen(earlier)}，连同本次 "
                f"{format_fen(total_refund)} 达到 {format_fen(policy.dual_approval_fen)}，"
                "需主管和财务双人审批")
    return None


def holds(order: Order, facts: refund_facts.OrderFacts, total_refund: int,
          quotes: Sequence[RefundQuote], *, now: datetime, override: Override | None,
          role: str, second_person: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(approvals_required, reasons) of a request: §5's holds in Chinese. `second_person`
    (the store's requests): a fee override waits for another supervisor whoever asks."""
    reasons: list[str] = []
    supervisor = False
    if total_refund > order.paid_fen - order.refunded_fen:
        reasons.append(f"高风险：退款 {format_fen(total_refund)} 超过订单剩余实付 "
                       f"{format_fen(order.paid_fen - order.refunded_fen)}，需主管审批")
        supervisor = True
    n = facts.phone_refunds_today
    if n + 1 >= HIGH_RISK_REFUNDS_PER_DAY:
        reasons.append(f"高风险：同一手机号今日已申请退票 {n} 次，需主管审批")
        supervisor = True
    if now - order.created_at > MANUAL_AFTER:
        reasons.append("订单已超过 90 天，需人工审批")
    if any(q.needs_approval for q in quotes):
        reasons.append("团队票48小时内退票需审批")
    if override is not None and role not in (SUPERVISOR, "admin"):
        reasons.append("手续费调整需主管审批")
        supervisor = True
    elif override is not None and second_person:
        reasons.append("手续费调整需另一位主管审批（不能由提出调整的人自己批准）")
        supervisor = True
    if (dual := _dual(order, facts, total_refund, facts.policy)) is not None:
        reasons.append(dual)
        return (SUPERVISOR, FINANCE), tuple(reasons)
    if reasons or supervisor:
        return (SUPERVISOR,), tuple(reasons)
    return (), ()


def load_order(session: Session, order_no: str) -> Order:
    order = session.execute(sa.select(Order).where(Order.order_no == order_no)
                            ).scalar_one_or_none()
    if order is None:
        raise NotFound(f"没有找到订单 {order_no[:64]}")
    return order


def quote_tickets(session: Session, order: Order, ticket_ids: Sequence[str], *, now: datetime,
                  policy: RefundPolicy, override: Override | None = None, role: str = "clerk",
                  strict: bool = False, second_person: bool = False) -> RequestQuote:
    """Quote the request; `strict` (a request, not a preview) refuses a ticket that is
    refunded, refunding, void or not refundable by the rules, naming the rule. `policy`
    gives the zone and hours: the holidays, fees and dual-approval line are the stored ones
    (read in this transaction with the order's other facts, `refund_facts`; the defaults
    when none are set)."""
    facts = refund_facts.read(session, order, now=now, base=policy)
    return quote_facts(order, facts, ticket_ids, now=now, override=override, role=role,
                       strict=strict, second_person=second_person)


def quote_facts(order: Order, facts: refund_facts.OrderFacts, ticket_ids: Sequence[str], *,
                now: datetime, override: Override | None = None, role: str = "clerk",
                strict: bool = False, second_person: bool = False) -> RequestQuote:
    """`quote_tickets` over the order's facts, read already (nothing is read here)."""
    picked = pick_tickets(facts.tickets, order.order_no, ticket_ids)
    group_size = sum(1 for t in facts.tickets if t.kind == "group")
    quoted: list[tuple[str, RefundQuote]] = []
    for t in picked:
        if t.status in FINAL_STATES:
            if strict:
                raise ValidationError(f"{t.name} {t.code}：{FINAL_STATES[t.status]}",
                                      field="ticket_ids", rule=t.status)
            quoted.append((t.ticket_id, RefundQuote(False, False, t.status, 0, 0, 0, 0,
                                                    FINAL_STATES[t.status] + "。")))
            continue
        facts_t = ticket_facts(t, method=facts.method, group_size=group_size, now=now,
                               visit_date=order.visit_date)
        q = quote_ticket(facts_t, facts.policy, facts.rules, override)
        if strict and not q.refundable:
            raise ValidationError(f"{t.name} {t.code}：{q.message}", field="ticket_ids",
                                  rule=q.rule)
        quoted.append((t.ticket_id, q))
    return summarize(order, facts, quoted, now=now, override=override, role=role,
                     second_person=second_person)


def summarize(order: Order, facts: refund_facts.OrderFacts,
              quoted: list[tuple[str, RefundQuote]], *, now: datetime,
              override: Override | None, role: str,
              second_person: bool = False) -> RequestQuote:
    quotes = [q for _, q in quoted]
    total = sum(q.refund_fen for q in quotes)
    required, reasons = holds(order, facts, total, quotes, now=now, override=override,
                              role=role, second_person=second_person)
    if any(q.rule == "force_majeure" for q in quotes):
        fm = facts.rules[order.visit_date]
        reasons = (*reasons, f"已自动适用不可抗力批量规则：{fm.label}（{fm.set_by} 设置，"
                             f"{fm.confirmed_by or '—'} 确认）")
    return RequestQuote(tuple(quoted), total, sum(q.fee_fen for q in quotes),
                        sum(q.payment_fee_fen for q in quotes), bool(required), required,
                        reasons)


def quote(session: Session, order_no: str, ticket_ids: Sequence[str], *, now: datetime,
          policy: RefundPolicy = DEFAULT_POLICY, override: Mapping[str, Any] | None = None,
          role: str = "clerk", second_person: bool = False) -> RequestQuote:
    """A live quote of refunding `ticket_ids` of the order (nothing written), with the fee
    `override` ({fee_bp, reason, evidence_no}) `role` would ask for, if any; by the stored
    refund policy in `policy`'s zone and hours (see `quote_tickets`)."""
    ov = check_override(override)
    with read_transaction(session):
        order = load_order(session, order_no)
        return quote_tickets(session, order, ticket_ids, now=now, policy=policy, override=ov,
                             role=role, second_person=second_person)

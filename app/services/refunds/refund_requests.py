"""Refund requests and approvals on the central store (DESIGN.md §5, §8): one transaction each,
the timeline written in it, nothing written on a refusal.

A request that needs no approval is routed by its method at once: cash and voucher refunds
succeed (tickets `refunded`, `refunded_fen` up, units back in stock when the visit date is
not past); wechat and alipay refunds stay `processing` with their tickets `refunding` until the
provider step of `refund_processing` settles them; OTA refunds are `submitted` to the platform.
A request that needs approval waits as `awaiting_approval` until `approve` has enough, or
`reject` turns it down (its tickets `valid` again). A cash request made at a window
(`payout_terminal`) is `approved` then, not settled: the cash leaves that window's drawer
when the clerk pays it out, and the window's `refund` sync op settles it."""

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import actors
from app.domain.errors import Conflict, Forbidden, NotFound, ValidationError
from app.domain.ids import new_id
from app.domain.lifecycle import next_ticket_state
from app.domain.refunds import RefundPolicy
from app.services.journal import changes, timeline
from app.services.journal import orders as order_reads
from app.services.journal.order_state import changed, lock_order
from app.services.refunds import refund_facts
from app.services.refunds.refund_policy import PAYMENT_METHODS
from app.services.refunds.refund_quotes import (
    DEFAULT_POLICY,
    FINANCE,
    SUPERVISOR,
    RequestQuote,
    check_override,
    quote_facts,
)
from app.services.stock import stock_writes
from app.store.models import Order, Refund, Ticket

SOURCE = "server"
METHODS = PAYMENT_METHODS
APPROVERS = (SUPERVISOR, FINANCE, "admin")
# Where a refund goes once nobody has to approve it.
ROUTE = {"cash": "succeeded", "voucher": "succeeded", "wechat": "processing",
         "alipay": "processing", "ota": "submitted"}

@dataclass(frozen=True)
class RefundInfo:
    refund_no: str
    status: str
    amount_fen: int
    fee_fen: int
    payment_fee_fen: int
    method: str
    ticket_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"refund_no": self.refund_no, "status": self.status,
                "amount_fen": self.amount_fen, "fee_fen": self.fee_fen,
                "payment_fee_fen": self.payment_fee_fen, "method": self.method,
                "ticket_ids": list(self.ticket_ids)}


def info(r: Refund) -> RefundInfo:
    return RefundInfo(r.refund_no, r.status, r.amount_fen, r.fee_fen, r.payment_fee_fen,
                      r.method, tuple(r.ticket_ids))


def _check_method(method: str, paid_by: str) -> None:
    if method not in METHODS:
        raise ValidationError(f"不支持的退款方式：{str(method)[:16]}", field="method")
    if method == paid_by or (method == "cash" and paid_by not in ("ota", "voucher")):
        return
    raise ValidationError(f"退款须按原支付渠道（{paid_by}）原路退回，或在窗口退现金",
                          field="method")


def next_refund_no(session: Session, order: Order) -> str:
    n = session.execute(sa.select(sa.func.count()).select_from(Refund)
                        .where(Refund.order_id == order.order_id)).scalar_one()
    return f"{order.order_no}-R{n + 1}"


def return_stock(session: Session, order: Order, tickets: Sequence[Ticket],
                 now: datetime, today: Any) -> bool:
    """Give the tickets' units back unless the visit date is past (DESIGN.md §4), by
    `inv_rules.return_units` (out of `oversold` first, then `sold`); True when the date let
    them come back."""
    if not _stock_comes_back(order, today):
        return False
    need = Counter(t.ticket_type for t in tickets)
    changes.touch_inventory(session, need, order.visit_date, now=now,
                            rows=stock_writes.return_units(session, need, order.visit_date, now))
    return True


def _stock_comes_back(order: Order, today: Any) -> bool:
    return order.visit_date >= today


def _tickets(session: Session, ids: Sequence[str]) -> list[Ticket]:
    rows = session.execute(sa.select(Ticket).where(Ticket.ticket_id.in_(list(ids)))
                           .execution_options(populate_existing=True)).scalars()
    return _picked(list(rows), ids)


def _picked(tickets: Sequence[Ticket], ids: Sequence[str]) -> list[Ticket]:
    by_id = {t.ticket_id: t for t in tickets}
    return [by_id[i] for i in ids]


def _log(order: Order, facts: refund_facts.OrderFacts,
         entries: Sequence[tuple[str, dict[str, Any]]], *, actor: str,
         now: datetime) -> list[tuple[Any, dict[str, Any]]]:
    """The request's timeline events after the head its facts read, as rows to write with
    the order's own (`changed`'s `rows`); the order row's head (`last_hash`, `event_count`)
    is moved on the order the caller holds, so it is written with the order's UPDATE."""
    made = timeline.chain(entries, at=now, actor=actor, source=SOURCE, prev=facts.head)
    order.last_hash, order.event_count = made[-1].hash, made[-1].seq
    return timeline.table_rows(order.order_id, made)


def _move(t: Ticket, event: str, now: datetime) -> None:
    t.status = str(next_ticket_state(t.status, event))
    t.version += 1
    t.updated_at = now


def settle(session: Session, order: Order, refund: Refund, *, actor: str, now: datetime,
           today: Any, source: str = SOURCE,
           first: Sequence[tuple[str, dict[str, Any]]] = ()) -> None:
    """Route a refund nobody has to approve any more (see the module docstring); `first`:
    timeline entries to write before its own, in the same append."""
    tickets = _tickets(session, refund.ticket_ids)
    entries = _route(order, refund, tickets, now=now, today=today)
    timeline.append(session, order.order_id, [*first, *entries], at=now, actor=actor,
                    source=source)
    if refund.status == "succeeded":
        return_stock(session, order, tickets, now, today)


def _route(order: Order, refund: Refund, tickets: Sequence[Ticket], *, now: datetime,
           today: Any) -> list[tuple[str, dict[str, Any]]]:
    """`settle` but the timeline and the stock: the refund's new state and its entries."""
    refund.status = ROUTE[refund.method]
    refund.version += 1
    refund.updated_at = now
    if refund.status == "succeeded":
        return _succeed(order, refund, tickets, now=now, today=today)
    for t in tickets:
        if t.status == "valid":
            _move(t, "refund_start", now)
    return [(f"refund.{refund.status}", _detail(refund))]


def complete(session: Session, order: Order, refund: Refund, *, actor: str, now: datetime,
             today: Any, source: str = SOURCE, extra: Mapping[str, Any] | None = None) -> None:
    """A `processing` refund the provider has paid out: `succeeded`, its tickets `refunded`,
    `refunded_fen` up, units back when the visit date is not past; `extra` goes into the
    `refund.succeeded` detail (the provider's refund id)."""
    refund.status = "succeeded"
    refund.version += 1
    refund.updated_at = now
    tickets = _tickets(session, refund.ticket_ids)
    entries = _succeed(order, refund, tickets, now=now, today=today)
    entries[0] = (entries[0][0], entries[0][1] | dict(extra or {}))
    timeline.append(session, order.order_id, entries, at=now, actor=actor, source=source)
    return_stock(session, order, tickets, now, today)


def ticket_refunded(ticket: Ticket, refund_no: str) -> tuple[str, dict[str, Any]]:
    """The timeline entry of one ticket refunded by `refund_no` (every refund route)."""
    return ("ticket.refunded", {"ticket_id": ticket.ticket_id, "code": ticket.code,
                                "name": ticket.name, "refund_no": refund_no})


def _succeed(order: Order, refund: Refund, tickets: Sequence[Ticket], *, now: datetime,
             today: Any) -> list[tuple[str, dict[str, Any]]]:
    """The money is back: tickets `refunded`, `refunded_fen` up; the timeline entries
    (`refund.succeeded` first, saying whether the units come back). The caller returns the
    stock (`return_stock`) last: the day's stock row stays locked until the commit, and every
    window's refund of that day waits on it."""
    entries: list[tuple[str, dict[str, Any]]] = []
    for t in tickets:
        if t.status == "valid":
            _move(t, "refund_start", now)
        if t.status == "refunding":
            _move(t, "refund_done", now)
        entries.append(ticket_refunded(t, refund.refund_no))
    order.refunded_fen += refund.amount_fen
    entries.insert(0, ("refund.succeeded", _detail(refund) | {
        "stock_returned": _stock_comes_back(order, today)}))
    return entries


def detail(r: Refund) -> dict[str, Any]:
    """The refund as written in the timeline."""
    return _detail(r)


def _detail(r: Refund) -> dict[str, Any]:
    return {"refund_no": r.refund_no, "method": r.method, "amount_fen": r.amount_fen,
            "fee_fen": r.fee_fen, "payment_fee_fen": r.payment_fee_fen,
            "ticket_ids": list(r.ticket_ids), "rule": r.rule}


def _rule(q: RequestQuote) -> str:
    rules = sorted({tq.rule for _, tq in q.tickets})
    return ",".join(rules)[:32]


def request_refund(session: Session, order_no: str, ticket_ids: Sequence[str], method: str,
                   reason: str, *, actor: str, role: str, now: datetime, today: Any,
                   override: Mapping[str, Any] | None = None,
                   policy: RefundPolicy = DEFAULT_POLICY, refund_id: str | None = None,
                   before_commit: Callable[[Session, Refund], None] | None = None,
                   payout_terminal: str | None = None,
                   second_person: bool = False) -> RefundInfo:
    """Request a refund of `ticket_ids` (see the module docstring); `today` is the venue's
    local date (stock comes back only for a visit date not past); `second_person` (the
    store's HTTP requests, DESIGN.md §14): a fee override waits for another supervisor even
    when a supervisor asks (a window's own override is re-quoted by the store when its op
    arrives, and flagged `refund_mismatch` when it pays more). Raises NotFound,
    ValidationError (the rule named in Chinese) or Conflict (a ticket already refunded or
    refunding); nothing is written then."""
    with session.begin():
        order = locked_order(session, order_no)
        refund = request_in(session, order, ticket_ids, method, reason, actor=actor, role=role,
                            now=now, today=today, override=override, policy=policy,
                            refund_id=refund_id, payout_terminal=payout_terminal,
                            second_person=second_person)
        if before_commit is not None:
            before_commit(session, refund)
        return info(refund)


def locked_order(session: Session, order_no: str) -> Order:
    """The order of a refund request, its row locked for the transaction; NotFound."""
    order = lock_order(session, order_no=order_no)
    if order is None:
        raise NotFound(f"没有找到订单 {order_no[:64]}")
    return order


def request_in(session: Session, order: Order, ticket_ids: Sequence[str], method: str,
               reason: str, *, actor: str, role: str, now: datetime, today: Any,
               override: Mapping[str, Any] | None = None,
               policy: RefundPolicy = DEFAULT_POLICY, refund_id: str | None = None,
               payout_terminal: str | None = None, second_person: bool = False,
               rows: Sequence[tuple[Any, dict[str, Any]]] = ()) -> Refund:
    """`request_refund` inside the caller's transaction, `order` locked (`locked_order`): the
    refund made, the order `changed`. The order's facts are read once (`refund_facts`) and
    the refund is written with the state it ends in, so the request sends one INSERT of the
    refund, one UPDATE of the order and one of its changed tickets and the timeline's rows
    (Core statements, one on PostgreSQL: the ORM's unit of work cost more than they do,
    `write_through`), then the stock; the feed is handed the order's Order JSON made of them
    (no read-back at commit — a later write to the order in the transaction touches it
    without a state, and the commit reads it back after all)."""
    if not str(reason or "").strip():
        raise ValidationError("请填写退票原因", field="reason")
    facts = refund_facts.read(session, order, now=now, base=policy)
    _check_method(method, facts.method)
    ov = check_override(override)
    q = quote_facts(order, facts, list(ticket_ids), now=now, override=ov, role=role,
                    strict=True, second_person=second_person)
    refund = Refund(
        refund_id=refund_id or new_id(), refund_no=f"{order.order_no}-R{len(facts.refunds) + 1}",
        order_id=order.order_id, ticket_ids=list(ticket_ids), method=method,
        status="requested", amount_fen=q.total_refund_fen, fee_fen=q.total_fee_fen,
        payment_fee_fen=q.total_payment_fee_fen, rule=_rule(q), reason=reason.strip(),
        override=None if ov is None else {"fee_bp": ov.fee_bp, "reason": ov.reason,
                                          "evidence_no": ov.evidence_no, "by": actor},
        approvals=[], requested_by=actor, attempts=0, created_at=now, updated_at=now,
        version=1, paid_out_terminal=None, paid_out_at=None, last_error=None)
    who = actors.user(actor)
    requested = ("refund.requested", _detail(refund) | {
        "reason": refund.reason, "override": refund.override,
        "approvals_required": list(q.approvals_required), "holds": list(q.reasons),
        "quotes": [{"ticket_id": tid, "rule": tq.rule, "fee_bp": tq.fee_bp,
                    "refund_fen": tq.refund_fen} for tid, tq in q.tickets]})
    picked = _picked(facts.tickets, refund.ticket_ids)
    if q.needs_approval:
        logged = _log(order, facts, [requested], actor=who, now=now)
        _await(refund, q.approvals_required, now, picked)
        if method == "cash" and payout_terminal:
            refund.override = refund.override | {"payout_terminal": payout_terminal}
    else:
        if method == "cash":  # paid at once: from the asking window's drawer (§14)
            refund.paid_out_terminal, refund.paid_out_at = payout_terminal, now
        entries = _route(order, refund, picked, now=now, today=today)
        logged = _log(order, facts, [requested, *entries], actor=who, now=now)
    changed(session, order, now=now, tickets=facts.tickets, new=[refund], rows=[*logged, *rows],
            state=lambda: _order_state(order, facts, refund))
    if refund.status == "succeeded":  # last (see `_succeed`)
        return_stock(session, order, picked, now, today)
    return refund


def _order_state(order: Order, facts: refund_facts.OrderFacts,
                 refund: Refund) -> changes.State:
    """The order's feed state once `refund` is made: its facts, the new refund among them."""
    refunds = sorted([*facts.refunds, refund], key=lambda r: r.created_at)
    return order.version, order_reads.order_json(order, facts.tickets, facts.payments,
                                                 refunds, facts.open_anomalies)


def _await(refund: Refund, roles: Sequence[str], now: datetime,
           tickets: Sequence[Ticket]) -> None:
    refund.status = "awaiting_approval"
    refund.override = (refund.override or {}) | {"approvals_required": list(roles)}
    for t in tickets:
        _move(t, "refund_start", now)


def _slot(refund: Refund, approver: str, role: str) -> str:
    """The approval role this approver fills, or a refusal naming the rule."""
    if role not in APPROVERS:
        raise Forbidden("只有主管或财务可以审批退款")
    if refund.status != "awaiting_approval":
        raise Conflict(f"退款 {refund.refund_no} 当前不在待审批状态（{refund.status}）")
    if approver == refund.requested_by:
        raise Forbidden("不能审批自己提交的退款申请")
    done = list(refund.approvals or [])
    if any(a["by"] == approver for a in done):
        raise Forbidden("同一人不能重复审批同一笔退款（双人审批须由两个不同的人完成）")
    required = list((refund.override or {}).get("approvals_required") or [SUPERVISOR])
    filled = [a["as"] for a in done]
    open_slots = [r for r in required if r not in filled]
    mine = FINANCE if role == FINANCE else SUPERVISOR
    if mine not in open_slots:
        needed = "、".join({"supervisor": "主管", "finance": "财务"}[r] for r in open_slots)
        raise Forbidden(f"这笔退款还需要{needed}审批")
    return mine


def approvals_left(refund: Refund, role: str | None = None) -> list[str]:
    """The approval roles (`supervisor`, `finance`) the refund still waits for, after one of
    `role` (when given) fills its slot."""
    required = list((refund.override or {}).get("approvals_required") or [SUPERVISOR])
    filled = {a["as"] for a in refund.approvals or []}
    if role is not None:
        filled.add(FINANCE if role == FINANCE else SUPERVISOR)
    return [r for r in required if r not in filled]


def add_approval(session: Session, order: Order, refund: Refund, *, approver: str, role: str,
                 now: datetime, today: Any) -> bool:
    """Inside the caller's transaction (order locked): record the approval (the rules of
    `approve`) and, with enough of them, route the refund by its method; True when it was
    routed."""
    slot = _slot(refund, approver, role)
    refund.approvals = [*(refund.approvals or []),
                        {"by": approver, "as": slot, "role": role, "at": now.isoformat()}]
    refund.version += 1
    refund.updated_at = now
    who = actors.user(approver)
    timeline.append(session, order.order_id, [("refund.approved", {
        "refund_no": refund.refund_no, "approver": approver, "as": slot})],
        at=now, actor=who, source=SOURCE)
    if approvals_left(refund):
        return False
    if refund.method == "cash" and (refund.override or {}).get("payout_terminal"):
        refund.status = "approved"  # the asking window hands the cash over (its refund op)
        timeline.append(session, order.order_id, [("refund.approved_for_payout", _detail(
            refund) | {"payout_terminal": refund.override["payout_terminal"]})],
            at=now, actor=who, source=SOURCE)
        return True
    settle(session, order, refund, actor=who, now=now, today=today)
    return True


def approve(session: Session, refund_no: str, *, approver: str, role: str, now: datetime,
            today: Any) -> RefundInfo:
    """Approve a waiting refund: a supervisor or finance user, never the requester, never the
    same person twice; with enough approvals the refund proceeds by its method."""
    with session.begin():
        order, refund = _locked(session, refund_no)
        add_approval(session, order, refund, approver=approver, role=role, now=now,
                     today=today)
        changed(session, order, now=now)
        return info(refund)


def reject(session: Session, refund_no: str, *, approver: str, role: str, reason: str,
           now: datetime) -> RefundInfo:
    """Turn a waiting refund down with a reason — or take back an approval whose cash no
    window paid out yet (`approved`): `rejected`, its tickets `valid` again."""
    if not str(reason or "").strip():
        raise ValidationError("请填写驳回原因", field="reason")
    with session.begin():
        order, refund = _locked(session, refund_no)
        if role not in APPROVERS:
            raise Forbidden("只有主管或财务可以审批退款")
        if refund.status not in ("awaiting_approval", "approved"):
            raise Conflict(f"退款 {refund.refund_no} 当前不在待审批状态（{refund.status}）")
        refund.status, refund.version, refund.updated_at = "rejected", refund.version + 1, now
        for t in _tickets(session, refund.ticket_ids):
            if t.status == "refunding":
                _move(t, "refund_abort", now)
        timeline.append(session, order.order_id, [("refund.rejected", {
            "refund_no": refund.refund_no, "by": approver, "reason": reason.strip()[:200]})],
            at=now, actor=actors.user(approver), source=SOURCE)
        changed(session, order, now=now)
        return info(refund)


def _locked(session: Session, refund_no: str) -> tuple[Order, Refund]:
    """The refund and its order, the order row locked (the order first, as everywhere)."""
    order_id = session.execute(sa.select(Refund.order_id)
                               .where(Refund.refund_no == refund_no)).scalar()
    if order_id is None:
        raise NotFound(f"没有找到退款 {refund_no[:80]}")
    order = lock_order(session, order_id=order_id)
    assert order is not None
    refund = session.execute(sa.select(Refund).where(Refund.refund_no == refund_no)
                             .execution_options(populate_existing=True)).scalar_one()
    return order, refund

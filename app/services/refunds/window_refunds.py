"""Cash refunds at the window (DESIGN.md §5, §9), from the local database, online or not.

`refund_cash` refunds tickets of a cash order within the rules: in one local transaction the
refund, the tickets `refunded`, the units back, the timeline, the `refund` outbox op and the
refund slip (which opens the drawer) — or nothing at all. It needs the clerk's open shift (the
cash comes out of that drawer). A case outside the rules (approval, high risk, 90 days) is
refused with `NeedsApproval`: it goes to the central store as a request instead, and once the
approvers let it through `pay_out` hands the cash over at the window that asked, the same way
(`check_payout` first: what the clerk confirms, `payouts_waiting`: what is approved for him).

No drawer pays out cash it does not hold: a refund above the open shift's expected cash is
refused with `DrawerShort` (cash in first, or a supervisor), and nothing is written.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import actors
from app.domain.errors import Conflict, NotFound, ValidationError
from app.domain.money import format_fen, split_proportionally
from app.domain.print_docs import RefundSlipDoc
from app.domain.refunds import RefundPolicy
from app.domain.timeline import iso_utc
from app.domain.venue import Venue
from app.services.journal import op_changes, outbox, print_queue
from app.services.journal.order_state import changed, lock_order
from app.services.refunds import refund_policy, refund_queue, refund_quotes, refund_requests
from app.services.shifts import shifts
from app.services.shifts.shifts import require_open_shift
from app.store.db import read_transaction
from app.store.models import Order, Refund, Ticket

CASH = "cash"
ROLE_ZH = {"supervisor": "主管", "finance": "财务", "admin": "管理员"}


class NeedsApproval(ValidationError):
    """The refund is outside what a window settles alone."""


class DrawerShort(ValidationError):
    """The drawer's expected cash cannot cover the refund."""


def check_drawer(expected_fen: int | None, amount_fen: int) -> None:
    """DrawerShort unless the drawer (the open shift's expected cash; None: no shift, which
    `require_open_shift` refuses) holds `amount_fen`."""
    if expected_fen is not None and amount_fen > expected_fen:
        raise DrawerShort(f"抽屉应有现金只有 {format_fen(expected_fen)}，不够付现 "
                          f"{format_fen(amount_fen)}：请先在交接班页存入现金，或请主管处理",
                          field="amount_fen")


@dataclass(frozen=True)
class PayoutCheck:
    """What the clerk confirms before an approved refund's cash leaves the drawer."""

    refund_no: str
    order_no: str
    amount_fen: int
    expected_fen: int  # the drawer's expected cash before the payout


@dataclass(frozen=True)
class WindowRefund:
    refund_no: str
    status: str
    amount_fen: int
    fee_fen: int
    payment_fee_fen: int
    op_id: str
    print_job_ids: tuple[str, ...]

    @property
    def changes(self) -> op_changes.OpChanges:
        """A cash refund settled at the window: order, stock, drawer, slip, op to push."""
        return op_changes.CASH_REFUND


def policy_of(venue: Venue) -> RefundPolicy:
    """The venue's zone and hours; the quotes fill in the stored holidays, fees and line."""
    return refund_policy.of_venue(venue)


def _op_payload(order: Order, refund: Refund, clerk: str, now: datetime) -> dict[str, Any]:
    """The `refund` sync op (read by `pushed.refunds.parse` on the store)."""
    return {"order_no": order.order_no, "order_id": order.order_id,
            "refund_id": refund.refund_id, "refund_no": refund.refund_no,
            "ticket_ids": list(refund.ticket_ids), "amount_fen": refund.amount_fen,
            "fee_fen": refund.fee_fen, "payment_fee_fen": refund.payment_fee_fen,
            "reason": refund.reason or "", "clerk": clerk, "created_at": iso_utc(now),
            "terminal": refund.paid_out_terminal}


def _slip(order: Order, refund: Refund, lines: list[dict[str, Any]], *, rule_text: str,
          fee_rate_bp: int, clerk: str, terminal: str, venue: Venue,
          now: datetime) -> dict[str, Any]:
    approvals = [f"{ROLE_ZH.get(a.get('as', ''), a.get('as', ''))} {a.get('by', '')}"
                 for a in refund.approvals or []]
    doc = RefundSlipDoc(
        venue.name, order.order_no, refund.refund_no, lines, rule_text, fee_rate_bp,
        refund.fee_fen, refund.payment_fee_fen, refund.amount_fen, refund.method, clerk,
        terminal, venue.local(now).strftime("%Y-%m-%d %H:%M:%S"), approvals=approvals,
        reason=refund.reason or "", kick_drawer=refund.method == CASH)
    return doc.to_dict()


def _finish(session: Session, order: Order, refund: Refund, slip: dict[str, Any], *,
            clerk: str, now: datetime) -> tuple[str, tuple[str, ...]]:
    refund.paid_out_terminal, refund.paid_out_at = slip["terminal"], now  # this drawer, now
    op = outbox.append(session, "refund", _op_payload(order, refund, clerk, now), now=now)
    jobs = print_queue.enqueue(session, [("refund_slip", slip)], order_no=order.order_no,
                               now=now)
    return op.op_id, jobs


def refund_cash(session: Session, order_no: str, ticket_ids: Sequence[str], reason: str, *,
                terminal: str, clerk: str, role: str, now: datetime, venue: Venue,
                override: Mapping[str, Any] | None = None) -> WindowRefund:
    """Refund `ticket_ids` of a cash order at this window (see the module docstring).
    Raises NeedsApproval, IllegalTransition (no open shift), Forbidden (another clerk's
    shift), and everything `refund_requests.request_refund` raises; nothing is written then."""
    policy = policy_of(venue)
    ids = list(ticket_ids)
    quoted = refund_quotes.quote(session, order_no, ids, now=now, policy=policy,
                                 override=override, role=role)
    if quoted.needs_approval:
        raise NeedsApproval("此退票需要审批：" + ("；".join(quoted.reasons) or "超出窗口退票规则")
                            + "。请提交审批，批准后在本窗口付现", field="approval")
    per = dict(quoted.tickets)
    out: dict[str, Any] = {}
    # read before the write: the window's database has one writer (no cash moves meanwhile)
    expected = shifts.expected_now(session, terminal, now=now)

    def finish(s: Session, refund: Refund) -> None:
        require_open_shift(s, terminal, clerk)
        check_drawer(expected, refund.amount_fen)
        if refund.status != "succeeded":
            raise NeedsApproval("此退票需要审批，请提交审批", field="approval")
        if refund.amount_fen != quoted.total_refund_fen:
            raise Conflict("报价已变化，请重新确认退票金额", field="quote")
        order = s.get(Order, refund.order_id)
        tickets = {t.ticket_id: t for t in s.execute(
            sa.select(Ticket).where(Ticket.ticket_id.in_(ids))).scalars()}
        lines = [{"name": tickets[i].name, "code": tickets[i].code,
                  "paid_fen": tickets[i].price_fen, "fee_fen": per[i].fee_fen,
                  "refund_fen": per[i].refund_fen} for i in ids]
        rules = list(dict.fromkeys(per[i].message for i in ids))
        slip = _slip(order, refund, lines, rule_text="；".join(rules),
                     fee_rate_bp=max(per[i].fee_bp for i in ids), clerk=clerk,
                     terminal=terminal, venue=venue, now=now)
        out["op_id"], out["jobs"] = _finish(s, order, refund, slip, clerk=clerk, now=now)

    done = refund_requests.request_refund(
        session, order_no, ids, CASH, reason, actor=clerk, role=role, now=now,
        today=venue.local_date(now), override=override, policy=policy, before_commit=finish)
    return WindowRefund(done.refund_no, done.status, done.amount_fen, done.fee_fen,
                        done.payment_fee_fen, out["op_id"], out["jobs"])


def _payable(session: Session, refund: Refund, terminal: str) -> None:
    """Conflict unless the approved cash `refund` is this window's to pay out now."""
    if refund.status != "approved" or refund.method != CASH:
        raise Conflict(f"退款 {refund.refund_no} 当前不能付现（{refund.status}）", field="status")
    if _paid_here(session, refund.refund_id):
        raise Conflict(f"退款 {refund.refund_no} 已在本窗口付现（等待上传中心）", field="status")
    where = (refund.override or {}).get("payout_terminal")
    if where and where != terminal:
        raise Conflict(f"退款 {refund.refund_no} 由 {where} 号窗口申请，请在该窗口付现",
                       field="terminal")


def _paid_here(session: Session, refund_id: str) -> bool:
    """Paid out here, its op not in the store yet (a stale copy may still say approved)."""
    return any(kind == "refund" and p.get("refund_id") == refund_id
               for kind, p in outbox.unsent(session))


def _refund(session: Session, refund_no: str) -> Refund:
    refund = session.execute(sa.select(Refund).where(Refund.refund_no == refund_no)
                             .execution_options(populate_existing=True)).scalar()
    if refund is None:
        raise NotFound(f"没有找到退款 {refund_no[:80]}")
    return refund


def check_payout(session: Session, refund_no: str, *, terminal: str, clerk: str,
                 now: datetime) -> PayoutCheck:
    """What `pay_out` would hand over, read without writing: the amount and the drawer's
    expected cash. Raises what `pay_out` raises (DrawerShort, Conflict, no open shift)."""
    expected = shifts.expected_now(session, terminal, now=now)
    with read_transaction(session):
        refund = _refund(session, refund_no)
        _payable(session, refund, terminal)
        require_open_shift(session, terminal, clerk)
        check_drawer(expected, refund.amount_fen)
        order_no = session.execute(sa.select(Order.order_no)
                                   .where(Order.order_id == refund.order_id)).scalar_one()
    return PayoutCheck(refund.refund_no, order_no, refund.amount_fen, expected or 0)


def payouts_waiting(session: Session, terminal: str) -> list[dict[str, Any]]:
    """The approved cash refunds this window asked for and has not paid out yet, oldest
    first (`refund_queue.refund_json`): what its clerk is told about."""
    waiting = refund_queue.list_refunds(session, status="approved", terminal=terminal)
    with read_transaction(session):
        return [r for r in waiting if r["method"] == CASH
                and not _paid_here(session, r["refund_id"])]


def pay_out(session: Session, refund_no: str, *, terminal: str, clerk: str, now: datetime,
            venue: Venue) -> WindowRefund:
    """Hand over the cash of a refund the approvers let through (`approved`, asked at this
    window): it succeeds here, the `refund` op carries it to the store, the slip lists the
    approvals and opens the drawer. NotFound, Conflict (not approved, another window's),
    DrawerShort (the drawer cannot cover it); nothing is written then."""
    expected = shifts.expected_now(session, terminal, now=now)  # one writer: see refund_cash
    with session.begin():
        order_id = session.execute(sa.select(Refund.order_id)
                                   .where(Refund.refund_no == refund_no)).scalar()
        if order_id is None:
            raise NotFound(f"没有找到退款 {refund_no[:80]}")
        order = lock_order(session, order_id=order_id)
        refund = _refund(session, refund_no)
        _payable(session, refund, terminal)
        require_open_shift(session, terminal, clerk)
        check_drawer(expected, refund.amount_fen)
        rows = {t.ticket_id: t for t in session.execute(
            sa.select(Ticket).where(Ticket.ticket_id.in_(list(refund.ticket_ids)))).scalars()}
        tickets = [rows[i] for i in refund.ticket_ids]
        prices = [t.price_fen for t in tickets]
        # the refund's fee and amount over its tickets by what was paid for each
        fees = split_proportionally(refund.fee_fen + refund.payment_fee_fen, prices)
        backs = split_proportionally(refund.amount_fen, prices)
        lines = [{"name": t.name, "code": t.code, "paid_fen": t.price_fen, "fee_fen": f,
                  "refund_fen": b} for t, f, b in zip(tickets, fees, backs, strict=True)]
        refund_requests.complete(session, order, refund, actor=actors.user(clerk), now=now,
                                 today=venue.local_date(now), source="window",
                                 extra={"paid_out_by": clerk, "terminal": terminal})
        ov = refund.override or {}
        slip = _slip(order, refund, lines,
                     rule_text=f"经审批退票：{ov.get('reason') or refund.reason or ''}",
                     fee_rate_bp=int(ov.get("fee_bp", 0) or 0), clerk=clerk,
                     terminal=terminal, venue=venue, now=now)
        op_id, jobs = _finish(session, order, refund, slip, clerk=clerk, now=now)
        changed(session, order, now=now)
        return WindowRefund(refund.refund_no, refund.status, refund.amount_fen, refund.fee_fen,
                            refund.payment_fee_fen, op_id, jobs)

"""Refunds (DESIGN.md §8): a live quote, a request with an Idempotency-Key, the approvals list,
an approval or a rejection."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from app.domain.errors import Forbidden
from app.services.journal import read_scope
from app.services.keyed import keyed_requests
from app.services.refunds import refund_policy, refund_queue, refund_quotes, refund_requests

from ..deps import AtVenue, Db, Now, Staff, require
from ..fields import code_path, text
from ..tokens import Principal
from .orders import IdemKey, answer, scope_of

router = APIRouter()

OrderNo = code_path(64)
RefundNo = code_path(80)
Approver = Annotated[Principal, Depends(require(*refund_requests.APPROVERS))]
TicketIds = Annotated[list[text(36)], Field(min_length=1, max_length=200)]


class QuoteBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket_ids: TicketIds


class OverrideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fee_bp: Annotated[int, Field(strict=True)]  # range checked by the service, in Chinese
    reason: text(200) = ""
    evidence_no: text(64) = ""


class RefundBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket_ids: TicketIds
    method: text(16)
    reason: text(200)
    override: OverrideIn | None = None


class ApproveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RejectBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: text(200)


@router.post("/orders/{order_no}/refund-quote")
def refund_quote(order_no: OrderNo, body: QuoteBody, user: Staff, s: Db, now: Now,
                 venue: AtVenue) -> dict[str, Any]:
    """What refunding these tickets would pay back, by rule (nothing written); a clerk asks
    only of his window's orders."""
    read_scope.check_order(s, scope_of(user), order_no, refused=read_scope.REFUND_REFUSED)
    q = refund_quotes.quote(s, order_no, body.ticket_ids, now=now,
                            policy=refund_policy.of_venue(venue))
    return {"tickets": [{"ticket_id": tid, "refundable": tq.refundable,
                         "needs_approval": tq.needs_approval, "rule": tq.rule,
                         "fee_bp": tq.fee_bp, "fee_fen": tq.fee_fen,
                         "payment_fee_fen": tq.payment_fee_fen, "refund_fen": tq.refund_fen,
                         "message": tq.message} for tid, tq in q.tickets],
            "total_refund_fen": q.total_refund_fen, "needs_approval": q.needs_approval,
            "approvals_required": len(q.approvals_required),
            "approval_roles": list(q.approvals_required), "reasons": list(q.reasons)}


@router.post("/orders/{order_no}/refunds", status_code=201)
def request_refund(order_no: OrderNo, body: RefundBody, user: Staff, s: Db, now: Now,
                   venue: AtVenue, idempotency_key: IdemKey = None) -> JSONResponse:
    """Request a refund; the same key with the same body answers the same refund again.
    Nobody refunds an order they may not read (a clerk: his window's orders only)."""
    key = keyed_requests.check_key(idempotency_key)
    ask = keyed_requests.RefundAsk(
        order_no, body.ticket_ids, body.method, body.reason,
        body.override.model_dump() if body.override else None, body.model_dump(mode="json"))
    return answer(keyed_requests.request_refund(
        s, ask, username=user.username, role=user.role, terminal=user.terminal, key=key,
        now=now, today=venue.local_date(now), policy=refund_policy.of_venue(venue),
        scope=scope_of(user)))


@router.post("/refunds/{refund_no}/approve")
def approve_refund(refund_no: RefundNo, user: Approver, s: Db, now: Now, venue: AtVenue,
                   body: ApproveBody | None = None) -> dict[str, Any]:
    """Approve a waiting refund (supervisor, finance; never one's own, never twice)."""
    return refund_requests.approve(s, refund_no, approver=user.username, role=user.role,
                                   now=now, today=venue.local_date(now)).to_dict()


@router.get("/refunds")
def list_refunds(user: Staff, s: Db,
                 status: Annotated[str, Query(pattern="^(" + "|".join(refund_queue.STATUSES)
                                              + ")$")] = "awaiting_approval",
                 limit: Annotated[int, Query(ge=1, le=500)] = 200) -> dict[str, Any]:
    """Refunds in a status, oldest first: approvers see them all; a window clerk sees only the
    approved cash refunds of his window's orders that his window is to pay out."""
    if user.role in refund_requests.APPROVERS:
        return {"refunds": refund_queue.list_refunds(s, status=status, limit=limit)}
    if status != "approved" or not user.terminal:
        raise Forbidden("只有主管或财务可以查看待审批退款")
    return {"refunds": refund_queue.list_refunds(s, status=status, terminal=user.terminal,
                                                 limit=limit, own_orders=True)}


@router.post("/refunds/{refund_no}/reject")
def reject_refund(refund_no: RefundNo, body: RejectBody, user: Approver, s: Db,
                  now: Now) -> dict[str, Any]:
    """Turn a waiting refund down with a reason; its tickets are valid again."""
    return refund_requests.reject(s, refund_no, approver=user.username, role=user.role,
                                  reason=body.reason, now=now).to_dict()

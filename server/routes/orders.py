"""Orders: window sales with an Idempotency-Key, the order search, one order, its verified
timeline."""

import uuid
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from app.domain import actors
from app.domain.errors import Forbidden, ValidationError
from app.domain.money import MAX_FEN
from app.services.journal import orders, read_scope
from app.services.keyed import keyed_requests
from app.services.lookup import search, summary
from app.services.sales import order_cancel, selling

from ..deps import SUPERVISORS, AtVenue, Db, Now, Staff, require
from ..fields import NO_NUL, code_path, text
from ..tokens import Principal

router = APIRouter()

Fen = Annotated[int, Field(strict=True, ge=0, le=MAX_FEN)]
OrderNo = code_path(64)
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key")]


class Line(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket_type: text(32)
    qty: Annotated[int, Field(strict=True)]  # range checked by the sale, in Chinese


class Customer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: text(64) | None = None
    phone: text(32) | None = None
    id_no: text(32) | None = None


class PaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: text(16)
    amount_fen: Fen
    tendered_fen: Fen | None = None


class OrderBody(BaseModel):
    """DESIGN.md §8 POST /orders."""

    model_config = ConfigDict(extra="forbid")

    order_id: Annotated[uuid.UUID | None, Field(strict=False)] = None
    channel: text(16)
    visit_date: date
    lines: Annotated[list[Line], Field(min_length=1, max_length=50)]
    customer: Customer | None = None
    payment: PaymentIn


def _sale(user: Principal, body: OrderBody) -> Callable[[str], selling.SaleRequest]:
    """The sale the body asks for, checked only when the key is new (a replay answers)."""

    def make(order_id: str) -> selling.SaleRequest:
        if body.channel != selling.CHANNEL:
            raise ValidationError("本接口只受理窗口订单（channel 为 window）", field="channel")
        if not user.terminal:
            raise ValidationError("登录时未指定售票窗口（terminal），不能售票", field="terminal")
        pay, c = body.payment, body.customer
        return selling.SaleRequest(
            terminal=user.terminal, clerk=user.username, device_id=user.device_id or "",
            visit_date=body.visit_date,
            lines=tuple(selling.SaleLine(ln.ticket_type, ln.qty) for ln in body.lines),
            tendered_fen=pay.amount_fen if pay.tendered_fen is None else pay.tendered_fen,
            payment_method=pay.method, order_id=order_id,
            customer=None if c is None else selling.Customer(c.name, c.phone, c.id_no))

    return make


def answer(done: keyed_requests.Answer) -> JSONResponse:
    """201 with the answer; a replay says so in `Idempotent-Replayed`."""
    headers = {"Idempotent-Replayed": "true"} if done.replayed else None
    return JSONResponse(done.body, status_code=201, headers=headers)


@router.post("/orders", status_code=201)
def create_order(body: OrderBody, user: Staff, s: Db, now: Now, venue: AtVenue,
                 idempotency_key: IdemKey = None) -> JSONResponse:
    """A window sale (cash or other methods) through the same `sell` as the client.
    The same key with the same body answers the same order again; with another body 422
    `idempotency_key_reused`."""
    return answer(keyed_requests.sell(
        s, _sale(user, body), username=user.username,
        key=keyed_requests.check_key(idempotency_key), body=body.model_dump(mode="json"),
        order_id=str(body.order_id) if body.order_id else None,
        amount_fen=body.payment.amount_fen, now=now, venue=venue))


SearchText = Annotated[str | None, Query(max_length=search.MAX_TEXT, pattern=NO_NUL)]
# several values, comma-separated: `channel=ota_meituan,ota_ctrip&status=paid,anomaly`
ListText = Annotated[str | None, Query(max_length=200, pattern=NO_NUL)]


def order_params(channel: ListText = None, status: ListText = None,
                 ticket_type: SearchText = None, visit_from: SearchText = None,
                 visit_to: SearchText = None, created_from: SearchText = None,
                 created_to: SearchText = None, q: SearchText = None,
                 anomaly: SearchText = None) -> dict[str, str | None]:
    """The `GET /orders*` filter text as the request gave it (`channel` and `status` take
    several values, comma-separated: any of them)."""
    return {"channel": channel, "status": status, "ticket_type": ticket_type,
            "visit_from": visit_from, "visit_to": visit_to, "created_from": created_from,
            "created_to": created_to, "q": q, "anomaly": anomaly}


Params = Annotated[dict[str, str | None], Depends(order_params)]


def order_filters(user: Staff, venue: AtVenue, params: Params) -> search.OrderFilters:
    """The `GET /orders*` filters within what the caller may read: supervisor+ every order,
    a clerk only his window's (his own sales without one)."""
    clerk_only = user.role not in SUPERVISORS
    return search.filters_from_params(
        params, venue=venue, terminal=user.terminal if clerk_only else None,
        clerk=user.username if clerk_only else None)


Filters = Annotated[search.OrderFilters, Depends(order_filters)]


@router.get("/orders")
def search_orders(filters: Filters, s: Db, venue: AtVenue,
                  limit: Annotated[int, Query(ge=1, le=200)] = search.DEFAULT_LIMIT,
                  cursor: Annotated[str | None, Query(max_length=200, pattern=NO_NUL)] = None,
                  ) -> dict[str, Any]:
    """Orders newest first, one page at a time (`next_cursor` is null on the last page)."""
    found, next_cursor = search.search_orders(s, filters, limit=limit, cursor=cursor or None,
                                              venue=venue)
    return {"orders": found, "next_cursor": next_cursor}


@router.get("/orders/summary")
def summarize_orders(filters: Filters, s: Db, venue: AtVenue) -> dict[str, Any]:
    """`{orders, amount_fen}` of every order the same filters find for the same reader (the
    whole result, not a page). Registered before `/orders/{order_no}`."""
    return summary.summarize_orders(s, filters, venue=venue)


def scope_of(user: Principal) -> read_scope.Scope:
    """What the caller may read (DESIGN.md §14): from its token, never from the request."""
    return read_scope.Scope(user.role, user.terminal, user.username)


@router.get("/orders/{order_no}")
def get_order(order_no: OrderNo, user: Staff, s: Db, now: Now,
              reveal: Annotated[bool, Query()] = False) -> dict[str, Any]:
    """One order, personal data masked; a clerk sees his own window's only (403 for any
    other). `reveal=1` (supervisor+ only) adds the full phone and ID number and logs
    `customer.revealed` with the user in the order's timeline."""
    if not reveal:
        read_scope.check_order(s, scope_of(user), order_no)
        return orders.get_order(s, order_no)
    if user.role not in SUPERVISORS:
        raise Forbidden("只有值班主管、财务或管理员可以查看完整的客户信息")
    return orders.reveal_customer(s, order_no, actor=actors.user(user.username), now=now)


@router.get("/orders/{order_no}/timeline")
def get_timeline(order_no: OrderNo, user: Staff, s: Db) -> dict[str, Any]:
    """The order's events and whether their hash chain verifies (same readers as the order)."""
    read_scope.check_order(s, scope_of(user), order_no)
    events, verified = orders.timeline(s, order_no)
    return {"events": events, "verified": verified}


class CancelBody(BaseModel):
    """POST /orders/{order_no}/cancel."""

    model_config = ConfigDict(extra="forbid")

    reason: text(order_cancel.REASON_MAX) | None = None


Supervisor = Annotated[Principal, Depends(require(*SUPERVISORS))]


@router.post("/orders/{order_no}/cancel")
def cancel_order(order_no: OrderNo, user: Supervisor, s: Db, now: Now,
                 idempotency_key: IdemKey = None, body: CancelBody | None = None,
                 ) -> JSONResponse:
    """Cancel an unpaid (`pending_payment`) order, supervisor+: its tickets void, its units
    back, `order.cancelled` on its timeline → the order. 409 `conflict` for any other
    status; the same Idempotency-Key answers the same order again (`Idempotent-Replayed`)."""
    reason = (body.reason or "").strip() if body is not None else ""
    done = order_cancel.cancel_unpaid(s, order_no, username=user.username,
                                      key=keyed_requests.check_key(idempotency_key),
                                      reason=reason or None, now=now)
    headers = {"Idempotent-Replayed": "true"} if done.replayed else None
    return JSONResponse(done.order, headers=headers)

"""Signed orders from sales channels: POST /channels/{channel}/orders (DESIGN.md §8)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from app.domain.money import MAX_FEN
from app.services.journal import orders
from app.services.sales import channels

from ..deps import AtVenue, Db, Now
from ..fields import code_path, text
from ..webhooks import signed_body

router = APIRouter()

Fen = Annotated[int, Field(strict=True, ge=0, le=MAX_FEN)]


class Line(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket_type: text(32)
    qty: Annotated[int, Field(strict=True)]  # range checked by the service, in Chinese


class Customer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: text(64) | None = None
    phone: text(32) | None = None
    id_no: text(32) | None = None


class StartedPayment(BaseModel):
    """The provider transaction the channel opened for an unpaid order (visitor paying)."""

    model_config = ConfigDict(extra="forbid")

    provider: text(16)
    provider_txn_id: text(64, min_length=1)


class ChannelOrderBody(BaseModel):
    """DESIGN.md §8 POST /channels/{channel}/orders (+ optional `payment` for `paying`)."""

    model_config = ConfigDict(extra="forbid")

    external_id: text(48, min_length=1)
    visit_date: date
    lines: Annotated[list[Line], Field(min_length=1, max_length=50)]
    customer: Customer | None = None
    amount_fen: Fen
    paid: Annotated[bool, Field(strict=True)]
    payment: StartedPayment | None = None


# verified with the channel's own secret, else the shared one
SignedOrder = Annotated[ChannelOrderBody,
                        Depends(signed_body(ChannelOrderBody, sender="channel"))]


def _request(channel: str, body: ChannelOrderBody) -> channels.ChannelOrder:
    c = body.customer
    return channels.ChannelOrder(
        channel=channel, external_id=body.external_id, visit_date=body.visit_date,
        lines=tuple(channels.ChannelLine(ln.ticket_type, ln.qty) for ln in body.lines),
        amount_fen=body.amount_fen, paid=body.paid,
        customer=None if c is None else channels.Customer(c.name, c.phone, c.id_no),
        payment=None if body.payment is None else channels.PaymentStart(
            body.payment.provider, body.payment.provider_txn_id))


@router.post("/channels/{channel}/orders", status_code=201)
def channel_order(channel: code_path(32), s: Db, now: Now, venue: AtVenue,
                  body: SignedOrder
                  ) -> JSONResponse:
    """A channel's order, signed. New → 201 with the order; the same external_id and body
    again → 200 with the same order (nothing written); another body → 422
    `idempotency_key_reused`; not enough units → 409 `sold_out`."""
    taken = channels.take_order(s, _request(channel, body), now=now, venue=venue)
    headers = None if taken.created else {"Idempotent-Replayed": "true"}
    return JSONResponse(orders.get_order(s, taken.order_no),
                        status_code=201 if taken.created else 200, headers=headers)

"""Gate redemptions: POST /redemptions (DESIGN.md §8), online scans and offline uploads, by
the device the caller signed in at (DESIGN.md §14)."""

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict

from app.domain.errors import Forbidden
from app.services.admissions import redemptions

from ..deps import STAFF, AtVenue, Db, Now, require
from ..fields import Instant, text
from ..tokens import Principal

router = APIRouter()

GateOrStaff = Annotated[Principal, Depends(require("gate", *STAFF))]


class RedemptionBody(BaseModel):
    """DESIGN.md §8 POST /redemptions."""

    model_config = ConfigDict(extra="forbid")

    nonce: text(128, min_length=1)
    ticket_code: text(64, min_length=1)
    device_id: text(64, min_length=1) | None = None  # if given, the token's own device
    at: Instant
    result: Literal["ok", "failed"] | None = None
    reason: text(200) | None = None


@router.post("/redemptions")
def redeem(body: RedemptionBody, user: GateOrStaff, s: Db, now: Now,
           venue: AtVenue) -> dict[str, Any]:
    """Judge a scan: `{outcome, order_no, ticket, reason}` with outcome valid | duplicate |
    refunded | invalid | failed (an unknown code is `invalid`, not a 404). Idempotent on
    `nonce`: the same scan again answers the stored result. 403 for a caller signed in at
    no device or a body naming another device; 422 for a scan time out of bounds."""
    if user.device_id is None:
        raise Forbidden("核销需要在登记过的设备上登录")
    if body.device_id is not None and body.device_id != user.device_id:
        raise Forbidden(f"只能以登录所用的设备（{user.device_id}）核销")
    result = redemptions.redeem(s, redemptions.RedeemRequest(
        nonce=body.nonce, ticket_code=body.ticket_code, device_id=user.device_id, at=body.at,
        result=body.result, reason=body.reason), now=now, venue=venue)
    answer = asdict(result)
    del answer["anomaly_id"]
    return answer

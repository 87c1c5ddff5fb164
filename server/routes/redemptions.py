"""Gate redemptions: POST /redemptions (DESIGN.md §8), online scans and offline uploads."""

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict

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
    device_id: text(64, min_length=1)
    at: Instant
    result: Literal["ok", "failed"] | None = None
    reason: text(200) | None = None


@router.post("/redemptions")
def redeem(body: RedemptionBody, _: GateOrStaff, s: Db, now: Now,
           venue: AtVenue) -> dict[str, Any]:
    """Judge a scan: `{outcome, order_no, ticket, reason}` with outcome valid | duplicate |
    refunded | invalid | failed (an unknown code is `invalid`, not a 404). Idempotent on
    `nonce`: the same scan again answers the stored result."""
    result = redemptions.redeem(s, redemptions.RedeemRequest(
        nonce=body.nonce, ticket_code=body.ticket_code, device_id=body.device_id, at=body.at,
        result=body.result, reason=body.reason), now=now, venue=venue)
    answer = asdict(result)
    del answer["anomaly_id"]
    return answer

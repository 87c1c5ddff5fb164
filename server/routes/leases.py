"""Leases (DESIGN.md §4, §8): units held for one device to sell offline."""

from datetime import date as Date
from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from app.domain.errors import ValidationError
from app.domain.timeline import iso_utc
from app.services.stock import leases
from app.services.stock.leases import LeaseInfo

from ..deps import SUPERVISORS, AtVenue, Db, Now, Staff
from ..fields import code_path, text

router = APIRouter()


class LeaseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket_type: text(32, min_length=1)
    visit_date: Date
    qty: Annotated[int, Field(strict=True, ge=1, le=leases.MAX_LEASE_QTY)]


def lease_json(lease: LeaseInfo) -> dict[str, Any]:
    return {"lease_id": lease.lease_id, "device_id": lease.device_id,
            "ticket_type": lease.ticket_type, "visit_date": lease.visit_date.isoformat(),
            "granted": lease.granted, "used": lease.used, "status": lease.status,
            "expires_at": iso_utc(lease.expires_at)}


@router.post("/leases")
def grant(body: LeaseBody, user: Staff, s: Db, now: Now, venue: AtVenue,
          request: Request) -> dict[str, Any]:
    """Hold units for the caller's device (tops up and renews its active lease of that type
    and day), cut to the store's per-device cap (`LeasePolicy`)."""
    if not user.device_id:
        raise ValidationError("预留需要登录时提供设备编号", field="device_id")
    return lease_json(leases.grant(s, device_id=user.device_id, ticket_type=body.ticket_type,
                                   visit_date=body.visit_date, qty=body.qty, now=now,
                                   venue=venue, policy=request.app.state.lease_policy))


@router.post("/leases/{lease_id}/return")
def give_back(lease_id: code_path(36), user: Staff, s: Db, now: Now) -> dict[str, Any]:
    """Release the unused units; a supervisor may return any device's lease."""
    device = None if user.role in SUPERVISORS else (user.device_id or "")
    return lease_json(leases.return_lease(s, lease_id, device_id=device, now=now))

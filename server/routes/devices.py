"""Gates and window terminals: GET /devices (supervisor+), POST /devices (admin registers one:
its secret is shown once), PUT /devices/{id} (admin: location, active), POST
/devices/{id}/heartbeat (the device itself, with a token issued there)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from app.domain import actors
from app.domain.errors import Forbidden
from app.services.admin import devices

from ..deps import STAFF, SUPERVISORS, Admin, Db, Now, require
from ..fields import code_path, text
from ..tokens import Principal

router = APIRouter()

# A device id also names a path (/devices/{id}): letters, digits, `.`, `_` and `-`.
DeviceId = Annotated[str, Field(strict=True, min_length=1, max_length=64,
                                pattern=r"^[A-Za-z0-9._-]+$")]
GateOrStaff = Annotated[Principal, Depends(require("gate", *STAFF))]
Supervisor = Annotated[Principal, Depends(require(*SUPERVISORS))]


class HeartbeatBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    location: text(64) | None = None
    status: Literal["online", "fault", "maintenance"] | None = None


class NewDeviceBody(BaseModel):
    """DESIGN.md §14 POST /devices."""

    model_config = ConfigDict(extra="forbid")

    device_id: DeviceId
    kind: Literal["window", "gate", "office"]
    terminal: text(8) | None = None  # windows only
    location: text(64) | None = None


class DeviceChange(BaseModel):
    """PUT /devices/{id}: where it stands and whether it is in service, nothing else."""

    model_config = ConfigDict(extra="forbid")

    location: text(64) | None = None
    active: bool | None = None


@router.get("/devices")
def list_devices(_: Supervisor, s: Db, now: Now,
                 kind: Annotated[Literal["window", "gate", "office", "server"] | None,
                                 Query()] = None) -> dict[str, Any]:
    """Every device with its location and status (`offline` when not heard from for 2 min)."""
    return {"devices": [d.to_dict() for d in devices.list_devices(s, now=now, kind=kind)],
            "offline_after_s": int(devices.OFFLINE_AFTER.total_seconds())}


@router.post("/devices/{device_id}/heartbeat")
def heartbeat(device_id: code_path(64), user: GateOrStaff, s: Db, now: Now,
              body: Annotated[HeartbeatBody | None, Body()] = None) -> dict[str, Any]:
    """A device says it is alive; only for the device the token was issued to."""
    if user.device_id != device_id:
        raise Forbidden("只能为登录所用的设备上报心跳")
    body = body or HeartbeatBody()
    return devices.heartbeat(s, device_id, now=now, user=user.username,
                             location=body.location, status=body.status).to_dict()


@router.post("/devices", status_code=201)
def register(body: NewDeviceBody, admin: Admin, s: Db, now: Now) -> dict[str, Any]:
    """Register a device: `{device_id, device_secret, device}`; the secret is shown this
    once (the store keeps only its SHA-256). 409 when the device is registered already."""
    done = devices.register(s, body.device_id, kind=body.kind, location=body.location,
                            terminal=body.terminal, now=now,
                            actor=actors.user(admin.username))
    return {"device_id": done.device.device_id, "device_secret": done.device_secret,
            "device": done.device.to_dict()}


@router.put("/devices/{device_id}")
def change(device_id: code_path(64), body: DeviceChange, admin: Admin, s: Db,
           now: Now) -> dict[str, Any]:
    """Move a device or take it out of (or back into) service; never its kind, window or
    secret. Fields left out stay as they are."""
    return devices.update(s, device_id, now=now, actor=actors.user(admin.username),
                          **body.model_dump(exclude_unset=True)).to_dict()

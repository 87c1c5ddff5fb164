"""Gates and window terminals: GET /devices (supervisor+), POST /devices/{id}/heartbeat (the
device itself: gate, clerk+), PUT /devices/{id} (admin names it: kind, location)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, ConfigDict

from app.domain.errors import Forbidden
from app.services.admin import devices

from ..deps import STAFF, SUPERVISORS, Admin, Db, Now, require
from ..fields import code_path, text
from ..tokens import Principal

router = APIRouter()

GateOrStaff = Annotated[Principal, Depends(require("gate", *STAFF))]
Supervisor = Annotated[Principal, Depends(require(*SUPERVISORS))]


class HeartbeatBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    location: text(64) | None = None
    status: Literal["online", "fault", "maintenance"] | None = None


class DeviceBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["window", "gate", "server"]
    location: text(64) | None = None
    terminal: text(8) | None = None


@router.get("/devices")
def list_devices(_: Supervisor, s: Db, now: Now,
                 kind: Annotated[Literal["window", "gate", "server"] | None,
                                 Query()] = None) -> dict[str, Any]:
    """Every device with its location and status (`offline` when not heard from for 2 min)."""
    return {"devices": [d.to_dict() for d in devices.list_devices(s, now=now, kind=kind)],
            "offline_after_s": int(devices.OFFLINE_AFTER.total_seconds())}


@router.post("/devices/{device_id}/heartbeat")
def heartbeat(device_id: code_path(64), user: GateOrStaff, s: Db, now: Now,
              body: Annotated[HeartbeatBody | None, Body()] = None) -> dict[str, Any]:
    """A device says it is alive; only for the device the token was issued to."""
    if user.device_id and user.device_id != device_id:
        raise Forbidden("只能为登录所用的设备上报心跳")
    body = body or HeartbeatBody()
    return devices.heartbeat(s, device_id, now=now, user=user.username,
                             kind="gate" if user.role == "gate" else None,
                             location=body.location, status=body.status).to_dict()


@router.put("/devices/{device_id}")
def register(device_id: code_path(64), body: DeviceBody, _: Admin, s: Db,
             now: Now) -> dict[str, Any]:
    """Name a device (made if it never called yet): kind, location, window number."""
    return devices.register(s, device_id, kind=body.kind, location=body.location,
                            terminal=body.terminal, now=now).to_dict()

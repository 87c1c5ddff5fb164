"""Gates and window terminals as a supervisor sees them: where each one stands (南门闸机1号),
what it last reported and whether it is still alive, so a device fault can be told from an
order fault.

A device is alive while it was heard from (a heartbeat, a sign-in, a scan) within
`OFFLINE_AFTER` (2 minutes: gates beat every 30 s, windows sync at least that often); its
`status` is then what it last reported (`online`, `fault`, `maintenance`), else `offline`.
Rows are created on first contact (sign-in, heartbeat, scan) or by an admin ahead of time;
nothing is deleted."""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.errors import NotFound, ValidationError
from app.domain.timeline import iso_utc
from app.store.db import read_transaction
from app.store.models import Device

OFFLINE_AFTER = timedelta(minutes=2)
KINDS = ("window", "gate", "server")
KIND_LABELS_ZH = {"window": "售票窗口", "gate": "闸机", "server": "服务器"}
REPORTED = ("online", "fault", "maintenance")
STATUS_LABELS_ZH = {"online": "在线", "fault": "故障", "maintenance": "维护中",
                    "offline": "离线"}
MAX_LOCATION = 64


@dataclass(frozen=True)
class DeviceInfo:
    device_id: str
    kind: str
    location: str | None
    label: str  # 南门闸机1号（G-S01）, or the id alone
    terminal: str | None
    status: str  # online | fault | maintenance | offline (heard from too long ago)
    reported_status: str  # what the device last said
    last_heartbeat_at: datetime | None
    last_seen_at: datetime | None
    last_user: str | None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for k in ("last_heartbeat_at", "last_seen_at"):
            out[k] = iso_utc(out[k]) if out[k] else None
        return out


def label_of(device_id: str, location: str | None) -> str:
    """How a reason names a device: `南门闸机1号（G-S01）`, or the bare id."""
    return f"{location}（{device_id}）" if location else device_id


def _heard(d: Device) -> datetime | None:
    times = [t for t in (d.last_heartbeat_at, d.last_seen_at) if t is not None]
    return max(times) if times else None


def info(d: Device, now: datetime) -> DeviceInfo:
    heard = _heard(d)
    alive = heard is not None and now - heard <= OFFLINE_AFTER
    return DeviceInfo(d.device_id, d.kind, d.location, label_of(d.device_id, d.location),
                      d.terminal, d.status if alive else "offline", d.status,
                      d.last_heartbeat_at, d.last_seen_at, d.last_user)


def _check_id(device_id: str) -> str:
    device_id = (device_id or "").strip()
    if not 1 <= len(device_id) <= 64:
        raise ValidationError("设备编号应为 1–64 个字符", field="device_id")
    return device_id


def _check_location(location: str | None) -> str | None:
    if location is None:
        return None
    location = location.strip()
    if len(location) > MAX_LOCATION:
        raise ValidationError(f"设备位置最多 {MAX_LOCATION} 个字", field="location")
    return location or None


def seen(session: Session, device_id: str, *, now: datetime, kind: str | None = None,
         user: str | None = None, new_kind: str = "window") -> Device:
    """Inside the caller's transaction: the device row (made on first contact, of `kind`,
    else `new_kind`), stamped as heard from now. `kind` given also corrects the kind."""
    device = session.get(Device, device_id)
    if device is None:
        device = Device(device_id=device_id, kind=kind or new_kind, created_at=now,
                        status="online")
        session.add(device)
    elif kind is not None:
        device.kind = kind
    device.last_seen_at = now
    if user is not None:
        device.last_user = user
    return device


def location_of(session: Session, device_id: str | None) -> str | None:
    """The device's location, if it is known (inside the caller's transaction)."""
    if not device_id:
        return None
    return session.execute(sa.select(Device.location)
                           .where(Device.device_id == device_id)).scalar()


def heartbeat(session: Session, device_id: str, *, now: datetime, kind: str | None = None,
              user: str | None = None, location: str | None = None,
              status: str | None = None) -> DeviceInfo:
    """A device says it is alive (and optionally where it is and how it is: `online`,
    `fault`, `maintenance`). ValidationError for a bad id, location or status."""
    device_id, location = _check_id(device_id), _check_location(location)
    if status is not None and status not in REPORTED:
        raise ValidationError("设备状态应为 online、fault 或 maintenance", field="status")
    with session.begin():
        device = seen(session, device_id, now=now, kind=kind, user=user)
        device.last_heartbeat_at = now
        if location is not None:
            device.location = location
        device.status = status or "online"
        session.flush()
        return info(device, now)


def register(session: Session, device_id: str, *, kind: str, location: str | None,
             now: datetime, terminal: str | None = None) -> DeviceInfo:
    """An admin names a device (before or after it first calls): kind and location; the
    terminal (window number) when given. ValidationError for a bad kind, id or location."""
    device_id, location = _check_id(device_id), _check_location(location)
    if kind not in KINDS:
        raise ValidationError("设备类型应为 window（售票窗口）或 gate（闸机）", field="kind")
    with session.begin():
        device = session.get(Device, device_id)
        if device is None:
            device = Device(device_id=device_id, kind=kind, created_at=now, status="online")
            session.add(device)
        device.kind, device.location = kind, location
        if terminal is not None:
            device.terminal = terminal.strip()[:8] or None
        session.flush()
        return info(device, now)


def get_device(session: Session, device_id: str, *, now: datetime) -> DeviceInfo:
    with read_transaction(session):
        device = session.get(Device, device_id)
        if device is None:
            raise NotFound(f"没有这台设备：{device_id[:64]}")
        return info(device, now)


def list_devices(session: Session, *, now: datetime, kind: str | None = None
                 ) -> list[DeviceInfo]:
    """Every device (or those of `kind`), gates first, then by location and id."""
    with read_transaction(session):
        q = sa.select(Device)
        if kind is not None:
            q = q.where(Device.kind == kind)
        rows = list(session.execute(q).scalars())
    order = {k: i for i, k in enumerate(("gate", "window", "server"))}
    rows.sort(key=lambda d: (order.get(d.kind, 9), d.location or "\uffff", d.device_id))
    return [info(d, now) for d in rows]

"""Gates and window terminals as a supervisor sees them: where each one stands (南门闸机1号),
what it last reported and whether it is still alive, so a device fault can be told from an
order fault.

A device is alive while it was heard from (a heartbeat, a sign-in, a scan) within
`OFFLINE_AFTER` (2 minutes: gates beat every 30 s, windows sync at least that often); its
`status` is then what it last reported (`online`, `fault`, `maintenance`), else `offline`.

Devices are registered by an admin (DESIGN.md §14): `register` makes the row with its kind,
window number and a secret shown once; a clerk or gate signs in only with that secret
(`check_sign_in`), and the token's terminal is the record's, never the caller's. The secret is
32 random bytes, so the store keeps only its SHA-256: a slow hash (argon2, as for passwords)
defends guessable secrets and would cost every sign-in another 64 MiB hash for nothing.
Nothing is deleted; `update` deactivates."""

import hashlib
import hmac
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import actors
from app.domain.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationError
from app.domain.ids import normalize_terminal
from app.domain.timeline import iso_utc
from app.services.journal import admin_log
from app.store.db import read_transaction
from app.store.models import Device

OFFLINE_AFTER = timedelta(minutes=2)
# What a device may say about when it acted (DESIGN.md §14): a scan or sale no later than the
# store's now plus CLOCK_SKEW (a device clock running a little ahead), no earlier than
# OFFLINE_WINDOW ago (how long a gate or window may work offline and upload later).
CLOCK_SKEW = timedelta(minutes=5)
OFFLINE_WINDOW = timedelta(days=7)
KINDS = ("window", "gate", "office", "server")  # server: rows made before registration
REGISTERED_KINDS = ("window", "gate", "office")
KIND_LABELS_ZH = {"window": "售票窗口", "gate": "闸机", "office": "办公室", "server": "服务器"}
SIGN_IN_KINDS = {"clerk": ("window",), "gate": ("gate",), "supervisor": ("window", "office"),
                 "finance": ("window", "office"), "admin": ("window", "office")}
BAD_DEVICE = "设备未登记、已停用或设备密钥错误"
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
    active: bool

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
                      d.last_heartbeat_at, d.last_seen_at, d.last_user, bool(d.active))


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


def check_device_time(at: datetime, now: datetime, *, field: str) -> None:
    """ValidationError when a device's `at` is after now + CLOCK_SKEW or before now -
    OFFLINE_WINDOW."""
    if at > now + CLOCK_SKEW:
        raise ValidationError(f"时间晚于中心服务器当前时间超过 {_minutes(CLOCK_SKEW)} 分钟，"
                              "请校准设备时钟", field=field)
    if at < now - OFFLINE_WINDOW:
        raise ValidationError(f"时间早于 {OFFLINE_WINDOW.days} 天前，超出离线上传期限",
                              field=field)


def _minutes(d: timedelta) -> int:
    return int(d.total_seconds() // 60)


def secret_digest(secret: str) -> str:
    """What the store keeps of a device secret: its SHA-256, hex."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _check_kind_terminal(kind: str, terminal: str | None) -> str | None:
    if kind not in REGISTERED_KINDS:
        raise ValidationError("设备类型应为 window（售票窗口）、gate（闸机）或 office（办公室）",
                              field="kind")
    if kind != "window":
        if terminal:
            raise ValidationError("只有售票窗口有窗口编号", field="terminal")
        return None
    try:
        return normalize_terminal(terminal or "")
    except ValueError:
        raise ValidationError("售票窗口需要 1–8 位字母或数字的窗口编号",
                              field="terminal") from None


def _terminal_taken(session: Session, device_id: str, terminal: str | None) -> None:
    if terminal is None:
        return
    other = session.execute(sa.select(Device.device_id).where(
        Device.terminal == terminal, Device.kind == "window", Device.active.is_(True),
        Device.device_id != device_id)).scalar()
    if other is not None:
        raise Conflict(f"窗口编号 {terminal} 已由设备 {other} 使用")


def provision(session: Session, device_id: str, *, kind: str, terminal: str | None,
              location: str | None, secret: str, now: datetime) -> Device:
    """Inside the caller's transaction: the device registered with `secret` (made when
    missing; a row made on first contact, never registered, is claimed)."""
    device = session.get(Device, device_id)
    if device is None:
        device = Device(device_id=device_id, created_at=now, status="online", active=True)
        session.add(device)
    device.kind, device.terminal, device.location = kind, terminal, location
    device.secret_sha256 = secret_digest(secret)
    return device


@dataclass(frozen=True)
class Registered:
    device: DeviceInfo
    device_secret: str  # shown this once; the store keeps only its SHA-256


def _log_record(device: Device) -> dict[str, Any]:
    """What the admin log keeps of a device (its registration, not its heartbeat)."""
    return {"device_id": device.device_id, "kind": device.kind, "terminal": device.terminal,
            "location": device.location, "active": bool(device.active)}


def register(session: Session, device_id: str, *, kind: str, location: str | None,
             now: datetime, terminal: str | None = None,
             actor: str = actors.SYSTEM) -> Registered:
    """An admin registers a device: kind, window number (windows only, one active window per
    number) and location; a new secret, returned this once. Conflict when the device is
    registered already; ValidationError for a bad id, kind, terminal or location."""
    device_id, location = _check_id(device_id), _check_location(location)
    terminal = _check_kind_terminal(kind, terminal)
    secret = secrets.token_urlsafe(32)  # 32 random bytes
    with session.begin():
        existing = session.get(Device, device_id)
        if existing is not None and existing.secret_sha256 is not None:
            raise Conflict(f"设备 {device_id} 已登记")
        _terminal_taken(session, device_id, terminal)
        device = provision(session, device_id, kind=kind, terminal=terminal,
                           location=location, secret=secret, now=now)
        session.flush()
        admin_log.record(session, actor=actor, entity="device", key=device_id,
                         action="register", before=None, after=_log_record(device), at=now)
        return Registered(info(device, now), secret)


_UNSET: Any = object()


def update(session: Session, device_id: str, *, now: datetime, location: Any = _UNSET,
           active: bool | None = None, actor: str = actors.SYSTEM) -> DeviceInfo:
    """An admin moves a device (`location`) or takes it out of or back into service
    (`active`: a deactivated device's tokens stop working at once). NotFound when unknown."""
    location = _UNSET if location is _UNSET else _check_location(location)
    with session.begin():
        device = session.get(Device, device_id)
        if device is None:
            raise NotFound(f"没有这台设备：{device_id[:64]}")
        before = _log_record(device)
        if location is not _UNSET:
            device.location = location
        if active is not None:
            if active:
                _terminal_taken(session, device_id, device.terminal)
            device.active = active
        session.flush()
        admin_log.record(session, actor=actor, entity="device", key=device_id,
                         action="update", before=before, after=_log_record(device), at=now)
        return info(device, now)


def check_sign_in(session: Session, device_id: str, secret: str | None, role: str) -> Device:
    """Inside the caller's transaction: the registered, active device whose secret this is,
    of a kind `role` may sign in at (a clerk at a window, a gate at a gate, the others at a
    window or an office). Unauthorized for an unknown, inactive or unregistered device or a
    wrong secret; Forbidden for the wrong kind."""
    device = session.get(Device, device_id)
    if (device is None or device.secret_sha256 is None or not device.active or not secret
            or not hmac.compare_digest(device.secret_sha256, secret_digest(secret))):
        raise Unauthorized(BAD_DEVICE)
    if device.kind not in SIGN_IN_KINDS.get(role, ()):
        raise Forbidden(f"此账号不能在{KIND_LABELS_ZH.get(device.kind, device.kind)}登录")
    return device


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

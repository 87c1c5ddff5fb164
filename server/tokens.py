"""Bearer tokens of the HTTP API: opaque random tokens, stored only as their SHA-256.

Why opaque tokens in the database rather than signed ones: the store is already stateless over
its database (DESIGN.md §13), so every worker checks a token with one indexed read and no
shared signing secret to distribute; a token can be revoked, and a deactivated user or a changed
role takes effect on the next request (the role is read from `users`, never from the token).

A token is bound to the device it signed in at and that device's terminal, both taken from the
device record at sign-in (DESIGN.md §14); a device taken out of service stops its tokens at once.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.errors import Unauthorized
from app.services.admin.auth import UserInfo
from app.store.db import read_one
from app.store.models import ApiToken, Device, User

TOKEN_TTL = timedelta(hours=12)  # one working day at the window, then log in again
EXPIRED = "登录已过期，请重新登录"
INVALID = "登录凭证无效，请重新登录"
DEVICE_OFF = "此设备已停用，请联系管理员"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the user behind a valid token, and the registered device it signed in
    at (None: a supervisor, finance or admin without one) with that device's kind and window."""

    username: str
    display_name: str
    role: str
    device_id: str | None
    terminal: str | None
    device_kind: str | None = None  # window | gate | office


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue(session: Session, user: UserInfo, *, device_id: str | None, terminal: str | None,
          now: datetime) -> str:
    """A new token for `user` (valid TOKEN_TTL), bound to `device_id` and `terminal` as the
    sign-in found them in the device record. Writes nothing but the token."""
    token = secrets.token_urlsafe(32)
    with session.begin():
        session.add(ApiToken(token_sha256=digest(token), username=user.username,
                             device_id=device_id, terminal=terminal, created_at=now,
                             expires_at=now + TOKEN_TTL))
    return token


_TOKENS, _USERS, _DEVICES = ApiToken.__table__, User.__table__, Device.__table__
# Every request's check, built once: a Core SELECT of the few columns it needs (no ORM
# entities to load or identity map to fill). Read on every request, never cached: a
# revocation, a deactivated user or device and an expiry take effect on the next request.
_BY_DIGEST = (
    sa.select(_TOKENS.c.device_id, _TOKENS.c.terminal, _TOKENS.c.expires_at,
              _TOKENS.c.revoked_at, _USERS.c.username, _USERS.c.display_name, _USERS.c.role,
              _USERS.c.active, _DEVICES.c.kind, _DEVICES.c.active.label("device_active"))
    .select_from(_TOKENS.join(_USERS, _USERS.c.username == _TOKENS.c.username)
                 .outerjoin(_DEVICES, _DEVICES.c.device_id == _TOKENS.c.device_id))
    .where(_TOKENS.c.token_sha256 == sa.bindparam("digest")))


def authenticate(session: Session, token: str, *, now: datetime) -> Principal:
    """The principal of a token; Unauthorized when unknown, revoked, expired or the user is
    inactive."""
    row = read_one(session, _BY_DIGEST, {"digest": digest(token)})
    if row is None or row.revoked_at is not None or not row.active:
        raise Unauthorized(INVALID)
    if row.device_id is not None and not row.device_active:
        raise Unauthorized(DEVICE_OFF)
    if now >= row.expires_at:
        raise Unauthorized(EXPIRED)
    return Principal(row.username, row.display_name, row.role, row.device_id, row.terminal,
                     row.kind if row.device_id else None)

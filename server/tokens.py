"""Bearer tokens of the HTTP API: opaque random tokens, stored only as their SHA-256.

Why opaque tokens in the database rather than signed ones: the store is already stateless over
its database (DESIGN.md §13), so every worker checks a token with one indexed read and no
shared signing secret to distribute; a token can be revoked, and a deactivated user or a changed
role takes effect on the next request (the role is read from `users`, never from the token).
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.errors import Unauthorized
from app.services.admin.auth import UserInfo
from app.store.db import read_transaction
from app.store.models import ApiToken, Device, User

TOKEN_TTL = timedelta(hours=12)  # one working day at the window, then log in again
EXPIRED = "登录已过期，请重新登录"
INVALID = "登录凭证无效，请重新登录"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the user behind a valid token, and the window it logged in from."""

    username: str
    display_name: str
    role: str
    device_id: str | None
    terminal: str | None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue(session: Session, user: UserInfo, *, device_id: str | None, terminal: str | None,
          now: datetime) -> str:
    """A new token for `user` (valid TOKEN_TTL); binds the device to `terminal` when given,
    else takes the terminal the device is known at."""
    token = secrets.token_urlsafe(32)
    with session.begin():
        device = session.get(Device, device_id) if device_id else None
        if device is not None and terminal:
            device.terminal = terminal
        bound = terminal or (device.terminal if device is not None else None)
        session.add(ApiToken(token_sha256=digest(token), username=user.username,
                             device_id=device_id, terminal=bound, created_at=now,
                             expires_at=now + TOKEN_TTL))
    return token


def authenticate(session: Session, token: str, *, now: datetime) -> Principal:
    """The principal of a token; Unauthorized when unknown, revoked, expired or the user is
    inactive."""
    with read_transaction(session):
        row = session.execute(
            sa.select(ApiToken, User)
            .join(User, User.username == ApiToken.username)
            .where(ApiToken.token_sha256 == digest(token))).first()
    if row is None:
        raise Unauthorized(INVALID)
    tok, user = row
    if tok.revoked_at is not None or not user.active:
        raise Unauthorized(INVALID)
    if now >= tok.expires_at:
        raise Unauthorized(EXPIRED)
    return Principal(user.username, user.display_name, user.role, tok.device_id, tok.terminal)

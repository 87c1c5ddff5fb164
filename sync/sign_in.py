"""Signing in at a window. With a central store, every sign-in is checked with it when it can
be reached: the user it accepts is kept — argon2 hash and role — so the same clerk can sign in
offline later; a user it refuses (disabled, or the password changed: DESIGN.md §14) does not
get in, and a remembered one whose password still matched here is dropped from the window.
Only while the store cannot be reached do the window's own users sign in offline; a user the
window has never seen is then told so (`NotSignedInHere`), not that the password is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa

from app.domain.errors import Unauthorized
from app.services.admin import auth, devices
from app.store.db import read_transaction
from app.store.models import User

from .transport import PermanentError, StoreClient, TransientError, api_base

STORE_LOGIN_TIMEOUT = 5.0  # a clerk waits this long at most for an unreachable store


@dataclass(frozen=True)
class Window:
    """Who is asking: the window's database (`.session()`), its device and terminal, the
    central store it belongs to (None: the embedded one, no store check) and the device
    secret it signs in there with (DESIGN.md §14)."""

    db: Any
    device_id: str
    terminal: str
    store_url: str | None = None
    device_secret: str | None = None


class DeviceRefused(Unauthorized):
    """The store does not know this window as a device (not registered, deactivated, or the
    secret is wrong): no password can help until the device settings are right."""


class NotSignedInHere(Unauthorized):
    """The store cannot be reached and this user never signed in at this window while it
    could: the window has nothing to check the password against (it is not a wrong one)."""


DEVICE_REFUSALS = (devices.BAD_DEVICE, auth.DEVICE_NEEDED)
NOT_HERE_YET = "此账号尚未在本窗口联网登录过，请在网络恢复后登录"


class Verdict(Enum):
    ACCEPTED = "accepted"  # and remembered here
    REFUSED = "refused"  # 401: wrong password, unknown or disabled user
    UNREACHABLE = "unreachable"  # no answer (connection, timeout, 5xx): no word on the user
    NONE = "none"  # refused for another reason (no word on the user)


def sign_in(window: Window, username: str, password: str, *, now: datetime) -> auth.UserInfo:
    """The user, signed in. Raises Unauthorized (refused by the store; or, while it cannot be
    reached or without one, not a user of this window with this password) —
    `NotSignedInHere` when the store cannot be reached and the user never signed in here.
    The ops queued from now on are signed with the user's op key, when the store gave this
    window one (`window.db.op_signer`, cleared by `sign_out`)."""
    if window.store_url:
        verdict = store_verdict(window, username, password, now=now)
        if verdict is Verdict.REFUSED:
            if _matches_here(window, username, password, now):  # the store changed its mind
                with window.db.session() as session:
                    auth.forget_user(session, username, now=now)
            raise Unauthorized(auth.BAD_LOGIN)
        if verdict is Verdict.UNREACHABLE and not _known_here(window, username):
            raise NotSignedInHere(NOT_HERE_YET)
    user = _local(window, username, password, now)
    with window.db.session() as session:
        key = auth.window_op_key(session, user.username, password)
    window.db.op_signer = (user.username, key) if key else None
    return user


def sign_out(db: Any) -> None:
    """Ops queued from now on are signed by nobody (until the next sign-in)."""
    db.op_signer = None


def store_verdict(window: Window, username: str, password: str, *, now: datetime,
                  timeout: float = STORE_LOGIN_TIMEOUT) -> Verdict:
    """Ask the store; when it accepts, remember the user in the window's database. A store
    that says wait (429, sign-in backoff) refuses with its own message."""
    client = StoreClient(api_base(window.store_url or ""), timeout=timeout)
    try:
        who = client.login(username, password, window.device_id, window.device_secret)
    except PermanentError as exc:
        if exc.status == 401 and exc.message in DEVICE_REFUSALS:
            raise DeviceRefused(exc.message) from None
        return Verdict.REFUSED if exc.status == 401 else Verdict.NONE
    except TransientError as exc:
        if exc.status == 429:
            raise Unauthorized("登录失败次数过多，请稍后再试") from None
        return Verdict.UNREACHABLE
    finally:
        client.close()
    with window.db.session() as session:
        auth.remember_user(session, username, password, who["role"], who.get("display_name"),
                           now=now, op_key=who.get("op_key"))
    return Verdict.ACCEPTED


def _known_here(window: Window, username: str) -> bool:
    """Whether the window keeps this user (the store accepted them here once; a user the
    store refused since is kept, inactive, and gets the usual wrong-password answer)."""
    with window.db.session() as session, read_transaction(session):
        return session.execute(sa.select(User.username).where(
            User.username == (username or "").strip())).first() is not None


def _matches_here(window: Window, username: str, password: str, now: datetime) -> bool:
    try:
        _local(window, username, password, now)
    except Unauthorized:
        return False
    return True


def _local(window: Window, username: str, password: str, now: datetime) -> auth.UserInfo:
    with window.db.session() as session:
        return auth.login(session, username, password, device_id=window.device_id, now=now)

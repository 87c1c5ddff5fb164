"""Signing in at a window: the window's own users first (works offline); a user it does not know
(yet), or whose password changed, is checked with the central store, and kept — argon2 hash and
role — so the same clerk can sign in offline later. Nobody the store refuses gets in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.domain.errors import Unauthorized
from app.services.admin import auth

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


def sign_in(window: Window, username: str, password: str, *, now: datetime) -> auth.UserInfo:
    """The user, signed in. Raises Unauthorized (wrong password, or unknown both here and to
    the store, or unknown here while the store cannot be reached)."""
    try:
        return _local(window, username, password, now)
    except Unauthorized:
        if not window.store_url or not store_accepts(window, username, password, now=now):
            raise
    return _local(window, username, password, now)


def store_accepts(window: Window, username: str, password: str, *, now: datetime,
                  timeout: float = STORE_LOGIN_TIMEOUT) -> bool:
    """Ask the store; when it accepts, remember the user in the window's database."""
    client = StoreClient(api_base(window.store_url or ""), timeout=timeout)
    try:
        who = client.login(username, password, window.device_id, window.device_secret)
    except (PermanentError, TransientError):
        return False
    finally:
        client.close()
    with window.db.session() as session:
        auth.remember_user(session, username, password, who["role"], who.get("display_name"),
                           now=now)
    return True


def _local(window: Window, username: str, password: str, now: datetime) -> auth.UserInfo:
    with window.db.session() as session:
        return auth.login(session, username, password, device_id=window.device_id, now=now)

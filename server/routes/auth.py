"""Logging in and out."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response
from pydantic import BaseModel, ConfigDict

from app.domain.errors import Unauthorized, ValidationError
from app.domain.ids import normalize_terminal
from app.services.admin import accounts, auth, sign_in_guard

from .. import tokens
from ..deps import AnyRole, Db, Now
from ..fields import text

router = APIRouter()

class LoginBody(BaseModel):
    """DESIGN.md §8/§14. `terminal` is accepted from older windows only when it names the
    device's own window: a window's number comes from the device record."""

    model_config = ConfigDict(extra="forbid")

    username: text(256)
    password: text(256)
    device_id: text(64) | None = None  # none: supervisor, finance, admin only
    device_secret: text(256) | None = None
    terminal: text(8) | None = None


class LoginResult(BaseModel):
    token: str
    role: str
    display_name: str
    terminal: str | None
    op_key: str | None = None  # clerk+ at a window: signs its ops (app.domain.op_signing)


def _claimed_terminal(terminal: str | None) -> str | None:
    if not terminal:
        return None
    try:
        return normalize_terminal(terminal)
    except ValueError:
        raise ValidationError(f"终端编号不正确：{terminal}", field="terminal") from None


def guard_sign_in(body: LoginBody, request: Request, s: Db, now: Now) -> Iterator[None]:
    """Sign-in backoff around the login (DESIGN.md §14): 429 with Retry-After while the name
    or the address waits, before any password is hashed; a refused password is counted, a
    success forgets the user's failures."""
    attempt = sign_in_guard.Attempt(body.username, request.client.host if request.client else "-")
    sign_in_guard.check(s, attempt, now=now)
    try:
        yield
    except Unauthorized:
        sign_in_guard.failed(s, attempt, now=now)
        raise
    sign_in_guard.succeeded(s, attempt)


@router.post("/auth/login", dependencies=[Depends(guard_sign_in, scope="function")])
def login(body: LoginBody, s: Db, now: Now) -> LoginResult:
    """Check the password and the device's secret; a bearer token valid 12 hours, bound to
    the device and the window its record names. A `terminal` naming another window is
    refused (403), nothing written."""
    who = auth.sign_in(s, body.username, body.password, device_id=body.device_id or None,
                       device_secret=body.device_secret, now=now,
                       claimed_terminal=_claimed_terminal(body.terminal))
    token = tokens.issue(s, who.user, device_id=who.device_id, terminal=who.terminal, now=now)
    return LoginResult(token=token, role=who.user.role, display_name=who.user.display_name,
                       terminal=who.terminal, op_key=who.op_key)


@router.post("/auth/logout", status_code=204)
def logout(_: AnyRole, s: Db, now: Now,
           authorization: Annotated[str | None, Header()] = None) -> Response:
    """Revoke the calling token: from now on it is 401 (DESIGN.md §15)."""
    accounts.revoke_token(s, tokens.digest(authorization.partition(" ")[2].strip()), now=now)
    return Response(status_code=204)

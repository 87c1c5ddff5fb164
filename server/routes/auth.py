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
    model_config = ConfigDict(extra="forbid")

    username: text(256)
    password: text(256)
    device_id: text(64, min_length=1)
    terminal: text(8) | None = None  # the window, e.g. 01 (binds the token and device)


class LoginResult(BaseModel):
    token: str
    role: str
    display_name: str


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
    """Check the password; a bearer token valid 12 hours, bound to the device (and window)."""
    terminal = None
    if body.terminal:
        try:
            terminal = normalize_terminal(body.terminal)
        except ValueError:
            raise ValidationError(f"终端编号不正确：{body.terminal}", field="terminal") from None
    user = auth.login(s, body.username, body.password, device_id=body.device_id, now=now)
    token = tokens.issue(s, user, device_id=body.device_id, terminal=terminal, now=now)
    return LoginResult(token=token, role=user.role, display_name=user.display_name)


@router.post("/auth/logout", status_code=204)
def logout(_: AnyRole, s: Db, now: Now,
           authorization: Annotated[str | None, Header()] = None) -> Response:
    """Revoke the calling token: from now on it is 401 (DESIGN.md §15)."""
    accounts.revoke_token(s, tokens.digest(authorization.partition(" ")[2].strip()), now=now)
    return Response(status_code=204)

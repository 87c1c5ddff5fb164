"""Health and logging in."""

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from app.domain.errors import ValidationError
from app.domain.ids import normalize_terminal
from app.services.admin import auth

from .. import tokens
from ..deps import Db, Now
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


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.post("/auth/login")
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

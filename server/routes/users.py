"""Accounts (DESIGN.md §15, admin): GET /users, POST /users, PUT /users/{username}. A user is
`{username, display_name, role, active}`, never a password or its hash; a new password or a
deactivation revokes every token of the user (DESIGN.md §14)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from app.domain import actors
from app.domain.errors import ValidationError
from app.services.admin import accounts

from ..deps import Admin, Db, Now
from ..fields import code_path, text

router = APIRouter()

Role = Literal["clerk", "supervisor", "finance", "admin", "gate"]


class NewUser(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: text(64, min_length=1)
    display_name: text(64) | None = None
    role: Role
    password: text(256)
    active: Annotated[bool, Field(strict=True)] = True


class UserChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: text(64) | None = None  # allowed for a whole-user PUT; must match the path
    display_name: text(64) | None = None
    role: Role | None = None
    password: text(256) | None = None
    active: Annotated[bool, Field(strict=True)] | None = None


@router.get("/users")
def list_users(_: Admin, s: Db) -> dict[str, Any]:
    return {"users": [a.to_dict() for a in accounts.list_accounts(s)]}


@router.post("/users", status_code=201)
def add_user(admin: Admin, s: Db, now: Now, body: NewUser) -> dict[str, Any]:
    """A new user; the password rule applies (422 `validation_error`); 409 when taken.
    Logged in the admin log."""
    actor = actors.user(admin.username)
    added = accounts.add_account(s, body.username, body.password, body.role,
                                 body.display_name, now=now, actor=actor)
    if not body.active:
        added = accounts.disable(s, added.username, now=now, actor=actor)
    return added.to_dict()


@router.put("/users/{username}")
def change_user(username: code_path(64), admin: Admin, s: Db, now: Now,
                body: UserChange) -> dict[str, Any]:
    """Change name, role, password or active; a new password or `active: false` revokes
    every token of the user."""
    if body.username is not None and body.username != username:
        raise ValidationError("不能修改用户名", field="username")
    change = accounts.Change(display_name=body.display_name, role=body.role,
                             password=body.password, active=body.active)
    return accounts.update_account(s, username, change, now=now,
                                   actor=actors.user(admin.username)).to_dict()

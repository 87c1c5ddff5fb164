"""Accounts an admin manages (DESIGN.md §14 "Accounts", §15): list, add, change a user's
name, role, password or active flag, and revoke bearer tokens. A new password or a disabled
user revokes every token of that user at once; signing out revokes the one token. Nothing here
ever returns a password or its hash."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import actors
from app.domain.errors import Conflict, NotFound, ValidationError
from app.services.admin import auth
from app.services.journal import admin_log
from app.store.db import read_transaction
from app.store.models import ApiToken, User


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    role: str
    active: bool

    def to_dict(self) -> dict[str, object]:
        return {"username": self.username, "display_name": self.display_name,
                "role": self.role, "active": self.active}


@dataclass(frozen=True)
class Change:
    """What to change of a user; None leaves it as it is."""

    display_name: str | None = None
    role: str | None = None
    password: str | None = None
    active: bool | None = None


def _account(user: User) -> Account:
    return Account(user.username, user.display_name, user.role, bool(user.active))


def revoke_token(session: Session, token_sha256: str, *, now: datetime) -> None:
    """Sign out: the token (by its digest) is refused from now on."""
    with session.begin():
        session.execute(sa.update(ApiToken).where(
            ApiToken.token_sha256 == token_sha256, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now))


def _revoke_all(session: Session, username: str, now: datetime) -> None:
    session.execute(sa.update(ApiToken).where(
        ApiToken.username == username, ApiToken.revoked_at.is_(None)).values(revoked_at=now))


def list_accounts(session: Session) -> list[Account]:
    """Every user, active or not, by name."""
    with read_transaction(session):
        return [_account(u) for u in
                session.execute(sa.select(User).order_by(User.username)).scalars()]


def _logged(session: Session, actor: str, action: str, before: Account | None,
            after: Account, now: datetime, *, password: bool = False) -> None:
    """The admin log entry of a user change; a new password shows as `password_changed`
    (never the password)."""
    after_dict = after.to_dict() | ({"password_changed": True} if password else {})
    admin_log.record(session, actor=actor, entity="user", key=after.username, action=action,
                     before=before.to_dict() if before else None, after=after_dict, at=now)


def add_account(session: Session, username: str, password: str, role: str,
                display_name: str | None = None, *, now: datetime,
                actor: str = actors.SYSTEM) -> Account:
    """A new active user; the password rule applies. Conflict when the name is taken.
    Logged in the admin log as `actor`'s."""
    with session.begin():
        added = _account(auth.create_user(session, username, password, role, display_name,
                                          now=now))
        _logged(session, actor, "create", None, added, now)
        return added


def _locked(session: Session, username: str) -> User:
    user = session.execute(sa.select(User).where(User.username == username.strip())
                           .with_for_update()).scalar_one_or_none()
    if user is None:
        raise NotFound(f"没有用户 {username}", username=username)
    return user


def _keep_an_admin(session: Session, user: User, change: Change) -> None:
    leaves = user.role == "admin" and user.active and (
        change.active is False or change.role not in (None, "admin"))
    others = session.execute(sa.select(sa.func.count()).select_from(User).where(
        User.role == "admin", User.active.is_(True), User.username != user.username)).scalar()
    if leaves and not others:
        raise Conflict("这是最后一个可用的管理员账号，不能停用或改为其他角色")


def _apply(user: User, change: Change) -> None:
    if change.role is not None and change.role not in auth.ROLES:
        raise ValidationError(f"角色必须是 {'、'.join(auth.ROLES)} 之一", field="role")
    if change.display_name is not None:
        name = change.display_name.strip()
        if not name or len(name) > 64:
            raise ValidationError("显示名不能为空，最长 64 个字符", field="display_name")
        user.display_name = name
    if change.password is not None:
        auth.check_password(user.username, change.password)
        user.password_hash = auth.hash_password(change.password)
    user.role = change.role or user.role
    user.active = user.active if change.active is None else change.active


def update_account(session: Session, username: str, change: Change, *,
                   now: datetime, actor: str = actors.SYSTEM) -> Account:
    """Change a user; a new password or a deactivation revokes all of the user's tokens
    (its windows re-check with the store and drop it). NotFound, ValidationError (password
    rule, role), Conflict (the last active admin)."""
    with session.begin():
        user = _locked(session, username)
        before = _account(user)
        _keep_an_admin(session, user, change)
        _apply(user, change)
        user.updated_at = now
        if change.password is not None or not user.active:
            _revoke_all(session, user.username, now)
        after = _account(user)
        _logged(session, actor, "update", before, after, now,
                password=change.password is not None)
        return after


def change_password(session: Session, username: str, password: str, *,
                    now: datetime, actor: str = actors.SYSTEM) -> Account:
    """A new password (the rule applies); every token of the user is revoked."""
    return update_account(session, username, Change(password=password), now=now, actor=actor)


def disable(session: Session, username: str, *, now: datetime,
            actor: str = actors.SYSTEM) -> Account:
    """Deactivate a user: no sign-in, every token revoked."""
    return update_account(session, username, Change(active=False), now=now, actor=actor)

"""Users and logging in: argon2 password hashes, five roles."""

import functools
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from app.domain import op_signing
from app.domain.errors import Conflict, Forbidden, Unauthorized, ValidationError
from app.domain.ids import new_id
from app.services.admin.devices import check_sign_in, seen
from app.store.db import read_transaction
from app.store.models import User

ROLES = ("clerk", "supervisor", "finance", "admin", "gate")
ROLE_LABELS_ZH = {"clerk": "售票员", "supervisor": "值班主管", "finance": "财务",
                  "admin": "管理员", "gate": "闸机"}
BAD_LOGIN = "用户名或密码错误"
MIN_PASSWORD = 8
DEVICE_ROLES = ("clerk", "gate")  # sign in only at a registered device of their kind
DEVICE_NEEDED = "售票员和闸机只能在登记过的设备上登录（需要设备编号和设备密钥）"

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified when the user is unknown, so a wrong name costs as long as a wrong password.
    Made on first use, not at import: importing auth must not cost a hash at start-up."""
    return _hasher.hash("menpiao-no-such-user")


@dataclass(frozen=True)
class UserInfo:
    username: str
    display_name: str
    role: str


def _info(user: User) -> UserInfo:
    return UserInfo(user.username, user.display_name, user.role)


def _check_new_user(username: str, password: str, role: str) -> str:
    name = (username or "").strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise ValidationError("用户名不能为空、不能含空格，最长 64 个字符", field="username")
    if role not in ROLES:
        raise ValidationError(f"角色必须是 {'、'.join(ROLES)} 之一", field="role")
    if not password:
        raise ValidationError("密码不能为空", field="password")
    return name


def check_password(username: str, password: str) -> None:
    """The password rule outside demo mode (DESIGN.md §14): at least MIN_PASSWORD characters
    and not the user name. ValidationError otherwise."""
    if not password:
        raise ValidationError("密码不能为空", field="password")
    if password.strip().casefold() == username.strip().casefold():
        raise ValidationError("密码不能与用户名相同", field="password")
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"密码至少要 {MIN_PASSWORD} 个字符", field="password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(session: Session, username: str, password: str, role: str,
                display_name: str | None, *, now: datetime, strict: bool = True) -> User:
    """Insert a user inside the caller's transaction. `strict`: the password rule applies
    (off only for the demo seed and the users a window remembers from its store)."""
    name = _check_new_user(username, password, role)
    if session.execute(sa.select(User.user_id).where(User.username == name)).first():
        raise Conflict(f"用户 {name} 已存在")
    if strict:
        check_password(name, password)
    user = User(user_id=new_id(), username=name, display_name=display_name or name,
                role=role, password_hash=_hasher.hash(password), active=True,
                created_at=now, updated_at=now)
    session.add(user)
    return user


def add_user(session: Session, username: str, password: str, role: str,
             display_name: str | None = None, *, now: datetime) -> UserInfo:
    """Create a user with an argon2 password hash; Conflict when the name is taken."""
    with session.begin():
        return _info(create_user(session, username, password, role, display_name, now=now))


def remember_user(session: Session, username: str, password: str, role: str,
                  display_name: str | None = None, *, now: datetime,
                  op_key: str | None = None) -> UserInfo:
    """A window keeps the users the central store has just verified, so that they can sign in
    offline later: creates the local user, or brings its password hash, role and name up to
    date (a password changed at the store replaces the old one here). `op_key`, the key the
    store gave for signing this user's ops, is kept wrapped under the password
    (`app.domain.op_signing`)."""
    with session.begin():
        user = session.execute(
            sa.select(User).where(User.username == username.strip())).scalar_one_or_none()
        if user is None:
            user = create_user(session, username, password, role, display_name, now=now,
                               strict=False)
        else:
            _check_new_user(username, password, role)
            if not _verify(user, password):
                user.password_hash = _hasher.hash(password)
            user.role, user.active, user.updated_at = role, True, now
            user.display_name = display_name or user.display_name
        if op_key and op_signing.unwrap(user.op_key_wrapped, password) != op_key:
            user.op_key_wrapped = op_signing.wrap(op_key, password)
        return _info(user)


def window_op_key(session: Session, username: str, password: str) -> str | None:
    """The op key this window keeps for the user, opened with the password (which the caller
    has just verified); None when the store never gave one here."""
    with read_transaction(session):
        wrapped = session.execute(sa.select(User.op_key_wrapped)
                                  .where(User.username == username.strip())).scalar()
    return op_signing.unwrap(wrapped, password)


def forget_user(session: Session, username: str, *, now: datetime) -> bool:
    """A window drops a remembered user its store now refuses (disabled, or the password
    changed): it can no longer sign in here offline. True when there was one to drop."""
    with session.begin():
        user = session.execute(
            sa.select(User).where(User.username == username.strip())).scalar_one_or_none()
        if user is None or not user.active:
            return False
        user.active, user.updated_at = False, now
        return True


def list_users(session: Session) -> list[UserInfo]:
    """Active users by name."""
    with read_transaction(session):
        users = session.execute(
            sa.select(User).where(User.active.is_(True)).order_by(User.username)).scalars()
        return [_info(u) for u in users]


def _verify(user: User | None, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash if user else _dummy_hash(), password) and bool(
            user and user.active)
    except (VerificationError, InvalidHashError):
        return False


def _checked_user(session: Session, username: str, password: str, now: datetime) -> User:
    """Inside the caller's transaction: the active user whose password this is (its hash
    brought up to date). Unauthorized on any mismatch."""
    user = session.execute(
        sa.select(User).where(User.username == (username or "").strip())
    ).scalar_one_or_none()
    if not _verify(user, password or ""):
        raise Unauthorized(BAD_LOGIN)
    assert user is not None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash, user.updated_at = _hasher.hash(password), now
    return user


def login(session: Session, username: str, password: str, *, device_id: str,
          now: datetime) -> UserInfo:
    """A window's own sign-in (its local users, works offline): check a password; records
    the device as last seen. Unauthorized on any mismatch. The store signs in with
    `sign_in`, which checks the device too."""
    with session.begin():
        user = _checked_user(session, username, password, now)
        if device_id:
            seen(session, device_id, now=now, user=user.username)
        return _info(user)


@dataclass(frozen=True)
class SignedIn:
    """Who signed in at the store, and where: the token is bound to this device and its
    terminal (from the device record, never from the request)."""

    user: UserInfo
    device_id: str | None
    device_kind: str | None
    terminal: str | None
    op_key: str | None = None  # a clerk+ at a window: the key its ops are signed with


def _op_key(user: User) -> str:
    """The user's op key (`app.domain.op_signing`), made on first need."""
    if not user.op_key:
        user.op_key = op_signing.new_key()
    return user.op_key


def sign_in(session: Session, username: str, password: str, *, device_id: str | None,
            device_secret: str | None, now: datetime,
            claimed_terminal: str | None = None) -> SignedIn:
    """The store's sign-in (DESIGN.md §14): the password, then the device — a clerk at a
    registered window, a gate at a registered gate, with the device's secret; supervisors,
    finance and admins at a window, an office device or none. Unauthorized for a wrong
    password, device or secret; Forbidden for the wrong kind of device or a
    `claimed_terminal` (sent by older windows) that is not the device's. Nothing is written
    when refused; the terminal is always the device record's."""
    with session.begin():
        user = _checked_user(session, username, password, now)
        if not device_id:
            if user.role in DEVICE_ROLES:
                raise Unauthorized(DEVICE_NEEDED)
            return SignedIn(_info(user), None, None, None)
        device = check_sign_in(session, device_id, device_secret, user.role)
        if claimed_terminal is not None and claimed_terminal != device.terminal:
            raise Forbidden(f"本设备登记的窗口编号是 {device.terminal or '（无）'}，"
                            f"不能以 {claimed_terminal} 号窗口登录")
        device.last_seen_at, device.last_user = now, user.username
        key = _op_key(user) if device.kind == "window" and user.role in op_signing.SIGNER_ROLES else None
        return SignedIn(_info(user), device.device_id, device.kind, device.terminal, key)

"""Sign-in backoff (DESIGN.md §14 "Accounts"): failed sign-ins are counted per user name and
per client address; past a limit, that name or address waits before it may try again, a
little longer after each further failure. A waiting attempt is refused *before* its password
is hashed, so guessing costs the guesser time and the store no argon2 work.

The counters live in the database (`sign_in_failures`), since the store runs several workers
(DESIGN.md §13). A success forgets the user's failures (not the address's: signing in to one's
own account must not clear the way for guessing at others')."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.domain.errors import DomainError
from app.store.db import read_transaction
from app.store.models import SignInFailure


@dataclass(frozen=True)
class Limit:
    """Failures allowed before waiting, and how long failures are remembered after the last."""

    free: int
    memory: timedelta = timedelta(hours=1)


USER = Limit(free=5)
ADDRESS = Limit(free=20)  # windows behind one NAT share an address: a wider allowance
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)


class TooManyAttempts(DomainError):
    """HTTP 429 with `Retry-After: seconds` (detail `retry_after`)."""

    code = "rate_limited"


@dataclass(frozen=True)
class Attempt:
    """Who is trying: the user name typed and the client's address."""

    username: str
    address: str

    def keys(self) -> dict[str, Limit]:
        return {f"user:{self.username.strip()[:120]}": USER, f"addr:{self.address[:120]}": ADDRESS}


def wait_after(failures: int, limit: Limit) -> timedelta | None:
    """How long a key waits after its `failures`-th failure: nothing within the allowance, then
    FIRST_WAIT doubling with each further failure, at most LONGEST_WAIT."""
    over = failures - limit.free
    if over < 0:
        return None
    return min(FIRST_WAIT * (2 ** min(over, 16)), LONGEST_WAIT)


def check(session: Session, attempt: Attempt, *, now: datetime) -> None:
    """TooManyAttempts while the user name or the address is waiting (nothing written)."""
    with read_transaction(session):
        locks = session.execute(sa.select(SignInFailure.locked_until).where(
            SignInFailure.key.in_(attempt.keys()),
            SignInFailure.locked_until > now)).scalars().all()
    if locks:
        seconds = max(1, int((max(locks) - now).total_seconds() + 0.999))
        raise TooManyAttempts(f"登录失败次数过多，请 {_spoken(seconds)}后再试",
                              retry_after=seconds)


def _spoken(seconds: int) -> str:
    return f"{seconds} 秒" if seconds < 120 else f"{(seconds + 59) // 60} 分钟"


def _insert(session: Session):  # noqa: ANN202 - the dialect's INSERT, for ON CONFLICT
    return (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert


def failed(session: Session, attempt: Attempt, *, now: datetime) -> None:
    """Count one failure of the user name and of the address (a row lock per key: racing
    workers count every failure)."""
    with session.begin():
        for key, limit in attempt.keys().items():
            session.execute(_insert(session)(SignInFailure).values(
                key=key, failures=0, last_failed_at=now).on_conflict_do_nothing())
            row = session.execute(sa.select(SignInFailure).where(SignInFailure.key == key)
                                  .with_for_update()).scalar_one()
            if now - row.last_failed_at > limit.memory:  # quiet long enough: start over
                row.failures, row.locked_until = 0, None
            row.failures, row.last_failed_at = row.failures + 1, now
            wait = wait_after(row.failures, limit)
            row.locked_until = now + wait if wait else None


def succeeded(session: Session, attempt: Attempt) -> None:
    """Forget the user's failures after a successful sign-in."""
    user_key = next(iter(attempt.keys()))
    with session.begin():
        session.execute(sa.delete(SignInFailure).where(SignInFailure.key == user_key))

"""Server side: the counters behind sign-in backoff (DESIGN.md §14 "Accounts"), one row per
user name and per client address, kept in the database because the store runs several workers."""

from datetime import datetime

from sqlalchemy.orm import Mapped

from .base import Base, counter, short


class SignInFailure(Base):
    """Failed sign-ins of one `key` (`user:NAME` or `addr:ADDRESS`), forgotten after a quiet
    spell; while `locked_until` lies ahead, a sign-in of that key is refused before any
    password is hashed."""

    __tablename__ = "sign_in_failures"

    key: Mapped[str] = short(160, primary_key=True)
    failures: Mapped[int] = counter()
    last_failed_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]

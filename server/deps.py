"""Request dependencies: the database, the clock, the caller and role checks.

FastAPI runs a plain `def` dependency in its thread pool: a hand-off to a worker thread and
back, which on `POST /orders` cost more CPU than the token check itself. So whatever does no
I/O is `async def` and runs on the event loop; only `current_user` (it reads the store) and
the endpoints go to the pool. The session is made on the loop (no connection is taken until
a service begins) and closed there unless a transaction was left open: its rollback is I/O
and goes to the pool.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.domain.errors import Forbidden, Unauthorized
from app.domain.venue import Venue
from app.store.db import Database

from . import tokens
from .tokens import Principal

ALL_ROLES = ("clerk", "supervisor", "finance", "admin", "gate")
STAFF = ("clerk", "supervisor", "finance", "admin")  # "clerk+" in DESIGN.md §8
SUPERVISORS = ("supervisor", "finance", "admin")  # "supervisor+"
ADMINS = ("admin",)


async def session(request: Request) -> AsyncIterator[Session]:
    """A session for this request; services open their own transactions on it."""
    db: Database = request.app.state.db
    s = db.session()
    try:
        yield s
    finally:
        if s.in_transaction():  # left open (an error mid-read): the rollback waits on the db
            await run_in_threadpool(s.close)
        else:
            s.close()


async def now(request: Request) -> datetime:
    """The injected clock, read once per request."""
    return request.app.state.clock()


async def venue(request: Request) -> Venue:
    return request.app.state.venue


def current_user(s: Annotated[Session, Depends(session)],
                 at: Annotated[datetime, Depends(now)],
                 authorization: Annotated[str | None, Header()] = None) -> Principal:
    """The caller of a `Authorization: Bearer TOKEN` request; 401 otherwise."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("请先登录（缺少 Authorization: Bearer 令牌）")
    return tokens.authenticate(s, token.strip(), now=at)


def require(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency admitting only `roles`; 403 `forbidden` for anyone else."""

    async def check(user: Annotated[Principal, Depends(current_user)]) -> Principal:
        if user.role not in roles:
            raise Forbidden("当前角色没有权限执行此操作")
        return user

    return check


Db = Annotated[Session, Depends(session)]
Now = Annotated[datetime, Depends(now)]
AtVenue = Annotated[Venue, Depends(venue)]
AnyRole = Annotated[Principal, Depends(require(*ALL_ROLES))]
Staff = Annotated[Principal, Depends(require(*STAFF))]
Admin = Annotated[Principal, Depends(require(*ADMINS))]

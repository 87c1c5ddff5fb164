"""Tamper evidence beyond one order (DESIGN.md §14): the signed daily checkpoint on demand and
its check. The key comes from env `MENPIAO_AUDIT_KEY` (or the app's `audit_key`: the demo
key in demo mode and the embedded store), never from the database."""

import datetime as dt
import os
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from app.services.journal import audit

from ..deps import SUPERVISORS, Admin, AtVenue, Db, Now, require
from ..tokens import Principal

router = APIRouter()
Auditor = Annotated[Principal, Depends(require(*SUPERVISORS))]
Day = Annotated[dt.date, Query(alias="date")]


def audit_key(request: Request) -> str | None:
    """The app's key, else `MENPIAO_AUDIT_KEY` as the process sees it now."""
    return request.app.state.audit_key or os.environ.get(audit.KEY_ENV) or None


Key = Annotated[str | None, Depends(audit_key)]


@router.get("/audit/verify")
def verify(day: Day, user: Auditor, s: Db, venue: AtVenue, key: Key) -> dict[str, Any]:
    """Recompute the day's chains, order heads and signed checkpoint."""
    return audit.verify(s, day, key=key, venue=venue)


@router.post("/audit/checkpoint")
def checkpoint(day: Day, user: Admin, s: Db, now: Now, venue: AtVenue,
               key: Key) -> dict[str, Any]:
    """Sign a finished day's checkpoint now (the sweep does yesterday's after midnight)."""
    return audit.write_checkpoint(s, day, key=key, venue=venue, now=now,
                                  actor=f"user:{user.username}").to_dict()

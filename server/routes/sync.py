"""Sync (DESIGN.md §9): windows push their ops and read the changes feed, long-polling."""

import time
from datetime import UTC
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from app.domain.errors import Forbidden, ValidationError
from app.domain.timeline import iso_utc
from app.services.journal import changes, read_scope
from app.services.pushed import apply as pushed_ops
from app.store.db import read_transaction

from ..deps import AnyRole, AtVenue, Db, Now
from ..fields import text
from ..tokens import Principal

router = APIRouter()
MAX_WAIT = 60
RECHECK = 10.0  # a waiter re-reads the feed this often even if no wake-up came


class PushBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    device_id: text(64, min_length=1)
    ops: Annotated[list[dict[str, Any]], Field(max_length=pushed_ops.MAX_OPS)]


def _device(user: Principal, device_id: str) -> str:
    if user.device_id and user.device_id != device_id:
        raise Forbidden("推送的设备编号与登录设备不一致")
    return device_id


@router.post("/sync/push")
def push(body: PushBody, user: AnyRole, s: Db, now: Now, venue: AtVenue) -> dict[str, Any]:
    """Apply each op in its own transaction, in the order given (the window's seq order).
    The user, role, device and terminal of every op are the token's (DESIGN.md §14)."""
    device_id = _device(user, body.device_id)
    seqs = [op.get("seq") for op in body.ops]
    if any(not isinstance(q, int) or isinstance(q, bool) for q in seqs):
        raise ValidationError("每个操作都需要整数 seq", field="ops.seq")
    if seqs != sorted(seqs) or len(set(seqs)) != len(seqs):
        raise ValidationError("操作必须按 seq 递增顺序推送", field="ops.seq")
    results = pushed_ops.apply_batch(s, body.ops, device_id=device_id, user=user.username,
                                     now=now, venue=venue, terminal=user.terminal,
                                     role=user.role)
    return {"results": [r.to_dict() for r in results]}


def _cursor(since: str | None) -> int:
    if since in (None, ""):
        return 0
    if not since.isdigit() or len(since) > 18:
        raise ValidationError("同步游标 since 不正确", field="since")
    return int(since)


def _page(request: Request, since: int, limit: int, scope: read_scope.Scope) -> dict[str, Any]:
    visible = None if scope.everything else scope.change
    with request.app.state.db.session() as s, read_transaction(s):
        rows, cursor, more = changes.read(s, since, limit, visible)
    return {"changes": [{"seq": c.seq, "entity": c.entity, "id": c.id, "version": c.version,
                         "data": c.data} for c in rows],
            "next_cursor": str(cursor), "has_more": more}


def scope_of(user: Principal) -> read_scope.Scope:
    """What the caller may read (DESIGN.md §14): from its token, never from the request."""
    return read_scope.Scope(user.role, user.terminal, user.username)


@router.get("/sync/changes")
async def get_changes(request: Request, user: AnyRole,
                      since: Annotated[str | None, Query(max_length=32)] = None,
                      limit: Annotated[int, Query(ge=1, le=500)] = 500,
                      wait: Annotated[float, Query(ge=0, le=MAX_WAIT)] = 0) -> dict[str, Any]:
    """Changes after `since` the caller may see (a clerk: its window's orders, the catalog and
    stock; a gate: the catalog; supervisor+: everything); with `wait`, hold until one commits
    or `wait` seconds pass. Changes for others move `next_cursor` on all the same."""
    cursor, scope = _cursor(since), scope_of(user)
    notifier = request.app.state.notifier
    sub = notifier.subscribe()  # before reading: a commit right after the read still wakes
    try:
        page = await run_in_threadpool(_page, request, cursor, limit, scope)
        deadline = time.monotonic() + wait
        while not page["changes"] and (left := deadline - time.monotonic()) > 0:
            if not page["has_more"]:
                if notifier.closing:  # stopping: answer now rather than hold the shutdown
                    break
                await sub.wait(min(left, RECHECK))
                if await request.is_disconnected() or notifier.closing:
                    break
            page = await run_in_threadpool(_page, request, int(page["next_cursor"]), limit,
                                           scope)
    finally:
        notifier.unsubscribe(sub)
    page["server_time"] = iso_utc(request.app.state.clock().astimezone(UTC))
    return page

"""The admin log (DESIGN.md §15): GET /admin/changes — who changed which user, device, ticket
type, capacity, refund policy or force-majeure day, when, before → after; newest first."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from app.services.journal import admin_log

from ..deps import SUPERVISORS, Db, require
from ..tokens import Principal

router = APIRouter()
Reader = Annotated[Principal, Depends(require(*SUPERVISORS))]


@router.get("/admin/changes")
def list_changes(_: Reader, s: Db, entity: str | None = None,
                 key: Annotated[str | None, Query(max_length=80)] = None,
                 before: Annotated[int | None, Query(ge=1)] = None,
                 limit: Annotated[int, Query(ge=1, le=admin_log.PAGE)] = 50) -> dict[str, Any]:
    """`{changes: [{seq, at, actor, entity, key, action, before, after}], next_before}`;
    `before` (a seq) pages back, `next_before` is null on the last page."""
    found = admin_log.changes(s, entity=entity, key=key, before_seq=before, limit=limit)
    return {"changes": [c.to_dict() for c in found],
            "next_before": found[-1].seq if len(found) == limit else None}

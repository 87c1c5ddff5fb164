"""The anomaly queue and its one-click fixes (DESIGN.md §6, §8), supervisor+ only (finance:
the payment and refund anomalies)."""

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from app.domain import actors
from app.domain.anomalies import categories_for, may_fix
from app.domain.errors import Forbidden
from app.services.anomalies import anomaly_fixes, anomaly_queue, manual_flags
from app.services.journal import orders

from ..deps import AtVenue, Db, Now, current_user
from ..fields import NO_NUL, code_path, text
from ..tokens import Principal

router = APIRouter()

AnomalyId = code_path(64)
Filter = Annotated[str | None, Query(max_length=64, pattern=NO_NUL)]


def _fixer(user: Annotated[Principal, Depends(current_user)]) -> Principal:
    anomaly_fixes.check_role(user.role)
    return user


Fixer = Annotated[Principal, Depends(_fixer)]


class FixBody(BaseModel):
    """POST /anomalies/{id}/fix."""

    model_config = ConfigDict(extra="forbid")

    action: text(40, min_length=1)
    note: text(500) | None = None
    order_version: Annotated[int, Field(strict=True, ge=1)] | None = None


class BatchBody(BaseModel):
    """POST /anomalies/batch."""

    model_config = ConfigDict(extra="forbid")

    ids: Annotated[list[text(64, min_length=1)], Field(min_length=1,
                                                        max_length=anomaly_queue.MAX_BATCH)]
    action: Literal["mark_resolved", "dismiss"]
    note: text(500)


@router.get("/anomalies")
def list_anomalies(user: Fixer, s: Db, category: Filter = None, kind: Filter = None,
                   status: Filter = "open", order_no: Filter = None,
                   limit: Annotated[int, Query(ge=1, le=anomaly_queue.MAX_LIMIT)] = 100,
                   cursor: Annotated[str | None, Query(max_length=300, pattern=NO_NUL)] = None,
                   ) -> dict[str, Any]:
    """`{anomalies, counts, next_cursor}`: highest priority first (the sweep ages open
    ones every 30 s); `counts` are the open anomalies per category; status `open` unless asked
    (`resolved`, `dismissed`, `all`). Finance sees the payment and refund anomalies only
    (rows and counts)."""
    filters = anomaly_queue.QueueFilters(category=category or None, kind=kind or None,
                                         status=status or "open", order_no=order_no or None,
                                         categories=categories_for(user.role))
    page = anomaly_queue.list_anomalies(s, filters, cursor=cursor or None, limit=limit)
    return {"anomalies": page.anomalies, "counts": page.counts,
            "next_cursor": page.next_cursor}


@router.post("/anomalies/batch")
def close_many(body: BatchBody, user: Fixer, s: Db, now: Now, venue: AtVenue
               ) -> dict[str, Any]:
    """Mark resolved or dismiss several anomalies with one note, each on its own:
    `{results: [{id, outcome, message, anomaly}], closed}`."""
    items = anomaly_queue.close_many(s, body.ids, body.action, actor=user.username,
                                     role=user.role, note=body.note, now=now, venue=venue)
    closed = sum(1 for i in items if i.outcome in ("resolved", "dismissed"))
    return {"results": [asdict(i) for i in items], "closed": closed}


class FlagBody(BaseModel):
    """POST /anomalies/flag."""

    model_config = ConfigDict(extra="forbid")

    order_nos: Annotated[list[text(64, min_length=1)],
                         Field(min_length=1, max_length=manual_flags.MAX_ORDERS)]
    category: text(16) = "payment"
    reason: text(1000)  # blank or over 200 characters: refused in Chinese by the service


@router.post("/anomalies/flag")
def flag_orders(body: FlagBody, user: Fixer, s: Db, now: Now) -> dict[str, Any]:
    """Flag orders anomalous by hand (`manual_flag`, in `category`, with `reason`):
    `{flagged: [{order_no, anomaly_id, anomaly}], already: [order_no], unknown: [order_no]}`;
    an order with an open manual flag is `already`."""
    done = manual_flags.flag_orders(s, body.order_nos, category=body.category,
                                    reason=body.reason, actor=user.username, role=user.role,
                                    now=now)
    return asdict(done)


@router.get("/anomalies/{anomaly_id}")
def anomaly_detail(anomaly_id: AnomalyId, user: Fixer, s: Db) -> dict[str, Any]:
    """`{anomaly, order, devices}`: one anomaly with its evidence, its order (null without
    one) and the devices its evidence names; 403 for finance and a gate or stock anomaly."""
    d = anomaly_queue.anomaly_detail(s, anomaly_id)
    if not may_fix(user.role, d.anomaly["category"]):
        raise Forbidden("财务只能查看支付和退款类异常")
    return {"anomaly": d.anomaly, "order": d.order, "devices": d.devices}


@router.post("/anomalies/{anomaly_id}/fix")
def fix(anomaly_id: AnomalyId, body: FixBody, user: Fixer, s: Db, now: Now, venue: AtVenue,
        request: Request, reveal: Annotated[bool, Query()] = False) -> dict[str, Any]:
    """Apply one of the anomaly's fixes: `{anomaly, order, already_fixed, message}`; a
    second click answers `already_fixed: true` ("已处理"); 409 when the precondition no
    longer holds or `order_version` is stale. The order's customer is masked; `reveal=1`
    shows the full phone and ID number and logs `customer.revealed` (fixers are
    supervisor+)."""
    done = anomaly_fixes.fix_anomaly(
        s, anomaly_id, body.action, actor=user.username, role=user.role, note=body.note,
        order_version=body.order_version, now=now, venue=venue,
        provider=request.app.state.refund_provider)
    order = None
    if done.order_no and reveal:
        order = orders.reveal_customer(s, done.order_no, actor=actors.user(user.username),
                                       now=now)
    elif done.order_no:
        order = orders.get_order(s, done.order_no)
    return {"anomaly": done.anomaly, "order": order, "already_fixed": done.already_fixed,
            "message": done.message}

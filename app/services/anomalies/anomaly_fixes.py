"""Fixing an anomaly (DESIGN.md §6 "every fix is a service"): one transaction that locks the
anomaly's order and the anomaly, checks who asks and what, applies the fix, writes the
timeline and closes the anomaly.

Answers, in the order they are checked:
- a clerk or gate → Forbidden "只有主管及以上可以处理异常"; finance works payment and refund
  anomalies only (Forbidden for redemption and inventory ones);
- an action that is not one of the anomaly's `fixes` (nor `dismiss`) → ValidationError
  naming it; no note for `mark_resolved`, `change_refund_method` or `dismiss` →
  ValidationError "请填写处理说明";
- the anomaly is no longer open → `FixResult(already_fixed=True, message="已处理")`, nothing
  written (a second click, or a second supervisor who lost the race);
- `order_version` given and the order moved on → Conflict "订单已变更（版本 X → Y），请刷新后
  再处理";
- the fix's precondition no longer holds → Conflict with the reason; a payment provider that
  refuses → ProviderFailed (HTTP 502). Nothing is written in either case.
A fix that only learns something keeps the anomaly open: `query_payment` when the provider
says the order is not paid (or paid another amount) records the answer (`payment.queried` on
the timeline, evidence `payment_query`) and puts `cancel_and_release` first in `fixes`.
Otherwise the fix's own events (`payment.refunded`, `ticket.redeemed`, ...) and then
`anomaly.fixed` go on the order's timeline (actor `user:NAME`, source `server`), the
anomaly turns `resolved` (`dismissed` for `dismiss`) with `resolved_by`, `resolved_at` and a
Chinese `resolution`, and anomaly and order get a new version in the changes feed."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.anomalies import (
    DISMISS,
    FIXERS,
    KINDS,
    NOTE_REQUIRED_FIXES,
    AnomalyStatus,
    may_fix,
)
from app.domain.errors import Conflict, Forbidden, NotFound, ValidationError
from app.domain.venue import Venue
from app.services.anomalies import (
    fixes_backfill,
    fixes_inventory,
    fixes_payment,
    fixes_redemption,
    fixes_refund,
)
from app.services.anomalies.fixes_common import Done, FixContext, close, keep_open
from app.services.journal.anomaly_view import view
from app.services.journal.order_state import lock_order
from app.services.refunds.refund_providers import RefundProvider
from app.store.models import Anomaly, Order

ALREADY_FIXED = "已处理"
NOTE_MAX = 500


def _nothing(ctx: FixContext) -> Done:
    return Done("已人工核实处理" if ctx.action != DISMISS else "已忽略")


FIXES: dict[str, Callable[[FixContext], Done]] = {
    "backfill_order": fixes_backfill.backfill_order,
    "refund_payment": fixes_payment.refund_payment_fix,
    "query_payment": fixes_payment.query_payment,
    "cancel_and_release": fixes_payment.cancel_and_release,
    "refund_duplicate": fixes_payment.refund_duplicate,
    "deduct_inventory": fixes_inventory.deduct_inventory,
    "manual_redeem": fixes_redemption.manual_redeem,
    "mark_resolved": _nothing,
    "lock_order": fixes_redemption.lock_order,
    "process_refund": fixes_refund.process_refund,
    "retry_refund": fixes_refund.retry_refund,
    "change_refund_method": fixes_refund.change_refund_method,
    "restore_inventory": fixes_inventory.restore_inventory,
    DISMISS: _nothing,
}


@dataclass(frozen=True)
class FixResult:
    anomaly: dict[str, Any]  # the API JSON (`anomaly_view.view`) after the fix
    order_no: str | None  # the order to show: the anomaly's, or the one a backfill made
    already_fixed: bool
    message: str  # zh_CN: what was done, or "已处理"


def check_role(role: str) -> None:
    if role not in FIXERS:
        raise Forbidden("只有主管及以上可以处理异常")


def clean_note(note: str | None) -> str | None:
    text = (note or "").strip()
    if len(text) > NOTE_MAX:
        raise ValidationError(f"处理说明最多 {NOTE_MAX} 个字", field="note")
    return text or None


def _check_request(a: Anomaly, action: str, role: str, note: str | None) -> None:
    spec = KINDS.get(a.kind)
    if not may_fix(role, a.category):
        raise Forbidden("财务只能处理支付和退款类异常")
    if action != DISMISS and action not in (a.fixes or []):
        label = spec.label_zh if spec else a.kind
        allowed = "、".join([*(a.fixes or []), DISMISS])
        raise ValidationError(f"“{label}”异常不能执行 {str(action)[:40]}，可用的处理：{allowed}",
                              field="action")
    if note is None and (action in NOTE_REQUIRED_FIXES or action == DISMISS):
        raise ValidationError("请填写处理说明", field="note")


def _lock(session: Session, anomaly_id: str) -> tuple[Anomaly, Order | None]:
    """The anomaly's order (locked first: every writer locks an order before its rows),
    then the anomaly, both fresh; NotFound for an unknown id."""
    order_id = session.execute(sa.select(Anomaly.order_id)
                               .where(Anomaly.anomaly_id == anomaly_id)).first()
    if order_id is None:
        raise NotFound(f"没有找到异常 {anomaly_id[:40]}")
    order = lock_order(session, order_id=order_id[0]) if order_id[0] else None
    a = session.execute(sa.select(Anomaly).where(Anomaly.anomaly_id == anomaly_id)
                        .with_for_update().execution_options(populate_existing=True)
                        ).scalar_one()
    return a, order


def _check_version(order: Order | None, order_version: int | None) -> None:
    if order_version is not None and order is not None and order.version != order_version:
        raise Conflict(f"订单已变更（版本 {order_version} → {order.version}），请刷新后再处理",
                       order_version=order.version)


def fix_anomaly(session: Session, anomaly_id: str, action: str, *, actor: str, role: str,
                now: datetime, venue: Venue, note: str | None = None,
                order_version: int | None = None,
                provider: RefundProvider | None = None) -> FixResult:
    """Apply `action` to the anomaly `anomaly_id` as `actor` (a username) with `role` (see
    the module docstring). `provider` is the payment provider of the money-moving fixes."""
    check_role(role)
    note = clean_note(note)
    with session.begin():
        a, order = _lock(session, anomaly_id)
        _check_request(a, action, role, note)
        if a.status != AnomalyStatus.OPEN:
            return FixResult(view(a), a.order_no, True, ALREADY_FIXED)
        _check_version(order, order_version)
        ctx = FixContext(session, a, order, action, actor, role, note, now, venue, provider)
        done = FIXES[action](ctx)
        if done.keep_open:
            keep_open(ctx)
        else:
            close(ctx, done)
        session.flush()
        return FixResult(view(a), done.order_no or a.order_no, False, done.summary)

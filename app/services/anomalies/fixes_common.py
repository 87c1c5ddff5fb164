"""What every anomaly fix shares (DESIGN.md §6): the context a fix runs in, the record of what
it did, the evidence it reads, and closing the anomaly (resolution, timeline, versions, feed).
Everything here runs inside the caller's transaction."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import actors
from app.domain.anomalies import DISMISS, FIX_LABELS_ZH, AnomalyStatus
from app.domain.errors import Conflict
from app.domain.venue import Venue
from app.services.journal import changes, timeline
from app.services.journal.order_state import changed
from app.services.refunds.refund_providers import RefundProvider
from app.store.models import Anomaly, Order, Payment, Refund, Ticket

SOURCE = "server"


@dataclass
class FixContext:
    """One fix being applied: the locked anomaly and its locked order (None when the anomaly
    has no order; a fix that makes one sets it)."""

    session: Session
    anomaly: Anomaly
    order: Order | None
    action: str
    actor: str  # the username
    role: str
    note: str | None
    now: datetime
    venue: Venue
    provider: RefundProvider | None

    @property
    def who(self) -> str:
        return actors.user(self.actor)

    @property
    def evidence(self) -> Mapping[str, Any]:
        return self.anomaly.evidence or {}

    def log(self, order: Order, entries: list[tuple[str, dict[str, Any]]]) -> None:
        """Append what the fix did to `order`'s timeline (actor the user, source server)."""
        timeline.append(self.session, order.order_id, entries, at=self.now, actor=self.who,
                        source=SOURCE)


@dataclass(frozen=True)
class Done:
    """What a fix did: a Chinese sentence (the resolution and the answer's message), the order
    the answer shows (default: the anomaly's), and details for the `anomaly.fixed` event."""

    summary: str
    order_no: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    keep_open: bool = False  # the fix learned something (a provider's answer), fixed nothing


def need_order(ctx: FixContext) -> Order:
    if ctx.order is None:
        raise Conflict("这条异常没有关联订单，不能执行这个处理")
    return ctx.order


def payment_of(ctx: FixContext) -> Payment | None:
    """The payment the evidence names (by id, else by provider transaction), locked."""
    ev = ctx.evidence
    query = sa.select(Payment).with_for_update().execution_options(populate_existing=True)
    if ev.get("payment_id"):
        return ctx.session.execute(
            query.where(Payment.payment_id == str(ev["payment_id"]))).scalar_one_or_none()
    if ev.get("provider_txn_id"):  # a transaction id is unique per provider
        if ev.get("provider"):
            query = query.where(Payment.provider == str(ev["provider"]))
        return ctx.session.execute(query.where(
            Payment.provider_txn_id == str(ev["provider_txn_id"]))).scalars().first()
    return None


def ticket_of(ctx: FixContext) -> Ticket:
    """The ticket the evidence names, of the anomaly's order, fresh."""
    order = need_order(ctx)
    ticket_id = str(ctx.evidence.get("ticket_id") or "")
    t = ctx.session.execute(
        sa.select(Ticket).where(Ticket.ticket_id == ticket_id, Ticket.order_id == order.order_id)
        .execution_options(populate_existing=True)).scalar_one_or_none()
    if t is None:
        raise Conflict("异常记录中没有这张票的信息，无法处理")
    return t


def refund_of(ctx: FixContext) -> Refund:
    """The refund the evidence names (by number), else the order's oldest refund that is
    still on its way (requested, processing, failed); fresh."""
    order = need_order(ctx)
    query = sa.select(Refund).where(Refund.order_id == order.order_id) \
        .execution_options(populate_existing=True)
    no = ctx.evidence.get("refund_no")
    if no:
        row = ctx.session.execute(query.where(Refund.refund_no == str(no))).scalar_one_or_none()
    else:
        row = ctx.session.execute(query.where(
            Refund.status.in_(("requested", "processing", "failed")))
            .order_by(Refund.created_at)).scalars().first()
    if row is None:
        raise Conflict("异常记录中没有找到对应的退款")
    return row


def keep_open(ctx: FixContext) -> None:
    """The anomaly stays open but changed (its evidence, its recommended fix): new versions
    of it and of its order in the feed."""
    ctx.anomaly.version += 1
    changes.touch(ctx.session, "anomaly", ctx.anomaly.anomaly_id, now=ctx.now)
    if ctx.order is not None:
        changed(ctx.session, ctx.order, now=ctx.now)


def close(ctx: FixContext, done: Done) -> None:
    """Close the anomaly: `resolved` (a fix) or `dismissed`, by whom, when and how; its
    version bumped and touched. A resolved cause may be detected again later (its dedupe key
    is released); a dismissed one stays quiet. With an order: `anomaly.fixed` on its timeline
    and the order re-derived, version bumped and touched."""
    a, now = ctx.anomaly, ctx.now
    dismissed = ctx.action == DISMISS
    a.status = str(AnomalyStatus.DISMISSED if dismissed else AnomalyStatus.RESOLVED)
    a.resolved_by = ctx.actor
    a.resolved_at = now
    label = FIX_LABELS_ZH.get(ctx.action, ctx.action)
    a.resolution = f"{label}：{done.summary}" + (f"（说明：{ctx.note}）" if ctx.note else "")
    if not dismissed:
        a.dedupe_key = None
    a.version += 1
    changes.touch(ctx.session, "anomaly", a.anomaly_id, now=now)
    if ctx.order is None:
        return
    ctx.log(ctx.order, [("anomaly.fixed", {
        "anomaly_id": a.anomaly_id, "kind": a.kind, "action": ctx.action, "status": a.status,
        "note": ctx.note, "actor": ctx.actor, "role": ctx.role, "resolution": a.resolution}
        | done.detail)])
    changed(ctx.session, ctx.order, now=now)

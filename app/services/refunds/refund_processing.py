"""The provider step of wechat/alipay refunds (DESIGN.md §5, §6), run by the store's periodic
sweep: every `processing` refund whose attempt is due goes to the payment provider, one
transaction per refund with its timeline.

Schedule: the first attempt is due at once (the next sweep after the refund started); after
failure n (n = `refunds.attempts`) the next is due `RETRY_DELAYS[n - 1]` after `updated_at`
(the time of that failure). After `MAX_ATTEMPTS` failures the refund is `failed`, its tickets
stay `refunding` (no money went back) and a `refund_failed` anomaly opens (fixes
`retry_refund`, `change_refund_method`). Success settles it exactly as a cash refund does
(`refund_requests.complete`). A refund already settled, or not yet due, is left alone, so a
repeated or concurrent sweep changes nothing."""

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import actors
from app.domain.venue import Venue
from app.services.journal import anomaly_log, timeline
from app.services.journal.order_state import changed, lock_order
from app.services.refunds import refund_requests
from app.services.refunds.refund_providers import ProviderAnswer, RefundProvider
from app.store.models import Payment, Refund

SOURCE = "server"
PROVIDER_METHODS = ("wechat", "alipay")
MAX_ATTEMPTS = 3
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15))
METHOD_ZH = {"wechat": "微信支付", "alipay": "支付宝"}


def due_at(attempts: int, updated_at: datetime) -> datetime:
    """When the next provider call of a `processing` refund is due."""
    if attempts <= 0:
        return updated_at
    return updated_at + RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


def process_due(session: Session, provider: RefundProvider, *, now: datetime,
                today: date | None = None, venue: Venue | None = None) -> int:
    """Call the provider for every due `processing` wechat/alipay refund; how many were
    attempted. `today` is the venue's local date (default: `venue`'s, or the default
    venue's, at `now`): stock comes back only for a visit date not past."""
    if today is None:
        today = (venue or Venue()).local_date(now)
    with session.begin():
        rows = session.execute(
            sa.select(Refund.refund_no, Refund.attempts, Refund.updated_at)
            .where(Refund.status == "processing", Refund.method.in_(PROVIDER_METHODS))
            .order_by(Refund.created_at, Refund.refund_no)).all()
    done = 0
    for refund_no, attempts, updated_at in rows:
        if due_at(attempts, updated_at) <= now and _attempt(session, provider, refund_no,
                                                            now=now, today=today):
            done += 1
    return done


def _attempt(session: Session, provider: RefundProvider, refund_no: str, *, now: datetime,
             today: date) -> bool:
    """One refund, one transaction: lock its order, check it is still processing and due,
    call the provider, write the outcome. False when there was nothing to do."""
    with session.begin():
        order_id = session.execute(sa.select(Refund.order_id)
                                   .where(Refund.refund_no == refund_no)).scalar_one()
        order = lock_order(session, order_id=order_id)
        assert order is not None
        refund = session.execute(sa.select(Refund).where(Refund.refund_no == refund_no)
                                 .execution_options(populate_existing=True)).scalar_one()
        if refund.status != "processing" or due_at(refund.attempts, refund.updated_at) > now:
            return False
        txn = session.execute(
            sa.select(Payment.provider_txn_id)
            .where(Payment.order_id == order.order_id, Payment.method == refund.method,
                   Payment.status == "succeeded").order_by(Payment.at)).scalars().first()
        try:
            answer = provider.refund(provider_txn_id=txn, refund_no=refund.refund_no,
                                     amount_fen=refund.amount_fen, provider=refund.method)
        except Exception as exc:  # noqa: BLE001 - a network failure is a failed attempt
            answer = ProviderAnswer(False, error=f"{type(exc).__name__}: {exc}"[:500])
        who = actors.provider(refund.method)
        refund.attempts += 1
        if answer.ok:
            refund.last_error = None
            refund_requests.complete(session, order, refund, actor=who, now=now, today=today,
                                     source=SOURCE,
                                     extra={"provider_refund_id": answer.provider_refund_id,
                                            "attempts": refund.attempts})
        else:
            _failed(session, refund, answer, who, now)
        changed(session, order, now=now)
        return True


def _failed(session: Session, refund: Refund, answer: ProviderAnswer,
            who: str, now: datetime) -> None:
    error = (answer.error or "支付渠道未说明原因")[:500]
    refund.last_error = error
    refund.version += 1
    refund.updated_at = now
    last = refund.attempts >= MAX_ATTEMPTS
    detail = refund_requests.detail(refund) | {"attempt": refund.attempts, "error": error}
    if not last:
        detail["next_attempt_at"] = due_at(refund.attempts, now).isoformat()
    order_id = refund.order_id
    timeline.append(session, order_id, [("refund.failed_attempt", detail)], at=now,
                    actor=who, source=SOURCE)
    if not last:
        return
    refund.status = "failed"
    timeline.append(session, order_id, [("refund.failed", refund_requests.detail(refund) | {
        "attempts": refund.attempts, "error": error})], at=now, actor=actors.SYSTEM,
        source=SOURCE)
    channel = METHOD_ZH.get(refund.method, refund.method)
    anomaly_log.open_anomaly(
        session, "refund_failed", order_id=order_id,
        reason=(f"退款 {refund.refund_no} 经{channel}原路退回连续失败 {refund.attempts} 次"
                f"（最近一次 {now.isoformat()}：{error}），"
                f"{refund.amount_fen} 分未退回，请重试退款或改为窗口现金退款"),
        evidence={"refund_no": refund.refund_no, "provider": refund.method,
                  "attempts": refund.attempts, "last_error": error,
                  "amount_fen": refund.amount_fen, "failed_at": now.isoformat()},
        amount_fen=refund.amount_fen, now=now,
        dedupe_key=f"refund_failed:{refund.refund_no}:{refund.attempts}")

"""The periodic anomaly sweep (DESIGN.md §6: inline detection plus a sweep every 30 s for the
time-based kinds). Each rule is one set-based query for the candidates that have no anomaly
yet (their `dedupe_key` is not taken), then one short transaction per candidate that locks
its order, checks the rule again and opens the anomaly with `anomaly_log.open_anomaly`:

- `payment_failed_order_open`: an order `paying` (payment state `started`, not cancelled)
  whose payment started more than `PAYING_TIMEOUT` (10 min) ago — the started payment's
  `at`, or the order's `updated_at` when no started payment row exists. Key
  `payment_open:{order_id}:{provider_txn_id or -}`.
- `refund_not_processed`: a refund still `requested`, `awaiting_approval` or `processing`
  `REFUND_TIMEOUT` (30 min) after it was requested (`refunds.created_at`). A provider
  refund settles or fails within minutes (1 + 5 min of retries), an approval is a person's
  job: both are overdue by then. Key `refund_not_processed:{refund_no}:{status}`.
- the inventory kinds: `inventory_audit` (its docstring has the rules).

Open anomalies whose condition no longer holds close themselves (`anomaly_moot`).

Then the age part of the priority of every open anomaly is brought up to date (evidence
`amount_fen` is the money part, see `anomaly_log`)."""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.anomalies import KINDS, AnomalyStatus, priority
from app.domain.lifecycle import PaymentState
from app.domain.money import format_fen
from app.domain.venue import Venue
from app.services.anomalies.anomaly_moot import close_moot
from app.services.journal import changes
from app.services.journal.anomaly_log import open_anomaly
from app.services.journal.order_state import lock_order
from app.services.stock import inventory_audit
from app.store.db import read_transaction
from app.store.models import Anomaly, Order, Payment, Refund

PAYING_TIMEOUT = timedelta(minutes=10)
REFUND_TIMEOUT = timedelta(minutes=30)
REFUND_WAITING = ("requested", "awaiting_approval", "approved", "processing")
PROVIDER_ZH = {"wechat": "微信支付", "alipay": "支付宝"}
ROLE_ZH = {"supervisor": "主管", "finance": "财务"}
BATCH = 500  # candidates per sweep and rule: the rest come 30 s later


@dataclass(frozen=True)
class SweepResult:
    """What one sweep did: anomalies opened per kind, open anomalies re-prioritised, moot
    ones closed."""

    opened: Mapping[str, int] = field(default_factory=dict)
    reprioritised: int = 0
    closed: int = 0  # open anomalies found moot and resolved by `system` (anomaly_moot)

    @property
    def total(self) -> int:
        return sum(self.opened.values())


def sweep_anomalies(session: Session, *, now: datetime, venue: Venue | None = None
                    ) -> SweepResult:
    """Detect the time-based anomalies (see the module docstring) and refresh the age part
    of open anomalies' priority. Repeated sweeps open nothing twice."""
    venue = venue or Venue()
    opened: Counter[str] = Counter()
    opened["payment_failed_order_open"] = _stale_payments(session, now, venue)
    opened["refund_not_processed"] = _stale_refunds(session, now, venue)
    opened.update(inventory_audit.audit(session, now=now, venue=venue))
    closed = close_moot(session, now=now)
    return SweepResult({k: n for k, n in opened.items() if n},
                       refresh_priorities(session, now=now), closed)


def _local(venue: Venue, at: datetime) -> str:
    return venue.local(at).strftime("%Y-%m-%d %H:%M")


def _minutes(since: datetime, now: datetime) -> int:
    return int((now - since).total_seconds() // 60)


def _untaken(key: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    """No anomaly has this dedupe key yet (its unique index answers): filtered in the query,
    so the batch limit never fills up with causes already flagged."""
    return ~sa.exists().where(Anomaly.dedupe_key == key)


# ---- payment_failed_order_open: paying for more than 10 minutes ------------------------------

def _paying_key(order_id: str, txn: str | None) -> str:
    return f"payment_open:{order_id}:{txn or '-'}"


def _stale_payments(session: Session, now: datetime, venue: Venue) -> int:
    cutoff = now - PAYING_TIMEOUT
    started = (sa.select(Payment.order_id, Payment.provider, Payment.provider_txn_id,
                         Payment.at, Payment.payment_no)
               .where(Payment.status == "started").subquery())
    since = sa.func.coalesce(started.c.at, Order.updated_at)
    key = (sa.literal("payment_open:") + Order.order_id + ":"
           + sa.func.coalesce(started.c.provider_txn_id, "-"))
    with read_transaction(session):
        inventory_audit.no_jit(session)
        rows = session.execute(
            sa.select(Order.order_id, started.c.provider_txn_id)
            .outerjoin(started, started.c.order_id == Order.order_id)
            .where(Order.payment_state == str(PaymentState.STARTED),
                   Order.cancelled.is_(False), since <= cutoff, _untaken(key))
            .order_by(since).limit(BATCH)).all()
    return sum(_open_paying(session, order_id, txn, now, venue) for order_id, txn in rows)


def _open_paying(session: Session, order_id: str, txn: str | None, now: datetime,
                 venue: Venue) -> bool:
    with session.begin():
        order = lock_order(session, order_id=order_id)
        if order is None or order.cancelled or order.payment_state != PaymentState.STARTED:
            return False  # the result came meanwhile
        pay = session.execute(sa.select(Payment).where(
            Payment.order_id == order_id, Payment.status == "started",
            Payment.provider_txn_id.is_(None) if txn is None
            else Payment.provider_txn_id == txn)).scalars().first()
        since = pay.at if pay is not None else order.updated_at
        if now - since < PAYING_TIMEOUT:
            return False
        how = (f"{PROVIDER_ZH.get(pay.provider or '', pay.provider or pay.method)}支付"
               f"（交易号 {pay.provider_txn_id or '未知'}）") if pay is not None else "支付"
        reason = (f"订单 {order.order_no} 于 {_local(venue, since)} 发起{how}，"
                  f"至 {_local(venue, now)} 已 {_minutes(since, now)} 分钟仍无支付结果，"
                  f"订单停在“支付中”（应付 {format_fen(order.total_fen)}），请查询支付结果或取消订单释放库存")
        evidence: dict[str, Any] = {
            "order_no": order.order_no, "channel": order.channel,
            "payment_started_at": since.isoformat(), "amount_fen": order.total_fen,
            "provider": pay.provider if pay else None,
            "provider_txn_id": pay.provider_txn_id if pay else None,
            "payment_no": pay.payment_no if pay else None}
        return open_anomaly(session, "payment_failed_order_open", order_id=order_id,
                            reason=reason, evidence=evidence, amount_fen=order.total_fen,
                            now=now, dedupe_key=_paying_key(order_id, txn)) is not None


# ---- refund_not_processed: requested more than 30 minutes ago --------------------------------

def _refund_key(refund_no: str, status: str) -> str:
    return f"refund_not_processed:{refund_no}:{status}"


def _stale_refunds(session: Session, now: datetime, venue: Venue) -> int:
    key = sa.literal("refund_not_processed:") + Refund.refund_no + ":" + Refund.status
    with read_transaction(session):
        ids = session.execute(
            sa.select(Refund.refund_id)
            .where(Refund.status.in_(REFUND_WAITING), Refund.created_at <= now - REFUND_TIMEOUT,
                   _untaken(key))
            .order_by(Refund.created_at).limit(BATCH)).scalars().all()
    return sum(_open_refund(session, refund_id, now, venue) for refund_id in ids)


def _waiting_for(refund: Refund) -> str:
    if refund.status == "awaiting_approval":
        required = list((refund.override or {}).get("approvals_required") or ["supervisor"])
        done = {a.get("as") for a in refund.approvals or []}
        roles = "、".join(ROLE_ZH.get(r, r) for r in required if r not in done) or "主管"
        return f"仍在等待{roles}审批"
    if refund.status == "approved":
        where = (refund.override or {}).get("payout_terminal") or "申请"
        return f"已批准，仍在等待 {where} 号窗口付现"
    if refund.status == "processing":
        tried = f"已尝试 {refund.attempts} 次" if refund.attempts else "尚未发往支付渠道"
        return f"原路退款仍未完成（{tried}）"
    return "仍未处理"


def _open_refund(session: Session, refund_id: str, now: datetime, venue: Venue) -> bool:
    with session.begin():
        order_id = session.execute(sa.select(Refund.order_id)
                                   .where(Refund.refund_id == refund_id)).scalar_one()
        order = lock_order(session, order_id=order_id)
        refund = session.execute(sa.select(Refund).where(Refund.refund_id == refund_id)
                                 .execution_options(populate_existing=True)).scalar_one()
        if order is None or refund.status not in REFUND_WAITING \
                or now - refund.created_at < REFUND_TIMEOUT:
            return False
        method = PROVIDER_ZH.get(refund.method, {"cash": "现金", "ota": "OTA 平台"}.get(
            refund.method, refund.method))
        reason = (f"退款 {refund.refund_no}（订单 {order.order_no}，{method} "
                  f"{format_fen(refund.amount_fen)}，申请人 {refund.requested_by or '未知'}）"
                  f"于 {_local(venue, refund.created_at)} 提交，已 "
                  f"{_minutes(refund.created_at, now)} 分钟{_waiting_for(refund)}")
        evidence = {"refund_no": refund.refund_no, "order_no": order.order_no,
                    "status": refund.status, "method": refund.method,
                    "amount_fen": refund.amount_fen, "requested_by": refund.requested_by,
                    "requested_at": refund.created_at.isoformat(),
                    "attempts": refund.attempts, "last_error": refund.last_error}
        return open_anomaly(session, "refund_not_processed", order_id=order_id, reason=reason,
                            evidence=evidence, amount_fen=refund.amount_fen, now=now,
                            dedupe_key=_refund_key(refund.refund_no, refund.status)) is not None


# ---- priority: the age part grows while an anomaly stays open --------------------------------

def _amount(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def refresh_priorities(session: Session, *, now: datetime) -> int:
    """Recompute `priority` of every open anomaly at `now` (its money part from evidence
    `amount_fen`; without one the priority only ever grows); bumps the version and touches
    the feed of those that changed. How many changed."""
    amount = Anomaly.evidence["amount_fen"].as_string()
    with session.begin():
        rows = session.execute(
            sa.select(Anomaly.anomaly_id, Anomaly.kind, Anomaly.detected_at, Anomaly.priority,
                      amount, Anomaly.category).where(Anomaly.status == str(AnomalyStatus.OPEN))
            # one being fixed right now (a provider call may take seconds) ages next round
            .with_for_update(skip_locked=True)).all()
        changed = []
        for anomaly_id, kind, detected_at, old, fen, category in rows:
            if kind not in KINDS:
                continue
            fen = _amount(fen)
            new = priority(kind, fen or 0, detected_at, now, category)
            new = new if fen is not None else max(new, old)
            if new != old:
                changed.append({"a_id": anomaly_id, "a_priority": new})
        if changed:
            table = Anomaly.__table__
            session.connection().execute(
                sa.update(table).where(table.c.anomaly_id == sa.bindparam("a_id"))
                .values(priority=sa.bindparam("a_priority"), version=table.c.version + 1),
                changed)
            for row in changed:
                changes.touch(session, "anomaly", row["a_id"], now=now)
    return len(changed)

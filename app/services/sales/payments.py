"""Payment provider callbacks (DESIGN.md §8 `POST /payments/{provider}/callback`): each
provider transaction takes effect once; money that does not settle an open order is recorded
and raises an anomaly (§6), never dropped.

What a successful callback does:
- open order (pending_payment / paying), amount = order total → payment succeeded, order paid;
- open order, amount ≠ total → the payment is recorded (`paid_fen` grows) but the order is
  not marked paid: neither letting a visitor in on an underpayment nor guessing what an
  overpayment was for is safe. A `payment_failed_order_open` anomaly (fixes: query the
  payment, or cancel and release — refunding the money) names expected and received amounts;
  the expiry sweep leaves orders holding money alone;
- order already paid → recorded against the order, `duplicate_payment` (refund_duplicate);
- order cancelled (expired before the money came) → recorded against the cancelled order,
  which stays cancelled (its units are gone), and `paid_no_order` on it: the money has no
  live order, and its fixes (backfill the order from `attach`, refund the payment) are the
  two ways out; the evidence names the cancelled order;
- no such order → a payment with no order (order_id NULL) and `paid_no_order` (evidence:
  provider, transaction, amount, attach, the order_no named).
A failed callback records a failed payment; on an open order it turns the payment state to
failed and raises `payment_failed_order_open`. A callback for the transaction a channel
opened when it placed the order (a `started` payment, the order `paying`) settles that
payment row; the same provider's transaction id on another order is refused
(ValidationError). Transaction ids are the provider's: another provider's same id is another
payment. A
success callback for a payment a supervisor already confirmed with the provider (the
`query_payment` anomaly fix: same transaction, order and amount) is `confirmed`: nothing
more is written.
"""

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import actors
from app.domain.errors import NotFound, ValidationError
from app.domain.ids import new_id
from app.domain.lifecycle import PaymentState
from app.domain.money import MAX_FEN, format_fen
from app.domain.timeline import iso_utc
from app.services.journal import exactly_once, timeline
from app.services.journal.anomaly_log import open_anomaly
from app.services.journal.order_state import changed, lock_order
from app.services.journal.orders import SEALED, public_evidence
from app.store.models import Order, Payment

PROVIDERS = {"wechat": "微信支付", "alipay": "支付宝"}
SCOPE = "payment_callback"
SOURCE = "server"
TXN_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_OPEN = (str(PaymentState.NONE), str(PaymentState.STARTED), str(PaymentState.FAILED))
_REUSED = "这个支付交易号已用于另一笔内容不同的回调"


@dataclass(frozen=True)
class Callback:
    provider: str
    provider_txn_id: str
    order_no: str
    amount_fen: int
    status: str  # success | failed
    paid_at: datetime  # aware, the provider's time
    attach: Any = None  # what the payer's client attached (JSON), kept as evidence


@dataclass(frozen=True)
class CallbackResult:
    outcome: str  # paid | amount_mismatch | duplicate | after_cancel | no_order | failed | failed_recorded | confirmed
    payment_no: str
    order_no: str | None
    anomaly_id: str | None = None
    replayed: bool = False


def _check(cb: Callback) -> None:
    if cb.provider not in PROVIDERS:
        raise NotFound(f"不支持的支付渠道：{cb.provider}", provider=cb.provider)
    if not TXN_ID.match(cb.provider_txn_id):
        raise ValidationError("支付交易号只能由字母、数字、_ . : - 组成，最多 64 个字符",
                              field="provider_txn_id")
    if cb.status not in ("success", "failed"):
        raise ValidationError("回调状态应为 success 或 failed", field="status")
    if not 0 <= cb.amount_fen <= MAX_FEN:
        raise ValidationError("支付金额不正确", field="amount_fen")
    if cb.paid_at.tzinfo is None:
        raise ValidationError("支付时间必须带时区", field="paid_at")


def _txn(cb: Callback) -> str:
    """A transaction id is the provider's own: two providers may use the same one."""
    return f"{cb.provider}:{cb.provider_txn_id}"


def _meaning(cb: Callback) -> dict[str, Any]:
    return {"provider": cb.provider, "provider_txn_id": cb.provider_txn_id,
            "order_no": cb.order_no, "amount_fen": cb.amount_fen, "status": cb.status,
            "paid_at": iso_utc(cb.paid_at), "attach": cb.attach}


def _started(session: Session, order: Order | None, cb: Callback) -> Payment | None:
    """The `started` payment a channel opened with this transaction (see
    `channels.PaymentStart`): its callback settles that row instead of adding one."""
    row = session.execute(sa.select(Payment).where(
        Payment.provider == cb.provider,
        Payment.provider_txn_id == cb.provider_txn_id)).scalar_one_or_none()
    if row is None:
        return None
    if row.status != "started" or order is None or row.order_id != order.order_id:
        raise ValidationError(f"支付交易号 {cb.provider_txn_id} 已属于 {row.payment_no}",
                              field="provider_txn_id")
    return row


def _payment(session: Session, order: Order | None, cb: Callback, status: str) -> Payment:
    started = _started(session, order, cb)
    if started is not None:
        started.status, started.amount_fen, started.tendered_fen = status, cb.amount_fen, \
            cb.amount_fen
        started.method, started.provider, started.at = cb.provider, cb.provider, cb.paid_at
        session.flush()
        return started
    if order is None:
        payment_no = f"PAY-{cb.provider.upper()}-{cb.provider_txn_id}"
    else:
        n = session.execute(sa.select(sa.func.count()).select_from(Payment)
                            .where(Payment.order_id == order.order_id)).scalar_one()
        payment_no = f"{order.order_no}-P{n + 1}"
    payment = Payment(payment_id=new_id(), payment_no=payment_no,
                      order_id=order.order_id if order else None, method=cb.provider,
                      amount_fen=cb.amount_fen, tendered_fen=cb.amount_fen, change_fen=0,
                      status=status, provider=cb.provider, provider_txn_id=cb.provider_txn_id,
                      at=cb.paid_at)
    session.add(payment)
    session.flush()
    return payment


def _evidence(cb: Callback, payment: Payment, **more: Any) -> dict[str, Any]:
    """The anomaly's evidence. Personal data in `attach` is masked there (the evidence goes to
    the feed, the queue and the order's timeline); the attach as sent is kept `sealed`, on the
    store only, for the backfill fix (DESIGN.md §14)."""
    attach = public_evidence({"attach": cb.attach})["attach"]
    sealed = {SEALED: {"attach": cb.attach}} if attach != cb.attach else {}
    return {"provider": cb.provider, "provider_txn_id": cb.provider_txn_id,
            "amount_fen": cb.amount_fen, "paid_at": iso_utc(cb.paid_at),
            "payment_no": payment.payment_no, "payment_id": payment.payment_id,
            "order_no": cb.order_no, "attach": attach} | sealed | more


def _log(session: Session, order: Order, action: str, cb: Callback, payment: Payment,
         now: datetime, **more: Any) -> None:
    timeline.append(session, order.order_id, [(action, {
        "payment_no": payment.payment_no, "method": cb.provider, "amount_fen": cb.amount_fen,
        "provider_txn_id": cb.provider_txn_id, "paid_at": iso_utc(cb.paid_at)} | more)],
        at=now, actor=actors.provider(cb.provider), source=SOURCE)


def _money_in(session: Session, order: Order, cb: Callback, now: datetime,
              **detail: Any) -> Payment:
    payment = _payment(session, order, cb, "succeeded")
    order.paid_fen += cb.amount_fen
    _log(session, order, "payment.succeeded", cb, payment, now, **detail)
    return payment


def _no_order(session: Session, cb: Callback, now: datetime) -> CallbackResult:
    payment = _payment(session, None, cb, "succeeded")
    anomaly = open_anomaly(
        session, "paid_no_order", reason=(
            f"{PROVIDERS[cb.provider]}支付成功 {format_fen(cb.amount_fen)}"
            f"（交易号 {cb.provider_txn_id}），但没有找到订单 {cb.order_no}"),
        evidence=_evidence(cb, payment), amount_fen=cb.amount_fen, now=now,
        dedupe_key=f"paid_no_order:{_txn(cb)}")
    return CallbackResult("no_order", payment.payment_no, None, anomaly)


def _after_cancel(session: Session, order: Order, cb: Callback, now: datetime) -> CallbackResult:
    payment = _money_in(session, order, cb, now, order_cancelled=True)
    changed(session, order, now=now)
    anomaly = open_anomaly(
        session, "paid_no_order", order_id=order.order_id, reason=(
            f"{PROVIDERS[cb.provider]}支付成功 {format_fen(cb.amount_fen)}"
            f"（交易号 {cb.provider_txn_id}），但订单 {order.order_no} 已取消"
            "（超时未支付，票已作废、库存已释放）"),
        evidence=_evidence(cb, payment, cancelled_order_no=order.order_no),
        amount_fen=cb.amount_fen, now=now, dedupe_key=f"paid_no_order:{_txn(cb)}")
    return CallbackResult("after_cancel", payment.payment_no, order.order_no, anomaly)


def _duplicate(session: Session, order: Order, cb: Callback, now: datetime) -> CallbackResult:
    earlier = session.execute(sa.select(Payment.payment_no).where(
        Payment.order_id == order.order_id, Payment.status == "succeeded")).scalars().all()
    payment = _money_in(session, order, cb, now, duplicate=True)
    changed(session, order, now=now)
    anomaly = open_anomaly(
        session, "duplicate_payment", order_id=order.order_id, reason=(
            f"订单 {order.order_no} 已支付，又收到{PROVIDERS[cb.provider]}成功支付 "
            f"{format_fen(cb.amount_fen)}（交易号 {cb.provider_txn_id}）"),
        evidence=_evidence(cb, payment, earlier_payments=list(earlier)),
        amount_fen=cb.amount_fen, now=now, dedupe_key=f"duplicate_payment:{_txn(cb)}")
    return CallbackResult("duplicate", payment.payment_no, order.order_no, anomaly)


def _settle(session: Session, order: Order, cb: Callback, now: datetime) -> CallbackResult:
    if cb.amount_fen == order.total_fen:
        payment = _money_in(session, order, cb, now)
        order.payment_state = str(PaymentState.PAID)
        changed(session, order, now=now)
        return CallbackResult("paid", payment.payment_no, order.order_no)
    payment = _money_in(session, order, cb, now, amount_mismatch=True)
    changed(session, order, now=now)
    anomaly = open_anomaly(
        session, "payment_failed_order_open", order_id=order.order_id, reason=(
            f"订单 {order.order_no} 应付 {format_fen(order.total_fen)}，"
            f"{PROVIDERS[cb.provider]}实付 {format_fen(cb.amount_fen)}"
            f"（交易号 {cb.provider_txn_id}），金额不符，订单未标记为已支付"),
        evidence=_evidence(cb, payment, expected_fen=order.total_fen),
        amount_fen=cb.amount_fen, now=now, dedupe_key=f"payment_mismatch:{_txn(cb)}")
    return CallbackResult("amount_mismatch", payment.payment_no, order.order_no, anomaly)


def _failed(session: Session, order: Order | None, cb: Callback, now: datetime) -> CallbackResult:
    payment = _payment(session, order, cb, "failed")
    if order is None:
        return CallbackResult("failed_recorded", payment.payment_no, None)
    _log(session, order, "payment.failed", cb, payment, now)
    if order.cancelled or order.payment_state not in _OPEN:
        changed(session, order, now=now)  # a late failure of a paid or cancelled order
        return CallbackResult("failed_recorded", payment.payment_no, order.order_no)
    order.payment_state = str(PaymentState.FAILED)
    changed(session, order, now=now)
    anomaly = open_anomaly(
        session, "payment_failed_order_open", order_id=order.order_id, reason=(
            f"{PROVIDERS[cb.provider]}回调支付失败（交易号 {cb.provider_txn_id}），"
            f"订单 {order.order_no} 仍未支付"),
        evidence=_evidence(cb, payment), amount_fen=order.total_fen, now=now,
        dedupe_key=f"payment_failed:{_txn(cb)}")
    return CallbackResult("failed", payment.payment_no, order.order_no, anomaly)


def _confirmed(session: Session, order: Order | None, cb: Callback) -> Payment | None:
    """The payment a supervisor already confirmed with the provider (the `query_payment`
    anomaly fix) before its success callback came: the same transaction, order and amount."""
    if order is None or cb.status != "success":
        return None
    return session.execute(sa.select(Payment).where(
        Payment.provider == cb.provider, Payment.provider_txn_id == cb.provider_txn_id,
        Payment.order_id == order.order_id,
        Payment.status == "succeeded", Payment.amount_fen == cb.amount_fen)).scalar()


def _apply(session: Session, cb: Callback, now: datetime) -> tuple[CallbackResult, Order | None]:
    order = lock_order(session, order_no=cb.order_no)
    known = _confirmed(session, order, cb)
    if known is not None:  # nothing new: answer ok, write nothing but the intake row
        return CallbackResult("confirmed", known.payment_no, cb.order_no), order
    if cb.status == "failed":
        return _failed(session, order, cb, now), order
    if order is None:
        return _no_order(session, cb, now), None
    if order.cancelled:
        return _after_cancel(session, order, cb, now), order
    if order.payment_state == PaymentState.PAID:
        return _duplicate(session, order, cb, now), order
    return _settle(session, order, cb, now), order


def _key(cb: Callback) -> tuple[str, str]:
    return SCOPE, _txn(cb)


def _replay(row: Any) -> CallbackResult:
    return CallbackResult(**(dict(row.result or {}) | {"replayed": True}))


def record_callback(session: Session, cb: Callback, *, now: datetime) -> CallbackResult:
    """Apply a provider's callback once (see the module docstring), keyed on the provider and
    its transaction id. A replay (same key, same content) answers the stored result and
    writes nothing; the same key with other content raises `exactly_once.KeyReused`. Raises NotFound (unknown
    provider) and ValidationError (malformed fields)."""
    _check(cb)
    def work(s: Session) -> exactly_once.Received:
        result, order = _apply(s, cb, now)
        stored = asdict(result)
        del stored["replayed"]
        return exactly_once.Received(result, order.order_id if order else None, stored)

    return exactly_once.receive(session, _key(cb), exactly_once.digest(_meaning(cb)),
                                message=_REUSED, now=now, work=work, replay=_replay)

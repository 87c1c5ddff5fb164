"""Requests under an `Idempotency-Key` (DESIGN.md §8 `POST /orders`, `POST /orders/{no}/refunds`):
the same user, key and body answer the first answer again (`replayed`), the same key with
another body is refused (`idempotency_key_reused`). The key is kept in `idempotency_keys` in the
transaction of the sale or refund it made (see `exactly_once`); the new row's id is made from
the key, so two racing requests with one key make one row and the loser replays the winner."""

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.errors import Conflict, DomainError, ValidationError
from app.domain.refunds import RefundPolicy
from app.domain.venue import Venue
from app.services.journal import changes, exactly_once, orders, read_scope
from app.services.journal.exactly_once import IDEMPOTENCY_KEYS
from app.services.refunds import refund_requests
from app.services.sales import selling
from app.store.db import read_transaction
from app.store.models import Refund

_ORDER_SPACE = uuid.UUID("5b0f6c2e-4d1a-4c59-9a43-6d656e70696f")  # order ids made from keys
_REFUND_SPACE = uuid.UUID("0d7c1f0e-5c55-4b7e-8f0a-726566756e64")  # refund ids made from keys
_ORDER_REUSED = "这个 Idempotency-Key 已用于另一笔不同的订单"
_REFUND_REUSED = "这个 Idempotency-Key 已用于另一个不同的请求"
MAX_KEY = 128


@dataclass(frozen=True)
class Answer:
    """What the request answers (order or refund JSON); `replayed`: an earlier answer."""

    body: dict[str, Any]
    replayed: bool = False


def check_key(key: str | None) -> str:
    """The header's key, stripped; ValidationError when missing or not 1–128 printable ASCII."""
    if key is None or not key.strip():
        raise ValidationError("缺少 Idempotency-Key 请求头", field="Idempotency-Key")
    key = key.strip()
    if len(key) > MAX_KEY or not key.isascii() or not key.isprintable():
        raise ValidationError("Idempotency-Key 必须是 1–128 个可打印 ASCII 字符",
                              field="Idempotency-Key")
    return key


def _order_replay(session: Session, key: tuple[str, str], digest: str) -> Answer | None:
    done = exactly_once.seen(session, IDEMPOTENCY_KEYS, key, digest, _ORDER_REUSED)
    return None if done is None else Answer(orders.get_order(session, done.order_no), True)


def sell(session: Session, sale: Callable[[str], selling.SaleRequest], *, username: str,
         key: str, body: Mapping[str, Any], order_id: str | None, amount_fen: int,
         now: datetime, venue: Venue) -> Answer:
    """A window sale made once per (username, key): `sale(order_id)` builds it (the order id
    is `order_id`, else made from the key); the order JSON, or the first one again.
    Raises what `selling.sell` raises, ValidationError when `amount_fen` is not the sale's
    total, KeyReused, Conflict when the order id belongs to another request."""
    keyed, digest = (username, key), exactly_once.digest(body)
    order_id = order_id or str(uuid.uuid5(_ORDER_SPACE, f"{username}\n{key}"))

    def keep(s: Session, done: selling.SaleResult) -> None:
        if amount_fen != done.total_fen:
            raise ValidationError(f"支付金额 {amount_fen} 分与订单金额 {done.total_fen} 分不符",
                                  field="payment.amount_fen", total_fen=done.total_fen)
        exactly_once.claim_or_raise(s, IDEMPOTENCY_KEYS, keyed, digest, message=_ORDER_REUSED,
                                    order_id=done.order_id, order_no=done.order_no,
                                    created_at=now)

    # The key is not looked up first: a new key (nearly every request) costs nothing more,
    # and a replay fails inside the sale — on its order id, already taken (IntegrityError),
    # on the key taken at the end (Taken), or on a rule that no longer holds (the day sold
    # out or past since) — and then answers the first answer.
    try:
        done = selling.sell(session, sale(order_id), now=now, venue=venue,
                            local_effects=False, before_commit=keep,
                            check_order_id=False)  # a clash: IntegrityError, below
    except (Conflict, IntegrityError, exactly_once.Taken):
        session.rollback()
        if (replay := _order_replay(session, keyed, digest)) is None:  # no twin: a clash
            raise Conflict(f"订单 {order_id} 已存在", order_id=order_id) from None
        return replay
    except DomainError:
        session.rollback()
        if (replay := _order_replay(session, keyed, digest)) is not None:
            return replay
        raise
    made = changes.emitted(session, "order", done.order_id)  # as it was committed
    return Answer(dict(made) if made is not None else orders.get_order(session, done.order_no))


def _refund_replay(session: Session, key: tuple[str, str], digest: str,
                   refund_id: str) -> Answer | None:
    """The refund the key made, answered again (None: the key is new); KeyReused when it
    made another request. Inside the caller's transaction."""
    entry = exactly_once.find(session, IDEMPOTENCY_KEYS, key)
    if entry is None:
        return None
    exactly_once.check(IDEMPOTENCY_KEYS, entry, digest, _REFUND_REUSED)
    return _made(session, refund_id)


def _made(session: Session, refund_id: str) -> Answer:
    """The refund made by the key that made `refund_id`, answered again."""
    refund = session.get(Refund, refund_id)
    if refund is None:  # the key made an order, not this refund
        raise exactly_once.KeyReused(_REFUND_REUSED)
    return Answer(refund_requests.info(refund).to_dict(), True)


@dataclass(frozen=True)
class RefundAsk:
    """`POST /orders/{order_no}/refunds` as the route read it."""

    order_no: str
    ticket_ids: Sequence[str]
    method: str
    reason: str
    override: Mapping[str, Any] | None
    body: Mapping[str, Any]  # the JSON body, for the key's digest


def request_refund(session: Session, ask: RefundAsk, *, username: str, role: str,
                   terminal: str | None, key: str, now: datetime, today: date,
                   policy: RefundPolicy, scope: read_scope.Scope) -> Answer:
    """`refund_requests.request_refund` once per (username, key), for a caller who may read
    the order (`scope`: NotFound, else Forbidden); the refund JSON, or the first one again.
    Raises what it raises, and KeyReused. One transaction: the order locked, the refund made
    and the key claimed with it; a refusal writes nothing, and a key already taken (by a
    twin that committed first, or an earlier try) answers that refund and writes nothing."""
    keyed = (username, key)
    digest = exactly_once.digest({"refund": ask.order_no, "body": dict(ask.body)})
    refund_id = str(uuid.uuid5(_REFUND_SPACE, f"{username}\n{key}"))
    # The key is not claimed first: its row is written with the refund's own (one statement on
    # PostgreSQL), and a replay fails inside the request — on a ticket the first refund took
    # (a DomainError), or on the refund id made from the key or the key itself, taken
    # (IntegrityError) — and then answers the first refund.
    try:
        with session.begin():
            order = refund_requests.locked_order(session, ask.order_no)
            read_scope.check_held(scope, order, refused=read_scope.REFUND_REFUSED)
            refund = refund_requests.request_in(
                session, order, ask.ticket_ids, ask.method, ask.reason, actor=username,
                role=role, now=now, today=today,
                override=dict(ask.override) if ask.override else None, policy=policy,
                refund_id=refund_id, payout_terminal=terminal, second_person=True,
                rows=[exactly_once.claim_row(IDEMPOTENCY_KEYS, keyed, digest,
                                             order_id=order.order_id, order_no=order.order_no,
                                             created_at=now)])
            return Answer(refund_requests.info(refund).to_dict())
    except (IntegrityError, DomainError):
        session.rollback()
        with read_transaction(session):
            if (replay := _refund_replay(session, keyed, digest, refund_id)) is not None:
                return replay  # the first request with this key (a twin, or a retry)
        raise

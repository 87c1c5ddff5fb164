"""The central store applies ops pushed by windows (DESIGN.md §9 `POST /sync/push`).

Each op runs in its own transaction through the same services as everything else, and its
`applied_ops` row is written in that transaction, permanently: the same op again answers
`duplicate` with the stored result, the same op id with another payload `rejected`
(`idempotency_key_reused`). Two pushes of one op racing each other make one effect: the loser
hits the primary key of `applied_ops` (or of the order) and reads the winner's row.
"""

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain import actors
from app.domain.errors import DomainError, NotFound, ValidationError
from app.domain.venue import Venue
from app.store.db import read_transaction
from app.store.models import AppliedOp, Order, Ticket

from .. import changes, timeline
from ..outbox import OP_KINDS, payload_digest
from .refunds import record_offline_refund
from .sales import record_sale
from .shifts import apply_shift_op

APPLIED, DUPLICATE, REJECTED, CONFLICT = "applied", "duplicate", "rejected", "conflict"
MAX_OPS = 200


@dataclass(frozen=True)
class OpResult:
    op_id: str
    status: str
    server_version: int | None = None
    error: dict[str, str] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op_id": self.op_id, "status": self.status,
                               "server_version": self.server_version}
        if self.error:
            out["error"] = self.error
        return out


def _stored(session: Session, op_id: str) -> AppliedOp | None:
    with read_transaction(session):
        return session.get(AppliedOp, op_id)


def _replay(row: AppliedOp, digest: str, op_id: str) -> OpResult:
    if row.payload_sha256 != digest:
        return OpResult(op_id, REJECTED, error={
            "code": "idempotency_key_reused",
            "message": "同一操作编号已用于内容不同的操作，已拒绝"})
    result = dict(row.result)
    if result.get("status") == APPLIED:
        return OpResult(op_id, DUPLICATE, result.get("server_version"))
    return OpResult(op_id, result.get("status", REJECTED), result.get("server_version"),
                    result.get("error"))


def _check_op(op: Mapping[str, Any]) -> tuple[str, str, Mapping[str, Any]]:
    op_id = op.get("op_id")
    try:
        op_id = str(uuid.UUID(str(op_id)))
    except ValueError:
        raise ValidationError("操作编号 op_id 不是有效的 UUID", field="op_id") from None
    kind = op.get("kind")
    if kind not in OP_KINDS:
        raise ValidationError(f"未知的操作类型：{str(kind)[:32]}", field="kind")
    payload = op.get("payload")
    if not isinstance(payload, dict):
        raise ValidationError("操作内容 payload 必须是对象", field="payload")
    return op_id, kind, payload


def _record(session: Session, op_id: str, kind: str, digest: str, device_id: str,
            result: OpResult, now: datetime) -> None:
    session.add(AppliedOp(op_id=op_id, payload_sha256=digest, kind=kind, device_id=device_id,
                          result=result.to_dict(), applied_at=now))
    session.flush()


def _apply_reprint(session: Session, payload: Mapping[str, Any], *, device_id: str,
                   now: datetime, before_commit: Callable[[Session, int], None]) -> int:
    """A reprint done at a window: counters raised to the window's numbers, logged."""
    with session.begin():
        order = session.execute(sa.select(Order).where(
            Order.order_id == str(payload.get("order_id"))).with_for_update()
        ).scalar_one_or_none()
        if order is None:
            raise NotFound(f"没有找到订单 {str(payload.get('order_no'))[:64]}")
        entries = []
        for item in payload.get("tickets") or []:
            ticket = session.get(Ticket, str(item.get("ticket_id"))) if isinstance(
                item, dict) else None
            if ticket is None or ticket.order_id != order.order_id:
                raise ValidationError("补打记录中的票不属于该订单", field="tickets")
            n = item.get("reprint_no")
            if isinstance(n, int) and n > ticket.reprint_count:
                ticket.reprint_count, ticket.version = n, ticket.version + 1
                ticket.updated_at = now
            entries.append(("ticket.reprinted", {"ticket_id": ticket.ticket_id,
                                                 "code": ticket.code, "reprint_no": n}))
        receipt_no = payload.get("receipt_reprint_no")
        if isinstance(receipt_no, int) and receipt_no > order.receipt_reprint_count:
            order.receipt_reprint_count = receipt_no
            entries.append(("receipt.reprinted", {"reprint_no": receipt_no}))
        actor = str(payload.get("actor") or actors.device(device_id))[:80]
        order.version += 1
        order.updated_at = now
        session.flush()
        if entries:
            timeline.append(session, order.order_id, entries, at=now, actor=actor,
                            source="window")
        changes.touch(session, "order", order.order_id, now=now)
        before_commit(session, order.version)
    return order.version


def _apply(session: Session, op_id: str, kind: str, payload: Mapping[str, Any], digest: str, *,
           device_id: str, user: str, now: datetime, venue: Venue) -> OpResult:
    def keep(s: Session, version: int) -> None:
        _record(s, op_id, kind, digest, device_id, OpResult(op_id, APPLIED, version), now)

    if kind == "sale":
        rec = record_sale(session, payload, device_id=device_id, user=user, now=now,
                          venue=venue, before_commit=lambda s, r: keep(s, r.version))
        return OpResult(op_id, APPLIED, rec.version)
    if kind == "refund":
        version = record_offline_refund(session, payload, user=user, now=now, venue=venue,
                                        before_commit=keep)
        return OpResult(op_id, APPLIED, version)
    if kind == "reprint":
        version = _apply_reprint(session, payload, device_id=device_id, now=now,
                                 before_commit=keep)
        return OpResult(op_id, APPLIED, version)
    if kind in ("shift_open", "shift_close"):
        version = apply_shift_op(session, kind, payload, now=now, before_commit=keep)
        return OpResult(op_id, APPLIED, version)
    raise ValidationError(f"中心库暂不受理此类操作：{kind}", field="kind")


def _known(session: Session, ops: Sequence[Mapping[str, Any]]) -> dict[str, AppliedOp]:
    ids = []
    for op in ops:
        try:
            ids.append(str(uuid.UUID(str(op.get("op_id")))))
        except (ValueError, AttributeError):
            continue
    if not ids:
        return {}
    with read_transaction(session):
        rows = session.execute(sa.select(AppliedOp).where(AppliedOp.op_id.in_(ids))).scalars()
        return {row.op_id: row for row in rows}


def apply_batch(session: Session, ops: Sequence[Mapping[str, Any]], *, device_id: str,
                user: str, now: datetime, venue: Venue) -> list[OpResult]:
    """Apply a pushed batch in order, each op in its own transaction; the ops already known
    are looked up in one query."""
    known = _known(session, ops)
    return [apply_op(session, op, device_id=device_id, user=user, now=now, venue=venue,
                     known=known) for op in ops]


def apply_op(session: Session, op: Mapping[str, Any], *, device_id: str, user: str,
             now: datetime, venue: Venue,
             known: Mapping[str, AppliedOp] | None = None) -> OpResult:
    """Apply one pushed op exactly once (see the module docstring). Never raises for bad
    input: the result says `rejected` (a 4xx the window shows its supervisor) or `conflict`.
    `known`: the batch's already-applied ops (else this op is looked up on its own)."""
    raw_id = str(op.get("op_id"))[:64] if isinstance(op, Mapping) else "?"
    try:
        op_id, kind, payload = _check_op(op)
    except DomainError as e:
        return OpResult(raw_id, REJECTED, error={"code": e.code, "message": e.message})
    digest = payload_digest(payload)
    row = known.get(op_id) if known is not None else _stored(session, op_id)
    if row is not None:
        return _replay(row, digest, op_id)
    try:
        return _apply(session, op_id, kind, payload, digest, device_id=device_id, user=user,
                      now=now, venue=venue)
    except IntegrityError:
        session.rollback()
        if (row := _stored(session, op_id)) is not None:  # a twin push won the race
            return _replay(row, digest, op_id)
        result = OpResult(op_id, CONFLICT, error={
            "code": "conflict", "message": _clash_message(session, payload)})
    except DomainError as e:
        session.rollback()
        status = CONFLICT if e.code == "conflict" else REJECTED
        result = OpResult(op_id, status, error={"code": e.code, "message": e.message})
    return _remember(session, op_id, kind, digest, device_id, result, now)


def _clash_message(session: Session, payload: Mapping[str, Any]) -> str:
    """Why the store's unique keys refused the op, in words a supervisor can act on."""
    order_no, order_id = str(payload.get("order_no"))[:64], str(payload.get("order_id"))[:36]
    with read_transaction(session):
        other = session.execute(sa.select(Order.order_no, Order.device_id).where(
            sa.or_(Order.order_no == order_no, Order.order_id == order_id))).first()
    if other is not None and other.order_no == order_no:
        return (f"订单号 {order_no} 已被设备 {other.device_id or '未知'} 的另一订单使用"
                "（两个窗口的终端号是否相同？）")
    if other is not None:
        return f"订单编号 {order_id} 已属于订单 {other.order_no}"
    return "操作与中心库已有数据冲突（编号或票码重复）"


def _remember(session: Session, op_id: str, kind: str, digest: str, device_id: str,
              result: OpResult, now: datetime) -> OpResult:
    """Keep a refusal too, so the same op always gets the same answer."""
    try:
        with session.begin():
            _record(session, op_id, kind, digest, device_id, result, now)
    except IntegrityError:
        session.rollback()
        if (row := _stored(session, op_id)) is not None:
            return _replay(row, digest, op_id)
    return result

"""The central store applies ops pushed by windows (DESIGN.md §9 `POST /sync/push`).

Each op runs in its own transaction through the recorder of its kind (`RECORDERS`) — or, for
runs of sales, in a group's (`apply_group`: checked first, written together) — and its
`applied_ops` row is claimed in that transaction (`exactly_once`), permanently: the same op
again answers `duplicate` with the stored result, the same op id with another payload
`rejected` (`idempotency_key_reused`). Two pushes of one op racing each other make one effect:
the loser finds the winner's row (or hits the order's unique keys) and replays it.

Who pushes is the token's (DESIGN.md §14): a pusher that is not clerk+ on a window (a gate, a
user with no device or terminal) has every op `rejected` `forbidden`, and so has an op whose
payload names another clerk, terminal, device or actor. A `forbidden` refusal is not kept in
`applied_ops` — nothing is written for it, and the op's id stays free for its real window.

An op signed by its clerk (`signed_by`, `signature`: `app.domain.op_signing`) is that clerk's,
whoever's token carried it, as long as the token is a window's: the next clerk at the window
uploads what the last one left unsent. A signature that does not verify is `forbidden`.
"""

import dataclasses
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from app.domain import op_signing
from app.domain.errors import DomainError, Forbidden, ValidationError
from app.domain.venue import Venue
from app.services.journal import changes, exactly_once
from app.services.journal.exactly_once import APPLIED_OPS, Entry
from app.services.journal.outbox import OP_KINDS, payload_digest
from app.services.stock.catalog import load_catalog
from app.store.db import atomic, reading
from app.store.models import Order, User

from . import bulk_sales, refunds, reprints, sales, shifts, voids
from .group_stock import GroupStock
from .payload import Pushed

APPLIED, DUPLICATE, REJECTED, CONFLICT = "applied", "duplicate", "rejected", "conflict"
MAX_OPS = 200
GROUP = 50  # consecutive sale ops applied in one transaction (`apply_group`)
GROUPED = ("sale",)
_REUSED = "同一操作编号已用于内容不同的操作，已拒绝"
_BAD_SIGNATURE = "操作的签名与签名人 {who} 不符，已拒绝"

Keep = Callable[[Session, int], None]  # claims the op inside the recorder's transaction
Recorder = Callable[[Session, Mapping[str, Any], Pushed, Keep], int]  # → server_version


def record_refund(session: Session, payload: Mapping[str, Any], pushed: Pushed,
                  keep: Keep) -> int:
    """A `refund` op; one with `rule: "void"` is a void of the sale just made (`voids`)."""
    recorder = voids.record if voids.is_void(payload) else refunds.record
    return recorder(session, payload, pushed, keep)


# kind → recorder; a kind of OP_KINDS missing here (`redeem`: gates use POST /redemptions)
# is rejected.
RECORDERS: dict[str, Recorder] = {
    "sale": sales.record,
    "refund": record_refund,
    "shift_open": shifts.record_open,
    "shift_close": shifts.record_close,
    "reprint": reprints.record,
}


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


def _refused(op_id: str, status: str, e: DomainError) -> OpResult:
    return OpResult(op_id, status, error={"code": e.code, "message": e.message})


def _stored(session: Session, op_id: str) -> Entry | None:
    with reading(session):
        return exactly_once.find(session, APPLIED_OPS, (op_id,))


def _replay(row: Entry, digest: str, op_id: str) -> OpResult:
    try:
        exactly_once.check(APPLIED_OPS, row, digest, _REUSED)
    except exactly_once.KeyReused as e:
        return _refused(op_id, REJECTED, e)
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


def _author(session: Session, op: Mapping[str, Any], op_id: str, kind: str, digest: str,
             pushed: Pushed) -> Pushed:
    """Who the op is from: its signer when it is signed by someone other than the token's
    user (see the module docstring), else the token's user. Forbidden for a bad signature."""
    signer = op.get("signed_by")
    if signer is None or signer == pushed.user:
        return pushed
    who = str(signer)[:64]
    with reading(session):
        row = session.execute(sa.select(User.op_key, User.role)
                              .where(User.username == who)).first()
    if (row is None or row.role not in op_signing.SIGNER_ROLES
            or not op_signing.verify(row.op_key, op.get("signature"), op_id, kind, digest)):
        raise Forbidden(_BAD_SIGNATURE.format(who=who))
    return dataclasses.replace(pushed, user=who, role=row.role)


def _claim(session: Session, op_id: str, kind: str, digest: str, pushed: Pushed,
           result: OpResult) -> None:
    exactly_once.claim_or_raise(session, APPLIED_OPS, (op_id,), digest, message=_REUSED,
                                kind=kind, device_id=pushed.device_id,
                                result=result.to_dict(), applied_at=pushed.now)


def _apply(session: Session, op_id: str, kind: str, payload: Mapping[str, Any], digest: str,
           pushed: Pushed) -> OpResult:
    recorder = RECORDERS.get(kind)
    if recorder is None:
        raise ValidationError(f"中心库暂不受理此类操作：{kind}", field="kind")

    def keep(s: Session, version: int) -> None:
        _claim(s, op_id, kind, digest, pushed, OpResult(op_id, APPLIED, version))

    return OpResult(op_id, APPLIED, recorder(session, payload, pushed, keep))


def _known(session: Session, ops: Sequence[Mapping[str, Any]]) -> dict[str, Entry]:
    ids = []
    for op in ops:
        try:
            ids.append(str(uuid.UUID(str(op.get("op_id")))))
        except (ValueError, AttributeError):
            continue
    return exactly_once.find_many(session, APPLIED_OPS, ids)


def apply_batch(session: Session, ops: Sequence[Mapping[str, Any]], *, device_id: str,
                user: str, now: datetime, venue: Venue, terminal: str | None = None,
                role: str = "clerk") -> list[OpResult]:
    """Apply a pushed batch in order; the ops already known are looked up in one query.
    Runs of consecutive sale ops go in groups (`apply_group`), any other op in its own
    transaction. `user`, `role`, `device_id`, `terminal`: the token's."""
    pushed = Pushed(device_id, user, now, venue, terminal, role)
    try:
        pushed.check_pusher()
    except Forbidden as e:
        return [_refused(_raw_id(op), REJECTED, e) for op in ops]
    known = _known(session, ops)
    results: list[OpResult] = []
    grouping = Grouping()
    i = 0
    while i < len(ops):
        j = i
        while j < len(ops) and j - i < GROUP and _groups(ops[j]):
            j += 1
        if j - i > 1:
            results.extend(apply_group(session, ops[i:j], pushed, known=known,
                                       grouping=grouping))
        else:
            j = i + 1
            results.append(apply_op(session, ops[i], pushed, known=known))
        i = j
    return results


def _groups(op: Any) -> bool:
    return isinstance(op, Mapping) and op.get("kind") in GROUPED


@dataclass
class Grouping:
    """A batch's choice for its groups: take free capacity at each group's end (`defer`),
    until one group found it short (then the day is nearly sold out: every sale takes stock
    in its turn)."""

    defer: bool = True


def apply_group(session: Session, ops: Sequence[Mapping[str, Any]], pushed: Pushed, *,
                known: Mapping[str, Entry], grouping: Grouping | None = None) -> list[OpResult]:
    """Apply `ops` in one transaction: one commit (one change-log number taking, one fsync)
    for the group. The catalog is read once for the group, and the free capacity its sales
    take is taken at its end (`group_stock`).

    The sales are checked first, then written together (`_bulk`): the `applied_ops` rows of
    the group in one statement, its orders, tickets, payments and timeline rows in one each
    (`bulk_sales`). When that write fails (a key already stored, a twin push racing this one)
    or two ops of the group share a key, the group rolls back and runs again one op at a time,
    each in a SAVEPOINT of its own (`atomic`): an op that fails rolls back only itself and
    answers as it would alone.

    When the free capacity is short, the group rolls back and runs again with each sale
    taking stock in its turn (the oversold ones counted and flagged as one by one). A database
    error other than a unique key (a deadlock between two windows' groups taking stock or
    lease rows in different orders, a lost connection) rolls the whole group back, and its ops
    are applied again one transaction each, as if never grouped."""
    grouping = grouping or Grouping()
    try:
        if grouping.defer:
            try:
                return _deferred(session, ops, pushed, known)
            except _Short:
                grouping.defer = False
        return _group(session, ops, pushed, known, None)
    except DBAPIError as e:
        if isinstance(e, IntegrityError):
            raise
    return [apply_op(session, op, pushed, known=known) for op in ops]


def _deferred(session: Session, ops: Sequence[Mapping[str, Any]], pushed: Pushed,
              known: Mapping[str, Entry]) -> list[OpResult]:
    """The group with its free capacity taken at its end: written in bulk, else op by op."""
    try:
        return _group(session, ops, pushed, known, GroupStock(), bulk=True)
    except _BulkFailed:
        return _group(session, ops, pushed, known, GroupStock())


def _group(session: Session, ops: Sequence[Mapping[str, Any]], pushed: Pushed,
           known: Mapping[str, Entry], stock: GroupStock | None,
           bulk: bool = False) -> list[OpResult]:
    with session.begin():
        grouped = dataclasses.replace(pushed, catalog=load_catalog(session), stock=stock)
        if bulk and stock is not None:
            results = _bulk(session, ops, grouped, known, stock)
        else:
            results = []
            for op in ops:
                results.append(apply_op(session, op, grouped, known=known))
                if stock is not None:
                    stock.end_op(results[-1].status == APPLIED)
        if stock is not None and not stock.take_all(session, pushed.now):
            raise _Short  # rolls the group back
        return results


class _Short(Exception):  # noqa: N818 — a signal to roll the group back, not a failure
    pass


class _BulkFailed(Exception):  # noqa: N818 — a signal to apply the group op by op
    pass


@dataclass(frozen=True)
class _Sale:
    """A checked sale of the bulk path: written with the group's others."""

    op_id: str
    digest: str
    sale: sales.PreparedSale


@dataclass(frozen=True)
class _Kept:
    """A refusal the store keeps (`_remember`), claimed with the group's sales."""

    op_id: str
    digest: str
    result: OpResult


@dataclass(frozen=True)
class _OneByOne:
    """A checked sale that writes more than the bulk path does (stock from a lease, a
    `price_mismatch` anomaly): applied alone (`apply_op`), in its turn."""

    op: Mapping[str, Any]
    op_id: str
    sale: sales.PreparedSale


_Step = OpResult | _Sale | _Kept | _OneByOne  # OpResult: answered, nothing to write


def _bulk(session: Session, ops: Sequence[Mapping[str, Any]], pushed: Pushed,
          known: Mapping[str, Entry], stock: GroupStock) -> list[OpResult]:
    """The group's sales checked in Python (`_step`), then written in a few statements (see
    `apply_group`); each op answers as it would alone. _BulkFailed when it cannot be."""
    steps = [_step(session, op, pushed, known) for op in ops]
    if _clashing(steps):
        raise _BulkFailed
    claims = [_claim_row(step, pushed) for step in steps if isinstance(step, _Sale | _Kept)]
    try:
        if len(exactly_once.claim_many(session, APPLIED_OPS, claims)) != len(claims):
            raise _BulkFailed  # a twin push holds one: answered op by op
        written = iter(bulk_sales.write(
            session, [step.sale for step in steps if isinstance(step, _Sale)]))
    except IntegrityError:
        raise _BulkFailed from None
    results = []
    for step in steps:  # in seq order: the changes feed lists the orders in it
        if isinstance(step, _Sale):
            req, need = step.sale.req, step.sale.need
            changes.touch(session, "order", req.order_id, now=pushed.now,
                          state=next(written))  # its stock: `take_all`
            for code, n in need.items():
                stock.want(code, req.visit_date, n)
            stock.end_op(True)
            results.append(OpResult(step.op_id, APPLIED, _BULK_VERSION))
        elif isinstance(step, _OneByOne):
            results.append(apply_op(session, step.op, pushed, known=known))
            stock.end_op(results[-1].status == APPLIED)
        else:
            results.append(step.result if isinstance(step, _Kept) else step)
    return results


_BULK_VERSION = 1  # a sale of the bulk path: its order as written, nothing raised on it


def _step(session: Session, op: Mapping[str, Any], pushed: Pushed,
          known: Mapping[str, Entry]) -> _Step:
    """What `apply_op` would do with a sale op, found without writing: every refusal it
    would answer, in the same order of checks."""
    try:
        op_id, kind, payload = _check_op(op)
    except DomainError as e:
        return _refused(_raw_id(op), REJECTED, e)
    digest = payload_digest(payload)
    if (row := known.get(op_id)) is not None:
        return _replay(row, digest, op_id)
    try:
        author = _author(session, op, op_id, kind, digest, pushed)
        assert pushed.catalog is not None  # a group's
        sale = sales.prepare(payload, author, pushed.catalog)
    except Forbidden as e:  # not kept, nothing written
        return _refused(op_id, REJECTED, e)
    except DomainError as e:
        return _Kept(op_id, digest,
                     _refused(op_id, CONFLICT if e.code == "conflict" else REJECTED, e))
    if sale.leases or sale.mismatch:
        return _OneByOne(op, op_id, sale)
    return _Sale(op_id, digest, sale)


def _clashing(steps: Sequence[_Step]) -> bool:
    """Two ops of the group with one op id, order id, order no, ticket id or ticket code:
    which one wins is decided op by op, as alone."""
    keys: list[tuple[str, str]] = []
    for step in steps:
        if isinstance(step, _Sale | _Kept | _OneByOne):
            keys.append(("op", step.op_id))
        if isinstance(step, _Sale | _OneByOne):
            sale = step.sale
            keys += [("order", str(sale.req.order_id)), ("no", sale.order_no)]
            keys += [("ticket", t.ticket_id) for t in sale.sold]
            keys += [("code", t.code) for t in sale.sold]
    return len(set(keys)) != len(keys)


def _claim_row(step: _Sale | _Kept, pushed: Pushed) -> dict[str, Any]:
    """The `applied_ops` row `_claim` writes for the op."""
    result = step.result if isinstance(step, _Kept) else OpResult(step.op_id, APPLIED,
                                                                   _BULK_VERSION)
    return {"op_id": step.op_id, "payload_sha256": step.digest, "kind": "sale",
            "device_id": pushed.device_id, "result": result.to_dict(),
            "applied_at": pushed.now}


def _raw_id(op: Any) -> str:
    return str(op.get("op_id"))[:64] if isinstance(op, Mapping) else "?"


def apply_op(session: Session, op: Mapping[str, Any], pushed: Pushed, *,
             known: Mapping[str, Entry] | None = None) -> OpResult:
    """Apply one pushed op exactly once (see the module docstring). Never raises for bad
    input: the result says `rejected` (a 4xx the window shows its supervisor) or `conflict`.
    `known`: the batch's already-applied ops (else this op is looked up on its own)."""
    try:
        pushed.check_pusher()
        op_id, kind, payload = _check_op(op)
    except DomainError as e:
        return _refused(_raw_id(op), REJECTED, e)
    digest = payload_digest(payload)
    row = known.get(op_id) if known is not None else _stored(session, op_id)
    if row is not None:
        return _replay(row, digest, op_id)
    try:
        pushed = _author(session, op, op_id, kind, digest, pushed)
        return _apply(session, op_id, kind, payload, digest, pushed)
    except exactly_once.Taken as twin:  # a twin push won the race
        return _replay(twin.entry, digest, op_id)
    except exactly_once.KeyReused as e:  # a twin push of another payload won it
        return _refused(op_id, REJECTED, e)
    except Forbidden as e:  # names someone else: not kept, nothing written
        _rolled_back(session, pushed)
        return _refused(op_id, REJECTED, e)
    except IntegrityError:
        _rolled_back(session, pushed)
        if (row := _stored(session, op_id)) is not None:  # a twin push won the race
            return _replay(row, digest, op_id)
        result = OpResult(op_id, CONFLICT, error={
            "code": "conflict", "message": _clash_message(session, payload)})
    except DomainError as e:
        _rolled_back(session, pushed)
        result = _refused(op_id, CONFLICT if e.code == "conflict" else REJECTED, e)
    return _remember(session, op_id, kind, digest, pushed, result)


def _rolled_back(session: Session, pushed: Pushed) -> None:
    """After a failed op: its transaction is gone; in a group only its savepoint is, and the
    group's transaction stays open for the next op."""
    if not pushed.grouped:
        session.rollback()


def _clash_message(session: Session, payload: Mapping[str, Any]) -> str:
    """Why the store's unique keys refused the op, in words a supervisor can act on."""
    order_no, order_id = str(payload.get("order_no"))[:64], str(payload.get("order_id"))[:36]
    with reading(session):
        other = session.execute(sa.select(Order.order_no, Order.device_id).where(
            sa.or_(Order.order_no == order_no, Order.order_id == order_id))).first()
    if other is not None and other.order_no == order_no:
        return (f"订单号 {order_no} 已被设备 {other.device_id or '未知'} 的另一订单使用"
                "（两个窗口的终端号是否相同？）")
    if other is not None:
        return f"订单编号 {order_id} 已属于订单 {other.order_no}"
    return "操作与中心库已有数据冲突（编号或票码重复）"


def _remember(session: Session, op_id: str, kind: str, digest: str, pushed: Pushed,
              result: OpResult) -> OpResult:
    """Keep a refusal too, so the same op always gets the same answer."""
    try:
        with atomic(session):
            _claim(session, op_id, kind, digest, pushed, result)
    except exactly_once.Taken as twin:
        return _replay(twin.entry, digest, op_id)
    except exactly_once.KeyReused as e:
        return _refused(op_id, REJECTED, e)
    return result

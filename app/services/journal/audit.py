"""Tamper evidence beyond one order (DESIGN.md §14): the signed daily checkpoint and its check.

Each order row keeps its timeline's head (`last_hash`, `event_count`, moved by
`timeline.append`). A venue-local day's checkpoint lists every order with an event that day,
as the day ended (its events up to the last one before local midnight), chained and signed
(`app.domain.audit`) with the key from env `MENPIAO_AUDIT_KEY`, which never enters the
database. It is written once per day: by the store's sweep for yesterday once local midnight
has passed, or on demand by an admin for any finished day (`POST /audit/checkpoint`).

`verify` recomputes: each order's chain (§7), its row's head against the chain (a deleted last
event, or a chain rewritten without its row), the checkpoint's signature, and every
checkpointed head against the chain today (a chain rewritten with recomputed hashes and row).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain import audit as rules
from app.domain.errors import Conflict, ValidationError
from app.domain.timeline import first_broken
from app.domain.venue import Venue
from app.services.journal import timeline
from app.store.db import read_transaction
from app.store.models import AuditCheckpoint, Order, TimelineEvent

KEY_ENV = "MENPIAO_AUDIT_KEY"
_ev = TimelineEvent.__table__
_BATCH = 500
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(9998, 12, 31)


@dataclass(frozen=True)
class Checkpoint:
    day: date
    heads: tuple[rules.Head, ...]
    chain_hash: str
    created_at: datetime
    created_by: str

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "orders": len(self.heads),
                "chain_hash": self.chain_hash, "created_at": self.created_at.isoformat(),
                "created_by": self.created_by}


@dataclass(frozen=True)
class Broken:
    order_no: str | None  # None: the checkpoint itself
    reason: str  # zh_CN


def _need_key(key: str | None) -> str:
    if not key:
        raise Conflict(f"未配置审计密钥（环境变量 {KEY_ENV}，须保存在数据库之外），"
                       "不能签署或核对每日检查点")
    return key


def _bounds(venue: Venue, day: date) -> tuple[datetime, datetime]:
    if not FIRST_DAY <= day <= LAST_DAY:  # 0001-01-01 local has no UTC: not a 500
        raise ValidationError(f"日期须在 {FIRST_DAY} 到 {LAST_DAY} 之间", field="date")
    start = datetime.combine(day, datetime.min.time(), venue.tz)
    return start, datetime.combine(day + timedelta(days=1), datetime.min.time(), venue.tz)


def day_heads(session: Session, day: date, venue: Venue) -> list[rules.Head]:
    """Every order with an event on `day`, as the day ended, by order number."""
    start, end = _bounds(venue, day)
    touched = sa.select(_ev.c.order_id).where(_ev.c.at >= start, _ev.c.at < end).distinct()
    last = (sa.select(_ev.c.order_id, sa.func.max(_ev.c.seq).label("n"))
            .where(_ev.c.order_id.in_(touched), _ev.c.at < end)
            .group_by(_ev.c.order_id).subquery())
    rows = session.execute(
        sa.select(Order.order_id, Order.order_no, last.c.n, _ev.c.hash)
        .join(last, last.c.order_id == Order.order_id)
        .join(_ev, sa.and_(_ev.c.order_id == last.c.order_id, _ev.c.seq == last.c.n))
        .order_by(Order.order_no)).all()
    return [rules.Head(r.order_id, r.order_no, r.n, r.hash) for r in rows]


def _stored(row: AuditCheckpoint) -> Checkpoint:
    heads = tuple(rules.Head(*item) for item in row.entries.get("orders", []))
    return Checkpoint(row.day, heads, row.chain_hash, row.created_at, row.created_by)


def write_checkpoint(session: Session, day: date, *, key: str | None, venue: Venue,
                     now: datetime, actor: str) -> Checkpoint:
    """Sign `day`'s checkpoint (a finished venue-local day); the one already written when
    there is one (a day is sealed once)."""
    _bounds(venue, day)
    if day >= venue.local_date(now):
        raise ValidationError(f"{day:%Y-%m-%d} 尚未结束，只能为已结束的日期写检查点",
                              field="date")
    secret = _need_key(key)
    try:
        with session.begin():
            if (row := session.get(AuditCheckpoint, day)) is not None:
                return _stored(row)
            heads = day_heads(session, day, venue)
            link = rules.chain(heads)
            row = AuditCheckpoint(
                day=day, entries={"orders": [[h.order_id, h.order_no, h.event_count,
                                              h.last_hash] for h in heads]},
                chain_hash=link, mac=rules.sign(secret, day, len(heads), link),
                created_at=now, created_by=actor[:80])
            session.add(row)
            session.flush()
            return _stored(row)
    except IntegrityError:  # the sweep and an admin raced: the first one stands
        session.rollback()
        with read_transaction(session):
            return _stored(session.get(AuditCheckpoint, day))


def seal_yesterday(session: Session, *, key: str | None, venue: Venue, now: datetime) -> bool:
    """The sweep's task: once local midnight has passed, yesterday's checkpoint (no key: left
    for an admin, nothing written). True when one was written."""
    day = venue.local_date(now) - timedelta(days=1)
    if not key:
        return False
    with read_transaction(session):
        if session.get(AuditCheckpoint, day) is not None:
            return False
    write_checkpoint(session, day, key=key, venue=venue, now=now, actor="system")
    return True


def _chains(session: Session, order_ids: Sequence[str]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {oid: [] for oid in order_ids}
    for i in range(0, len(order_ids), _BATCH):
        rows = session.execute(sa.select(_ev).where(_ev.c.order_id.in_(order_ids[i:i + _BATCH]))
                               .order_by(_ev.c.order_id, _ev.c.seq)).all()
        for r in rows:
            out[r.order_id].append(timeline.as_event(r))
    return out


def _order_problem(row: Any, events: list[Any]) -> str | None:
    """What is wrong with one order's chain and its row's head, in Chinese, or None."""
    if (seq := first_broken(events)) is not None:
        return f"订单日志第 {seq} 条的哈希链接不上（日志被改动）"
    if len(events) != row.event_count:
        return (f"订单日志有 {len(events)} 条，订单记录为 {row.event_count} 条"
                "（日志被删减或补写）")
    if (events[-1].hash if events else None) != row.last_hash:
        return "订单日志的最后哈希与订单记录不符（日志被改写）"
    return None


def _against(head: rules.Head, events: list[Any], day: date) -> str | None:
    if len(events) < head.event_count:
        return f"{day:%Y-%m-%d} 检查点记录 {head.event_count} 条日志，现只剩 {len(events)} 条"
    if events[head.event_count - 1].hash != head.last_hash:
        return f"订单日志与 {day:%Y-%m-%d} 的签名检查点不符（日志被整体改写）"
    return None


def _checkpoint_problem(cp: Checkpoint, mac: str, key: str | None) -> str | None:
    if not key:
        return f"未配置审计密钥（{KEY_ENV}），无法核对检查点签名"
    if rules.chain(cp.heads) != cp.chain_hash or not rules.signed(
            key, cp.day, len(cp.heads), cp.chain_hash, mac):
        return "检查点签名不符（检查点被改动，或审计密钥不对）"
    return None


def verify(session: Session, day: date, *, key: str | None, venue: Venue) -> dict[str, Any]:
    """`{date, verified, orders, checkpoint, broken:[{order_no, reason}]}` for `day`: the
    orders with events that day, and those of its checkpoint when there is one."""
    broken: list[Broken] = []
    _bounds(venue, day)
    with read_transaction(session):
        row = session.get(AuditCheckpoint, day)
        cp = _stored(row) if row is not None else None
        if cp is not None and (why := _checkpoint_problem(cp, row.mac, key)):
            broken.append(Broken(None, why))
        heads = {h.order_id: h for h in (cp.heads if cp else ())}
        ids = sorted(set(heads) | {h.order_id for h in day_heads(session, day, venue)})
        orders = session.execute(sa.select(Order.order_id, Order.order_no, Order.event_count,
                                           Order.last_hash).where(Order.order_id.in_(ids))
                                 ).all() if ids else []
        chains = _chains(session, ids)
    broken += _order_breaks(orders, chains, heads, day)
    return {"date": day.isoformat(), "verified": not broken, "orders": len(ids),
            "checkpoint": cp is not None,
            "broken": [{"order_no": b.order_no, "reason": b.reason} for b in broken]}


def _order_breaks(orders: Iterable[Any], chains: dict[str, list[Any]],
                  heads: dict[str, rules.Head], day: date) -> list[Broken]:
    out = []
    for row in sorted(orders, key=lambda r: r.order_no):
        events = chains[row.order_id]
        why = _order_problem(row, events)
        if why is None and row.order_id in heads:
            why = _against(heads[row.order_id], events, day)
        if why is not None:
            out.append(Broken(row.order_no, why))
    return out

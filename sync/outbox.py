"""The client side of the outbox (DESIGN.md §9): which ops to push next and what became of them.

Ops are written by `app.services` together with the business rows (`app.services.journal.outbox`);
here they move `pending` → `inflight` → `acked` | `rejected`, or back to `pending` with a
later `next_attempt_at` when the store could not be reached. An op is never dropped.

Every function is its own short transaction. On SQLite each begins `BEGIN IMMEDIATE`, so two
processes flushing the same outbox claim disjoint ops (and the store dedupes by `op_id`
anyway). Ops are claimed in seq order and only as an unbroken prefix of the due ones: a later
op never overtakes an earlier one that is waiting for its retry (a refund must not reach the
store before its sale).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.timeline import iso_utc
from app.store.db import read_transaction
from app.store.models import OutboxOp

BATCH = 200
# Delay before the 1st, 2nd, 3rd retry, then every 5 minutes (DESIGN.md §9), ±20% jitter.
RETRY_DELAYS_S = (2.0, 8.0, 30.0)
RETRY_EVERY_S = 300.0
JITTER = 0.2
DONE = ("applied", "duplicate")
REFUSED = ("rejected", "conflict")
STATES = ("pending", "inflight", "rejected", "acked")

_ops = OutboxOp.__table__


@dataclass(frozen=True)
class RejectedOp:
    """An op the store refused, for the supervisor's screen."""

    op_id: str
    seq: int
    kind: str
    order_no: str | None
    device_time: datetime
    attempts: int
    error: str


def retry_delay(attempts: int, rng: random.Random) -> float:
    """Seconds to wait after the `attempts`-th failure (1-based), jittered ±20%."""
    early = 1 <= attempts <= len(RETRY_DELAYS_S)
    base = RETRY_DELAYS_S[attempts - 1] if early else RETRY_EVERY_S
    return base * rng.uniform(1 - JITTER, 1 + JITTER)


def _op_json(row: Any) -> dict[str, Any]:
    op = {"op_id": row.op_id, "seq": row.seq, "kind": row.kind,
          "device_time": iso_utc(row.device_time), "payload": dict(row.payload)}
    if row.signature:  # the clerk who made it (app.domain.op_signing)
        op["signed_by"], op["signature"] = row.signed_by, row.signature
    return op


def claim(session: Session, *, now: datetime, limit: int = BATCH) -> list[dict[str, Any]]:
    """Mark the first due pending ops `inflight` and return them as §9 op dicts, seq order.
    Stops at the first pending op that is not due yet."""
    with session.begin():
        rows = session.execute(
            sa.select(_ops).where(_ops.c.state == "pending").order_by(_ops.c.seq)
            .limit(limit)).all()
        due = []
        for row in rows:
            if row.next_attempt_at is not None and row.next_attempt_at > now:
                break
            due.append(row)
        if due:
            session.execute(sa.update(_ops).where(_ops.c.op_id.in_([r.op_id for r in due]))
                            .values(state="inflight"))
        return [_op_json(r) for r in due]


def error_text(error: Any) -> str:
    """`code: message` of a result's error (a §8 error object, or plain text)."""
    if isinstance(error, Mapping):
        code, message = error.get("code"), error.get("message")
        return f"{code}: {message}" if code and message else str(code or message or error)
    return str(error) if error else "rejected"


def settle(session: Session, results: Iterable[Mapping[str, Any]], *,
           now: datetime) -> list[str]:
    """Record the store's answers: applied/duplicate → `acked`, rejected/conflict → `rejected`
    with the error. Returns the op ids now rejected."""
    acked, rejected = [], []
    for result in results:
        if result.get("status") in DONE:
            acked.append(result["op_id"])
        elif result.get("status") in REFUSED:
            error = f"{result['status']} {error_text(result.get('error'))}"
            rejected.append((result["op_id"], error))
    with session.begin():
        if acked:
            session.execute(sa.update(_ops).where(_ops.c.op_id.in_(acked))
                            .values(state="acked", last_error=None, next_attempt_at=None))
        for op_id, error in rejected:
            session.execute(sa.update(_ops).where(_ops.c.op_id == op_id)
                            .values(state="rejected", last_error=error, next_attempt_at=None))
    return [op_id for op_id, _ in rejected]


def reject(session: Session, op_ids: Iterable[str], error: str) -> None:
    """Mark ops `rejected` (the store refused the request that carried them)."""
    ids = list(op_ids)
    with session.begin():
        session.execute(sa.update(_ops).where(_ops.c.op_id.in_(ids))
                        .values(state="rejected", last_error=error, next_attempt_at=None))


def retry_later(session: Session, op_ids: Iterable[str], error: str, *, now: datetime,
                rng: random.Random) -> datetime | None:
    """Put ops back to `pending`, one more attempt counted, due after the retry schedule
    (acked or rejected ops among `op_ids` are left alone). Returns the earliest new due time
    (None when no op matched)."""
    ids = list(op_ids)
    earliest = None
    with session.begin():
        rows = session.execute(sa.select(_ops.c.op_id, _ops.c.attempts).where(
            _ops.c.op_id.in_(ids), _ops.c.state.in_(("inflight", "pending")))).all()
        for op_id, attempts in rows:
            due = now + timedelta(seconds=retry_delay(attempts + 1, rng))
            earliest = due if earliest is None else min(earliest, due)
            session.execute(sa.update(_ops).where(_ops.c.op_id == op_id).values(
                state="pending", attempts=attempts + 1, next_attempt_at=due,
                last_error=error[:2000]))
    return earliest


def release(session: Session, op_ids: Iterable[str]) -> None:
    """Back to `pending` without counting an attempt (claimed, never sent)."""
    ids = list(op_ids)
    with session.begin():
        session.execute(sa.update(_ops).where(_ops.c.op_id.in_(ids), _ops.c.state == "inflight")
                        .values(state="pending"))


def due_now(session: Session) -> int:
    """Make every pending op due at once (the store is reachable again). Returns how many."""
    with session.begin():
        return session.execute(sa.update(_ops).where(_ops.c.state == "pending",
                                                     _ops.c.next_attempt_at.is_not(None))
                               .values(next_attempt_at=None)).rowcount


def recover(session: Session) -> int:
    """Inflight ops left by a crash go back to pending (call at start-up). Returns how many."""
    with session.begin():
        return session.execute(sa.update(_ops).where(_ops.c.state == "inflight")
                               .values(state="pending")).rowcount


def next_due(session: Session, *, now: datetime) -> datetime | None:
    """When the first pending op may be sent (None: nothing pending; `now` when it is due)."""
    with read_transaction(session):
        row = session.execute(sa.select(_ops.c.next_attempt_at, _ops.c.op_id)
                              .where(_ops.c.state == "pending").order_by(_ops.c.seq)
                              .limit(1)).first()
    if row is None:
        return None
    return max(row.next_attempt_at or now, now)


def counts(session: Session) -> dict[str, int]:
    """Number of ops per state (every state present, zeros included)."""
    with read_transaction(session):
        found = dict(session.execute(sa.select(_ops.c.state, sa.func.count())
                                     .group_by(_ops.c.state)).all())
    return {state: int(found.get(state, 0)) for state in STATES}


def rejected_ops(session: Session) -> list[RejectedOp]:
    """Ops the store refused, oldest first (the supervisor's screen)."""
    with read_transaction(session):
        rows = session.execute(sa.select(_ops).where(_ops.c.state == "rejected")
                               .order_by(_ops.c.seq)).all()
    return [RejectedOp(r.op_id, r.seq, r.kind, (r.payload or {}).get("order_no"),
                       r.device_time, r.attempts, r.last_error or "") for r in rows]


def op_order_nos(session: Session, op_ids: Iterable[str]) -> list[str]:
    """The order numbers named by these ops' payloads (to fetch the store's truth)."""
    ids = list(op_ids)
    if not ids:
        return []
    with read_transaction(session):
        payloads = session.execute(sa.select(_ops.c.payload)
                                   .where(_ops.c.op_id.in_(ids))).scalars().all()
    return sorted({p["order_no"] for p in payloads if isinstance(p, dict) and p.get("order_no")})

"""Append a sync op to the outbox inside the caller's transaction (DESIGN.md §9).

The business rows and their op commit together, so an op is never lost nor sent for a change
that did not happen. On a window where a clerk is signed in with his op key, the op is signed
as his (`app.domain.op_signing`): whoever pushes it later, the store takes it as his.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import op_signing
from app.domain.ids import new_id
from app.domain.timeline import canonical_json
from app.store.counters import next_value
from app.store.db import OP_SIGNER
from app.store.models import OutboxOp

OP_KINDS = ("sale", "refund", "redeem", "shift_open", "shift_close", "reprint")
SEQ_COUNTER = "outbox"
_INSERT = sa.insert(OutboxOp.__table__)


@dataclass(frozen=True)
class QueuedOp:
    op_id: str
    seq: int
    kind: str
    payload_sha256: str


def payload_digest(payload: Mapping[str, Any]) -> str:
    """sha256 hex of the canonical JSON of the payload (what the server compares on replay)."""
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def append(session: Session, kind: str, payload: Mapping[str, Any], *, now: datetime,
           op_id: str | None = None) -> QueuedOp:
    """Queue one op (state `pending`) with the next outbox seq."""
    if kind not in OP_KINDS:
        raise ValueError(f"unknown outbox op kind: {kind}")
    op = QueuedOp(op_id or new_id(), next_value(session, SEQ_COUNTER), kind,
                  payload_digest(payload))
    signed_by, signature = None, None
    if (signer := session.info.get(OP_SIGNER)) is not None:
        signed_by, key = signer
        signature = op_signing.sign(key, op.op_id, kind, op.payload_sha256)
    session.connection().execute(_INSERT, {
        "op_id": op.op_id, "seq": op.seq, "kind": kind, "payload": dict(payload),
        "payload_sha256": op.payload_sha256, "device_time": now, "state": "pending",
        "attempts": 0, "signed_by": signed_by, "signature": signature})
    return op


def unsent(session: Session) -> list[tuple[str, dict[str, Any]]]:
    """(kind, payload) of the ops the store has not taken yet (`pending`, `inflight`), in
    seq order, inside the caller's transaction — few rows, read through `ix_outbox_state`."""
    rows = session.execute(sa.select(OutboxOp.kind, OutboxOp.payload)
                           .where(OutboxOp.state.in_(("pending", "inflight")))
                           .order_by(OutboxOp.seq)).all()
    return [(kind, payload) for kind, payload in rows if isinstance(payload, dict)]

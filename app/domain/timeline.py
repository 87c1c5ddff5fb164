"""The order timeline's hash chain (DESIGN.md §7).

hash = sha256(prev_hash + canonical JSON of {seq, at, actor, action, detail, source}); the first
event's prev_hash is 64 zeros. Any edit of a stored event breaks every hash after it.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def iso_utc(at: datetime) -> str:
    """ISO-8601 UTC with `Z`, microseconds kept when present."""
    if at.tzinfo is None:
        raise ValueError("timeline times must be aware")
    text = at.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Event:
    seq: int
    at: datetime
    actor: str
    action: str
    source: str
    detail: Mapping[str, Any] = field(default_factory=dict)
    prev_hash: str = GENESIS_HASH
    hash: str = ""


def event_hash(prev_hash: str, seq: int, at: datetime, actor: str, action: str,
               detail: Mapping[str, Any], source: str) -> str:
    body = canonical_json({
        "seq": seq, "at": iso_utc(at), "actor": actor, "action": action,
        "detail": dict(detail), "source": source,
    })
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainEnd:
    """Where an order's chain ends: its last event's seq and hash, all the next event needs
    (read without the rest of that event's row)."""

    seq: int
    hash: str


def next_event(prev: Event | ChainEnd | None, *, at: datetime, actor: str, action: str,
               source: str, detail: Mapping[str, Any] | None = None) -> Event:
    """The event that follows `prev` (None: the order's first event), with its hash."""
    seq = 1 if prev is None else prev.seq + 1
    prev_hash = GENESIS_HASH if prev is None else prev.hash
    d = dict(detail or {})
    return Event(seq, at, actor, action, source, d, prev_hash,
                 event_hash(prev_hash, seq, at, actor, action, d, source))


def first_broken(events: Iterable[Event]) -> int | None:
    """Seq of the first event whose link or hash does not verify, or None if the chain holds."""
    prev_hash, expected_seq = GENESIS_HASH, 1
    for e in events:
        good = (
            e.seq == expected_seq and e.prev_hash == prev_hash
            and e.hash == event_hash(e.prev_hash, e.seq, e.at, e.actor, e.action,
                                     e.detail, e.source)
        )
        if not good:
            return e.seq
        prev_hash, expected_seq = e.hash, e.seq + 1
    return None


def verify_chain(events: Iterable[Event]) -> bool:
    return first_broken(events) is None

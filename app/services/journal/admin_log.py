"""The admin log (DESIGN.md §15): every change an admin makes, written in the change's own
transaction — who (`actor`), when, what (`entity`, `entity_key`, `action`) and the record
before and after. Records are what the API shows of them: never a password, hash or secret
(`redacted` drops those keys whatever the caller passes).

Entities: `user`, `device`, `ticket_type`, `inventory`, `refund_policy`, `force_majeure`, and
`export` (an Excel export: `reports.export_log`; not a change, but who took what out).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.errors import ValidationError
from app.domain.timeline import iso_utc
from app.store.db import read_transaction
from app.store.models import AdminChange

ENTITIES = ("user", "device", "ticket_type", "inventory", "refund_policy", "force_majeure",
            "export")
SECRET_KEYS = frozenset({"password", "password_hash", "device_secret", "secret_sha256",
                         "op_key", "op_key_wrapped", "token"})
PAGE = 100


def redacted(record: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The record without any secret-bearing key (see SECRET_KEYS)."""
    if record is None:
        return None
    return {k: v for k, v in record.items() if k not in SECRET_KEYS}


def record(session: Session, *, actor: str, entity: str, key: str, action: str,
           before: Mapping[str, Any] | None, after: Mapping[str, Any] | None,
           at: datetime) -> None:
    """One change, inside the caller's transaction. Nothing is written when before equals
    after (a PUT that changed nothing)."""
    if entity not in ENTITIES:
        raise ValueError(f"unknown admin-log entity: {entity}")
    before, after = redacted(before), redacted(after)
    if before == after:
        return
    session.add(AdminChange(at=at, actor=actor[:80], entity=entity, entity_key=str(key)[:80],
                            action=action[:32], before=before, after=after))


@dataclass(frozen=True)
class Change:
    seq: int
    at: datetime
    actor: str
    entity: str
    key: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": iso_utc(self.at), "actor": self.actor,
                "entity": self.entity, "key": self.key, "action": self.action,
                "before": self.before, "after": self.after}


def changes(session: Session, *, entity: str | None = None, key: str | None = None,
            before_seq: int | None = None, limit: int = PAGE) -> list[Change]:
    """Newest first, `limit` (≤ PAGE) a page; `before_seq` pages back."""
    if entity is not None and entity not in ENTITIES:
        raise ValidationError(f"对象类型必须是 {'、'.join(ENTITIES)} 之一", field="entity")
    if not 1 <= limit <= PAGE:
        raise ValidationError(f"每页 1–{PAGE} 条", field="limit")
    q = sa.select(AdminChange).order_by(AdminChange.seq.desc()).limit(limit)
    if entity is not None:
        q = q.where(AdminChange.entity == entity)
    if key is not None:
        q = q.where(AdminChange.entity_key == key)
    if before_seq is not None:
        q = q.where(AdminChange.seq < before_seq)
    with read_transaction(session):
        rows = session.execute(q).scalars().all()
    return [Change(r.seq, r.at, r.actor, r.entity, r.entity_key, r.action, r.before, r.after)
            for r in rows]


def first_after(session: Session, *, entity: str, key: str, at: datetime) -> Change | None:
    """The oldest change of `entity` `key` made after `at` (inside the caller's transaction):
    its `before` is the record as it stood at `at`."""
    r = session.execute(
        sa.select(AdminChange).where(AdminChange.entity == entity,
                                     AdminChange.entity_key == key, AdminChange.at > at)
        .order_by(AdminChange.seq).limit(1)).scalar_one_or_none()
    return None if r is None else Change(r.seq, r.at, r.actor, r.entity, r.entity_key,
                                         r.action, r.before, r.after)

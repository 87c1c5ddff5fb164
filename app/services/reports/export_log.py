"""Exports are logged (DESIGN.md §15) in the admin log as entity `export`: who (`actor`), when
(`at`), what (`key`: `orders` or `day_close`; `after`: the filters or the date, the file name
and how many rows). `GET /admin/changes?entity=export` lists them.

No personal data: the free-text search `q` of an order export may be a phone tail or a
customer's name, so the log keeps only that one was given (`"q": "(已隐去)"`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.services.journal import admin_log

ENTITY = "export"
ACTION = "export"
HIDDEN = "(已隐去)"
PERSONAL = frozenset({"q"})


def public_filters(params: Mapping[str, Any]) -> dict[str, Any]:
    """The filters given (blank ones dropped), personal ones replaced by HIDDEN."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        out[key] = HIDDEN if key in PERSONAL else value
    return out


def record_export(session: Session, *, actor: str, what: str, rows: int,
                  filters: Mapping[str, Any], filename: str, now: datetime) -> None:
    """One export in its own transaction."""
    with session.begin():
        admin_log.record(session, actor=actor, entity=ENTITY, key=what, action=ACTION,
                         before=None, after={"filters": dict(filters), "rows": int(rows),
                                             "file": filename}, at=now)

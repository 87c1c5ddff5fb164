"""The central store records the shifts windows push (`shift_open`, `shift_close` ops of
DESIGN.md §9) in its `shifts` table, as the window sent them.

Applying is idempotent: the op journal (`applied_ops`) answers a replayed op, and a shift row
already in the state an op describes is left as it is. A `shift_close` whose `shift_open` never
arrived still records the closed shift.
"""

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.domain.errors import Conflict, ValidationError
from app.domain.ids import normalize_terminal
from app.store.models import Shift

OPEN_VERSION, CLOSED_VERSION = 1, 2


def _text(payload: Mapping[str, Any], name: str, limit: int) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise ValidationError(f"班次记录缺少有效的 {name}", field=name)
    return value.strip()


def _fen(payload: Mapping[str, Any], name: str, *, signed: bool = False) -> int:
    value = payload.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or (value < 0 and not signed) \
            or abs(value) > 10**12:
        raise ValidationError(f"班次记录的金额 {name} 无效", field=name)
    return value


def _time(payload: Mapping[str, Any], name: str) -> datetime:
    try:
        at = datetime.fromisoformat(str(payload.get(name)))
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise ValidationError(f"班次记录的时间 {name} 无效（需带时区的 ISO 时间）", field=name)
    return at


def _shift_fields(payload: Mapping[str, Any]) -> dict[str, Any]:
    try:
        shift_id = str(uuid.UUID(str(payload.get("shift_id"))))
        terminal = normalize_terminal(_text(payload, "terminal", 8))
    except ValueError:
        raise ValidationError("班次编号或终端号无效", field="shift_id") from None
    return {"shift_id": shift_id, "terminal": terminal, "clerk": _text(payload, "clerk", 64),
            "opening_float_fen": _fen(payload, "opening_float_fen"),
            "opened_at": _time(payload, "opened_at")}


def _close_fields(payload: Mapping[str, Any]) -> dict[str, Any]:
    report = payload.get("report")
    if report is not None and not isinstance(report, dict):
        raise ValidationError("班次报表 report 必须是对象", field="report")
    closed_at = _time(payload, "closed_at")
    return {"status": "closed", "closed_at": closed_at, "report": report,
            "cash_expected_fen": _fen(payload, "cash_expected_fen", signed=True),
            "cash_counted_fen": _fen(payload, "cash_counted_fen"),
            "variance_fen": _fen(payload, "variance_fen", signed=True)}


def apply_shift_op(session: Session, kind: str, payload: Mapping[str, Any], *, now: datetime,
                   before_commit: Callable[[Session, int], None]) -> int:
    """Record a pushed `shift_open` / `shift_close`; returns the shift's version (1 open,
    2 closed). `before_commit(session, version)` runs last inside the transaction."""
    fields = _shift_fields(payload)
    closing = _close_fields(payload) if kind == "shift_close" else {}
    with session.begin():
        row = session.get(Shift, fields["shift_id"], with_for_update=True)
        if row is not None and (row.terminal, row.clerk) != (fields["terminal"],
                                                            fields["clerk"]):
            raise Conflict(f"班次 {fields['shift_id']} 已属于终端 {row.terminal} 的 {row.clerk}")
        if row is None:
            row = Shift(status="open", **fields)
            session.add(row)
        if closing and row.status != "closed":
            for name, value in closing.items():
                setattr(row, name, value)
        session.flush()
        version = CLOSED_VERSION if row.status == "closed" else OPEN_VERSION
        before_commit(session, version)
    return version

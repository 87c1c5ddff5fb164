"""Put documents on the print queue (`print_jobs`) inside the caller's transaction.

Jobs are rows: the sale commits them with everything else, and the printing worker picks them
up after the commit. A printer that is out of paper never blocks or loses a sale.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.ids import new_id
from app.store.models import PrintJobRow

JOB_KINDS = ("ticket", "receipt", "refund_slip", "void_slip", "shift_report", "drawer",
             "sample", "day_report")
_INSERT = sa.insert(PrintJobRow.__table__)


def enqueue(session: Session, jobs: Sequence[tuple[str, Mapping[str, Any]]], *,
            order_no: str | None, now: datetime) -> tuple[str, ...]:
    """Queue (kind, payload) jobs as `pending`, in order; returns their ids."""
    rows = []
    for kind, payload in jobs:
        if kind not in JOB_KINDS:
            raise ValueError(f"unknown print job kind: {kind}")
        rows.append({"id": new_id(), "kind": kind, "payload": dict(payload),
                     "order_no": order_no, "status": "pending", "attempts": 0,
                     "created_at": now, "updated_at": now})
    if rows:
        session.connection().execute(_INSERT, rows)
    return tuple(r["id"] for r in rows)

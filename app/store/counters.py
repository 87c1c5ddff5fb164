"""Gap-free counters bumped inside the caller's transaction.

`UPDATE ... SET n = n + 1 RETURNING n` takes the row lock on PostgreSQL, so concurrent writers
queue on it and never hand out the same number; on SQLite the whole transaction already holds
the write lock. A missing row is created with INSERT ... ON CONFLICT DO NOTHING first.
Statements are built once: this runs in every sale.
"""

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .db import dialect_insert
from .models import Counter, OrderCounter

_oc = OrderCounter.__table__
_c = Counter.__table__

_BUMP_ORDER_SEQ = (
    sa.update(_oc)
    .where(_oc.c.terminal == sa.bindparam("k_terminal"),
           _oc.c.local_date == sa.bindparam("k_date"))
    .values(last_seq=_oc.c.last_seq + 1).returning(_oc.c.last_seq))
_BUMP_COUNTER = (
    sa.update(_c).where(_c.c.name == sa.bindparam("k_name"))
    .values(value=_c.c.value + sa.bindparam("k_n")).returning(_c.c.value))


def _create(session: Session, table: sa.Table, values: dict[str, Any]) -> None:
    session.connection().execute(dialect_insert(session)(table).values(values).on_conflict_do_nothing())


def _bump(session: Session, stmt: Any, params: dict[str, Any], table: sa.Table,
          row: dict[str, Any]) -> int:
    conn = session.connection()
    value = conn.execute(stmt, params).scalar_one_or_none()
    if value is None:
        _create(session, table, row)
        value = conn.execute(stmt, params).scalar_one()
    return int(value)


def next_order_seq(session: Session, terminal: str, local_date: date) -> int:
    """The next window order sequence of `terminal` on `local_date` (1, 2, 3, ...)."""
    return _bump(session, _BUMP_ORDER_SEQ, {"k_terminal": terminal, "k_date": local_date},
                 _oc, {"terminal": terminal, "local_date": local_date, "last_seq": 0})


def next_value(session: Session, name: str) -> int:
    """The next value of the named counter (1, 2, 3, ...)."""
    return next_values(session, name, 1)[0]


def next_values(session: Session, name: str, n: int) -> range:
    """The next `n` values of the named counter, taken in one statement."""
    last = _bump(session, _BUMP_COUNTER, {"k_name": name, "k_n": n}, _c,
                 {"name": name, "value": 0})
    return range(last - n + 1, last + 1)

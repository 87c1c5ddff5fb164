"""Gap-free counters bumped inside the caller's transaction.

`UPDATE ... SET n = n + 1 RETURNING n` takes the row lock on PostgreSQL, so concurrent writers
queue on it and never hand out the same number; on SQLite the whole transaction already holds
the write lock. A missing row is created with INSERT ... ON CONFLICT DO NOTHING first.
"""

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .models import Counter, OrderCounter

_order_counters = OrderCounter.__table__
_counters = Counter.__table__


def _insert(session: Session, table: sa.Table) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _bump(session: Session, table: sa.Table, column: str, keys: dict[str, Any]) -> int:
    where = [table.c[k] == v for k, v in keys.items()]
    col = table.c[column]
    stmt = sa.update(table).where(*where).values({column: col + 1}).returning(col)
    value = session.execute(stmt).scalar_one_or_none()
    if value is None:
        session.execute(_insert(session, table).values(**keys, **{column: 0})
                        .on_conflict_do_nothing())
        value = session.execute(stmt).scalar_one()
    return int(value)


def next_order_seq(session: Session, terminal: str, local_date: date) -> int:
    """The next window order sequence of `terminal` on `local_date` (1, 2, 3, ...)."""
    return _bump(session, _order_counters, "last_seq",
                 {"terminal": terminal, "local_date": local_date})


def next_value(session: Session, name: str) -> int:
    """The next value of the named counter (1, 2, 3, ...)."""
    return _bump(session, _counters, "value", {"name": name})

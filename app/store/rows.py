"""Several rows in one INSERT statement (`INSERT ... VALUES (...), (...)`).

A list of parameter sets given to `Connection.execute` is an executemany: on psycopg 3 it runs
in pipeline mode, whose set-up costs more than the statement itself for the two or three rows
of a sale (its tickets, its timeline events). One statement with a VALUES row per row does the
same in one round trip; its form is built once per table, columns and row count.
"""

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

MAX_ROWS = 200  # rows per statement (PostgreSQL takes at most 65,535 parameters in one)


@lru_cache(maxsize=256)
def _statement(table: sa.Table, columns: tuple[str, ...], n: int) -> sa.Insert:
    return sa.insert(table).values([
        {c: sa.bindparam(f"{c}_{i}", type_=table.c[c].type) for c in columns}
        for i in range(n)])


def insert_rows(conn: sa.Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT `rows` (each with the same keys) into `table`, up to `MAX_ROWS` a statement."""
    if not rows:
        return
    columns = tuple(rows[0])
    for start in range(0, len(rows), MAX_ROWS):
        chunk = rows[start:start + MAX_ROWS]
        if len(chunk) == 1:
            conn.execute(_statement(table, columns, 1), {f"{c}_0": v for c, v in chunk[0].items()})
            continue
        conn.execute(_statement(table, columns, len(chunk)),
                     {f"{c}_{i}": row[c] for i, row in enumerate(chunk) for c in columns})

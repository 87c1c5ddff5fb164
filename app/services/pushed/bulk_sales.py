"""The rows of many pushed sales written with one statement per table (`apply.apply_group`'s
bulk path): a group's orders, tickets, payments and first timeline events go in four
statements instead of four per sale.

The rows are the ones `selling.write_sale_rows` writes for one sale, to the letter: it is run
for each sale against `_Rows`, which stands in for the session and keeps each statement's
parameters instead of sending them; the kept parameters of each statement are then sent
together, tables in the order the single sale writes them (an order before its tickets). So
the bulk path cannot drift from the one-by-one path. Each goes as an executemany (psycopg
pipelines its rows: one round trip); a multi-row INSERT ("insertmanyvalues") cost more
Python time to render than it saved PostgreSQL.

A clash with a row already stored (an order_id, order_no or ticket code taken) fails the
whole statement: the caller rolls the group back and applies it again op by op, where each
op answers for itself.
"""

from collections.abc import Mapping, Sequence
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.services.sales.selling import write_sale_rows

from .sales import PreparedSale


class _Rows:
    """A stand-in for the Session `write_sale_rows` is given: `connection().execute` keeps
    the INSERT's parameters, by statement."""

    def __init__(self) -> None:
        self.batches: dict[sa.Insert, list[Mapping[str, Any]]] = {}

    def connection(self) -> "_Rows":
        return self

    def execute(self, statement: Any,
                parameters: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> None:
        if not isinstance(statement, sa.Insert):  # only INSERTs can be sent together
            raise TypeError(f"bulk_sales: cannot batch {type(statement).__name__}")
        rows = [parameters] if isinstance(parameters, Mapping) else list(parameters)
        self.batches.setdefault(statement, []).extend(rows)


def write(session: Session, sales: Sequence[PreparedSale]) -> None:
    """Insert the rows of `sales` (see the module docstring); IntegrityError when one clashes
    with a stored row (nothing of the statement is written)."""
    rows = _Rows()
    for sale in sales:
        write_sale_rows(cast(Session, rows), sale.req, sale.plan, sale.req.order_id,
                        sale.order_no, sale.sold, sale.created)
    conn = session.connection()
    for statement, params in rows.batches.items():
        conn.execute(statement, params)


"""The rows of many pushed sales written with one statement per table (`apply.apply_group`'s
bulk path): a group's orders, tickets, payments and first timeline events go in four
statements instead of four per sale.

The rows are the ones the one-by-one path writes, to the letter: both make them with
`sale_rows.sale_rows`, so the bulk path cannot drift from it. A clash with a row already stored
(an order_id, order_no or ticket code taken) fails the whole statement: the caller rolls the
group back and applies it again op by op, where each op answers for itself.
"""

from collections.abc import Sequence

from sqlalchemy.orm import Session

from app.services.journal.changes import State
from app.services.sales.sale_rows import insert_many_sales, sale_rows, sold_order_json

from .sales import PreparedSale


def write(session: Session, sales: Sequence[PreparedSale]) -> list[State]:
    """Insert the rows of `sales` (see the module docstring); the changes feed's state of
    each order, in order (as written: nothing to read back). IntegrityError when one clashes
    with a stored row (nothing of the statement written)."""
    made = [sale_rows(s.req, s.plan, s.req.order_id, s.order_no, s.sold, s.created)
            for s in sales]
    insert_many_sales(session, made)
    return [sold_order_json(rows) for rows in made]

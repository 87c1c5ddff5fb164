"""The count and the sum of a whole order search (DESIGN.md §8 `GET /orders/summary`, the
"共 N 单，合计 ¥X" under the Orders list): the same filters and read scope as `search_orders`,
not only the page on screen — one aggregate query, the same on PostgreSQL and SQLite.

    orders     = number of orders matching the filters
    amount_fen = sum of their `total_fen` (what the orders are worth; 0 when none match)
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.venue import Venue
from app.store.db import read_transaction
from app.store.models import Order

from .search import OrderFilters, check_filters, conditions


def summarize_orders(session: Session, filters: OrderFilters, *,
                     venue: Venue | None = None) -> dict[str, Any]:
    """`{"orders": N, "amount_fen": S}` over every order `filters` match (see the module).
    ValidationError (Chinese) for a bad filter, as `search_orders` raises."""
    check_filters(filters, 1)
    with read_transaction(session):
        where = conditions(session, filters, venue or Venue())
        count, amount = session.execute(
            sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(Order.total_fen), 0))
            .select_from(Order).where(*where)).one()
    return {"orders": int(count), "amount_fen": int(amount)}

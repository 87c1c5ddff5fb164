"""What the actions on an order ask of this window's database and of the central store:
workers that run off the GUI thread (ui.tasks) and touch no widget."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from ui.context import ClientContext


def cached_order(ctx: ClientContext, order_no: str) -> dict[str, Any] | None:
    """The order as this window's cache has it now (its display status counts the cached
    anomalies), None when the cache does not hold it."""
    from app.domain.errors import NotFound
    from app.services.journal import orders

    with ctx.session() as session:
        try:
            return orders.get_order(session, order_no)
        except NotFound:
            return None


def open_anomaly_of(ctx: ClientContext, order_no: str) -> str | None:
    """The id of the order's open anomaly with the highest priority (the cache), if any."""
    from app.services.anomalies import anomaly_queue

    with ctx.session() as session:
        page = anomaly_queue.list_anomalies(
            session, anomaly_queue.QueueFilters(order_no=order_no), cursor=None, limit=1)
    return page.anomalies[0]["id"] if page.anomalies else None


def cancel_key(order_no: str) -> str:
    """One Idempotency-Key per press: a retry of the same request reuses it."""
    return f"cancel-{order_no}-{uuid.uuid4().hex[:12]}"


def cancel_unpaid(ctx: ClientContext, order_no: str, key: str,
                  reason: str | None = None) -> dict[str, Any]:
    """POST /orders/{no}/cancel → the cancelled order (store-only)."""
    return ctx.store.cancel_order(order_no, key, reason)


def flag_orders(ctx: ClientContext, order_nos: Sequence[str], category: str,
                reason: str) -> dict[str, Any]:
    """POST /anomalies/flag → {flagged, already, unknown} (store-only)."""
    return ctx.store.flag_orders(list(order_nos), category, reason)


def reprint_tickets(ctx: ClientContext, order_no: str, now: Any) -> Any:
    """The order's valid tickets again, marked 重打 N (the writer thread: a local write, a
    print job and a `reprint` op for the store)."""
    from app.services.prints import reprint

    with ctx.session() as session:
        return reprint.reprint(session, order_no, actor=ctx.actor(), now=now)


def keep_orders(ctx: ClientContext, orders: Sequence[dict[str, Any]] = (),
                anomalies: Sequence[dict[str, Any]] = ()) -> None:
    """What the store answered, into the cache now (the writer thread); the feed brings the
    same rows again later, harmlessly."""
    from sync import cache

    with ctx.session() as session:
        cache.apply_fetched(session, orders=list(orders), anomalies=list(anomalies))

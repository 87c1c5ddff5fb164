"""Where the Orders list comes from (workers: run off the GUI thread, touch no widget).

Online (`store_online`, read on the GUI thread when the search starts) the central store
answers — `GET /orders` page by page and `GET /orders/summary` — so a supervisor searches every
order, not only what this window cached. Offline, or when the store does not answer the first
page, this window's cache answers through the same search service, and the result says so.

Orders with an open anomaly come first (异常 on top): the list is two searches one after the
other — with `anomaly=true`, then `anomaly=false` — each newest first with its own keyset
cursor, so paging stays exact and the store's indexes stay usable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from app.services.lookup.search import ANOMALY, OrderFilters
from ui.context import ClientContext

translate = QCoreApplication.translate
log = logging.getLogger(__name__)

SEARCH_BATCH = 200  # the most GET /orders gives at once


@dataclass(frozen=True)
class OrdersQuery:
    filters: OrderFilters
    online: bool  # ask the central store first


@dataclass(frozen=True)
class PageCursor:
    from_store: bool
    part: int  # index into parts(filters): anomalies first, then the rest
    cursor: str | None


@dataclass(frozen=True)
class Source:
    """Who answered, and the note the view shows ("" when the store did)."""

    from_store: bool
    note: str = ""


def offline_note() -> str:
    return translate("OrdersSource", "Offline: only the orders cached on this window are shown")


def failed_note(why: str) -> str:
    return translate("OrdersSource", "The central store did not answer ({why}): only the "
                                     "orders cached on this window are shown").format(why=why)


def parts(filters: OrderFilters) -> list[bool]:
    """The `anomaly` value of each part of the list, in order (anomalies first); a part the
    status filter rules out is skipped."""
    wanted = set(filters.status)
    out = []
    if filters.anomaly is not False and (not wanted or ANOMALY in wanted):
        out.append(True)
    if filters.anomaly is not True and (not wanted or wanted - {ANOMALY}):
        out.append(False)
    return out


def params_of(filters: OrderFilters) -> dict[str, str]:
    """The filters as `GET /orders` parameters (the store scopes a clerk by his token)."""
    def text(value: Any) -> str | None:
        if isinstance(value, (date, datetime)):
            return value.isoformat()
        return None if value is None else str(value)

    params = {
        "channel": ",".join(filters.channel), "status": ",".join(filters.status),
        "ticket_type": text(filters.ticket_type), "visit_from": text(filters.visit_from),
        "visit_to": text(filters.visit_to), "created_from": text(filters.created_from),
        "created_to": text(filters.created_to), "q": text(filters.q),
        "anomaly": None if filters.anomaly is None else str(filters.anomaly).lower()}
    return {k: v for k, v in params.items() if v}


def _fetch(ctx: ClientContext, filters: OrderFilters, cursor: str | None, limit: int,
           from_store: bool) -> tuple[list[dict[str, Any]], str | None]:
    if from_store:
        body = ctx.store.search_orders(
            params_of(filters) | {"limit": limit} | ({"cursor": cursor} if cursor else {}))
        return list(body["orders"]), body.get("next_cursor")
    from app.services.lookup import search

    with ctx.session() as session:
        return search.search_orders(session, filters, limit=limit, cursor=cursor,
                                    venue=ctx.venue())


def _walk(ctx: ClientContext, filters: OrderFilters, at: PageCursor,
          want: int) -> tuple[list[dict[str, Any]], PageCursor | None]:
    split = parts(filters)
    found: list[dict[str, Any]] = []
    part, cursor = at.part, at.cursor
    while part < len(split) and len(found) < want:
        page, cursor = _fetch(ctx, replace(filters, anomaly=split[part]), cursor,
                              min(SEARCH_BATCH, want - len(found)), at.from_store)
        found += page
        if cursor is None:
            part += 1
    more = part < len(split)
    return found, PageCursor(at.from_store, part, cursor) if more else None


def load_orders(ctx: ClientContext, query: OrdersQuery, cursor: PageCursor | None,
                want: int) -> tuple[list[dict[str, Any]], PageCursor | None, Source]:
    """`want` orders from `cursor` on (None: the first page), the next cursor and the source."""
    from sync.transport import TransientError

    if cursor is not None:
        found, after = _walk(ctx, query.filters, cursor, want)
        return found, after, _source(cursor.from_store)
    if query.online and ctx.store is not None:
        try:
            found, after = _walk(ctx, query.filters, PageCursor(True, 0, None), want)
            return found, after, Source(True)
        except TransientError as exc:
            log.info("order search not answered by the store: %s", exc)
            found, after = _walk(ctx, query.filters, PageCursor(False, 0, None), want)
            return found, after, Source(False, failed_note(exc.message))
    found, after = _walk(ctx, query.filters, PageCursor(False, 0, None), want)
    return found, after, _source(False)


def _source(from_store: bool) -> Source:
    return Source(True) if from_store else Source(False, offline_note())


def load_summary(ctx: ClientContext, query: OrdersQuery,
                 from_store: bool) -> dict[str, int]:
    """`{orders, amount_fen}` of the whole result, from where the list came from."""
    if from_store and ctx.store is not None:
        return dict(ctx.store.order_summary(params_of(query.filters)))
    from app.services.lookup import summary

    with ctx.session() as session:
        return summary.summarize_orders(session, query.filters, venue=ctx.venue())

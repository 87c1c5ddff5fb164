"""What the 日结对账 screen asks, run off the GUI thread (ui.tasks), touching no widget: the
day close from the store (`ctx.store`, the signed-in finance user's client), closing it, a
settlement file sent, a channel's orders of the day, one order; the paper (day report, a Z
report again) goes on this PC's print queue."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ui.context import ClientContext
from ui.views.dashboard.loads import NotConnected

MAX_CHANNEL_ORDERS = 1000
PAGE = 200


def _store(ctx: ClientContext) -> Any:
    if ctx.store is None:
        raise NotConnected()
    return ctx.store


def load_day(ctx: ClientContext, day: date) -> dict[str, Any]:
    return _store(ctx).day_close(day.isoformat())


def close_day(ctx: ClientContext, day: date,
              seen: dict[str, int] | None = None) -> dict[str, Any]:
    return _store(ctx).close_day(day.isoformat(), seen)


def import_settlement(ctx: ClientContext, source: str, path: str) -> dict[str, Any]:
    """Read the file (UTF-8, a BOM allowed; else GBK as Excel saves it) and send it."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gbk", errors="replace")
    return _store(ctx).import_settlement(source, text)


def channel_orders(ctx: ClientContext, day: date, channel: str) -> list[dict[str, Any]]:
    """Every order of `channel` created on `day` (newest first, up to a thousand)."""
    store, found, cursor = _store(ctx), [], None
    while len(found) < MAX_CHANNEL_ORDERS:
        page = store.search_orders({"channel": channel, "created_from": day.isoformat(),
                                    "created_to": day.isoformat(), "limit": PAGE,
                                    "cursor": cursor})
        found += page["orders"]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    return found


def get_order(ctx: ClientContext, order_no: str) -> dict[str, Any]:
    return _store(ctx).get_order(order_no)


def print_day_report(ctx: ClientContext, report: dict[str, Any], now: Any) -> Any:
    from app.services.prints.day_report import queue_day_report

    who = ctx.user.username if ctx.user is not None else ""
    with ctx.session() as session:
        return queue_day_report(session, report, venue=ctx.venue(), now=now, printed_by=who)


def reprint_z(ctx: ClientContext, z_report: dict[str, Any] | None, now: Any) -> Any:
    from app.services.prints.day_report import queue_z_reprint

    with ctx.session() as session:
        return queue_z_reprint(session, z_report, venue=ctx.venue(), now=now)

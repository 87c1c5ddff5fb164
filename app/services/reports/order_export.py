"""`GET /orders/export` (DESIGN.md §15): every order matching the `GET /orders` filters as an
`.xlsx`, masked like the Order JSON — and the customer's name too, since a file leaves the
store's access control: `张**`.

It walks the search (`lookup.search.search_orders`) page by page, newest first, writing each
page's rows before reading the next, so memory holds one page whatever the count; an order
created during the walk is newer than the first page and is not in the file. One sheet 订单:

订单号 · 渠道 · 状态 (the display status: 异常订单 with an open anomaly) · 下单时间 (venue
local) · 游玩日期 · 票种明细 (`成人票×2，亲子套票·儿童票×1`, by printed name in ticket order) ·
张数 · 金额(元) (the order total, two decimals) · 支付方式 (methods of the payments whose money
came in) · 客户 · 手机 (`138****5678`) · 窗口 · 售票员.

The export is logged in the admin log (`export_log`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.domain.day_close_labels import METHOD_LABELS_ZH as METHOD_ZH
from app.domain.day_close_labels import REPORT_CHANNELS_ZH as CHANNEL_ZH
from app.domain.lifecycle import STATUS_LABELS_ZH
from app.domain.venue import Venue
from app.services.lookup import search

from . import export_log
from .measures import PAID_IN
from .xlsx_book import Book, Export

PAGE = search.MAX_LIMIT
SHEET = "订单"
HEADERS = ("订单号", "渠道", "状态", "下单时间", "游玩日期", "票种明细", "张数", "金额(元)",
           "支付方式", "客户", "手机", "窗口", "售票员")
WIDTHS = (24, 10, 14, 20, 12, 36, 6, 12, 14, 10, 14, 8, 12)


def mask_name(name: str | None) -> str | None:
    """张三 → 张*, 欧阳娜娜 → 欧***: the first character stays."""
    if not name:
        return name
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1)


def ticket_summary(tickets: list[Mapping[str, Any]]) -> str:
    """`成人票×2，儿童票×1`: each printed name with its count, in ticket order."""
    counts: dict[str, int] = {}
    for t in tickets:
        name = t.get("name") or t["ticket_type"]
        counts[name] = counts.get(name, 0) + 1
    return "，".join(f"{name}×{n}" for name, n in counts.items())


def payment_methods(payments: list[Mapping[str, Any]]) -> str:
    methods = dict.fromkeys(METHOD_ZH.get(p["method"], p["method"]) for p in payments
                            if p["status"] in PAID_IN)
    return "、".join(methods)


def order_row(book: Book, ws: Any, order: Mapping[str, Any]) -> list[Any]:
    """One order (masked Order JSON) as a row under HEADERS."""
    customer = order.get("customer") or {}
    return [order["order_no"], CHANNEL_ZH.get(order["channel"], order["channel"]),
            STATUS_LABELS_ZH.get(order["display_status"], order["display_status"]),
            book.local_time(ws, order["created_at"]), book.day(ws, order["visit_date"]),
            ticket_summary(order["tickets"]), len(order["tickets"]),
            book.money(ws, order["total_fen"]), payment_methods(order["payments"]),
            mask_name(customer.get("name")), customer.get("phone_masked"),
            order.get("terminal"), order.get("clerk")]


def export_orders(session: Session, filters: search.OrderFilters, *,
                  params: Mapping[str, str | None], actor: str, now: datetime,
                  venue: Venue) -> Export:
    """The workbook of every order matching `filters` (ValidationError for a bad one, before
    anything is written), logged as `actor`'s export of `params` (the request's filter text)."""
    page, cursor = search.search_orders(session, filters, limit=PAGE, venue=venue)
    book = Book(venue)  # after the first page: a bad filter leaves no file behind
    ws = book.sheet(SHEET, HEADERS, WIDTHS)
    rows = 0
    while True:
        for order in page:
            ws.append(order_row(book, ws, order))
        rows += len(page)
        if cursor is None:
            break
        page, cursor = search.search_orders(session, filters, limit=PAGE, cursor=cursor,
                                            venue=venue)
    path = book.save()
    try:
        name = f"订单导出-{venue.local(now):%Y%m%d-%H%M}.xlsx"
        export_log.record_export(session, actor=actor, what="orders", rows=rows,
                                 filters=export_log.public_filters(params), filename=name,
                                 now=now)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Export(path, rows, name)

"""Orders found by a search (订单查询) as a table model that fetches page after page.

The model never touches the database: it is given a `loader(filters, cursor, want)` that runs on
the thread pool (ui.tasks) and returns `(orders, next_cursor)` or `(orders, next_cursor, source)`
(`source` says where the page came from — the central store or this window's cache — and is
re-emitted as `page_source`). `canFetchMore` / `fetchMore`
bring the next page when the view scrolls to the bottom; `search` starts over; `refresh` loads
again as many rows as are shown (a live update) and keeps them in place.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from app.domain.lifecycle import STATUS_LABELS_ZH
from app.domain.money import format_fen
from ui.admin_labels import method_label
from ui.models.order_status_style import shown_status, status_text, style_of
from ui.models.table_model import RIGHT, ROW_ROLE, AsyncTableModel, Column

translate = QCoreApplication.translate

Index = QModelIndex | QPersistentModelIndex
Loader = Callable[[Any, Any, int], tuple[Any, ...]]  # (filters, cursor, want) → page

PAGE = 50
ANOMALY_COLOR = "#c62828"
ORDER_ROLE = ROW_ROLE


def channel_label(channel: str) -> str:
    return {
        "window": translate("OrdersModel", "Window"),
        "miniprogram": translate("OrdersModel", "Mini program"),
        "website": translate("OrdersModel", "Website"),
        "ota_ctrip": translate("OrdersModel", "Ctrip"),
        "ota_meituan": translate("OrdersModel", "Meituan"),
        "agency": translate("OrdersModel", "Travel agency"),
    }.get(channel, channel)


_STATUS_EN = {
    "pending_payment": "Awaiting payment", "paying": "Paying", "cancelled": "Cancelled",
    "refunding": "Refunding", "redeeming": "Redeeming", "refunded": "Refunded",
    "redeemed": "Redeemed", "paid": "Paid, not redeemed", "anomaly": "Anomaly",
}


def status_label(status: str) -> str:
    """The lifecycle's Chinese label (DESIGN.md §3) when the client speaks Chinese."""
    if QLocale().language() == QLocale.Language.Chinese:
        return STATUS_LABELS_ZH.get(status, status)
    return _STATUS_EN.get(status, status)


def customer_text(order: dict[str, Any]) -> str:
    """The customer as the order JSON gives it (masked): `李四 · 139****1234`."""
    customer = order.get("customer") or {}
    return " · ".join(str(v) for v in (customer.get("name"), customer.get("phone_masked")) if v)


def tickets_text(order: dict[str, Any]) -> str:
    """`成人票×2、儿童票×1`, `亲子套票×1`: what was sold, in the order sold. A package's
    tickets (named `亲子套票·成人票`, …) count as packages: the fewest of any component."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for t in order.get("tickets") or []:
        name = str(t.get("name") or t.get("ticket_type") or "")
        package = t.get("sold_as") not in (None, t.get("ticket_type"))
        key = (str(t.get("sold_as")), name.split("·")[0]) if package else ("", name)
        parts = counts.setdefault(key, {})
        parts[name] = parts.get(name, 0) + 1
    return "、".join(f"{label}×{min(parts.values())}" for (_, label), parts in counts.items())


def payment_text(order: dict[str, Any]) -> str:
    """The succeeded payments: `现金 ¥200.00`; nothing while unpaid."""
    return "、".join(f"{method_label(str(p.get('method')))} {format_fen(int(p['amount_fen']))}"
                    for p in order.get("payments") or [] if p.get("status") == "succeeded")


class OrdersModel(AsyncTableModel):
    (ORDER_NO, CHANNEL, STATUS, CUSTOMER, TICKETS, PAYMENT, VISIT, AMOUNT,
     CREATED) = range(9)

    refreshed = Signal()  # rows replaced by `refresh` (the view restores its selection)
    page_source = Signal(object)  # what the loader said of the last page (store or cache)

    def __init__(self, loader: Loader, local_time: Callable[[datetime], datetime] | None = None,
                 parent: Any = None, now: Callable[[], datetime] | None = None) -> None:
        super().__init__(parent)
        self._loader = loader
        self._local_time = local_time or (lambda at: at)
        self._now = now
        self._filters: Any = None
        self._cursor: Any = None  # the loader's own: opaque here

    def columns(self) -> dict[int, Column]:
        return {
            self.ORDER_NO: Column(self.tr("Order no."), lambda o: o["order_no"]),
            self.CHANNEL: Column(self.tr("Channel"), lambda o: channel_label(o["channel"])),
            self.STATUS: Column(self.tr("Status"), self.status_text, foreground=_foreground),
            # narrow at 1366 px: the whole text on hover
            self.CUSTOMER: Column(self.tr("Customer"), customer_text, tooltip=customer_text),
            self.TICKETS: Column(self.tr("Tickets"), tickets_text, tooltip=tickets_text),
            self.PAYMENT: Column(self.tr("Payment"), payment_text, tooltip=payment_text),
            self.VISIT: Column(self.tr("Visit date"), lambda o: o["visit_date"]),
            self.AMOUNT: Column(self.tr("Amount"), lambda o: format_fen(int(o["total_fen"])),
                                align=RIGHT),
            self.CREATED: Column(self.tr("Ordered at"),
                                 lambda o: self.local_text(o.get("created_at"))),
        }

    def status_text(self, order: dict[str, Any]) -> str:
        label = status_label(shown_status(order))
        return status_text(order, label, self._now()) if self._now is not None else label

    def row_data(self, row: Any, column: int, role: int) -> Any:
        if column == self.STATUS and role == Qt.ItemDataRole.BackgroundRole:
            style = style_of(row)
            return QColor(style.background) if style is not None else None
        return None

    def local_text(self, iso: str | None) -> str:
        """An ISO UTC instant as venue-local `YYYY-MM-DD HH:MM`."""
        if not iso:
            return ""
        return self._local_time(datetime.fromisoformat(iso)).strftime("%Y-%m-%d %H:%M")

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._cursor is not None and not self.loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._load(self._cursor, PAGE, replace=False)

    # -- searching ------------------------------------------------------------------------------
    def search(self, filters: Any) -> None:
        """Start over with `filters`: empty now, the first page when it arrives."""
        self._filters = filters
        self._cursor = None
        self.set_rows([])
        self._load(None, PAGE, replace=True)

    def refresh(self, filters: Any = None) -> None:
        """Load again as many rows as are shown (at least a page), keeping the filters (or
        the same asked another way: `filters`); a list that was complete stays complete (up
        to a page of newcomers)."""
        if filters is not None and self._filters is not None:
            self._filters = filters
        if self._filters is not None:
            want = len(self._rows) + (0 if self._cursor else PAGE)
            self._load(None, max(PAGE, want), replace=True, keep=True)

    def _load(self, cursor: Any, want: int, *, replace: bool, keep: bool = False) -> None:
        self.request(self._loader, self._filters, cursor, want,
                     done=lambda page: self._loaded(page, replace, keep))

    def _loaded(self, page: tuple[Any, ...], replace: bool, keep: bool) -> None:
        orders, self._cursor = page[0], page[1]
        if len(page) > 2:
            self.page_source.emit(page[2])
        if not replace:
            self.append_rows(orders)  # below the rows shown: no reset, the view stays put
            return
        self.set_rows(orders)
        if keep:
            self.refreshed.emit()

    # -- reading --------------------------------------------------------------------------------
    @property
    def has_more(self) -> bool:
        return self._cursor is not None

    def order(self, row: int) -> dict[str, Any] | None:
        return self.row(row)

    def orders(self) -> list[dict[str, Any]]:
        return self.rows()

    def row_of(self, order_id: str) -> int:
        return self.find(lambda o: o["order_id"] == order_id)


def _foreground(order: dict[str, Any]) -> QColor | None:
    style = style_of(order)
    return QColor(style.foreground) if style is not None else None

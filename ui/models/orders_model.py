"""Orders found by a search (订单查询) as a QAbstractTableModel that fetches page after page.

The model never touches the database: it is given a `loader(filters, cursor, want)` that runs on
the thread pool (ui.tasks) and returns `(orders, next_cursor)`. `canFetchMore` / `fetchMore`
bring the next page when the view scrolls to the bottom; `search` starts over; `refresh` loads
again as many rows as are shown (a live update) and keeps them in place.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
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
from ui import tasks

translate = QCoreApplication.translate

Index = QModelIndex | QPersistentModelIndex
Loader = Callable[[Any, "str | None", int], tuple[list[dict[str, Any]], "str | None"]]

PAGE = 50
ANOMALY_COLOR = "#c62828"
ORDER_ROLE = Qt.ItemDataRole.UserRole


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


class OrdersModel(QAbstractTableModel):
    ORDER_NO, CHANNEL, STATUS, VISIT, AMOUNT, CREATED = range(6)

    loading_changed = Signal(bool)
    failed = Signal(object)  # the exception of a load
    refreshed = Signal()  # rows replaced by `refresh` (the view restores its selection)

    def __init__(self, loader: Loader, local_time: Callable[[datetime], datetime] | None = None,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._loader = loader
        self._local_time = local_time or (lambda at: at)
        self._orders: list[dict[str, Any]] = []
        self._filters: Any = None
        self._cursor: str | None = None
        self._loading = False
        self._generation = 0  # answers of an older search are dropped

    # -- Qt model -------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._orders)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 6

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Order no."), self.tr("Channel"), self.tr("Status"),
                    self.tr("Visit date"), self.tr("Amount"), self.tr("Ordered at"))[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        order, col = self._orders[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(order, col)
        if role == ORDER_ROLE:
            return order
        if role == Qt.ItemDataRole.ForegroundRole and col == self.STATUS \
                and order.get("display_status") == "anomaly":
            return QColor(ANOMALY_COLOR)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == self.AMOUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, order: dict[str, Any], col: int) -> str:
        if col == self.ORDER_NO:
            return order["order_no"]
        if col == self.CHANNEL:
            return channel_label(order["channel"])
        if col == self.STATUS:
            return status_label(order.get("display_status") or order["status"])
        if col == self.VISIT:
            return order["visit_date"]
        if col == self.AMOUNT:
            return format_fen(int(order["total_fen"]))
        return self.local_text(order.get("created_at"))

    def local_text(self, iso: str | None) -> str:
        """An ISO UTC instant as venue-local `YYYY-MM-DD HH:MM`."""
        if not iso:
            return ""
        return self._local_time(datetime.fromisoformat(iso)).strftime("%Y-%m-%d %H:%M")

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._cursor is not None and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._load(self._cursor, PAGE, replace=False)

    # -- searching ------------------------------------------------------------------------------
    def search(self, filters: Any) -> None:
        """Start over with `filters`: empty now, the first page when it arrives."""
        self._filters = filters
        self.beginResetModel()
        self._orders, self._cursor = [], None
        self.endResetModel()
        self._load(None, PAGE, replace=True)

    def refresh(self) -> None:
        """Load again as many rows as are shown (at least a page), keeping the filters; a
        list that was complete stays complete (up to a page of newcomers)."""
        if self._filters is not None:
            want = len(self._orders) + (0 if self._cursor else PAGE)
            self._load(None, max(PAGE, want), replace=True, keep=True)

    def _load(self, cursor: str | None, want: int, *, replace: bool, keep: bool = False) -> None:
        self._generation += 1
        gen = self._generation
        self._set_loading(True)
        (tasks.run(self._loader, self._filters, cursor, want, owner=self)
            .on_success(lambda page: self._loaded(gen, page, replace, keep))
            .on_failure(lambda exc: self._load_failed(gen, exc)))

    def _loaded(self, gen: int, page: tuple[list[dict[str, Any]], str | None],
                replace: bool, keep: bool) -> None:
        if gen != self._generation:
            return
        orders, cursor = page
        self._cursor = cursor
        self._set_loading(False)
        if replace:
            self.beginResetModel()
            self._orders = list(orders)
            self.endResetModel()
            if keep:
                self.refreshed.emit()
        elif orders:
            first = len(self._orders)
            self.beginInsertRows(QModelIndex(), first, first + len(orders) - 1)
            self._orders.extend(orders)
            self.endInsertRows()

    def _load_failed(self, gen: int, exc: BaseException) -> None:
        if gen == self._generation:
            self._set_loading(False)
            self.failed.emit(exc)

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loading_changed.emit(loading)

    # -- reading --------------------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def has_more(self) -> bool:
        return self._cursor is not None

    def order(self, row: int) -> dict[str, Any] | None:
        return self._orders[row] if 0 <= row < len(self._orders) else None

    def orders(self) -> list[dict[str, Any]]:
        return list(self._orders)

    def row_of(self, order_id: str) -> int:
        return next((i for i, o in enumerate(self._orders) if o["order_id"] == order_id), -1)

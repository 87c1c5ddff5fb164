"""The Orders view (订单查询): orders of every channel from the window's local database (the
cache the sync engine keeps), newest first, fetched page by page as the list scrolls.

Keys (also printed at the bottom of the view):
    Ctrl+F         the search box; typing anywhere in the list goes there too (a scanned code)
    Enter          in the search box: search; pressed again, open the selected order
    ↑ / ↓, PgUp/Dn move through the orders (from the search box as well)
    Enter          on the list (or a double-click): the order's detail; Esc closes it
    Esc            in the search box: clear it
    Alt+C / Alt+S  channel / status;  Alt+D visit date on or off
A clerk sees his window's orders only; a supervisor sees every order.
The sync engine calls `orders_changed(order_ids)`; bursts are coalesced into one re-query that
keeps the selected order and the scroll position.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.services.lookup.search import CHANNELS, OrderFilters
from ui.context import ClientContext
from ui.models.orders_model import OrdersModel, channel_label, status_label
from ui.views.flag_dialog import BatchFlag
from ui.views.order_detail import OrderDetailDialog
from ui.views.page import Page, make_table

REFRESH_DELAY_MS = 0  # the sync bridge coalesces bursts already; this merges one turn's signals
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_MOVES = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -10,
          Qt.Key.Key_PageDown: 10}
STATUS_CHOICES = ("paid", "anomaly", "pending_payment", "paying", "redeeming", "redeemed",
                  "refunding", "refunded", "cancelled")
SEARCH_BATCH = 200
COLUMN_WIDTHS = {OrdersModel.CHANNEL: 110, OrdersModel.STATUS: 140, OrdersModel.VISIT: 130,
                 OrdersModel.AMOUNT: 130, OrdersModel.CREATED: 180}


# -- worker: runs off the GUI thread, touches no widget ------------------------------------------
def load_orders(ctx: ClientContext, filters: OrderFilters, cursor: str | None,
                want: int) -> tuple[list[dict[str, Any]], str | None]:
    """`want` orders from `cursor` on (several pages when a refresh needs more than one)."""
    from app.services.lookup import search

    found: list[dict[str, Any]] = []
    with ctx.session() as session:
        while True:
            page, cursor = search.search_orders(
                session, filters, limit=min(SEARCH_BATCH, want - len(found)), cursor=cursor,
                venue=ctx.venue())
            found += page
            if cursor is None or len(found) >= want:
                return found, cursor


class OrdersView(Page):
    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "ordersView", parent)
        self.detail: OrderDetailDialog | None = None
        self._searched_q: str | None = None
        self.model = OrdersModel(lambda f, c, n: load_orders(ctx, f, c, n),
                                 ctx.venue().local, self)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self._place: tuple[str | None, int] = (None, 0)
        self._build()  # the table connects to the model first: it resets its selection there
        self.model.loading_changed.connect(lambda _l: self._update_count())
        self.model.rowsInserted.connect(lambda *_a: self._update_count())
        self.model.modelReset.connect(self._update_count)
        self.model.modelReset.connect(self._select_first)
        self.model.rowsInserted.connect(lambda *_a: self._select_first())
        self.model.refreshed.connect(self._restore_place)
        self.model.failed.connect(self.show_failure)
        self.search_box.installEventFilter(self)
        self.table.installEventFilter(self)
        self.search()

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.search_box = QLineEdit()
        self.search_box.setObjectName("orderSearch")
        self.search_box.setPlaceholderText(
            self.tr("Order no., ticket code (scan it), phone tail or name — Enter"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaxLength(64)
        self.search_box.returnPressed.connect(self._search_entered)
        self.channel = self._combo("channelFilter", self.tr("All channels"),
                                   [(channel_label(c), c) for c in CHANNELS])
        self.status = self._combo("statusFilter", self.tr("All statuses"),
                                  [(status_label(s), s) for s in STATUS_CHOICES])
        self.visit_on = QCheckBox(self.tr("Visit &date"))
        self.visit_on.setObjectName("visitFilterOn")
        self.visit_date = QDateEdit()
        self.visit_date.setObjectName("visitFilter")
        self.visit_date.setCalendarPopup(True)
        self.visit_date.setDisplayFormat("yyyy-MM-dd")
        today = self.ctx.today()
        self.visit_date.setDate(QDate(today.year, today.month, today.day))
        self.visit_date.setEnabled(False)
        self.visit_on.toggled.connect(self._visit_toggled)
        self.visit_date.dateChanged.connect(lambda _d: self.search())
        top = QHBoxLayout()
        top.addWidget(self.search_box, 3)
        for text, widget in ((self.tr("&Channel"), self.channel),
                             (self.tr("&Status"), self.status)):
            label = QLabel(text)
            label.setBuddy(widget)
            top.addWidget(label)
            top.addWidget(widget, 1)
        top.addWidget(self.visit_on)
        top.addWidget(self.visit_date)

        self.table = make_table("ordersTable", self.model,
                                selection=QAbstractItemView.SelectionMode.SingleSelection,
                                resize=QHeaderView.ResizeMode.Interactive,
                                stretch=OrdersModel.ORDER_NO, alternate=True)
        for col, width in COLUMN_WIDTHS.items():
            self.table.horizontalHeader().resizeSection(col, width)
        self.table.doubleClicked.connect(lambda index: self.open_detail(index.row()))
        self.count = QLabel()
        self.count.setObjectName("hint")
        self.batch_flag = BatchFlag(self)  # Ctrl/Shift-click or Ctrl+A, then Ctrl+M
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.batch_flag.button)
        self.lay_out([top, (self.table, 1), bottom],
                     keys=self.tr("Ctrl+F search · scan a ticket code · Enter search, then open "
                                  "· ↑/↓ move · Esc close or clear · Alt+C channel · Alt+S "
                                  "status · Alt+D visit date"))
        self.setFocusProxy(self.search_box)

    def _combo(self, name: str, everything: str, choices: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItem(everything, None)
        for text, value in choices:
            combo.addItem(text, value)
        combo.currentIndexChanged.connect(lambda _i: self.search())
        return combo

    # -- searching ------------------------------------------------------------------------------
    def filters(self) -> OrderFilters:
        """What the widgets ask for, restricted to the window for a clerk."""
        day = self.visit_date.date() if self.visit_on.isChecked() else None
        visit = date(day.year(), day.month(), day.day()) if day is not None else None
        clerk = getattr(self.ctx.user, "role", "clerk") == "clerk"
        return OrderFilters(channel=self.channel.currentData(), status=self.status.currentData(),
                            visit_from=visit, visit_to=visit, q=self.search_box.text(),
                            terminal=self.ctx.terminal if clerk else None)

    def search(self) -> None:
        self._refresh_timer.stop()
        self._searched_q = self.search_box.text().strip()
        self.clear_message()
        self.model.search(self.filters())

    def _select_first(self) -> None:
        if self.selected_row() < 0 and self.model.rowCount():
            self.table.selectRow(0)

    def _search_entered(self) -> None:
        if self.search_box.text().strip() == self._searched_q and self.model.rowCount():
            self.open_detail(self.selected_row())
        else:
            self.search()
            self.search_box.selectAll()  # the next scan replaces this code

    def _visit_toggled(self, on: bool) -> None:
        self.visit_date.setEnabled(on)
        self.search()

    @Slot(list)
    def orders_changed(self, order_ids: list) -> None:
        """Orders changed in the local database (the sync engine applied a page, a sale was
        written): re-query once the burst is over."""
        self._refresh_timer.start()

    def operation_did_execute(self, changes: Any, origin: Any) -> None:
        """A sale or a refund on another screen: the list shows it (and its new status)."""
        if changes.orders:
            self.orders_changed(list(changes.order_ids))

    def refresh(self) -> None:
        """Query again, keeping the selected order and the scroll position."""
        order = self.model.order(self.selected_row())
        self._place = (order["order_id"] if order else None,
                       self.table.verticalScrollBar().value())
        self.model.refresh()

    def _restore_place(self) -> None:
        order_id, scroll = self._place
        row = self.model.row_of(order_id) if order_id else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                self.table.selectionModel().SelectionFlag.ClearAndSelect
                | self.table.selectionModel().SelectionFlag.Rows)
        self.table.verticalScrollBar().setValue(scroll)

    # -- selection and detail -------------------------------------------------------------------
    def selected_row(self) -> int:
        """The current row when selected (several may be: 批量标记异常), else the first."""
        selection = self.table.selectionModel()
        current = selection.currentIndex()
        if current.isValid() and selection.isRowSelected(current.row()):
            return current.row()
        rows = selection.selectedRows()
        return rows[0].row() if rows else -1

    def move_selection(self, step: int) -> None:
        rows = self.model.rowCount()
        if not rows:
            return
        row = max(0, min(rows - 1, self.selected_row() + step))
        if row == rows - 1 and self.model.canFetchMore():
            self.model.fetchMore()
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    def open_detail(self, row: int) -> None:
        order = self.model.order(row)
        if order is None:
            return
        if self.detail is not None:
            self.detail.close()
        self.detail = OrderDetailDialog(order, self.model.local_text, self, ctx=self.ctx)
        self.detail.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.detail.finished.connect(self._detail_closed)
        self.detail.open()

    def _detail_closed(self, _result: int) -> None:
        self.detail = None
        self.table.setFocus()

    # -- keyboard -------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            if watched is self.search_box:
                return self._search_key(event)  # type: ignore[arg-type]
            if watched is self.table:
                return self._table_key(event)  # type: ignore[arg-type]
        return super().eventFilter(watched, event)

    def _search_key(self, event: QKeyEvent) -> bool:
        if event.key() in _MOVES:
            self.move_selection(_MOVES[event.key()])
            return True
        if event.key() == Qt.Key.Key_Escape and self.search_box.text():
            self.search_box.clear()
            self.search()
            return True
        return False

    def _table_key(self, event: QKeyEvent) -> bool:
        if event.key() in _ENTER:
            self.open_detail(self.selected_row())
            return True
        text = event.text()
        if text and text.isprintable() and not text.isspace() and not (
                event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                     | Qt.KeyboardModifier.AltModifier)):
            if not self.search_box.hasFocus():  # a scanner types anywhere: into the search
                self.search_box.setFocus()
                self.search_box.selectAll()
            self.search_box.insert(text)
            return True
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_F and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.search_box.setFocus()
            self.search_box.selectAll()
        else:
            super().keyPressEvent(event)

    # -- messages -------------------------------------------------------------------------------
    def _update_count(self) -> None:
        n = self.model.rowCount()
        if self.model.loading and not n:
            text = self.tr("Searching…")
        elif not n:
            text = self.tr("No orders match.")
        elif self.model.has_more:
            text = self.tr("{n} orders shown, more below").format(n=n)
        else:
            text = self.tr("{n} orders").format(n=n)
        self.count.setText(text)

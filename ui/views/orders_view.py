"""The Orders view (订单查询): orders of every channel, anomalies first, then newest first,
fetched page by page as the list scrolls. Online the central store answers (every order a
supervisor may read); offline this window's cache does, and a note says so (orders_source).

Keys (also printed at the bottom of the view):
    Ctrl+F         the search box; typing anywhere in the list goes there too (a scanned code)
    typing         searches 300 ms after the last key; Enter searches at once (a scanner's
                   burst ends with Enter), pressed again it opens the selected order
    ↑ / ↓, PgUp/Dn move through the orders (from the search box as well)
    Enter          on the list (or a double-click): the order's detail; Esc closes it
    Esc            in the search box: clear it
    Alt+C / Alt+S / Alt+T  channels / statuses / ticket type;  Alt+O / Alt+D order / visit date
Under the list: "共 N 单，合计 ¥X" — the count and the sum of the whole result, not the page.
A clerk sees his window's orders only; a supervisor sees every order.
The sync engine calls `orders_changed(order_ids)`; bursts are coalesced into one re-query that
keeps the selected order and the scroll position.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.domain.money import format_fen
from app.services.lookup.search import OrderFilters
from ui import tasks
from ui.context import ClientContext
from ui.models.orders_model import OrdersModel
from ui.store_reads import store_online
from ui.views import orders_source
from ui.views.flag_dialog import BatchFlag
from ui.views.order_detail import OrderDetailDialog
from ui.views.order_filters import OrderFilterBar
from ui.views.orders_export import OrdersExport
from ui.views.orders_source import OrdersQuery, Source
from ui.views.page import Page, make_table
from ui.views.status_delegate import StatusDelegate

log = logging.getLogger(__name__)

REFRESH_DELAY_MS = 0  # the sync bridge coalesces bursts already; this merges one turn's signals
TYPING_DELAY_MS = 300  # search as you type: after the last key
CLOCK_TICK_MS = 30_000  # the 待支付 countdown is repainted
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_VIEW_SHORTCUT_KEYS = (Qt.Key.Key_E, Qt.Key.Key_M)  # Ctrl+E export, Ctrl+M flag
_MOVES = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -10,
          Qt.Key.Key_PageDown: 10}
# at 1366×768 the stretched 票种 column keeps ~100 px; cut texts show whole on hover
COLUMN_WIDTHS = {OrdersModel.ORDER_NO: 188, OrdersModel.CHANNEL: 56,
                 OrdersModel.STATUS: 236, OrdersModel.CUSTOMER: 150,
                 OrdersModel.PAYMENT: 116, OrdersModel.VISIT: 88,
                 OrdersModel.AMOUNT: 80, OrdersModel.CREATED: 120}


def load_orders(ctx: ClientContext, query: OrdersQuery, cursor: Any,
                want: int) -> tuple[Any, ...]:
    """Worker: `want` orders from `cursor` on, from the store online, else the cache."""
    return orders_source.load_orders(ctx, query, cursor, want)


class OrdersView(Page):
    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "ordersView", parent)
        self.detail: OrderDetailDialog | None = None
        self._searched_q: str | None = None
        self.source: Source | None = None
        self.summary: dict[str, int] | None = None
        self._summary_wanted = False
        self._summary_gen = 0
        self.model = OrdersModel(lambda f, c, n: load_orders(ctx, f, c, n),
                                 ctx.venue().local, self, now=ctx.now)
        self._refresh_timer = self._timer(REFRESH_DELAY_MS, self.refresh)
        self._typing_timer = self._timer(TYPING_DELAY_MS, self._typed)
        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_TICK_MS)
        self._clock.timeout.connect(lambda: self.model.rows_changed())
        self._clock.start()
        self._place: tuple[str | None, int] = (None, 0)
        self._build()  # the table connects to the model first: it resets its selection there
        self.model.loading_changed.connect(lambda _l: self._update_count())
        self.model.rowsInserted.connect(lambda *_a: self._update_count())
        self.model.modelReset.connect(self._update_count)
        self.model.modelReset.connect(self._select_first)
        self.model.rowsInserted.connect(lambda *_a: self._select_first())
        self.model.refreshed.connect(self._restore_place)
        self.model.page_source.connect(self._page_arrived)
        self.model.failed.connect(self.show_failure)
        self.search_box.installEventFilter(self)
        self.table.installEventFilter(self)
        self.search()

    def _timer(self, ms: int, slot: Any) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.search_box = QLineEdit()
        self.search_box.setObjectName("orderSearch")
        self.search_box.setPlaceholderText(
            self.tr("Order no., ticket code (scan it), phone tail or name"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaxLength(64)
        self.search_box.returnPressed.connect(self._search_entered)
        self.search_box.textEdited.connect(lambda _t: self._typing_timer.start())
        self.filter_bar = OrderFilterBar(self.ctx)
        self.filter_bar.changed.connect(self.search)
        self.table = make_table("ordersTable", self.model,
                                selection=QAbstractItemView.SelectionMode.SingleSelection,
                                resize=QHeaderView.ResizeMode.Interactive,
                                stretch=OrdersModel.TICKETS, alternate=True)
        for col, width in COLUMN_WIDTHS.items():
            self.table.horizontalHeader().resizeSection(col, width)
        self.table.setItemDelegateForColumn(OrdersModel.STATUS, StatusDelegate(self.table))
        self.table.doubleClicked.connect(lambda index: self.open_detail(index.row()))
        self.count = QLabel()
        self.count.setObjectName("ordersCount")
        self.source_note = QLabel()
        self.source_note.setObjectName("hint")
        self.batch_flag = BatchFlag(self)  # Ctrl/Shift-click or Ctrl+A, then Ctrl+M
        self.exporter = OrdersExport(self)  # Ctrl+E
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addWidget(self.source_note)
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.batch_flag.button)
        bottom.addWidget(self.exporter.button)
        self.lay_out([self.search_box, self.filter_bar, (self.table, 1), bottom],
                     keys=self.tr("Ctrl+F search (as you type) · scan a ticket code · Enter "
                                  "search, then open · ↑/↓ move · Esc close or clear · Alt+C "
                                  "channel · Alt+S status · Alt+T ticket type · Alt+O order "
                                  "date · Alt+D visit date"))
        self.setFocusProxy(self.search_box)

    # -- searching ------------------------------------------------------------------------------
    def filters(self) -> OrderFilters:
        """What the widgets ask for, restricted to the window for a clerk."""
        clerk = getattr(self.ctx.user, "role", "clerk") == "clerk"
        return OrderFilters(q=self.search_box.text(),
                            terminal=self.ctx.terminal if clerk else None,
                            **self.filter_bar.criteria())

    def search(self) -> None:
        self._refresh_timer.stop()
        self._typing_timer.stop()
        self._searched_q = self.search_box.text().strip()
        self.clear_message()
        self._start_summary()
        self.model.search(OrdersQuery(self.filters(), store_online(self.ctx)))

    def _typed(self) -> None:
        if self.search_box.text().strip() != self._searched_q:
            self.search()

    def _select_first(self) -> None:
        if self.selected_row() < 0 and self.model.rowCount():
            self.table.selectRow(0)

    def _search_entered(self) -> None:
        typed = self._typing_timer.isActive()
        if not typed and self.search_box.text().strip() == self._searched_q \
                and self.model.rowCount():
            self.open_detail(self.selected_row())
        else:
            self.search()
            self.search_box.selectAll()  # the next scan replaces this code

    # -- the count and the sum of the whole result ----------------------------------------------
    def _start_summary(self) -> None:
        """The summary is asked once the first page says who answers (store or cache)."""
        self._summary_gen += 1
        self._summary_wanted = True
        self.summary = None

    def _page_arrived(self, source: Source) -> None:
        self.source = source
        self.source_note.setText(source.note)
        if not self._summary_wanted:
            return
        self._summary_wanted = False
        gen = self._summary_gen
        query = OrdersQuery(self.filters(), source.from_store)
        (tasks.run(orders_source.load_summary, self.ctx, query, source.from_store, owner=self)
            .on_success(lambda s: self._summarized(gen, s))
            .on_failure(lambda exc: self._summary_failed(gen, exc)))

    def _summarized(self, gen: int, summary: dict[str, int]) -> None:
        if gen == self._summary_gen:
            self.summary = summary
            self._update_count()

    def _summary_failed(self, gen: int, exc: BaseException) -> None:
        """The list stands without its total (an older store has no summary): the count says
        what is shown."""
        if gen == self._summary_gen:
            log.info("order summary not read: %s", exc)
            self.summary = None
            self._update_count()

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
        self._start_summary()
        self.model.refresh(OrdersQuery(self.filters(), store_online(self.ctx)))

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

    def selected_orders(self) -> list[dict[str, Any]]:
        """The orders selected in the list, top to bottom (for actions on a selection)."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [o for o in (self.model.order(r) for r in rows) if o is not None]

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
        if event.type() == QEvent.Type.ShortcutOverride and watched is self.search_box:
            # Ctrl+E (export) and Ctrl+M (flag) are the view's, not the line edit's
            # end-of-line: left unclaimed here, the view's shortcuts fire from the search box
            key = event  # type: ignore[assignment]
            return (key.modifiers() == Qt.KeyboardModifier.ControlModifier
                    and key.key() in _VIEW_SHORTCUT_KEYS)
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
        elif self.summary is not None:
            text = self.tr("{n} orders, total {amount}").format(
                n=self.summary["orders"], amount=format_fen(int(self.summary["amount_fen"])))
            if self.model.has_more:
                text += self.tr(" ({shown} shown, more below)").format(shown=n)
        elif self.model.has_more:
            text = self.tr("{n} orders shown, more below").format(n=n)
        else:
            text = self.tr("{n} orders").format(n=n)
        self.count.setText(text)

"""The Sell view (售票): tiles, cart, cash tendered and change; keyboard first (the keys and
what a number means are in `ui.views.sell_keys`). Two adults for today, 300 tendered, is six
keys: `2` `F1` `3` `0` `0` `Enter`. A quantity capped at the per-line maximum is said aloud; a
large sale (settings: 20 tickets or ¥2,000) wants the number of tickets typed again, never a
stray Enter. The change stays on screen until the next sale starts; a message goes when it
stops being true (未开班 once a shift is open, the last sale's once the next one starts).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QIntValidator, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.catalog import TicketKind
from app.domain.errors import ValidationError
from app.domain.money import format_fen
from ui import tasks
from ui.context import ClientContext
from ui.models.cart_model import CartModel
from ui.views.large_sale_dialog import LargeSaleDialog, is_large
from ui.views.page import Page, make_table
from ui.views.payment_panel import PaymentPanel
from ui.views.print_jobs_panel import PrintJobsPanel
from ui.views.sell_keys import SellKeys
from ui.views.sell_work import Stock, commit_sale, load_stock, selling_offline, shift_open
from ui.views.ticket_tiles import TILE_KEYS, TilesPanel
from ui.views.visit_date import VisitDateEdit
from ui.views.void_action import install as install_void_action

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_TILE_KEYS = tuple(getattr(Qt.Key, f"Key_F{n}") for n in range(1, TILE_KEYS + 1))
_Ctrl = Qt.KeyboardModifier.ControlModifier
UNTIL_SHIFT = "shift"  # a message true until a shift is opened at this window


class SellView(Page):
    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "sellView", parent)
        self.types: list[Any] = []
        self.available: dict[str, int] | None = None
        self.no_quota: frozenset[str] = frozenset()
        self.last_sale: Any = None
        self.large_sale: LargeSaleDialog | None = None
        self._selling = False
        self._stock_generation = 0
        self._message_until: str | None = None
        self.cart = CartModel(self)
        self.cart.modelReset.connect(self._cart_changed)
        self.cart.rowsInserted.connect(self._cart_changed)
        self.cart.rowsRemoved.connect(self._cart_changed)
        self.cart.dataChanged.connect(self._cart_changed)
        self.cart.clamped.connect(self._clamped)
        self._build()
        self.keys = SellKeys(self)
        self.void_action = install_void_action(self)  # 撤销上一单: Ctrl+Z
        self._offline = selling_offline(ctx)
        if ctx.sync is not None:
            ctx.sync.changed.connect(self._sync_changed)
        self.refresh_availability()

    def _sync_changed(self) -> None:
        """Going offline switches the stock to this window's leases; back online, to the
        store's free capacity. Every round of the store's changes may bring stock, new types
        or prices: the tiles follow."""
        offline = selling_offline(self.ctx)
        self.offline_hint.setVisible(offline)
        if offline != self._offline or not offline:
            self._offline = offline
            self.refresh_availability()

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.date_edit = VisitDateEdit()
        self.date_edit.reset_range(self.ctx.venue(), self.ctx.now())
        self.date_edit.dateChanged.connect(lambda _d: self.refresh_availability())
        date_label = QLabel(self.tr("Visit &date"))
        date_label.setBuddy(self.date_edit)
        today = QPushButton(self.tr("Today"))
        today.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        today.clicked.connect(lambda: self.date_edit.setDate(self.date_edit.minimumDate()))
        top = QHBoxLayout()
        top.addWidget(date_label)
        top.addWidget(self.date_edit)
        top.addWidget(today)
        top.addSpacing(16)
        top.addWidget(self.message, 1)
        self.offline_hint = QLabel(self.tr("Offline: selling from this window's reserved "
                                           "tickets"))
        self.offline_hint.setObjectName("offlineHint")
        self.offline_hint.setVisible(selling_offline(self.ctx))
        top.addWidget(self.offline_hint)

        self.tiles = TilesPanel(self.pick)
        self.table = make_table("cart", self.cart,
                                selection=QAbstractItemView.SelectionMode.SingleSelection,
                                resize=QHeaderView.ResizeMode.Stretch, stretch=None,
                                edit=QAbstractItemView.EditTrigger.DoubleClicked,
                                focus=Qt.FocusPolicy.ClickFocus)
        self.qty_entry = QLineEdit()
        self.qty_entry.setObjectName("qtyEntry")
        self.qty_entry.setValidator(QIntValidator(1, 999, self))
        self.qty_entry.setPlaceholderText("1")
        self.qty_entry.setMaximumWidth(90)
        qty_label = QLabel(self.tr("&Quantity"))
        qty_label.setBuddy(self.qty_entry)
        qty_row = QHBoxLayout()
        qty_row.addWidget(qty_label)
        qty_row.addWidget(self.qty_entry)
        qty_row.addWidget(QLabel(self.tr("a number, then a tile key (F1…F9); after a ticket "
                                         "key, numbers are the cash tendered")), 1)
        cart_box = QVBoxLayout()
        cart_box.addWidget(self.table, 1)
        cart_box.addLayout(qty_row)

        row = QHBoxLayout()
        row.addLayout(cart_box, 3)
        self.payment = PaymentPanel()
        self.payment.confirm_requested.connect(self.confirm_sale)
        self.total_label, self.tendered = self.payment.total_label, self.payment.tendered
        self.change_label, self.confirm = self.payment.change_label, self.payment.confirm
        row.addWidget(self.payment, 2)
        self.jobs = PrintJobsPanel(self.ctx, self)
        self.lay_out([top, self.tiles, (row, 1), self.jobs],
                     keys=self.tr("number then F1…F9: that many tickets · then type the cash "
                                  "tendered · Enter take the money · +/− change the line · Del "
                                  "remove line · Esc empty the box · Ctrl+Del clear · F10 print "
                                  "jobs"))
        self.setFocusProxy(self.qty_entry)
        QWidget.setTabOrder(self.qty_entry, self.tendered)
        QWidget.setTabOrder(self.tendered, self.confirm)
        QWidget.setTabOrder(self.confirm, self.date_edit)

    # -- keyboard -------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        """Keys the focused child did not use bubble up here (no QShortcut: these work the same
        whether or not the window manager has activated the window yet)."""
        key, mods = event.key(), event.modifiers()
        if key in _ENTER:
            self.confirm_sale()
        elif key in _TILE_KEYS and not mods & ~Qt.KeyboardModifier.KeypadModifier:
            self.pick(_TILE_KEYS.index(key))
        elif key == Qt.Key.Key_F10:
            self.jobs.focus_table()
        elif key == Qt.Key.Key_Delete and mods & _Ctrl:
            self.clear_cart()
        else:
            super().keyPressEvent(event)

    # -- cart -----------------------------------------------------------------------------------
    def pick(self, index: int) -> None:
        """Add the quantity typed (default 1) of tile `index` to the cart; the keyboard then
        goes to 实收."""
        if not 0 <= index < len(self.types):
            return
        tt = self.types[index]
        qty = self.keys.typed_quantity()
        if qty is None:
            return
        left = None if self.available is None else self.available.get(tt.code, 0)
        if tt.code in self.no_quota:
            self.show_error(self.tr("Offline, this window holds no quota of {name} for {day}: "
                                    "it can be sold again once the store is reached.").format(
                name=tt.name, day=self.visit_date().isoformat()))
            return
        if left == 0:
            self.show_error(self.tr("{name} is sold out for {day}.").format(
                name=tt.name, day=self.visit_date().isoformat()))
            return
        if self._message_until != UNTIL_SHIFT:
            self.clear_message()  # the last sale's words end where the next sale starts
        if tt.kind == TicketKind.GROUP and self.cart.qty_of(tt.code) + qty < tt.min_group_size:
            qty = tt.min_group_size - self.cart.qty_of(tt.code)
        row = self.cart.add(tt.code, tt.name, tt.price_fen, qty)
        self.table.selectRow(row)
        self.tendered.setFocus()

    def _clamped(self, name: str, maximum: int) -> None:
        self.show_error(self.tr("At most {n} {name} in one sale: the line is {n}.").format(
            n=maximum, name=name))

    def bump(self, delta: int) -> None:
        row = self.selected_row()
        if row >= 0:
            self.cart.set_qty(row, self.cart.line(row).qty + delta)
            self.table.selectRow(min(row, self.cart.rowCount() - 1))

    def set_selected_qty(self, qty: int) -> None:
        self.qty_entry.clear()
        row = self.selected_row()
        if row < 0:
            self.show_error(self.tr("Pick a ticket type first (F1…F9)."))
            return
        self.cart.set_qty(row, qty)
        self.table.selectRow(min(row, self.cart.rowCount() - 1))
        self.tendered.setFocus()

    def remove_selected(self) -> None:
        row = self.selected_row()
        if row >= 0:
            self.cart.remove(row)
            if self.cart.rowCount():
                self.table.selectRow(min(row, self.cart.rowCount() - 1))

    def clear_cart(self) -> None:
        self.cart.clear()
        self.payment.clear_tendered()
        self.qty_entry.clear()
        self.qty_entry.setFocus()

    def selected_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            return rows[0].row()
        return self.cart.rowCount() - 1  # the last line added

    def move_selection(self, step: int) -> None:
        if self.cart.rowCount():
            row = max(0, min(self.cart.rowCount() - 1, self.selected_row() + step))
            self.table.selectRow(row)

    def _cart_changed(self, *_args: Any) -> None:
        self.payment.set_total(self.cart.total_fen())
        self.tiles.set_cart({line.code: line.qty for line in self.cart.lines()})
        if self.available is not None and not self.cart.signalsBlocked():
            self.cart.blockSignals(True)  # marking emits dataChanged; do not come back here
            self.cart.mark_short(self.available, {t.code: t.components for t in self.types})
            self.cart.blockSignals(False)
            self.table.viewport().update()

    # -- date and availability ------------------------------------------------------------------
    def visit_date(self) -> date:
        return self.date_edit.visit_date()

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.check_shift()

    def check_shift(self) -> None:
        (tasks.run(shift_open, self.ctx, owner=self)
            .on_success(self._shift_checked)
            .on_failure(self.show_failure))

    def _shift_checked(self, is_open: bool) -> None:
        """Say it before the visitor hands over cash, not after (and no more once open)."""
        if not is_open and not self.message.text():
            self._say_until_shift(self.tr("No shift is open at this window: open one in Shift "
                                          "(交接班) before taking cash."))
        elif is_open and self._message_until == UNTIL_SHIFT:
            self.clear_message()

    def _say_until_shift(self, text: str) -> None:
        self.show_error(text)
        self._message_until = UNTIL_SHIFT

    def _show(self, text: str, kind: str) -> None:
        self._message_until = None  # a new message: what made the last one true is moot
        super()._show(text, kind)

    def refresh_availability(self) -> None:
        """Reload the catalog and what is left for the visit date (after a sale, on a date
        change, when the store's changes arrive)."""
        self._stock_generation += 1
        gen = self._stock_generation
        (tasks.run(load_stock, self.ctx, self.visit_date(), owner=self)
            .on_success(lambda stock: self._stock_loaded(gen, stock))
            .on_failure(self.show_failure))

    def _stock_loaded(self, gen: int, stock: Stock) -> None:
        if gen != self._stock_generation:  # an older answer overtaken by a newer question
            return
        if list(stock.types) != self.types:  # new types or prices: new tiles, repriced cart
            self.types = list(stock.types)
            self.tiles.set_types(self.types)
            self.cart.reprice({t.code: (t.name, t.price_fen) for t in self.types})
        self.available, self.no_quota = dict(stock.available), stock.no_quota
        self.tiles.set_availability(self.available, self.no_quota)
        self._cart_changed()

    # -- the sale -------------------------------------------------------------------------------
    def confirm_sale(self) -> None:
        """Enter: sell the cart for the cash tendered (asking first when the sale is large)."""
        if self._selling or self.large_sale is not None:  # an Enter while one is under way
            return
        if self.cart.is_empty():
            if self.payment.settled is None:  # a stray Enter after a sale changes nothing
                self.show_error(self.tr("The cart is empty: add tickets with F1…F9 first."))
            return
        try:
            tendered = self.payment.tendered_fen()
        except ValidationError as exc:
            self.show_error(exc.message)
            self.tendered.setFocus()
            return
        tickets, total = sum(line.qty for line in self.cart.lines()), self.cart.total_fen()
        settings = self.ctx.settings
        if is_large(tickets, total, max_tickets=getattr(settings, "large_sale_tickets", 20),
                    max_fen=getattr(settings, "large_sale_fen", 200_000)):
            self._ask_large(tickets, total, tendered)
        else:
            self._commit(tendered)

    def _ask_large(self, tickets: int, total: int, tendered: int) -> None:
        dialog = LargeSaleDialog(tickets, total, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._commit(tendered))
        dialog.finished.connect(self._large_closed)
        self.large_sale = dialog
        dialog.open()
        dialog.count.setFocus()

    def _large_closed(self, result: int) -> None:
        self.large_sale = None
        self.window().activateWindow()  # the keys come back here, not to the closed dialog
        if result != LargeSaleDialog.DialogCode.Accepted:
            self.show_info(self.tr("Not sold: the cart is as it was."))
            self.tendered.setFocus()

    def _commit(self, tendered: int) -> None:
        from app.services.sales.selling import SaleLine, SaleRequest

        request = SaleRequest(
            terminal=self.ctx.terminal, clerk=self.ctx.user.username,
            device_id=self.ctx.device_id, visit_date=self.visit_date(),
            lines=tuple(SaleLine(line.code, line.qty) for line in self.cart.lines()),
            tendered_fen=tendered, payment_method="cash",
            from_leases=selling_offline(self.ctx))
        self._set_selling(True)
        (tasks.write(commit_sale, self.ctx, request, self.ctx.now(), owner=self)
            .on_success(self._sold)
            .on_failure(self._sale_refused)
            .on_done(lambda: self._set_selling(False)))

    def _set_selling(self, selling: bool) -> None:
        self._selling = selling
        self.confirm.setEnabled(not selling)

    def _sold(self, result: Any) -> None:
        self.last_sale = result
        self.cart.clear()
        self.payment.show_settled(result.total_fen, result.tendered_fen, result.change_fen)
        self.qty_entry.setFocus()
        self.show_success(self.tr("Sold {order_no}, change {change}").format(
            order_no=result.order_no, change=format_fen(result.change_fen)))
        self.jobs.last_order_no = result.order_no
        self.jobs.refresh()
        self.refresh_availability()

    def _sale_refused(self, exc: BaseException) -> None:
        self.show_failure(exc)  # the cart and the tendered amount stay as they were
        if (getattr(exc, "detail", None) or {}).get("field") == "shift":
            self._message_until = UNTIL_SHIFT
        self.refresh_availability()

    def operation_did_execute(self, changes: Any, origin: Any) -> None:
        """Another screen's write: a refund puts tickets back on sale and queues a slip; a
        shift opened on the Shift screen ends the 未开班 message."""
        if origin is self:
            return
        if changes.stock:
            self.refresh_availability()
        if changes.print_jobs:
            self.jobs.refresh()
        if changes.cash:
            self.check_shift()

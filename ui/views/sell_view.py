"""The Sell view (售票): tiles, cart, cash tendered and change; keyboard first.

Keys (also printed at the bottom of the view):
    F1…F9          add one ticket of tile 1…9 (press again for one more)
    digits, F-key  quantity first: `2` `F1` adds two of tile 1
    + / -          one more / one less on the selected cart line
    digits, Enter  set the selected line's quantity (`5` Enter)
    ↑ / ↓          select a cart line;  Del (quantity box empty) removes it
    Tab            to the cash tendered box; Enter there (or anywhere) takes the money
    Enter          confirm the sale; with tendered empty the visitor paid the exact amount
    Ctrl+Del       clear the cart;  Alt+D visit date;  F10 print jobs
A cash sale of two adults for today, 200 tendered: `2` `F1` `Tab` `2` `0` `0` `Enter`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtGui import QIntValidator, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
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
from app.domain.venue import MAX_DAYS_AHEAD
from ui import tasks
from ui.context import ClientContext
from ui.models.cart_model import CartModel
from ui.views.page import Page, make_table
from ui.views.payment_panel import PaymentPanel
from ui.views.print_jobs_panel import PrintJobsPanel
from ui.views.ticket_tiles import TILE_KEYS, TilesPanel
from ui.views.void_action import install as install_void_action

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_TILE_KEYS = tuple(getattr(Qt.Key, f"Key_F{n}") for n in range(1, TILE_KEYS + 1))


# -- workers: run off the GUI thread, touch no widget ------------------------------------------
def load_catalog(ctx: ClientContext, day: date) -> tuple[list[Any], dict[str, int]]:
    from app.services.stock import catalog

    with ctx.session() as session:
        return catalog.ticket_types(session), catalog.availability(session, day)


def selling_offline(ctx: ClientContext) -> bool:
    """Connected to a store but not reaching it: sell only from this window's leases."""
    sync = ctx.sync
    return bool(sync is not None and sync.active and not sync.online)


def load_availability(ctx: ClientContext, day: date) -> dict[str, int]:
    from app.services.stock import catalog

    with ctx.session() as session:
        if selling_offline(ctx):
            return catalog.availability(session, day, leases_of=ctx.device_id, now=ctx.now())
        return catalog.availability(session, day)


def shift_open(ctx: ClientContext) -> bool:
    from app.services.shifts import shifts

    with ctx.session() as session:
        return shifts.current_shift(session, ctx.terminal) is not None


def commit_sale(ctx: ClientContext, request: Any, now: Any) -> Any:
    """The sale in one local transaction; cash only into the clerk's open shift."""
    from app.services.sales import selling

    with ctx.session() as session:
        return selling.sell(session, request, now=now, venue=ctx.venue(), require_shift=True)


class SellView(Page):
    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "sellView", parent)
        self.types: list[Any] = []
        self.available: dict[str, int] | None = None
        self.last_sale: Any = None
        self._selling = False
        self._stock_generation = 0
        self.cart = CartModel(self)
        self.cart.modelReset.connect(self._cart_changed)
        self.cart.rowsInserted.connect(self._cart_changed)
        self.cart.rowsRemoved.connect(self._cart_changed)
        self.cart.dataChanged.connect(self._cart_changed)
        self._build()
        self.void_action = install_void_action(self)  # 撤销上一单: Ctrl+Z
        self.qty_entry.installEventFilter(self)
        self._offline = selling_offline(ctx)
        if ctx.sync is not None:
            ctx.sync.changed.connect(self._sync_changed)
        self.reload_catalog()

    def _sync_changed(self) -> None:
        """Going offline switches the stock to this window's leases; back online, to the
        store's free capacity (refreshed as the store's changes arrive)."""
        offline = selling_offline(self.ctx)
        self.offline_hint.setVisible(offline)
        if offline != self._offline or not offline:
            self._offline = offline
            self.refresh_availability()

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("visitDate")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd  dddd")
        self._reset_date_range()
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
        qty_row.addWidget(QLabel(self.tr("then a tile key (F1…F9), or Enter for the selected "
                                         "line")), 1)
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
                     keys=self.tr("F1…F9 add a ticket · quantity then F-key · +/− change the "
                                  "line · Tab tendered · Enter take the money · Del remove line "
                                  "· Ctrl+Del clear · F10 print jobs"))
        self.setFocusProxy(self.qty_entry)
        QWidget.setTabOrder(self.qty_entry, self.tendered)
        QWidget.setTabOrder(self.tendered, self.confirm)
        QWidget.setTabOrder(self.confirm, self.date_edit)

    # -- keyboard -------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.qty_entry and event.type() == QEvent.Type.KeyPress:
            return self._qty_key(event)  # type: ignore[arg-type]
        return super().eventFilter(watched, event)

    def _qty_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.bump(+1)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.bump(-1)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._move_selection(-1 if key == Qt.Key.Key_Up else 1)
        elif key == Qt.Key.Key_Delete and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.clear_cart()  # the line edit would take Ctrl+Del as "delete word"
        elif key == Qt.Key.Key_Delete and not self.qty_entry.text():
            self.remove_selected()
        elif key in _ENTER and self.qty_entry.text():
            self._set_selected_qty(int(self.qty_entry.text()))
        else:
            return False
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Keys the focused child did not use bubble up here (no QShortcut: these work the same
        whether or not the window manager has activated the window yet)."""
        key, mods = event.key(), event.modifiers()
        if key in _ENTER:
            self.confirm_sale()
        elif key in _TILE_KEYS and not mods & ~Qt.KeyboardModifier.KeypadModifier:
            self.pick(_TILE_KEYS.index(key))
        elif key == Qt.Key.Key_F10:
            self.jobs.focus_table()
        elif key == Qt.Key.Key_Delete and mods & Qt.KeyboardModifier.ControlModifier:
            self.clear_cart()
        else:
            super().keyPressEvent(event)

    # -- cart -----------------------------------------------------------------------------------
    def pick(self, index: int) -> None:
        """Add the quantity typed (default 1) of tile `index` to the cart."""
        if not 0 <= index < len(self.types):
            return
        tt = self.types[index]
        qty = int(self.qty_entry.text() or 1)
        self.qty_entry.clear()
        left = None if self.available is None else self.available.get(tt.code, 0)
        if left == 0:
            self.show_error(self.tr("{name} is sold out for {day}.").format(
                name=tt.name, day=self.visit_date().isoformat()))
            return
        if tt.kind == TicketKind.GROUP and self.cart.qty_of(tt.code) + qty < tt.min_group_size:
            qty = tt.min_group_size - self.cart.qty_of(tt.code)
        row = self.cart.add(tt.code, tt.name, tt.price_fen, qty)
        self.table.selectRow(row)
        self.clear_message()

    def bump(self, delta: int) -> None:
        row = self.selected_row()
        if row >= 0:
            self.cart.set_qty(row, self.cart.line(row).qty + delta)
            self.table.selectRow(min(row, self.cart.rowCount() - 1))

    def _set_selected_qty(self, qty: int) -> None:
        self.qty_entry.clear()
        row = self.selected_row()
        if row < 0:
            self.show_error(self.tr("Pick a ticket type first (F1…F9)."))
            return
        self.cart.set_qty(row, qty)
        self.table.selectRow(row)

    def remove_selected(self) -> None:
        row = self.selected_row()
        if row >= 0:
            self.cart.remove(row)
            if self.cart.rowCount():
                self.table.selectRow(min(row, self.cart.rowCount() - 1))

    def clear_cart(self) -> None:
        self.cart.clear()
        self.tendered.clear()
        self.qty_entry.clear()
        self.qty_entry.setFocus()

    def selected_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            return rows[0].row()
        return self.cart.rowCount() - 1  # the last line added

    def _move_selection(self, step: int) -> None:
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
    def _reset_date_range(self) -> None:
        venue, now = self.ctx.venue(), self.ctx.now()
        first = venue.local_date(now)
        if now >= venue.closing_at(first):  # closed for today: sell for tomorrow
            first += timedelta(days=1)
        self.date_edit.setMinimumDate(QDate(first.year, first.month, first.day))
        last = first + timedelta(days=MAX_DAYS_AHEAD)
        self.date_edit.setMaximumDate(QDate(last.year, last.month, last.day))

    def visit_date(self) -> date:
        d = self.date_edit.date()
        return date(d.year(), d.month(), d.day())

    def reload_catalog(self) -> None:
        self._stock_generation += 1
        gen = self._stock_generation
        (tasks.run(load_catalog, self.ctx, self.visit_date(), owner=self)
            .on_success(lambda result: self._catalog_loaded(gen, *result))
            .on_failure(self.show_failure))

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        (tasks.run(shift_open, self.ctx, owner=self)
            .on_success(self._shift_checked)
            .on_failure(self.show_failure))

    def _shift_checked(self, is_open: bool) -> None:
        """Say it before the visitor hands over cash, not after (and no more once open)."""
        hint = self.tr("No shift is open at this window: open one in Shift (交接班) before "
                       "taking cash.")
        if not is_open and not self.message.text():
            self.show_error(hint)
        elif is_open and self.message.text() == hint:
            self.clear_message()

    def refresh_availability(self) -> None:
        """Reload what is left for the visit date (after a sale, on a date change)."""
        self._stock_generation += 1
        gen = self._stock_generation
        (tasks.run(load_availability, self.ctx, self.visit_date(), owner=self)
            .on_success(lambda available: self._stock_loaded(gen, available))
            .on_failure(self.show_failure))

    def _catalog_loaded(self, gen: int, types: list[Any], available: dict[str, int]) -> None:
        self.types = list(types)
        self.tiles.set_types(self.types)
        self._stock_loaded(gen, available)

    def _stock_loaded(self, gen: int, available: dict[str, int]) -> None:
        if gen != self._stock_generation:  # an older answer overtaken by a newer question
            return
        self.available = dict(available)
        self.tiles.set_availability(self.available)
        self._cart_changed()

    # -- the sale -------------------------------------------------------------------------------
    def confirm_sale(self) -> None:
        if self._selling:  # a second Enter while the first sale is being written
            return
        if self.cart.is_empty():
            self.show_error(self.tr("The cart is empty: add tickets with F1…F9 first."))
            return
        try:
            tendered = self.payment.tendered_fen()
        except ValidationError as exc:
            self.show_error(exc.message)
            self.tendered.setFocus()
            return
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
        self.tendered.clear()
        self.qty_entry.setFocus()
        self.show_success(self.tr("Sold {order_no}, change {change}").format(
            order_no=result.order_no, change=format_fen(result.change_fen)))
        self.jobs.last_order_no = result.order_no
        self.jobs.refresh()
        self.refresh_availability()

    def _sale_refused(self, exc: BaseException) -> None:
        self.show_failure(exc)  # the cart and the tendered amount stay as they were
        self.refresh_availability()

    def operation_did_execute(self, changes: Any, origin: Any) -> None:
        """Another screen's write: a refund puts tickets back on sale and queues a slip."""
        if origin is self:
            return
        if changes.stock:
            self.refresh_availability()
        if changes.print_jobs:
            self.jobs.refresh()

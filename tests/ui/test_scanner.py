"""A wedge scanner's burst is recognised on every screen and opens the order in Refund; it never
reaches the widget that had the focus (the Sell screen's cart once took it for quantities). A
person typing the same characters slowly types text. Time is a fake clock: each key is stamped
by the test, nothing depends on how fast the machine runs."""

from datetime import date

import pytest
import sqlalchemy as sa
from conftest import on_screen, press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services.sales import selling
from app.store.models import Order, Ticket
from ui.main_window import MainWindow
from ui.scanner import could_be_code

TODAY = date(2026, 11, 21)


class KeyClock:
    """Stamps each key `step_ms` after the one before."""

    def __init__(self, step_ms: float) -> None:
        self.ms, self.step_ms = 0.0, step_ms

    def __call__(self, _event) -> float:
        self.ms += self.step_ms
        return self.ms


def sell_one(ctx) -> selling.SaleResult:
    request = selling.SaleRequest(
        terminal=ctx.terminal, clerk=ctx.user.username, device_id=ctx.device_id,
        visit_date=TODAY, lines=(selling.SaleLine("ADULT", 1),), tendered_fen=10000)
    with ctx.session() as session:
        return selling.sell(session, request, now=ctx.now(), venue=ctx.venue())


def orders_in_db(ctx) -> int:
    with ctx.session() as session:
        return session.execute(sa.select(sa.func.count()).select_from(Order)).scalar_one()


def scan(qtbot, code: str, *, end=Qt.Key.Key_Return, shift=False) -> None:
    """What a wedge scanner types: capitals with Shift (as a keyboard does), then Enter."""
    for ch in code:
        mods = Qt.KeyboardModifier.ShiftModifier if shift and ch.isalpha() else \
            Qt.KeyboardModifier.NoModifier
        qtbot.keyClick(QApplication.focusWidget(), ch, mods)
    if end is not None:
        qtbot.keyClick(QApplication.focusWidget(), end)


@pytest.fixture
def window(on_shift, qtbot):
    w = on_screen(qtbot, MainWindow(on_shift))
    w.scanner.clock = KeyClock(4)  # a scanner: a key every 4 ms
    sell = w.pages["sell"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is sell.qty_entry)
    return w


def test_a_scan_on_the_sell_screen_opens_refund_and_leaves_the_cart(window, on_shift, qtbot):
    sale = sell_one(on_shift)
    code = sale.tickets[0].code
    sell = window.pages["sell"]
    press(qtbot, "3", Qt.Key.Key_F1)
    assert sell.cart.qty_of("ADULT") == 3 and QApplication.focusWidget() is sell.tendered

    scan(qtbot, code, shift=True)  # `-` would be one less, digits a quantity, Enter a sale

    assert [(line.code, line.qty) for line in sell.cart.lines()] == [("ADULT", 3)]
    assert sell.tendered.text() == "" and sell.qty_entry.text() == ""
    assert orders_in_db(on_shift) == 1  # only the order scanned: nothing was sold
    refund = window.pages["refund"]
    assert window.stack.currentWidget() is refund
    assert refund.search_box.text() == code
    assert refund.order is not None and refund.order["order_no"] == sale.order_no


def test_a_scan_with_one_line_does_not_delete_it(window, on_shift, qtbot):
    code = sell_one(on_shift).tickets[0].code
    sell = window.pages["sell"]
    press(qtbot, Qt.Key.Key_F2)
    scan(qtbot, code)
    assert [(line.code, line.qty) for line in sell.cart.lines()] == [("CHILD", 1)]
    assert window.pages["refund"].search_box.text() == code


@pytest.mark.parametrize("screen", ["shift", "refund"])
def test_a_scan_from_any_screen_opens_refund(window, on_shift, qtbot, screen):
    sale = sell_one(on_shift)
    window.show_screen(screen)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    scan(qtbot, sale.tickets[0].code)
    refund = window.pages["refund"]
    assert window.stack.currentWidget() is refund
    assert refund.order["order_no"] == sale.order_no


def test_a_scan_on_the_orders_screen_searches_there(window, on_shift, qtbot):
    sale = sell_one(on_shift)
    orders = window.show_screen("orders")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    scan(qtbot, sale.tickets[0].code)
    assert window.stack.currentWidget() is orders and "refund" not in window.pages
    assert orders.search_box.text() == sale.tickets[0].code
    qtbot.waitUntil(lambda: orders.model.rowCount() == 1)


def test_a_scanner_that_sends_no_enter_is_recognised_when_the_burst_ends(window, on_shift,
                                                                        qtbot):
    sale = sell_one(on_shift)
    sell = window.pages["sell"]
    press(qtbot, Qt.Key.Key_F1)
    scan(qtbot, sale.tickets[0].code, end=None)
    assert window.scanner.holding == sale.tickets[0].code  # held back, not typed
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.pages.get("refund"))
    assert window.pages["refund"].order["order_no"] == sale.order_no
    assert sell.cart.qty_of("ADULT") == 1 and sell.tendered.text() == ""


def test_typing_a_code_by_hand_into_the_refund_search_is_just_text(window, on_shift, qtbot):
    sale = sell_one(on_shift)
    code = sale.tickets[0].code
    heard = []
    window.scanner.scanned.connect(heard.append)
    refund = window.show_screen("refund")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is refund.search_box)
    window.scanner.clock = KeyClock(180)  # a person: a key every 180 ms
    press(qtbot, code)
    qtbot.waitUntil(lambda: refund.search_box.text() == code)  # a last `M` comes back late
    press(qtbot, Qt.Key.Key_Return)
    assert heard == []
    assert refund.order is not None and refund.order["order_no"] == sale.order_no


def test_a_fast_burst_that_is_no_ticket_code_is_given_back_in_order(window, on_shift, qtbot):
    heard = []
    window.scanner.scanned.connect(heard.append)
    refund = window.show_screen("refund")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is refund.search_box)
    scan(qtbot, "MP1-ABCx9", end=None)  # `x` breaks the code (lower case is fine, x is not)
    assert refund.search_box.text() == "MP1-ABCx9" and heard == []
    refund.search_box.clear()
    scan(qtbot, "MP1-ABCDEF", end=Qt.Key.Key_Return)  # too short: Enter searches it as text
    assert refund.search_box.text() == "MP1-ABCDEF" and heard == []
    assert window.scanner.holding == ""


def test_on_the_sell_screen_a_held_key_that_was_no_scan_still_counts(window, on_shift, qtbot):
    """Nothing is lost to the recogniser: `M` typed slowly reaches the box it was meant for
    (here the quantity box ignores a letter, and F1 then adds one adult)."""
    sell = window.pages["sell"]
    window.scanner.clock = KeyClock(200)
    press(qtbot, "2", "M", Qt.Key.Key_F1)
    assert sell.cart.qty_of("ADULT") == 2
    press(qtbot, "3", "0", "0", Qt.Key.Key_Return)
    with on_shift.session() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Ticket)).scalar_one() == 2


def test_a_scan_while_a_dialog_is_open_is_swallowed_and_ignored(window, on_shift, qtbot):
    code = sell_one(on_shift).tickets[0].code
    sell = window.pages["sell"]
    press(qtbot, "25", Qt.Key.Key_F1, Qt.Key.Key_Return)  # the large-sale question
    dialog = sell.large_sale
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.count)
    scan(qtbot, code)
    assert dialog.isVisible() and dialog.count.text() == ""
    assert window.stack.currentWidget() is sell
    assert window.statusBar().currentMessage() == "扫码未处理：请先关闭当前对话框。"
    press(qtbot, Qt.Key.Key_Escape)
    assert orders_in_db(on_shift) == 1


@pytest.mark.parametrize("text, ok", [
    ("M", True), ("MP1-", True), ("MP1-ABC234", True), ("MP1-" + "A" * 26, True),
    ("MP1-" + "A" * 27, False), ("MX", False), ("MP1-ABC1", False), ("P", False),
])
def test_could_be_code(text, ok):
    assert could_be_code(text) is ok

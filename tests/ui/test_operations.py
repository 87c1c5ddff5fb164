"""One "operation did execute" path: a write on one screen refreshes the others and wakes the
printer and the sync engine once, from the app (no screen pokes a worker)."""

from datetime import date

from conftest import press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.money import format_fen
from app.services.journal import op_changes
from ui import tasks
from ui.main_window import MainWindow

TODAY = date(2026, 11, 21)


def main_window(ctx, qtbot) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def shift_screen(window, qtbot, expected: str = "¥500.00"):
    shift = window.show_screen("shift")
    qtbot.waitUntil(lambda: shift.expected_label.text() == expected)
    return shift


def test_a_sale_on_the_sell_screen_updates_the_shift_screens_cash(on_shift, qtbot):
    window = main_window(on_shift, qtbot)
    shift = shift_screen(window, qtbot)
    sell = window.show_screen("sell")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is sell.qty_entry)
    press(qtbot, "2", Qt.Key.Key_F1, Qt.Key.Key_Tab, "200", Qt.Key.Key_Return)
    assert sell.last_sale is not None, sell.message.text()
    assert shift.expected_label.text() == "¥700.00"  # no reload: the sale told every screen
    assert shift.sales_label.text() == "1 笔，¥200.00"


def test_a_refund_on_the_refund_screen_updates_the_shift_screens_cash(on_shift, qtbot):
    from app.services.sales import selling

    request = selling.SaleRequest(
        terminal=on_shift.terminal, clerk="clerk1", device_id=on_shift.device_id,
        visit_date=TODAY, lines=(selling.SaleLine("FAMILY", 1),), tendered_fen=13000)
    with on_shift.session() as session:
        sale = selling.sell(session, request, now=on_shift.now(), venue=on_shift.venue())
    child = next(t for t in sale.tickets if t.ticket_type == "CHILD")
    window = main_window(on_shift, qtbot)
    shift = shift_screen(window, qtbot, "¥630.00")  # the float and the family ticket
    refund = window.show_screen("refund")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is refund.search_box)
    press(qtbot, child.code, Qt.Key.Key_Return)
    refund.reason_edit.setFocus()
    refund.reason_edit.setText("孩子生病")
    press(qtbot, Qt.Key.Key_Return)
    assert refund.message.property("kind") == "success", refund.message.text()
    paid_back = refund.result.amount_fen
    assert shift.expected_label.text() == format_fen(50_000 + 13_000 - paid_back)


class Heard:
    def __init__(self) -> None:
        self.calls: list[tuple[object, object]] = []

    def __call__(self, changes: object, origin: object) -> None:
        self.calls.append((changes, origin))


def test_a_write_announces_its_changes_once_after_its_callbacks(qapp):
    heard, order = Heard(), []
    tasks.operations().operation_did_execute.connect(heard)
    try:
        (tasks.write(lambda: 42, changes=op_changes.SALE)
            .on_success(lambda _v: order.append("success")))
        tasks.write(lambda: 1)  # says it changed nothing: nothing announced
        tasks.run(lambda: (_ for _ in ()).throw(ValueError("no"))).on_failure(lambda _e: None)
    finally:
        tasks.operations().operation_did_execute.disconnect(heard)
    assert heard.calls == [(op_changes.SALE, None)]
    assert order == ["success"]


def test_a_refused_write_announces_nothing(qapp):
    heard = Heard()
    tasks.operations().operation_did_execute.connect(heard)

    def refuse() -> None:
        raise ValueError("refused")

    try:
        tasks.write(refuse, changes=op_changes.SALE).on_failure(lambda _e: None)
    finally:
        tasks.operations().operation_did_execute.disconnect(heard)
    assert heard.calls == []


def test_a_result_carrying_its_changes_adds_them(qapp):
    heard = Heard()

    class Result:
        changes = op_changes.OpChanges(anomalies=True)

    tasks.operations().operation_did_execute.connect(heard)
    try:
        tasks.write(Result, changes=op_changes.CASH_MOVED)
    finally:
        tasks.operations().operation_did_execute.disconnect(heard)
    [(changes, _origin)] = heard.calls
    assert changes.cash and changes.anomalies and not changes.sync


class Counting:
    def __init__(self) -> None:
        self.woken = 0

    def wake(self) -> None:
        self.woken += 1


def test_the_app_wakes_printer_and_sync_once_per_write_that_needs_it(make_client):
    """The client, not a screen, wakes each worker: once per write, and only when needed."""
    client = make_client()
    printer, sync = Counting(), Counting()
    client.ctx.printer.waker, client.ctx.sync.waker = printer.wake, sync.wake
    tasks.write(lambda: None, changes=op_changes.SALE)
    assert (printer.woken, sync.woken) == (1, 1)
    tasks.write(lambda: None, changes=op_changes.CASH_MOVED)  # the drawer only
    assert (printer.woken, sync.woken) == (1, 1)
    tasks.write(lambda: None, changes=op_changes.SETTINGS_SAVED)  # maybe a new printer
    assert (printer.woken, sync.woken) == (2, 1)
    tasks.run(lambda: None, changes=op_changes.STORE_REFUND)  # the store took a refund
    assert (printer.woken, sync.woken) == (2, 2)

"""The whole client with real threads: sign in, sell by keyboard, the print worker prints."""

from conftest import open_shift
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ui import tasks


def test_sale_then_printing_on_the_preview_printer(make_client, home, qtbot):
    tasks.set_inline(False)  # as in production: a pool, the writer thread, the print worker
    client = make_client()
    dialog = client.login
    qtbot.keyClicks(dialog.username, "clerk1")
    qtbot.keyClicks(dialog.password, "clerk1")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: client.window is not None, timeout=10_000)
    window = client.window
    open_shift(client.ctx)
    sell = window.pages["sell"]
    qtbot.waitUntil(lambda: bool(sell.available), timeout=10_000)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    sell.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is sell.qty_entry)

    for key in ("2", Qt.Key.Key_F1, Qt.Key.Key_Tab, "200", Qt.Key.Key_Return):
        widget = QApplication.focusWidget()
        if isinstance(key, str):
            qtbot.keyClicks(widget, key)
        else:
            qtbot.keyClick(widget, key)
    qtbot.waitUntil(lambda: sell.last_sale is not None, timeout=10_000)
    assert sell.message.text() == "已售出 W01-20261121-0001，找零 ¥0.00"

    def printed() -> bool:
        jobs = sell.jobs.model.jobs()
        return len(jobs) == 3 and all(j.status == "done" for j in jobs)

    qtbot.waitUntil(printed, timeout=20_000)
    names = sorted(p.name for p in (home / "preview").glob("*.png"))
    assert names == ["20261121-100000_W01-20261121-0001_receipt.png",  # 02:00 UTC at the venue
                     "20261121-100000_W01-20261121-0001_ticket-1of2.png",
                     "20261121-100000_W01-20261121-0001_ticket-2of2.png"]
    qtbot.waitUntil(lambda: window.printer_label.text() == "打印机：就绪", timeout=10_000)
    assert sell.tiles.tiles[0].stock_label.text() == "余 998 张"


def test_the_printer_state_shows_before_the_first_job(make_client, qtbot):
    """Issue 12: 打印机：未知 until the first job. The worker checks the (preview) printer as
    it starts, off the GUI thread: the status bar says 就绪 with nothing printed."""
    tasks.set_inline(False)
    client = make_client()
    qtbot.keyClicks(client.login.username, "clerk1")
    qtbot.keyClicks(client.login.password, "clerk1")
    qtbot.keyClick(client.login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: client.window is not None, timeout=10_000)
    qtbot.waitUntil(lambda: client.window.printer_label.text() == "打印机：就绪", timeout=10_000)
    assert client.window.pages["sell"].jobs.model.jobs() == []  # nothing printed to learn it


def test_a_printer_set_to_none_does_not_say_ready(make_client, qtbot):
    """`--printer none` accepts every job and prints nothing: the status bar says so (it said
    就绪, and a clerk waited for tickets that never came)."""
    tasks.set_inline(False)
    client = make_client(printer="none")
    qtbot.keyClicks(client.login.username, "clerk1")
    qtbot.keyClicks(client.login.password, "clerk1")
    qtbot.keyClick(client.login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: client.window is not None, timeout=10_000)
    label = client.window.printer_label
    qtbot.waitUntil(lambda: label.text() == "打印机：未设置（不出票）", timeout=10_000)
    assert label.property("state") == "none"

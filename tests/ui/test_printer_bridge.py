"""Printer events from the worker thread reach the GUI thread, coalesced."""

import threading

from printing.jobs import EventKind, PrinterEvent, PrinterState
from ui.printer_bridge import PrinterBridge


def test_a_burst_of_events_from_a_thread_is_one_update_with_the_last_state(qtbot):
    bridge = PrinterBridge(interval_ms=100)
    updates = []
    bridge.changed.connect(lambda: updates.append((bridge.state, threading.get_ident())))
    states = [PrinterState.READY, PrinterState.PAPER_OUT] * 25

    def worker():
        for state in states:
            bridge.publish(PrinterEvent(EventKind.STATE_CHANGED, state, message="缺纸"))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: bool(updates), timeout=2000)
    qtbot.wait(250)
    assert updates == [("paper_out", threading.get_ident())]
    assert bridge.events_seen == 50
    assert bridge.label == "缺纸" and bridge.detail == "缺纸"

"""The printer's state is known from the start (issue 12: 打印机：未知 until the first job):
an idle worker checks a printer it has not checked yet once, even one that cannot answer a
status request — opening it is enough to say 就绪 or 脱机 — and again when the clerk picks
another printer."""

from printing.jobs import EventKind, PrinterConfig, PrinterState
from printing.worker import PrintWorker


def test_a_printer_that_cannot_answer_is_ready_before_the_first_job(store, printer, clock):
    printer.can_read = False  # a file:, win32: or USB printer without read-back
    events = []
    worker = PrintWorker(store, lambda: PrinterConfig("tcp:h"), clock, events.append,
                         opener=printer.open)
    worker.step()  # nothing queued
    assert worker.state is PrinterState.READY
    assert [(e.kind, e.state) for e in events] == [(EventKind.STATE_CHANGED, PrinterState.READY)]
    for _ in range(3):  # checked once: a printer that cannot answer is not reopened idly
        worker.step()
    assert printer.opened == 1


def test_an_unreachable_printer_is_offline_before_the_first_job(store, printer, clock):
    printer.reachable = False
    events = []
    worker = PrintWorker(store, lambda: PrinterConfig("tcp:h"), clock, events.append,
                         opener=printer.open)
    worker.step()
    assert worker.state is PrinterState.OFFLINE
    assert events[0].kind is EventKind.STATE_CHANGED and "无法连接" in events[0].message


def test_the_preview_printer_is_ready_at_once(store, clock, tmp_path):
    worker = PrintWorker(store, lambda: PrinterConfig(f"preview:{tmp_path}"), clock,
                         lambda e: None)
    worker.step()
    assert worker.state is PrinterState.READY


def test_a_printer_chosen_in_the_settings_is_checked_at_once(store, printer, clock, tmp_path):
    uri = ["tcp:h"]
    printer.can_read = False
    worker = PrintWorker(store, lambda: PrinterConfig(uri[0]), clock, lambda e: None,
                         opener=printer.open)
    worker.step()
    printer.reachable = False
    uri[0] = "tcp:other"
    worker.step()
    assert worker.state is PrinterState.OFFLINE and printer.opened == 1

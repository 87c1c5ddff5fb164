"""The print worker's decisions, step by step, with a fake store and a fake printer."""

import threading
from datetime import timedelta

from printing.jobs import EventKind, PrinterConfig, PrinterState
from printing.worker import PrintWorker


def make_worker(store, printer, clock, events, **kw):
    return PrintWorker(store, lambda: PrinterConfig("tcp:127.0.0.1:9100"), clock, events.append,
                       opener=printer.open, **kw)


def kinds(events):
    return [e.kind for e in events]


def test_a_job_prints_and_is_marked_done(store, printer, clock):
    store.add("j1")
    events = []
    worker = make_worker(store, printer, clock, events)
    assert worker.step() == 0.0  # printed one: look again at once
    assert store.rows["j1"].status == "done"
    assert len(printer.written) == 1 and "成人票".encode("gbk") in printer.written[0]
    assert printer.opened == printer.closed == 1
    assert kinds(events) == [EventKind.STATE_CHANGED, EventKind.JOB_PRINTED]
    assert events[0].state is PrinterState.READY
    assert worker.step() == worker.poll_interval  # queue empty


def test_paper_out_holds_the_job_untried_and_resumes_when_fixed(store, printer, clock):
    printer.status = "paper_out"
    store.add("j1")
    events = []
    worker = make_worker(store, printer, clock, events)
    assert worker.step() == 0.0
    row = store.rows["j1"]
    assert (row.status, row.job.attempts) == ("pending", 0)
    assert "缺纸" in row.error and printer.written == []
    assert worker.state is PrinterState.PAPER_OUT
    assert events[-1].kind is EventKind.JOB_HELD and events[-1].job_id == "j1"

    for _ in range(3):  # still out of paper: only the printer is checked
        assert worker.step() == worker.recheck_interval
    assert store.rows["j1"].status == "pending" and printer.written == []

    printer.status = "ready"
    worker.step()
    assert store.rows["j1"].status == "done" and len(printer.written) == 1
    assert events[-2].kind is EventKind.STATE_CHANGED and events[-2].state is PrinterState.READY


def test_an_unreachable_printer_holds_jobs_as_offline(store, printer, clock):
    printer.reachable = False
    store.add("j1")
    events = []
    worker = make_worker(store, printer, clock, events)
    worker.step()
    assert worker.state is PrinterState.OFFLINE
    assert store.rows["j1"].status == "pending" and "连接被拒绝" in store.rows["j1"].error
    assert worker.step() == worker.recheck_interval
    printer.reachable = True
    worker.step()
    assert store.rows["j1"].status == "done"


def test_send_failures_retry_with_delay_then_fail_for_the_clerk(store, printer, clock):
    printer.fail_writes = 5
    store.add("j1")
    events = []
    worker = make_worker(store, printer, clock, events, retry_delays=(2, 10), max_attempts=3)
    worker.step()
    row = store.rows["j1"]
    assert (row.status, row.next_attempt_at) == ("pending", clock.now + timedelta(seconds=2))
    assert worker.step() > 0  # printer offline now; nothing due yet anyway
    clock.advance(2)
    worker.step()
    assert store.rows["j1"].status == "pending"
    clock.advance(10)
    worker.step()
    assert store.rows["j1"].status == "failed"
    assert "Broken pipe" in store.rows["j1"].error
    assert events[-1].kind is EventKind.JOB_FAILED


def test_a_fault_during_the_job_fails_it_for_the_clerk_to_check(store, printer, clock):
    store.add("j1")
    connection_writes = []

    def open_and_run_out(uri, profile=None):
        conn = printer.open(uri, profile)
        original = conn.write

        def write(data):
            original(data)
            connection_writes.append(data)
            printer.status = "paper_out"  # ran out while printing

        conn.write = write
        return conn

    events = []
    worker = PrintWorker(store, lambda: PrinterConfig("tcp:h"), clock, events.append,
                         opener=open_and_run_out)
    worker.step()
    assert store.rows["j1"].status == "failed"
    assert "请检查这张是否完整打出" in store.rows["j1"].error
    assert len(connection_writes) == 1  # never sent twice behind the clerk's back


def test_a_payload_that_cannot_be_laid_out_fails_at_once(store, printer, clock):
    store.add("j1", kind="ticket", payload={"venue_name": "x"})
    store.add("j2", kind="label", payload={})
    events = []
    worker = make_worker(store, printer, clock, events)
    worker.step()
    worker.step()
    assert store.rows["j1"].status == "failed" and "无法排版" in store.rows["j1"].error
    assert store.rows["j2"].status == "failed" and "暂不支持" in store.rows["j2"].error
    assert printer.written == []


def test_printers_that_cannot_answer_still_print(store, printer, clock):
    printer.status = "silent"
    store.add("j1")
    worker = make_worker(store, printer, clock, [])
    worker.step()
    assert store.rows["j1"].status == "done"
    assert worker.state is PrinterState.UNKNOWN


def test_a_bad_printer_setting_is_an_error_state_and_keeps_jobs(store, printer, clock):
    store.add("j1")
    events = []
    worker = PrintWorker(store, lambda: PrinterConfig("lpt1"), clock, events.append,
                         opener=printer.open)
    assert worker.step() == worker.recheck_interval
    assert worker.state is PrinterState.ERROR and "不正确" in worker.state_message
    assert store.rows["j1"].status == "pending"


def test_nothing_raises_into_the_caller(store, printer, clock):
    store.add("j1")

    def broken_handler(event):
        raise RuntimeError("the UI is gone")

    worker = PrintWorker(store, lambda: PrinterConfig("tcp:h"), clock, broken_handler,
                         opener=printer.open)
    worker.step()
    assert store.rows["j1"].status == "done"

    def broken_store(now):
        raise OSError("database is locked")

    store.claim_next = broken_store
    assert worker.step() == worker.recheck_interval


def test_the_thread_prints_wakes_and_stops_cleanly(store, printer, clock):
    printed = threading.Event()

    def on_event(event):
        if event.kind is EventKind.JOB_PRINTED:
            printed.set()

    worker = PrintWorker(store, lambda: PrinterConfig("tcp:h"), clock, on_event,
                         opener=printer.open, poll_interval=30)
    worker.start()
    try:
        store.add("j1")
        worker.wake()  # without it the worker would sleep 30 s
        assert printed.wait(5)
    finally:
        worker.stop()
    assert not worker.running
    assert store.rows["j1"].status == "done"


def test_an_idle_worker_notices_paper_out_before_the_next_sale(store, printer, clock):
    printer.status = "paper_out"
    events = []
    worker = make_worker(store, printer, clock, events, idle_check_interval=0)
    assert worker.step() == worker.poll_interval
    assert worker.state is PrinterState.PAPER_OUT
    assert events == [events[0]] and events[0].kind is EventKind.STATE_CHANGED
    assert "缺纸" in events[0].message


def test_idle_checks_are_spaced_out(store, printer, clock):
    worker = make_worker(store, printer, clock, [], idle_check_interval=3600)
    for _ in range(5):
        worker.step()
    assert printer.opened == 1  # the first idle step only

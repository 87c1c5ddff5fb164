"""The print worker against a real printer (emupos) and the real queue (SQLite print_jobs):
paper out holds the job without losing it, and it prints once the paper is back."""

import threading
import time
from datetime import UTC, datetime

import pytest

from app.domain.print_docs import TicketDoc
from app.services.journal import print_queue
from app.services.prints import print_jobs
from app.services.prints.print_jobs import SqlJobStore
from app.store.db import Database
from printing.jobs import EventKind, PrinterConfig, PrinterState
from printing.profile import PrinterProfile
from printing.worker import PrintWorker

pytestmark = pytest.mark.printer

CODE = "MP1-WORKERTESTCODE234567ABCD"


class Events:
    """Collects the worker's events (from its thread) and waits for one."""

    def __init__(self) -> None:
        self.seen: list = []
        self._lock = threading.Condition()

    def __call__(self, event) -> None:
        with self._lock:
            self.seen.append(event)
            self._lock.notify_all()

    def wait_for(self, kind: EventKind, timeout: float = 10.0, **fields):
        def match():
            return next((e for e in self.seen if e.kind is kind
                         and all(getattr(e, k) == v for k, v in fields.items())), None)
        with self._lock:
            assert self._lock.wait_for(match, timeout), f"no {kind} {fields} in {self.seen}"
            return match()


@pytest.fixture
def db(sqlite_url):
    database = Database.open(sqlite_url)
    yield database
    database.dispose()


def enqueue_ticket(db, order_no: str = "W01-20261121-0042") -> str:
    doc = TicketDoc("门票景区", "成人票", "2026-11-21", 10000, order_no, CODE)
    with db.session() as session, session.begin():
        (job_id,) = print_queue.enqueue(session, [("ticket", doc.to_dict())],
                                        order_no=order_no, now=datetime.now(UTC))
    return job_id


def job(db, job_id: str):
    with db.session() as session:
        return next(j for j in print_jobs.recent(session, 100) if j.id == job_id)


def start_worker(db, uri: str, events: Events) -> PrintWorker:
    config = PrinterConfig(uri, PrinterProfile())
    worker = PrintWorker(SqlJobStore(db), lambda: config, lambda: datetime.now(UTC), events,
                         poll_interval=0.05, recheck_interval=0.2)
    worker.start()
    return worker


def test_paper_out_holds_the_job_until_paper_is_back(emupos, db):
    printer = emupos.front
    printer.set_fault("paper-out")
    job_id = enqueue_ticket(db)
    events = Events()
    worker = start_worker(db, printer.uri, events)
    try:
        events.wait_for(EventKind.JOB_HELD, job_id=job_id)
        assert worker.state is PrinterState.PAPER_OUT
        time.sleep(0.6)  # a few re-checks while the paper is still out
        held = job(db, job_id)
        assert (held.status, held.attempts) == ("pending", 0)
        assert "缺纸" in held.error and held.status_label == "等待打印机"
        assert printer.unseen() == []  # nothing printed, nothing half-printed

        printer.clear_fault("paper-out")
        events.wait_for(EventKind.JOB_PRINTED, job_id=job_id)
    finally:
        worker.stop()
    assert not worker.running
    done = job(db, job_id)
    assert (done.status, done.error, done.attempts) == ("done", None, 1)
    assert done.printed_at is not None
    (paper,) = printer.new_receipts(1)
    assert CODE in printer.text(paper["id"])
    assert events.wait_for(EventKind.STATE_CHANGED, state=PrinterState.READY)


def test_jobs_queued_while_the_cover_is_open_wait_and_then_print(emupos, db):
    """The idle worker already knows the cover is open: new jobs wait untried (no attempt
    counted) and the state event tells the clerk why."""
    printer = emupos.narrow
    printer.set_fault("cover-open")
    events = Events()
    config = PrinterConfig(printer.uri, PrinterProfile(paper_mm=58))
    worker = PrintWorker(SqlJobStore(db), lambda: config, lambda: datetime.now(UTC), events,
                         poll_interval=0.05, recheck_interval=0.2)
    worker.start()
    try:
        state = events.wait_for(EventKind.STATE_CHANGED, state=PrinterState.COVER_OPEN)
        assert "纸仓盖打开" in state.message
        job_id = enqueue_ticket(db)
        worker.wake()
        time.sleep(0.5)
        waiting = job(db, job_id)
        assert (waiting.status, waiting.attempts) == ("pending", 0)
        assert printer.unseen() == []
        printer.clear_fault("cover-open")
        events.wait_for(EventKind.JOB_PRINTED, job_id=job_id)
    finally:
        worker.stop()
    (paper,) = printer.new_receipts(1)
    assert CODE in printer.text(paper["id"])


def test_unreachable_printer_keeps_jobs_pending(db, closed_port):
    job_id = enqueue_ticket(db)
    events = Events()
    worker = start_worker(db, f"tcp:127.0.0.1:{closed_port}", events)
    try:
        held = events.wait_for(EventKind.JOB_HELD, job_id=job_id)
    finally:
        worker.stop()
    assert held.state is PrinterState.OFFLINE and "连接被拒绝" in held.message
    waiting = job(db, job_id)
    assert (waiting.status, waiting.attempts) == ("pending", 0)
    assert "无法连接打印机" in waiting.error


def test_a_cash_sale_prints_its_tickets_and_receipt_and_opens_the_drawer(emupos, db, now):
    from app.domain.venue import Venue
    from app.services.admin import seeding
    from app.services.sales import selling

    venue = Venue()
    with db.session() as session:
        seeding.seed_demo(session, now=now, venue=venue)
    request = selling.SaleRequest(
        terminal="01", clerk="clerk1", device_id="dev-1", visit_date=venue.local_date(now),
        lines=(selling.SaleLine("ADULT", 2), selling.SaleLine("CHILD", 1)), tendered_fen=30000)
    with db.session() as session:
        sale = selling.sell(session, request, now=now, venue=venue)
    printer = emupos.front
    events = Events()
    worker = start_worker(db, printer.uri, events)
    try:
        for job_id in sale.print_job_ids:
            events.wait_for(EventKind.JOB_PRINTED, job_id=job_id)
    finally:
        worker.stop()

    papers = [printer.text(r["id"]) for r in printer.new_receipts(len(sale.print_job_ids))]
    tickets, receipt = papers[:-1], papers[-1]  # enqueued order: tickets, then the receipt
    for sold, paper in zip(sale.tickets, tickets, strict=True):
        assert sold.code in paper and sold.name in paper
    assert all(sale.order_no in paper for paper in papers)
    assert "找零" in receipt and "￥50.00" in receipt and "￥250.00" in receipt
    assert printer.state()["drawer"] == "open"


def test_a_window_cash_refund_prints_its_slip_and_opens_the_drawer(emupos, db, now):
    """The child ticket of a family package refunded at the window: the slip the print
    worker sends, read back from the printer, names the rule, the fee and the amount."""
    from app.domain.money import format_fen
    from app.domain.venue import Venue
    from app.services.admin import seeding
    from app.services.refunds import window_refunds
    from app.services.sales import selling
    from app.services.shifts import shifts

    venue = Venue()
    with db.session() as session:
        seeding.seed_demo(session, now=now, venue=venue)
    with db.session() as session:
        shifts.open_shift(session, terminal="01", clerk="clerk1", float_fen=50_000, now=now)
    request = selling.SaleRequest(
        terminal="01", clerk="clerk1", device_id="dev-1", visit_date=venue.local_date(now),
        lines=(selling.SaleLine("FAMILY", 1),), tendered_fen=13000)
    with db.session() as session:
        sale = selling.sell(session, request, now=now, venue=venue)
    child = next(t for t in sale.tickets if t.ticket_type == "CHILD")
    with db.session() as session:
        refund = window_refunds.refund_cash(
            session, sale.order_no, [child.ticket_id], "孩子发烧", terminal="01",
            clerk="clerk1", role="clerk", now=now, venue=venue)
    printer = emupos.front
    events = Events()
    worker = start_worker(db, printer.uri, events)
    try:
        for job_id in (*sale.print_job_ids, *refund.print_job_ids):
            events.wait_for(EventKind.JOB_PRINTED, job_id=job_id)
    finally:
        worker.stop()
    papers = [printer.text(r["id"])
              for r in printer.new_receipts(len(sale.print_job_ids) + 1)]
    flat = "".join(papers[-1].split())
    fee = format_fen(refund.fee_fen + refund.payment_fee_fen).replace("¥", "￥")
    for expected in ("退票凭证", "游玩当日退票，收30%手续费", "30%", "手续费", fee,
                     "退款金额（现金）", format_fen(refund.amount_fen).replace("¥", "￥"),
                     "亲子套票·儿童票", refund.refund_no, "孩子发烧"):
        assert "".join(expected.split()) in flat, (expected, papers[-1])
    assert refund.amount_fen == child.price_fen - refund.fee_fen - refund.payment_fee_fen > 0
    assert printer.state()["drawer"] == "open"

"""The day report (日结报表) and a Z report reprinted from the store's copy, on a real ESC/POS
printer (emupos) through the real queue (SQLite print_jobs) and the print worker: what is on
the paper is the day-close figures, Chinese decoded. With $MENPIAO_PRINT_PNG set, the 80 mm
day report is also saved there as PNG (docs/screenshots/day-report-print.png)."""

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_emupos_worker import Events, start_worker

from app.domain.venue import Venue
from app.services.prints.day_report import queue_day_report, queue_z_reprint
from app.services.prints.print_jobs import SqlJobStore
from app.store.db import Database
from printing.jobs import EventKind, PrinterConfig
from printing.profile import PrinterProfile
from printing.worker import PrintWorker

pytestmark = pytest.mark.printer
NOW = datetime(2026, 11, 21, 12, 5, tzinfo=UTC)  # 20:05 at the venue


def shift(clerk: str, opened: str, closed: str | None, counted: int | None,
          expected: int, **z) -> dict:
    return {"shift_id": f"s-{clerk}", "clerk": clerk, "z_report": z or None,
            "opened_at": opened, "closed_at": closed, "float_fen": 50_000,
            "cash_sales_fen": 20_000, "cash_refunds_fen": 10_000, "cash_in_fen": 0,
            "cash_out_fen": 0, "expected_fen": expected, "counted_fen": counted,
            "variance_fen": None if counted is None else counted - expected}


REPORT = {
    "date": "2026-11-21", "closed_by": "finance", "closed_at": "2026-11-21T12:00:00+00:00",
    "windows": [
        {"terminal": "01", "shifts": [shift("clerk1", "2026-11-21T00:00:00+00:00",
                                            "2026-11-21T09:00:00+00:00", 20_000, 60_000)]},
        {"terminal": "02", "shifts": [shift("clerk2", "2026-11-21T00:30:00+00:00", None,
                                            None, 40_000)]}],
    "methods": [{"method": "cash", "paid_fen": 30_000, "refunded_fen": 10_000,
                 "net_fen": 20_000},
                {"method": "wechat", "paid_fen": 10_000, "refunded_fen": 0, "net_fen": 10_000},
                {"method": "alipay", "paid_fen": 0, "refunded_fen": 0, "net_fen": 0}],
    "channels": [{"channel": "window", "orders": 2, "paid_fen": 30_000, "refunded_fen": 10_000,
                  "net_fen": 20_000},
                 {"channel": "ota_meituan", "orders": 1, "paid_fen": 10_000,
                  "refunded_fen": 0, "net_fen": 10_000}],
    "totals": {"paid_fen": 40_000, "refunded_fen": 10_000, "net_fen": 30_000,
               "cash_expected_fen": 100_000, "cash_counted_fen": 20_000,
               "variance_fen": -40_000},
    "discrepancies": [
        {"kind": "ota_unsettled", "order_no": "MEITUAN-1", "amount_fen": 10_000, "reason": "r"},
        {"kind": "shift_open", "order_no": None, "amount_fen": 40_000, "reason": "r"},
        {"kind": "sync_behind", "order_no": None, "amount_fen": 0, "reason": "r"}],
    "late_entries": [{"kind": "payment", "order_no": "W02-1", "amount_fen": 10_000}],
}


@pytest.fixture
def db(sqlite_url):
    database = Database.open(sqlite_url)
    yield database
    database.dispose()


def print_through_the_queue(db, printer, paper_mm: int, job_id: str) -> str:
    events = Events()
    config = PrinterConfig(printer.uri, PrinterProfile(paper_mm=paper_mm))
    worker = PrintWorker(SqlJobStore(db), lambda: config, lambda: datetime.now(UTC), events,
                         poll_interval=0.05, recheck_interval=0.2)
    worker.start()
    try:
        events.wait_for(EventKind.JOB_PRINTED, job_id=job_id)
    finally:
        worker.stop()
    (paper,) = printer.new_receipts(1)
    return paper["id"]


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_the_day_report_prints_totals_methods_channels_shifts_and_discrepancies(
        emupos, db, paper_mm):
    printer = emupos.printer(paper_mm)
    with db.session() as session:
        (job_id,) = queue_day_report(session, REPORT, venue=Venue(), now=NOW,
                                     printed_by="finance").print_job_ids
    receipt = print_through_the_queue(db, printer, paper_mm, job_id)
    flat = "".join(printer.text(receipt).split())
    for expected in (
            "日结报表", "营业日2026-11-21", "已关账finance2026-11-2120:00",
            "收款￥400.00", "退款-￥100.00", "净额￥300.00", "应有现金￥1,000.00",
            "实点现金￥200.00", "差额（短款）-￥400.00",
            "现金￥200.00", "收/退￥300.00/￥100.00", "微信支付￥100.00", "支付宝￥0.00",
            "窗口2单￥200.00", "美团1单￥100.00",
            "终端01clerk108:00-17:00", "备用金￥500.00", "现金售票￥200.00",
            "现金退票-￥100.00", "应有现金￥600.00",
            "终端02clerk208:30-未交班", "实点现金未清点",
            "待处理差异3项", "OTA未结算1项", "班次未交班1项", "窗口未同步1项",
            "日结后补录1笔", "打印人finance", "打印时间2026-11-2120:05:00", "财务签字："):
        assert expected in flat, expected
    if paper_mm == 80 and os.environ.get("MENPIAO_PRINT_PNG"):
        Path(os.environ["MENPIAO_PRINT_PNG"]).write_bytes(printer.image(receipt))


def test_a_z_report_from_the_store_is_reprinted_marked_chongda(emupos, db):
    z = {"venue_name": "门票景区", "shift_id": "s-clerk1", "terminal": "01", "clerk": "clerk1",
         "opened_at": "2026-11-21 08:00:00", "closed_at": "2026-11-21 17:00:00",
         "float_fen": 50_000, "cash_sales_count": 1, "cash_sales_fen": 20_000,
         "noncash_sales": [], "refunds_count": 1, "refunds_fen": 10_000, "cash_in_fen": 0,
         "cash_out_fen": 0, "movements": [], "expected_fen": 60_000,
         "counted": [{"denomination_fen": 10_000, "count": 2}], "counted_fen": 20_000,
         "variance_fen": -40_000, "printed_at": "2026-11-21 17:00:00"}
    printer = emupos.front
    with db.session() as session:
        first = queue_z_reprint(session, z, venue=Venue(), now=NOW)
        second = queue_z_reprint(session, z, venue=Venue(), now=NOW)
    assert (first.reprint_no, second.reprint_no) == (1, 2)
    events = Events()
    worker = start_worker(db, printer.uri, events)
    try:
        events.wait_for(EventKind.JOB_PRINTED, job_id=second.print_job_ids[0])
    finally:
        worker.stop()
    papers = printer.new_receipts(2)
    flat = "".join(printer.text(papers[-1]["id"]).split())
    for expected in ("交接班报表（Z）", "重打2", "差额（短款）-￥400.00", "打印时间2026-11-2120:05:00"):
        assert expected in flat, expected

"""Preview pages are named by the venue-local time they printed and their order (issue 12),
so the pages of order 0007 are found by its number and sort in printing order."""

from datetime import UTC, datetime

from app.domain.print_docs import TicketDoc
from printing.jobs import PrinterConfig
from printing.preview import page_name
from printing.worker import PrintWorker

ORDER = "W01-20261121-0007"


def ticket(number: int, **changes) -> dict:
    return TicketDoc("门票景区", "成人票", "2026-11-21", 10000, ORDER,
                     f"MP1-ABCDEFGHIJKLMNOPQRSTUV{number:02d}", number=number, count=2,
                     **changes).to_dict()


def test_a_job_names_its_page_by_local_time_order_kind_and_place():
    at = datetime(2026, 11, 21, 10, 30, 15)
    assert page_name(at, "ticket", ticket(2)) == f"20261121-103015_{ORDER}_ticket-2of2"
    assert page_name(at, "ticket", ticket(1, reprint_no=3)) == \
        f"20261121-103015_{ORDER}_ticket-1of2_reprint3"
    assert page_name(at, "receipt", {"order_no": ORDER}) == f"20261121-103015_{ORDER}_receipt"
    assert page_name(at, "shift_report", {"shift_id": "x"}) == "20261121-103015_shift_report"
    assert page_name(at, "receipt", {"order_no": "OTA/../x y"}) == \
        "20261121-103015_OTA_x_y_receipt"  # nothing that leaves the folder


def test_the_worker_names_preview_pages_in_the_venues_time(store, clock, tmp_path):
    """02:00 UTC is 10:00 at the venue (Asia/Shanghai): the name says 10:00 whatever the
    machine's zone is. Two tickets of one order printed in the same second both stay."""
    clock.now = datetime(2026, 11, 21, 2, 0, 5, tzinfo=UTC)
    store.add("t1", "ticket", ticket(1))
    store.add("t2", "ticket", ticket(2))
    store.add("r", "receipt", {"venue_name": "门票景区", "order_no": ORDER, "lines": [],
                               "total_fen": 0, "tendered_fen": 0, "change_fen": 0,
                               "payment_method": "cash", "clerk": "clerk1", "terminal": "01",
                               "printed_at": "2026-11-21 10:00:05"})
    store.add("again", "ticket", ticket(1))
    folder = tmp_path / "preview"
    worker = PrintWorker(store, lambda: PrinterConfig(f"preview:{folder}"), clock,
                         lambda event: None)
    for _ in range(4):
        worker.step()
    assert {row.status for row in store.rows.values()} == {"done"}
    assert sorted(p.name for p in folder.glob("*.png")) == [
        f"20261121-100005_{ORDER}_receipt.png",
        f"20261121-100005_{ORDER}_ticket-1of2-2.png",  # the same ticket again: never overwritten
        f"20261121-100005_{ORDER}_ticket-1of2.png",
        f"20261121-100005_{ORDER}_ticket-2of2.png",
    ]


def test_the_venue_zone_comes_from_the_config(store, clock, tmp_path):
    clock.now = datetime(2026, 11, 21, 2, 0, 5, tzinfo=UTC)
    store.add("t1", "ticket", ticket(1))
    folder = tmp_path / "preview"
    worker = PrintWorker(store, lambda: PrinterConfig(f"preview:{folder}", zone="Europe/Paris"),
                         clock, lambda event: None)
    worker.step()
    assert [p.name for p in folder.glob("*.png")] == [f"20261121-030005_{ORDER}_ticket-1of2.png"]

"""Ticket layout speed: `render_ticket` (QR included) beside two baselines, in the same run.

- `ticket_qr_image`: our ticket, QR as a raster image (the default profile) — the number to watch;
  the aim is a median under 20 ms, so a 10-ticket sale is laid out before the printer notices.
- `ticket_qr_native`: the same with `GS ( k` (the printer draws the QR).
- `ticket_no_qr`: the same blocks without the QR — what the text layout alone costs.
- `escpos_dummy_qr`: python-escpos writing the same lines and its own image `qr()` into a
  Dummy printer — the library route we chose not to take, for comparison.

`python -m bench.layout` prints the dict `run()` returns.
"""

import json
import statistics
import time
from collections.abc import Callable

from app.domain.print_docs import TicketDoc
from printing.layouts import Qr, compose, render_ticket, ticket_blocks
from printing.profile import PrinterProfile

RUNS = 200
TARGET_MS = 20.0


def _doc(i: int) -> TicketDoc:
    # a different code each run: no cache can help, as with real tickets
    return TicketDoc(venue_name="门票景区", ticket_type_name="亲子套票·儿童票",
                     visit_date="2026-11-21", price_fen=6500, order_no=f"W01-20261121-{i:04d}",
                     code=f"MP1-BENCH{i:06d}ABCDEFGHIJKLM"[:30], reprint_no=i % 2)


def _measure(fn: Callable[[TicketDoc], object], runs: int) -> dict[str, float]:
    fn(_doc(0))  # warm-up: fonts, imports, capability tables
    times = []
    for i in range(1, runs + 1):
        doc = _doc(i)
        start = time.perf_counter()
        fn(doc)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 3),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 3),
            "max_ms": round(times[-1], 3)}


def _without_qr(doc: TicketDoc) -> bytes:
    return compose([b for b in ticket_blocks(doc) if not isinstance(b, Qr)])


def _escpos_dummy(doc: TicketDoc) -> bytes:
    from escpos.printer import Dummy

    printer = Dummy()
    printer.set(align="center", double_height=True, double_width=True)
    printer.text(f"{doc.venue_name}\n{doc.ticket_type_name}\n")
    printer.set(align="left", normal_textsize=True)
    printer.text(f"游玩日期 {doc.visit_date}\n票价 ￥{doc.price_fen / 100:.2f}\n"
                 f"订单号 {doc.order_no}\n")
    printer.set(align="center")
    printer.qr(doc.code, native=False, size=6)
    printer.text(f"{doc.code}\n{doc.notice}\n")
    printer.cut()
    return printer.output


def run(runs: int = RUNS) -> dict:
    """Median, p95 and max in ms of each way of laying out one ticket."""
    native = PrinterProfile(qr_native=True)
    results = {
        "ticket_qr_image": _measure(render_ticket, runs),
        "ticket_qr_native": _measure(lambda d: render_ticket(d, native), runs),
        "ticket_no_qr": _measure(_without_qr, runs),
        "escpos_dummy_qr": _measure(_escpos_dummy, runs),
    }
    median = results["ticket_qr_image"]["median_ms"]
    results["runs"] = runs
    results["target_ms"] = TARGET_MS
    results["within_target"] = median < TARGET_MS
    return results


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))

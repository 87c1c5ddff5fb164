"""Cash receipts on a real ESC/POS printer (emupos): amounts, change, and the cash drawer."""

import pytest
from emupos_io import send

from app.domain.print_docs import ReceiptDoc
from printing.layouts import render_receipt
from printing.profile import PrinterProfile

pytestmark = pytest.mark.printer


def receipt(**changes) -> ReceiptDoc:
    lines = [{"name": "成人票", "qty": 2, "unit_fen": 10000, "amount_fen": 20000},
             {"name": "儿童票", "qty": 1, "unit_fen": 5000, "amount_fen": 5000}]
    base = dict(venue_name="门票景区", order_no="W01-20261121-0007", lines=lines,
                total_fen=25000, tendered_fen=30000, change_fen=5000, payment_method="cash",
                clerk="clerk1", terminal="01", printed_at="2026-11-21 10:00:00",
                visit_date="2026-11-21", kick_drawer=True)
    return ReceiptDoc(**{**base, **changes})


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_cash_receipt_shows_lines_total_change_and_opens_the_drawer(emupos, paper_mm):
    printer = emupos.printer(paper_mm)
    assert printer.state()["drawer"] == "closed"
    send(printer.uri, render_receipt(receipt(), PrinterProfile(paper_mm=paper_mm)))

    (paper,) = printer.new_receipts(1)
    text = printer.text(paper["id"])
    assert "2 × ￥100.00 = ￥200.00" in text
    assert "1 × ￥50.00 = ￥50.00" in text
    for expected in ("成人票", "儿童票", "合计", "￥250.00", "实收（现金）", "￥300.00",
                     "找零", "￥50.00", "clerk1", "终端", "01", "2026-11-21 10:00:00",
                     "W01-20261121-0007"):
        assert expected in text
    assert printer.state()["drawer"] == "open"


def test_receipt_without_cash_leaves_the_drawer_shut(emupos):
    printer = emupos.front
    send(printer.uri, render_receipt(receipt(payment_method="wechat", kick_drawer=False,
                                             tendered_fen=25000, change_fen=0)))

    (paper,) = printer.new_receipts(1)
    assert "实收（微信支付）" in printer.text(paper["id"])
    assert printer.state()["drawer"] == "closed"

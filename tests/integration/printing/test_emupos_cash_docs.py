"""Refund slips, void slips and shift reports on a real ESC/POS printer (emupos), Chinese
decoded."""

import sys
from pathlib import Path

import pytest
from emupos_io import send

from printing.layouts import render_job
from printing.profile import PrinterProfile

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "unit" / "printing"))
from test_printing_cash_layouts import report, slip, void_slip  # noqa: E402

pytestmark = pytest.mark.printer


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_refund_slip_shows_rule_fee_and_amount_and_opens_the_drawer(emupos, paper_mm):
    printer = emupos.printer(paper_mm)
    send(printer.uri, render_job("refund_slip", slip().to_dict(),
                                 PrinterProfile(paper_mm=paper_mm)))
    (paper,) = printer.new_receipts(1)
    text = printer.text(paper["id"])
    flat = "".join(text.split())
    for expected in ("退票凭证", "退票规则：游玩日前24～48小时，收取20%手续费", "手续费率",
                     "20%", "手续费", "￥10.00", "退款金额（现金）", "￥40.00",
                     "亲子套票·儿童票", "主管super1", "R-0001"):
        assert "".join(expected.split()) in flat, expected
    assert printer.state()["drawer"] == "open"


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_shift_report_shows_expected_counted_and_variance(emupos, paper_mm):
    printer = emupos.printer(paper_mm)
    send(printer.uri, render_job("shift_report", report().to_dict(),
                                 PrinterProfile(paper_mm=paper_mm)))
    (paper,) = printer.new_receipts(1)
    flat = "".join(printer.text(paper["id"]).split())
    for expected in ("交接班报表（Z）", "应有现金", "￥810.00", "实点现金", "￥809.00",
                     "差额（短款）", "-￥1.00", "100元×8", "补零钱", "微信支付2笔"):
        assert expected in flat, expected
    assert printer.state()["drawer"] == "closed"


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_void_slip_shows_the_void_tickets_and_the_cash_back_and_opens_the_drawer(emupos,
                                                                                  paper_mm):
    printer = emupos.printer(paper_mm)
    send(printer.uri, render_job("void_slip", void_slip().to_dict(),
                                 PrinterProfile(paper_mm=paper_mm)))
    (paper,) = printer.new_receipts(1)
    flat = "".join(printer.text(paper["id"]).split())
    for expected in ("撤销凭证", "本单已撤销，以下门票作废", "W01-20261121-0007-R1", "成人票",
                     "MP1-ADULTONE作废", "手续费￥0.00", "退还现金￥150.00", "收银员clerk1"):
        assert expected in flat, expected
    assert printer.state()["drawer"] == "open"

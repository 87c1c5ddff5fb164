"""Refund slip and shift (Z) report layouts: Chinese in GBK, ￥ amounts, drawer, both papers."""

import pytest

from app.domain.print_docs import RefundSlipDoc, ShiftReportDoc
from printing import escpos_text as et
from printing.layouts import (
    Row,
    Text,
    denomination_label,
    fee_rate,
    refund_slip_blocks,
    render_job,
    shift_report_blocks,
    signed_fen,
    variance_label,
)
from printing.profile import PrinterProfile


def gbk(text: str) -> bytes:
    return b"\x1c&" + text.encode("gbk") + b"\x1c."


def slip(**changes) -> RefundSlipDoc:
    tickets = [{"name": "亲子套票·儿童票", "code": "MP1-CHILD", "paid_fen": 5000,
                "fee_fen": 1000, "refund_fen": 4000}]
    base = dict(venue_name="门票景区", order_no="W01-20261121-0007", refund_no="R-0001",
                tickets=tickets, rule_text="游玩日前 24～48 小时，收取 20% 手续费",
                fee_rate_bp=2000, fee_fen=1000, payment_fee_fen=0, refund_fen=4000,
                method="cash", clerk="clerk1", terminal="01",
                printed_at="2026-11-21 10:00:00", approvals=["主管 super1"],
                kick_drawer=True)
    return RefundSlipDoc(**{**base, **changes})


def report(**changes) -> ShiftReportDoc:
    base = dict(venue_name="门票景区", shift_id="s1", terminal="01", clerk="clerk1",
                opened_at="2026-11-21 08:00:00", closed_at="2026-11-21 17:00:00",
                float_fen=50000, cash_sales_count=3, cash_sales_fen=30000,
                noncash_sales=[{"method": "wechat", "count": 2, "amount_fen": 20000}],
                refunds_count=1, refunds_fen=4000, cash_in_fen=10000, cash_out_fen=5000,
                movements=[{"kind": "in", "amount_fen": 10000, "reason": "补零钱"},
                           {"kind": "out", "amount_fen": 5000, "reason": "上缴"}],
                expected_fen=81000,
                counted=[{"denomination_fen": 10000, "count": 8},
                         {"denomination_fen": 50, "count": 0},
                         {"denomination_fen": 100, "count": 9}],
                counted_fen=80900, variance_fen=-100, printed_at="2026-11-21 17:00:05")
    return ShiftReportDoc(**{**base, **changes})


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_refund_slip_has_rule_fee_amount_and_opens_the_drawer_for_cash(paper_mm):
    data = render_job("refund_slip", slip().to_dict(), PrinterProfile(paper_mm=paper_mm))
    for text in ("退票凭证", "亲子套票·儿童票", "手续费率", "手续费", "支付通道费",
                 "退款金额（现金）", "主管", "收银员"):
        assert gbk(text) in data
    assert "24～48".encode("gbk") in data or "小时".encode("gbk") in data
    assert gbk("￥") + b"40.00" in data and b"20%" in data
    assert data.startswith(et.INIT + et.LINE_SPACING_DEFAULT + et.DRAWER_PULSE)
    assert data.rstrip(b"\x00").endswith(et.CUT)


def test_refund_slip_by_wechat_keeps_the_drawer_shut_and_names_the_method():
    data = render_job("refund_slip", slip(method="wechat", kick_drawer=False).to_dict(),
                      PrinterProfile())
    assert et.DRAWER_PULSE not in data
    assert gbk("退款金额（微信支付）") in data


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_shift_report_shows_expected_counted_and_a_signed_variance(paper_mm):
    data = render_job("shift_report", report().to_dict(), PrinterProfile(paper_mm=paper_mm))
    for text in ("交接班报表（", "备用金", "应有现金", "实点现金", "差额（短款）", "补零钱",
                 "微信支付"):
        assert text.encode("gbk") in data
    assert gbk("￥") + b"810.00" in data and gbk("￥") + b"809.00" in data
    assert b"-" + gbk("￥") + b"1.00" in data
    assert gbk("5角") not in data  # denominations not counted are left off
    assert et.DRAWER_PULSE not in data


def test_a_taken_over_shift_says_who_closed_it_and_why_and_a_reprint_is_marked():
    blocks = shift_report_blocks(report(closed_by="supervisor", close_reason="售票员1 离岗",
                                        reprint_no=2))
    assert Row("代交班", "supervisor") in blocks
    assert Text("原因：售票员1 离岗") in blocks
    assert Text("重打 2", "center", 2, True) in blocks
    own = shift_report_blocks(report(closed_by="clerk1"))
    assert not any(isinstance(b, Row) and b.left == "代交班" for b in own)
    assert not any(isinstance(b, Text) and b.text.startswith("重打") for b in own)


def test_blocks_are_data():
    assert Row("差额（长款）", "+￥2.00", emphasised=True) in shift_report_blocks(
        report(variance_fen=200))
    assert Row("手续费率", "20%") in refund_slip_blocks(slip())


@pytest.mark.parametrize(("value", "text"), [
    (fee_rate(2000), "20%"), (fee_rate(1250), "12.5%"), (fee_rate(0), "0%"),
    (fee_rate(5), "0.05%"), (signed_fen(150), "+￥1.50"), (signed_fen(-150), "-￥1.50"),
    (signed_fen(0), "￥0.00"), (variance_label(1), "长款"), (variance_label(-1), "短款"),
    (variance_label(0), "无差异"), (denomination_label(10000), "100元"),
    (denomination_label(50), "5角"), (denomination_label(1), "1分"),
    (denomination_label(10), "1角"),
])
def test_small_formatters(value, text):
    assert value == text


def void_slip(**changes):
    from app.domain.print_docs import VoidSlipDoc

    base = dict(venue_name="门票景区", order_no="W01-20261121-0007",
                refund_no="W01-20261121-0007-R1",
                tickets=[{"name": "成人票", "code": "MP1-ADULTONE", "price_fen": 10000},
                         {"name": "儿童票", "code": "MP1-CHILDONE", "price_fen": 5000}],
                refund_fen=15000, sold_at="2026-11-21 10:00:00", clerk="clerk1",
                terminal="01", printed_at="2026-11-21 10:03:00")
    return VoidSlipDoc(**{**base, **changes})


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_void_slip_says_void_no_fee_the_cash_back_and_opens_the_drawer(paper_mm):
    data = render_job("void_slip", void_slip().to_dict(), PrinterProfile(paper_mm=paper_mm))
    for text in ("撤销凭证", "本单已撤销，以下门票作废", "成人票", "儿童票", "作废", "手续费",
                 "退还现金", "售出时间", "撤销时间", "收银员"):
        assert gbk(text) in data, text
    assert b"MP1-ADULTONE" in data and b"W01-20261121-0007-R1" in data
    assert gbk("￥") + b"150.00" in data and gbk("￥") + b"0.00" in data
    assert data.startswith(et.INIT + et.LINE_SPACING_DEFAULT + et.DRAWER_PULSE)


def test_void_slip_without_the_drawer():
    data = render_job("void_slip", void_slip(kick_drawer=False).to_dict(), PrinterProfile())
    assert et.DRAWER_PULSE not in data

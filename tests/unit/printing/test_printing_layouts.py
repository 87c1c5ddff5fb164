"""Layouts as bytes: Chinese as FS & + GBK, amounts, QR, cut, drawer pulse, paper widths."""

import pytest

from app.domain.print_docs import ReceiptDoc, TicketDoc
from printing import escpos_text as et
from printing.layouts import (
    Row,
    Text,
    compose,
    receipt_blocks,
    render_job,
    render_receipt,
    render_ticket,
    ticket_blocks,
)
from printing.profile import PrinterProfile

CODE = "MP1-ABCDEFGHIJKLMNOPQRSTUVWX"
RASTER = b"\x1dv0\x00"
NATIVE_QR = b"\x1d(k"


def gbk(text: str) -> bytes:
    return b"\x1c&" + text.encode("gbk") + b"\x1c."


def ticket(**changes) -> TicketDoc:
    base = dict(venue_name="门票景区", ticket_type_name="成人票", visit_date="2026-11-21",
                price_fen=10000, order_no="W01-20261121-0007", code=CODE)
    return TicketDoc(**{**base, **changes})


def receipt(**changes) -> ReceiptDoc:
    lines = [{"name": "成人票", "qty": 2, "unit_fen": 10000, "amount_fen": 20000}]
    base = dict(venue_name="门票景区", order_no="W01-20261121-0007", lines=lines,
                total_fen=20000, tendered_fen=25000, change_fen=5000, payment_method="cash",
                clerk="clerk1", terminal="01", printed_at="2026-11-21 10:00:00",
                kick_drawer=True)
    return ReceiptDoc(**{**base, **changes})


def test_ticket_bytes_have_chinese_in_gbk_price_code_qr_and_a_cut():
    data = render_ticket(ticket())
    assert data.startswith(et.INIT)
    for text in ("门票景区", "成人票", "游玩日期", "票价", "订单号"):
        assert gbk(text) in data
    assert b"\x1c&" + "当日有效，一人一票".encode("gbk") in data
    assert gbk("￥") + b"100.00" in data
    assert b"W01-20261121-0007" in data and CODE.encode() in data
    assert RASTER in data and NATIVE_QR not in data  # QR as an image by default
    assert data.rstrip(b"\x00").endswith(et.CUT)
    assert et.DRAWER_PULSE not in data
    assert "重打".encode("gbk") not in data


def test_ticket_never_goes_through_a_code_page_guess():
    assert b"\x1bt" not in render_ticket(ticket())  # no ESC t code page switching


def test_the_yuan_sign_is_always_full_width_on_paper():
    data = compose([Text("¥5.00"), Row("票价", "¥5.00")])
    assert data.count(gbk("￥") + b"5.00") == 2


def test_reprint_mark_and_pass_uses():
    data = render_ticket(ticket(reprint_no=3, uses_total=12, ticket_type_name="年卡"))
    assert gbk("重打") + b" 3" in data
    assert b"12 " + gbk("次") in data


def test_native_qr_when_the_profile_says_so():
    data = render_ticket(ticket(), PrinterProfile(qr_native=True))
    assert NATIVE_QR + b"\x1f\x00\x31\x50\x30" + CODE.encode() in data  # store the data
    assert NATIVE_QR + b"\x03\x00\x31\x51\x30" in data  # print it
    assert RASTER not in data


@pytest.mark.parametrize(("paper_mm", "columns"), [(80, 48), (58, 32)])
def test_rules_and_rows_span_the_paper(paper_mm, columns):
    data = render_ticket(ticket(), PrinterProfile(paper_mm=paper_mm))
    assert b"-" * columns + b"\n" in data
    assert b"-" * (columns + 1) not in data
    price_line = next(line for line in data.split(b"\n") if gbk("票价") in line)
    text = price_line[price_line.index(gbk("票价")):]
    shown = text.replace(b"\x1c&", b"").replace(b"\x1c.", b"").decode("gbk")
    assert et.display_width(shown) == columns


def test_encodings_other_than_gbk():
    assert b"\x1c&" + "成人票".encode("gb18030") + b"\x1c." in render_ticket(
        ticket(), PrinterProfile(encoding="gb18030"))
    assert b"\x1c&" + "成人票".encode("big5") + b"\x1c." in render_ticket(
        ticket(), PrinterProfile(encoding="big5"))


def test_chinese_as_image_sends_no_kanji_bytes():
    data = render_ticket(ticket(), PrinterProfile(chinese_as_image=True))
    assert b"\x1c&" not in data
    assert data.count(RASTER) >= 8  # every Chinese line, plus the QR
    assert CODE.encode() in data  # ASCII lines stay text


def test_receipt_bytes_have_lines_totals_change_and_the_drawer_pulse_first():
    data = render_receipt(receipt())
    assert data.index(et.DRAWER_PULSE) < data.index(gbk("门票景区"))
    assert b"2 " + gbk("×") + b" " + gbk("￥") + b"100.00 = " + gbk("￥") + b"200.00" in data
    for text in ("合计", "实收（现金）", "找零", "收银员", "终端", "时间"):
        assert gbk(text) in data
    assert gbk("￥") + b"50.00" in data and b"clerk1" in data
    assert data.rstrip(b"\x00").endswith(et.CUT)


def test_receipt_without_cash_has_no_drawer_pulse():
    data = render_receipt(receipt(kick_drawer=False, payment_method="alipay"))
    assert et.DRAWER_PULSE not in data
    assert gbk("实收（支付宝）") in data


def test_layouts_are_data():
    blocks = ticket_blocks(ticket())
    assert Text("门票景区", "center", 2, True) in blocks
    assert Row("票价", "￥100.00", emphasised=True) in blocks
    assert any(isinstance(b, Row) and b.left == "找零" for b in receipt_blocks(receipt()))
    assert compose([Text("你好")]) == et.INIT + et.LINE_SPACING_DEFAULT + et.align("left") \
        + gbk("你好") + b"\n"


def test_render_job_by_kind():
    assert render_job("ticket", ticket().to_dict(), PrinterProfile()) == render_ticket(ticket())
    assert render_job("receipt", receipt().to_dict(), PrinterProfile()) == \
        render_receipt(receipt())
    assert et.DRAWER_PULSE in render_job("drawer", {}, PrinterProfile())
    with pytest.raises(ValueError, match="暂不支持"):
        render_job("label", {}, PrinterProfile())


def test_bad_profiles_are_refused_in_chinese():
    with pytest.raises(ValueError, match="纸宽"):
        PrinterProfile(paper_mm=76)
    with pytest.raises(ValueError, match="编码"):
        PrinterProfile(encoding="utf-8")

"""Tickets on a real ESC/POS printer (emupos over TCP): Chinese text, price, QR code."""

import io

import pytest
import zxingcpp
from emupos_io import send
from PIL import Image

from app.domain.print_docs import TicketDoc
from printing.layouts import render_ticket
from printing.profile import PrinterProfile

pytestmark = pytest.mark.printer

CODE = "MP1-ABCDEFGHIJKLMNOPQRSTUVWX"


def ticket(**changes) -> TicketDoc:
    base = dict(venue_name="门票景区", ticket_type_name="成人票", visit_date="2026-11-21",
                price_fen=10000, order_no="W01-20261121-0007", code=CODE)
    return TicketDoc(**{**base, **changes})


def qr_texts(png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(png)).convert("L")
    return [code.text for code in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_ticket_prints_chinese_price_order_and_scannable_code(emupos, paper_mm):
    printer = emupos.printer(paper_mm)
    send(printer.uri, render_ticket(ticket(), PrinterProfile(paper_mm=paper_mm)))

    (receipt,) = printer.new_receipts(1)
    text = printer.text(receipt["id"])
    assert receipt["boundary"] == "cut"  # one ticket, one piece of paper
    assert receipt["width_dots"] == (576 if paper_mm == 80 else 384)
    for expected in ("门票景区", "成人票", "游玩日期", "2026-11-21", "￥100.00",
                     "W01-20261121-0007", CODE, "当日有效"):
        assert expected in text
    assert "重打" not in text
    assert qr_texts(printer.image(receipt["id"])) == [CODE]


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_no_line_is_wider_than_the_paper(emupos, paper_mm):
    """emupos wraps an over-long line by itself; a wrap would show as an extra, split line."""
    printer = emupos.printer(paper_mm)
    long_type = ticket(ticket_type_name="亲子套票·儿童票", order_no="OTA_CTRIP-1234567890123",
                       notice="当日有效，一人一票，凭码入园；请妥善保管，勿折叠。" * 2)
    send(printer.uri, render_ticket(long_type, PrinterProfile(paper_mm=paper_mm)))

    (receipt,) = printer.new_receipts(1)
    lines = printer.text(receipt["id"]).splitlines()
    columns = 48 if paper_mm == 80 else 32
    assert all(len(line.encode("gbk")) <= columns for line in lines)
    assert any("OTA_CTRIP-1234567890123" in line for line in lines)


def test_reprint_shows_its_number(emupos):
    printer = emupos.front
    send(printer.uri, render_ticket(ticket(reprint_no=2)))

    (receipt,) = printer.new_receipts(1)
    assert "重打 2" in printer.text(receipt["id"])


def test_native_qr_when_the_profile_supports_it(emupos):
    printer = emupos.front
    send(printer.uri, render_ticket(ticket(), PrinterProfile(qr_native=True)))

    (receipt,) = printer.new_receipts(1)
    assert f"[qr {CODE}]" in printer.text(receipt["id"])  # GS ( k, not an image
    assert qr_texts(printer.image(receipt["id"])) == [CODE]


def test_gb18030_printer_gets_the_same_chinese(emupos):
    printer = emupos.front
    send(printer.uri, render_ticket(ticket(), PrinterProfile(encoding="gb18030")))

    (receipt,) = printer.new_receipts(1)
    assert "成人票" in printer.text(receipt["id"])


def test_chinese_as_image_for_printers_without_a_chinese_font(emupos):
    printer = emupos.narrow
    send(printer.uri, render_ticket(ticket(), PrinterProfile(paper_mm=58, chinese_as_image=True)))

    (receipt,) = printer.new_receipts(1)
    text = printer.text(receipt["id"])
    assert "成人票" not in text and "[image 384x" in text  # Chinese lines are pictures
    assert CODE in text  # ASCII lines stay text
    assert qr_texts(printer.image(receipt["id"])) == [CODE]


@pytest.mark.parametrize("paper_mm", [80, 58])
def test_a_package_ticket_prints_the_set_price_and_its_place(emupos, paper_mm):
    """Issue 12: the child ticket of a ¥130 亲子套票 reads 套票价 ￥130.00/套, never its ¥43.33
    share, and says which of the order's tickets it is."""
    printer = emupos.printer(paper_mm)
    child = ticket(ticket_type_name="亲子套票·儿童票", price_fen=4333, package_name="亲子套票",
                   package_price_fen=13000, package_size=2, number=2, count=4)
    send(printer.uri, render_ticket(child, PrinterProfile(paper_mm=paper_mm)))

    (receipt,) = printer.new_receipts(1)
    lines = printer.text(receipt["id"]).splitlines()
    price = next(line for line in lines if "套票价" in line)
    assert "￥130.00/套（2 张）" in price
    assert not any("43.33" in line or line.startswith("票价") for line in lines)
    assert any("本单" in line and "第 2/4 张" in line for line in lines)

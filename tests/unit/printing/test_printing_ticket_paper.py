"""What a ticket says about money and its order (issue 12): a package component prints its
package's price per set, never its allocated share; every ticket says which of the order's
tickets it is (第 i/N 张)."""

from app.domain.print_docs import TicketDoc
from printing.escpos_text import encode_text
from printing.layouts import render_ticket, ticket_blocks

CODE = "MP1-ABCDEFGHIJKLMNOPQRSTUVWX"


def gbk(text: str) -> bytes:
    """`text` as the ticket's bytes carry it (Chinese runs in FS & … FS ., ASCII as is)."""
    return encode_text(text)


def family_child(**changes) -> TicketDoc:
    """The child ticket of a ¥130 亲子套票, as the sale queues it (its share is ¥43.33)."""
    base = dict(venue_name="门票景区", ticket_type_name="亲子套票·儿童票",
                visit_date="2026-11-21", price_fen=4333, order_no="W01-20261121-0007",
                code=CODE, package_name="亲子套票", package_price_fen=13000, package_size=2,
                number=2, count=4)
    return TicketDoc(**{**base, **changes})


def test_a_package_ticket_prints_the_set_price_not_its_share():
    data = render_ticket(family_child())
    assert b"43.33" not in data and b"86.67" not in data
    assert gbk("套票价") in data
    assert gbk("￥130.00/套（2 张）") in data
    assert gbk("票价") not in data  # no line that reads as this ticket's own price


def test_a_plain_ticket_keeps_its_price():
    data = render_ticket(family_child(ticket_type_name="成人票", price_fen=10000,
                                      package_name="", package_price_fen=0, package_size=0))
    assert gbk("票价") in data and gbk("￥") + b"100.00" in data
    assert gbk("套票价") not in data


def test_every_ticket_says_its_place_in_the_order():
    data = render_ticket(family_child())
    assert gbk("本单") in data and gbk("第 2/4 张") in data


def test_a_document_queued_before_places_existed_prints_no_place():
    old = {k: v for k, v in family_child().to_dict().items()
           if k not in ("number", "count", "package_name", "package_price_fen", "package_size")}
    blocks = ticket_blocks(TicketDoc.from_dict(old))
    assert not any("本单" in getattr(b, "left", "") for b in blocks)
    assert any(getattr(b, "left", "") == "票价" for b in blocks)  # as it printed then


def test_the_set_price_and_place_fit_a_58_mm_ticket():
    from printing.profile import PrinterProfile

    data = render_ticket(family_child(number=12, count=200), PrinterProfile(paper_mm=58))
    assert gbk("第 12/200 张") in data
    (line,) = [ln for ln in data.split(b"\n") if gbk("套票价") in ln]
    assert b"130.00" in line  # label and price share one line of 32 columns

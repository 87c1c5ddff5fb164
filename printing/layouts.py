"""Ticket and receipt layouts → ESC/POS bytes.

A layout is a small function that turns a document (`app.domain.print_docs`) into a list of
blocks — plain values such as `Text`, `Row`, `Qr`, `Cut` — and `compose` turns blocks into
bytes for one printer profile. New documents (refund slip, shift report) are new block lists;
printer quirks live in `compose` only.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.money import format_fen_paper
from app.domain.print_docs import ReceiptDoc, TicketDoc

from . import escpos_text as et
from .escpos_text import Align
from .profile import PrinterProfile
from .raster import qr_image, qr_native, raster, text_image

DEFAULT_PROFILE = PrinterProfile()
PAYMENT_METHOD_LABELS = {"cash": "现金", "wechat": "微信支付", "alipay": "支付宝",
                         "ota": "OTA 平台", "voucher": "代金券"}


# --- blocks ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Text:
    """A paragraph, wrapped to the paper width. `scale` 2 is double width and height."""

    text: str
    where: Align = "left"
    scale: int = 1
    emphasised: bool = False


@dataclass(frozen=True)
class Row:
    """`left` flush left and `right` flush right (on two lines when they do not fit)."""

    left: str
    right: str
    emphasised: bool = False


@dataclass(frozen=True)
class Rule:
    """A full-width line of `char`."""

    char: str = "-"


@dataclass(frozen=True)
class Qr:
    """A centred QR code of ASCII `data`."""

    data: str


@dataclass(frozen=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class Cut:
    """Feed past the cutter and cut: the end of one piece of paper."""


@dataclass(frozen=True)
class KickDrawer:
    """Pulse the cash drawer connector."""


Block = Text | Row | Rule | Qr | Feed | Cut | KickDrawer


# --- layouts ----------------------------------------------------------------------------------

def reprint_mark(reprint_no: int) -> list[Block]:
    """`重打 N` in large type when the document is a reprint."""
    return [Text(f"重打 {reprint_no}", "center", 2, True)] if reprint_no > 0 else []


def ticket_blocks(doc: TicketDoc) -> list[Block]:
    """The admission ticket: venue, type, date, price, order, QR + code, notice."""
    uses = [Row("可用次数", f"{doc.uses_total} 次")] if doc.uses_total > 1 else []
    return [
        Text(doc.venue_name, "center", 2, True),
        Text(doc.ticket_type_name, "center", 2),
        *reprint_mark(doc.reprint_no),
        Rule(),
        Row("游玩日期", doc.visit_date),
        Row("票价", format_fen_paper(doc.price_fen), emphasised=True),
        *uses,
        Row("订单号", doc.order_no),
        Feed(),
        Qr(doc.code),
        Text(doc.code, "center"),
        Rule(),
        Text(doc.notice),
        Cut(),
    ]


def receipt_blocks(doc: ReceiptDoc) -> list[Block]:
    """The cash receipt: lines (qty × unit = amount), total, tendered, change, who, where, when."""
    kick: list[Block] = [KickDrawer()] if doc.kick_drawer else []
    visit = [Row("游玩日期", doc.visit_date)] if doc.visit_date else []
    method = PAYMENT_METHOD_LABELS.get(doc.payment_method, doc.payment_method)
    return [
        *kick,
        Text(doc.venue_name, "center", 2, True),
        Text("购票收据", "center"),
        *reprint_mark(doc.reprint_no),
        Row("订单号", doc.order_no),
        *visit,
        Rule(),
        *(block for line in doc.receipt_lines() for block in _receipt_line(line)),
        Rule(),
        Row("合计", format_fen_paper(doc.total_fen), emphasised=True),
        Row(f"实收（{method}）", format_fen_paper(doc.tendered_fen)),
        Row("找零", format_fen_paper(doc.change_fen), emphasised=True),
        Rule(),
        Row("收银员", doc.clerk),
        Row("终端", doc.terminal),
        Row("时间", doc.printed_at),
        Feed(),
        Text("请妥善保管，退票时出示。", "center"),
        Cut(),
    ]


def _receipt_line(line: Any) -> list[Block]:
    amounts = (f"{line.qty} × {format_fen_paper(line.unit_fen)}"
               f" = {format_fen_paper(line.amount_fen)}")
    return [Row(line.name, amounts)]


# --- composing bytes --------------------------------------------------------------------------

def compose(blocks: Iterable[Block], profile: PrinterProfile = DEFAULT_PROFILE) -> bytes:
    """ESC/POS bytes of `blocks` for `profile`, starting from a reset printer."""
    out = bytearray(et.INIT + et.LINE_SPACING_DEFAULT)
    for block in blocks:
        out += _EMITTERS[type(block)](block, profile)
    return bytes(out)


def _lines(lines: list[str], profile: PrinterProfile, *, where: Align = "left", scale: int = 1,
           emphasised: bool = False) -> bytes:
    if profile.chinese_as_image and any(not line.isascii() for line in lines):
        columns = profile.columns
        return et.align("left") + b"".join(
            raster(text_image(line, columns, scale=scale, where=where, emphasised=emphasised))
            for line in lines)
    body = b"".join(et.encode_text(line, profile.encoding) + et.LF for line in lines)
    if scale == 1 and not emphasised:
        return et.align(where) + body
    return (et.align(where) + et.size(scale) + et.bold(emphasised) + body
            + et.size(1) + et.bold(False))


def _emit_text(block: Text, profile: PrinterProfile) -> bytes:
    text = et.normalize(block.text, profile.encoding)
    lines = et.wrap(text, profile.columns // block.scale)
    return _lines(lines, profile, where=block.where, scale=block.scale,
                  emphasised=block.emphasised)


def _emit_row(block: Row, profile: PrinterProfile) -> bytes:
    left = et.normalize(block.left, profile.encoding)
    right = et.normalize(block.right, profile.encoding)
    lines = et.two_columns(left, right, profile.columns)
    return _lines(lines, profile, emphasised=block.emphasised)


def _emit_rule(block: Rule, profile: PrinterProfile) -> bytes:
    char = block.char if len(block.char) == 1 and block.char.isascii() else "-"
    return et.align("left") + (char * profile.columns).encode("ascii") + et.LF


def _emit_qr(block: Qr, profile: PrinterProfile) -> bytes:
    if profile.qr_native:
        return et.align("center") + qr_native(block.data) + et.LF
    return et.align("center") + raster(qr_image(block.data))


def _emit_feed(block: Feed, profile: PrinterProfile) -> bytes:
    return et.feed(block.lines)


def _emit_cut(block: Cut, profile: PrinterProfile) -> bytes:
    return et.align("left") + et.CUT


def _emit_kick(block: KickDrawer, profile: PrinterProfile) -> bytes:
    return et.DRAWER_PULSE


_EMITTERS: Mapping[type, Callable[[Any, PrinterProfile], bytes]] = {
    Text: _emit_text, Row: _emit_row, Rule: _emit_rule, Qr: _emit_qr, Feed: _emit_feed,
    Cut: _emit_cut, KickDrawer: _emit_kick,
}


# --- documents ------------------------------------------------------------------------------

def render_ticket(doc: TicketDoc, profile: PrinterProfile = DEFAULT_PROFILE) -> bytes:
    """ESC/POS bytes of one ticket, ending with a cut."""
    return compose(ticket_blocks(doc), profile)


def render_receipt(doc: ReceiptDoc, profile: PrinterProfile = DEFAULT_PROFILE) -> bytes:
    """ESC/POS bytes of one receipt, ending with a cut; a drawer pulse first when asked."""
    return compose(receipt_blocks(doc), profile)


def drawer_kick() -> bytes:
    """Only the cash drawer pulse (print job kind `drawer`)."""
    return et.INIT + et.DRAWER_PULSE


def sample_docs() -> tuple[TicketDoc, ReceiptDoc]:
    """A ticket and a receipt with plausible data, for the test page and previews."""
    ticket = TicketDoc(venue_name="门票景区", ticket_type_name="成人票", visit_date="2026-11-21",
                       price_fen=10000, order_no="W01-20261121-0001",
                       code="MP1-SAMPLETESTPAGE234567ABCDEF")
    lines = [{"name": "成人票", "qty": 2, "unit_fen": 10000, "amount_fen": 20000},
             {"name": "儿童票", "qty": 1, "unit_fen": 5000, "amount_fen": 5000}]
    receipt = ReceiptDoc(venue_name="门票景区", order_no=ticket.order_no, lines=lines,
                         total_fen=25000, tendered_fen=30000, change_fen=5000,
                         payment_method="cash", clerk="测试页", terminal="01",
                         printed_at="2026-11-21 10:00:00", visit_date=ticket.visit_date,
                         kick_drawer=False)
    return ticket, receipt


def render_sample(profile: PrinterProfile = DEFAULT_PROFILE) -> bytes:
    """The test page: a sample ticket then a sample receipt (no drawer pulse)."""
    ticket, receipt = sample_docs()
    header = [Text("打印测试页", "center", 2, True),
              Text(f"纸宽 {profile.paper_mm} 毫米 · {profile.columns} 列 · {profile.encoding}",
                   "center"),
              Text(("1234567890" * 5)[: profile.columns])]
    blocks = [*header, Rule("="), *ticket_blocks(ticket), *receipt_blocks(receipt)]
    return compose(blocks, profile)


Renderer = Callable[[Mapping[str, Any], PrinterProfile], bytes]
RENDERERS: Mapping[str, Renderer] = {
    "ticket": lambda payload, profile: render_ticket(TicketDoc.from_dict(dict(payload)), profile),
    "receipt": lambda payload, profile: render_receipt(ReceiptDoc.from_dict(dict(payload)),
                                                       profile),
    "drawer": lambda payload, profile: drawer_kick(),
    "sample": lambda payload, profile: render_sample(profile),
}


def render_job(kind: str, payload: Mapping[str, Any], profile: PrinterProfile) -> bytes:
    """Bytes of a print job of `kind`; `ValueError` (Chinese) for a kind with no layout yet."""
    renderer = RENDERERS.get(kind)
    if renderer is None:
        raise ValueError(f"暂不支持打印“{kind}”类型的单据")
    return renderer(payload, profile)

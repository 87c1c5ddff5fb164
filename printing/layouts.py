"""Ticket, receipt, refund slip and shift report layouts → ESC/POS bytes (the void slip:
`printing.void_slip`).

A layout is a small function that turns a document (`app.domain.print_docs`) into a list of
blocks — plain values such as `Text`, `Row`, `Qr`, `Cut` — and `compose` turns blocks into
bytes for one printer profile. New documents (refund slip, shift report) are new block lists;
printer quirks live in `compose` only.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.money import format_fen_paper
from app.domain.print_docs import (
    ReceiptDoc,
    RefundSlipDoc,
    ShiftReportDoc,
    TicketDoc,
    VoidSlipDoc,
)

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


def ticket_price(doc: TicketDoc) -> Row:
    """票价 ￥100.00; a package component: the set's price, 套票价 ￥130.00/套（2 张）.

    A component's own share of the package (¥86.67 of ¥130) is an allocation for the books
    (refunds, reports), not a price anyone was quoted: on paper it would read as the price of
    a 成人票 and make two tickets look like two prices. Every ticket of the set says what the
    visitor paid for the set, marked as such, so no one adds it up per ticket."""
    if not doc.package_name:
        return Row("票价", format_fen_paper(doc.price_fen), emphasised=True)
    size = f"（{doc.package_size} 张）" if doc.package_size > 1 else ""
    return Row("套票价", f"{format_fen_paper(doc.package_price_fen)}/套{size}", emphasised=True)


def ticket_place(doc: TicketDoc) -> list[Block]:
    """本单 第 2/4 张: which of the order's tickets this is (nothing for an older document)."""
    return [Row("本单", f"第 {doc.number}/{doc.count} 张")] if doc.number and doc.count else []


def ticket_blocks(doc: TicketDoc) -> list[Block]:
    """The admission ticket: venue, type, date, price (a package's, per set), order and the
    ticket's place in it (i/N), QR + code, notice."""
    uses = [Row("可用次数", f"{doc.uses_total} 次")] if doc.uses_total > 1 else []
    return [
        Text(doc.venue_name, "center", 2, True),
        Text(doc.ticket_type_name, "center", 2),
        *reprint_mark(doc.reprint_no),
        Rule(),
        Row("游玩日期", doc.visit_date),
        ticket_price(doc),
        *uses,
        Row("订单号", doc.order_no),
        *ticket_place(doc),
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


def refund_slip_blocks(doc: RefundSlipDoc) -> list[Block]:
    """The refund slip: tickets (paid − fee = refund), the rule in words, fee rate, fees, the
    amount paid back and how, approvals, who, where, when."""
    kick: list[Block] = [KickDrawer()] if doc.kick_drawer else []
    method = PAYMENT_METHOD_LABELS.get(doc.method, doc.method)
    approvals = [Row("审批", name) for name in doc.approvals]
    reason = [Row("退票原因", doc.reason)] if doc.reason else []
    return [
        *kick,
        Text(doc.venue_name, "center", 2, True),
        Text("退票凭证", "center"),
        Row("订单号", doc.order_no),
        Row("退票单号", doc.refund_no),
        Rule(),
        *(block for item in doc.tickets for block in _refund_line(item)),
        Rule(),
        Text(f"退票规则：{doc.rule_text}"),
        Row("手续费率", fee_rate(doc.fee_rate_bp)),
        Row("手续费", format_fen_paper(doc.fee_fen)),
        Row("支付通道费", format_fen_paper(doc.payment_fee_fen)),
        Row(f"退款金额（{method}）", format_fen_paper(doc.refund_fen), emphasised=True),
        *reason,
        *approvals,
        Rule(),
        Row("收银员", doc.clerk),
        Row("终端", doc.terminal),
        Row("时间", doc.printed_at),
        Feed(),
        Text("退款已办理，请当面点清。", "center"),
        Cut(),
    ]


def fee_rate(bp: int) -> str:
    """Basis points as a percentage for paper: 2000 → 20%, 1250 → 12.5%."""
    whole, part = divmod(bp, 100)
    return f"{whole}%" if part == 0 else f"{whole}.{part:02d}".rstrip("0") + "%"


def _refund_line(item: Any) -> list[Block]:
    return [Row(str(item["name"]), str(item.get("code", ""))),
            Row("  实付 / 手续费", f"{format_fen_paper(item['paid_fen'])} / "
                                f"{format_fen_paper(item['fee_fen'])}"),
            Row("  退款", format_fen_paper(item["refund_fen"]))]


def signed_fen(fen: int) -> str:
    """+￥1.00 / -￥1.00 / ￥0.00."""
    sign = "+" if fen > 0 else "-" if fen < 0 else ""
    return sign + format_fen_paper(abs(fen))


def variance_label(fen: int) -> str:
    """长款 (more cash than expected), 短款 (less), 无差异."""
    return "长款" if fen > 0 else "短款" if fen < 0 else "无差异"


def denomination_label(fen: int) -> str:
    """10000 → 100元, 50 → 5角, 1 → 1分."""
    if fen % 100 == 0:
        return f"{fen // 100}元"
    return f"{fen // 10}角" if fen % 10 == 0 else f"{fen}分"


def take_over_rows(doc: ShiftReportDoc) -> list[Block]:
    """Who closed another clerk's shift, and why (a supervisor's take-over)."""
    if not doc.closed_by or doc.closed_by == doc.clerk:
        return []
    return [Row("代交班", doc.closed_by), Text(f"原因：{doc.close_reason}")]


def shift_report_blocks(doc: ShiftReportDoc) -> list[Block]:
    """The Z report: sales by method, refunds, cash in/out, expected vs counted, variance."""
    noncash = [Row(f"{PAYMENT_METHOD_LABELS.get(s['method'], s['method'])} {s['count']} 笔",
                   format_fen_paper(s["amount_fen"])) for s in doc.noncash_sales]
    moves = [Row(f"{'存入' if m['kind'] == 'in' else '取出'}：{m['reason']}",
                 signed_fen(m["amount_fen"] if m["kind"] == "in" else -m["amount_fen"]))
             for m in doc.movements]
    counted = [Row(f"{denomination_label(c['denomination_fen'])} × {c['count']}",
                   format_fen_paper(c["denomination_fen"] * c["count"]))
               for c in doc.counted if c["count"]]
    return [
        Text(doc.venue_name, "center", 2, True),
        Text("交接班报表（Z）", "center", 1, True),
        *reprint_mark(doc.reprint_no),
        Row("终端", doc.terminal),
        Row("收银员", doc.clerk),
        Row("开班", doc.opened_at),
        Row("交班", doc.closed_at),
        *take_over_rows(doc),
        Rule(),
        Row("备用金", format_fen_paper(doc.float_fen)),
        Row(f"现金售票 {doc.cash_sales_count} 笔", format_fen_paper(doc.cash_sales_fen)),
        Row(f"现金退票 {doc.refunds_count} 笔", signed_fen(-doc.refunds_fen)),
        Row("存入现金", format_fen_paper(doc.cash_in_fen)),
        Row("取出现金", format_fen_paper(doc.cash_out_fen)),
        *moves,
        Row("应有现金", format_fen_paper(doc.expected_fen), emphasised=True),
        Rule(),
        Text("非现金收款"),
        *(noncash or [Text("无")]),
        Rule(),
        Text("清点现金"),
        *counted,
        Row("实点现金", format_fen_paper(doc.counted_fen), emphasised=True),
        Row(f"差额（{variance_label(doc.variance_fen)}）", signed_fen(doc.variance_fen),
            emphasised=True),
        Rule(),
        Row("打印时间", doc.printed_at or doc.closed_at),
        Feed(),
        Text("交班人签字：", "left"),
        Feed(2),
        Text("接班人签字：", "left"),
        Feed(),
        Cut(),
    ]


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
                       code="MP1-SAMPLETESTPAGE234567ABCDEF", number=1, count=3)
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
    "refund_slip": lambda payload, profile: compose(
        refund_slip_blocks(RefundSlipDoc.from_dict(dict(payload))), profile),
    "shift_report": lambda payload, profile: compose(
        shift_report_blocks(ShiftReportDoc.from_dict(dict(payload))), profile),
    "void_slip": lambda payload, profile: _void_slip(payload, profile),
    "day_report": lambda payload, profile: _day_report(payload, profile),
    "drawer": lambda payload, profile: drawer_kick(),
    "sample": lambda payload, profile: render_sample(profile),
}


def _void_slip(payload: Mapping[str, Any], profile: PrinterProfile) -> bytes:
    from .void_slip import void_slip_blocks  # built of the blocks above: imported late

    return compose(void_slip_blocks(VoidSlipDoc.from_dict(dict(payload))), profile)


def _day_report(payload: Mapping[str, Any], profile: PrinterProfile) -> bytes:
    from app.domain.print_docs import DayReportDoc

    from .day_report import day_report_blocks  # built of the blocks above: imported late

    return compose(day_report_blocks(DayReportDoc.from_dict(dict(payload))), profile)


def render_job(kind: str, payload: Mapping[str, Any], profile: PrinterProfile) -> bytes:
    """Bytes of a print job of `kind`; `ValueError` (Chinese) for a kind with no layout."""
    renderer = RENDERERS.get(kind)
    if renderer is None:
        raise ValueError(f"暂不支持打印“{kind}”类型的单据")
    return renderer(payload, profile)

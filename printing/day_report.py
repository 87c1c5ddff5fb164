"""The printed day report (日结报表, print job kind `day_report`): the day-close figures of
one venue-local day on the ESC/POS printer — totals, payment methods, channels, every window's
shifts with their cash and variance, and how many discrepancies are still open — for finance
to sign and file with the day's cash."""

from typing import Any

from app.domain.day_close_labels import DISCREPANCY_LABELS_ZH, REPORT_CHANNELS_ZH
from app.domain.money import format_fen_paper
from app.domain.print_docs import DayReportDoc

from .layouts import (
    PAYMENT_METHOD_LABELS,
    Block,
    Cut,
    Feed,
    Row,
    Rule,
    Text,
    reprint_mark,
    signed_fen,
    variance_label,
)


def day_report_blocks(doc: DayReportDoc) -> list[Block]:
    """Venue, 日结报表 and the day, whether it is closed (by whom, when), the totals, the
    methods, the channels, the windows and shifts, the discrepancies, who printed it."""
    t = doc.totals
    state = (Row("已关账", f"{doc.closed_by} {doc.closed_at}") if doc.closed_by
             else Row("状态", "未关账"))
    return [
        Text(doc.venue_name, "center", 2, True),
        Text("日结报表", "center", 2, True),
        *reprint_mark(doc.reprint_no),
        Row("营业日", doc.date, emphasised=True),
        state,
        Rule("="),
        Text("合计", emphasised=True),
        Row("收款", format_fen_paper(t["paid_fen"])),
        Row("退款", signed_fen(-int(t["refunded_fen"]))),
        Row("净额", format_fen_paper(t["net_fen"]), emphasised=True),
        Row("应有现金", format_fen_paper(t["cash_expected_fen"])),
        Row("实点现金", format_fen_paper(t["cash_counted_fen"])),
        _variance(int(t["variance_fen"])),
        Rule(),
        Text("支付方式（净额；收 / 退）", emphasised=True),
        *(b for m in doc.methods for b in _money(PAYMENT_METHOD_LABELS.get(m["method"],
                                                                           m["method"]), m)),
        Rule(),
        Text("渠道（订单数，净额；收 / 退）", emphasised=True),
        *(b for c in doc.channels for b in _channel(c)),
        Rule(),
        Text("窗口与班次", emphasised=True),
        *(_windows(doc.windows) or [Text("当日没有班次")]),
        Rule(),
        *_discrepancies(doc),
        Rule(),
        Row("打印人", doc.printed_by),
        Row("打印时间", doc.printed_at),
        Feed(),
        Text("财务签字：", "left"),
        Feed(2),
        Cut(),
    ]


def _variance(fen: int) -> Row:
    return Row(f"差额（{variance_label(fen)}）", signed_fen(fen), emphasised=fen != 0)


def _money(label: str, m: dict[str, Any]) -> list[Block]:
    if not (m["paid_fen"] or m["refunded_fen"]):
        return [Row(label, format_fen_paper(0))]
    return [Row(label, format_fen_paper(m["net_fen"])),
            Row("  收 / 退", f"{format_fen_paper(m['paid_fen'])} / "
                            f"{format_fen_paper(m['refunded_fen'])}")]


def _channel(c: dict[str, Any]) -> list[Block]:
    label = f"{REPORT_CHANNELS_ZH.get(c['channel'], c['channel'])} {c['orders']} 单"
    return _money(label, c)


def _windows(windows: list[dict[str, Any]]) -> list[Block]:
    out: list[Block] = []
    for w in windows:
        for s in w["shifts"]:
            out += _shift(w["terminal"], s)
    return out


def _shift(terminal: str, s: dict[str, Any]) -> list[Block]:
    closed = s.get("closed_at") or "未交班"
    moved = int(s.get("cash_in_fen", 0)) - int(s.get("cash_out_fen", 0))
    head = [Row(f"终端 {terminal} {s['clerk']}", f"{s['opened_at']}-{closed}",
                emphasised=True),
            Row("  备用金", format_fen_paper(s["float_fen"])),
            Row("  现金售票", format_fen_paper(s["cash_sales_fen"])),
            Row("  现金退票", signed_fen(-int(s["cash_refunds_fen"]))),
            Row("  存取", signed_fen(moved)),
            Row("  应有现金", format_fen_paper(s["expected_fen"]))]
    if s.get("counted_fen") is None:
        return head + [Row("  实点现金", "未清点")]
    fen = int(s["variance_fen"])
    return head + [Row("  实点现金", format_fen_paper(s["counted_fen"])),
                   Row(f"  差额（{variance_label(fen)}）", signed_fen(fen),
                       emphasised=fen != 0)]


def _discrepancies(doc: DayReportDoc) -> list[Block]:
    total = sum(int(d["count"]) for d in doc.discrepancies)
    rows: list[Block] = [Row("待处理差异", f"{total} 项", emphasised=total > 0)]
    rows += [Row(f"  {DISCREPANCY_LABELS_ZH.get(d['kind'], d['kind'])}", f"{d['count']} 项")
             for d in doc.discrepancies]
    if doc.late_entries:
        rows.append(Row("日结后补录", f"{doc.late_entries} 笔"))
    return rows

"""`GET /reports/day-close/export?date=` (DESIGN.md §15): the day close — the very dict of
`day_close.day_close`, so the file and `GET /reports/day-close` cannot disagree — as an
`.xlsx` with the sheets

- 窗口班次: one row per shift (窗口, 售票员, 开班/交班 venue-local, 备用金, 现金销售, 现金退款,
  存入, 取出, 应有现金, 实点现金, 差异; counted and variance empty while a shift is open);
- 支付方式 and 渠道: paid, refunded, net (渠道 also its valid orders);
- 合计: the day, who closed it and when, then the totals;
- 差异: each discrepancy (its kind in Chinese, order, amount, reason);
- 日结后补录 (only for a closed day): the late entries and their totals.

Money is yuan with two decimals. The export is logged (`export_log`) with the number of
data rows over all sheets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.domain.day_close_labels import DISCREPANCY_LABELS_ZH as KIND_ZH
from app.domain.day_close_labels import LATE_LABELS_ZH as LATE_ZH
from app.domain.day_close_labels import METHOD_LABELS_ZH as METHOD_ZH
from app.domain.day_close_labels import REPORT_CHANNELS_ZH as CHANNEL_ZH
from app.domain.day_close_labels import TOTAL_LABELS_ZH
from app.domain.money import format_fen
from app.domain.venue import Venue

from . import day_close, export_log
from .xlsx_book import Book, Export

SHIFT_HEADERS = ("窗口", "售票员", "开班时间", "交班时间", "备用金(元)", "现金销售(元)",
                 "现金退款(元)", "存入(元)", "取出(元)", "应有现金(元)", "实点现金(元)", "差异(元)")
SHIFT_MONEY = ("float_fen", "cash_sales_fen", "cash_refunds_fen", "cash_in_fen", "cash_out_fen",
               "expected_fen", "counted_fen", "variance_fen")


def export_day_close(session: Session, day: str | None, *, actor: str, now: datetime,
                     venue: Venue) -> Export:
    """The day close of `day` as a workbook (ValidationError for a bad date), logged."""
    report = day_close.day_close(session, day, now=now, venue=venue)
    book = Book(venue)
    rows = (_shifts(book, report) + _methods(book, report) + _channels(book, report)
            + _totals(book, report) + _discrepancies(book, report))
    if report["closed_at"]:
        rows += _late(book, report)
    path = book.save()
    name = f"日结对账-{report['date'].replace('-', '')}.xlsx"
    try:
        export_log.record_export(session, actor=actor, what="day_close", rows=rows,
                                 filters={"date": report["date"]}, filename=name, now=now)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Export(path, rows, name)


def _shifts(book: Book, report: dict[str, Any]) -> int:
    ws = book.sheet("窗口班次", SHIFT_HEADERS, (8, 12, 20, 20) + (13,) * 8)
    n = 0
    for window in report["windows"]:
        for s in window["shifts"]:
            ws.append([window["terminal"], s["clerk"], book.local_time(ws, s["opened_at"]),
                       book.local_time(ws, s["closed_at"])]
                      + [book.money(ws, s[k]) for k in SHIFT_MONEY])
            n += 1
    return n


def _money_row(book: Book, ws: Any, row: dict[str, Any]) -> list[Any]:
    return [book.money(ws, row[k]) for k in ("paid_fen", "refunded_fen", "net_fen")]


def _methods(book: Book, report: dict[str, Any]) -> int:
    ws = book.sheet("支付方式", ("支付方式", "收款(元)", "退款(元)", "净额(元)"), (14, 14, 14, 14))
    for m in report["methods"]:
        ws.append([METHOD_ZH.get(m["method"], m["method"])] + _money_row(book, ws, m))
    return len(report["methods"])


def _channels(book: Book, report: dict[str, Any]) -> int:
    ws = book.sheet("渠道", ("渠道", "订单数", "收款(元)", "退款(元)", "净额(元)"),
                    (12, 10, 14, 14, 14))
    for c in report["channels"]:
        ws.append([CHANNEL_ZH.get(c["channel"], c["channel"]), c["orders"]]
                  + _money_row(book, ws, c))
    return len(report["channels"])


def _totals(book: Book, report: dict[str, Any]) -> int:
    ws = book.sheet("合计", ("项目", "数值"), (14, 24))
    ws.append(["日期", book.day(ws, report["date"])])
    ws.append(["日结人", report["closed_by"] or "未日结"])
    ws.append(["日结时间", book.local_time(ws, report["closed_at"])])
    for key, label in TOTAL_LABELS_ZH.items():
        ws.append([f"{label}(元)", book.money(ws, report["totals"][key])])
    return 3 + len(TOTAL_LABELS_ZH)


def _discrepancies(book: Book, report: dict[str, Any]) -> int:
    ws = book.sheet("差异", ("类型", "订单号", "金额(元)", "说明"), (22, 24, 12, 80))
    for d in report["discrepancies"]:
        ws.append([KIND_ZH.get(d["kind"], d["kind"]), d["order_no"],
                   book.money(ws, d["amount_fen"]), d["reason"]])
    return len(report["discrepancies"])


def _late(book: Book, report: dict[str, Any]) -> int:
    ws = book.sheet("日结后补录", ("类型", "订单号", "支付方式", "渠道", "窗口", "金额(元)",
                                   "发生时间", "说明"), (8, 24, 10, 10, 8, 12, 20, 80))
    for e in report["late_entries"]:
        ws.append([LATE_ZH.get(e["kind"], e["kind"]), e["order_no"],
                   METHOD_ZH.get(e["method"], e["method"]),
                   CHANNEL_ZH.get(e["channel"] or "", e["channel"]), e["terminal"],
                   book.money(ws, e["amount_fen"]), book.local_time(ws, e["at"]), e["reason"]])
    totals = report["late_totals"]
    ws.append(["合计", None, None, None, None, book.money(ws, totals["net_fen"]), None,
               f"补录收款 {format_fen(totals['paid_fen'])}，"
               f"补录退款 {format_fen(totals['refunded_fen'])}"])
    return len(report["late_entries"])

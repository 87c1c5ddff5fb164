"""Screenshots of 导出 Excel (issues 14, 15) for the docs, against the embedded central store:

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/export_screenshots.py docs/screenshots

5,000 orders (window sales and channel orders) in the store; finance exports them all with a
real worker thread: export-progress-busy.png while the store writes the file,
export-progress.png part-way through the download (KB of the announced size),
export-done.png the final notice, export-orders-xlsx.png the first rows of the workbook as
openpyxl reads them back (drawn in a table), and the same rows printed on stdout.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: seed_orders

from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem  # noqa: E402

from ui.screenshots import save, settle, wait_until  # noqa: E402

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)  # 10:00 at the scenic area
NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "欧阳明", "赵磊", "孙丽")
CHANNELS = ("miniprogram", "ota_ctrip", "ota_meituan", "website", "agency")


def fill(store: object, n: int) -> None:
    import sqlalchemy as sa
    from seed_orders import sell

    from app.domain.ids import channel_order_no, new_id, new_ticket_code
    from app.domain.venue import Venue
    from app.store.models import Order, Payment, Ticket

    db, visit = store.db, NOW.date() + timedelta(days=2)  # type: ignore[attr-defined]
    orders, tickets, payments = [], [], []
    for i in range(n):
        channel, at = CHANNELS[i % len(CHANNELS)], NOW - timedelta(minutes=3 + i)
        oid, no = new_id(), channel_order_no(channel, f"E{i:06d}")
        qty = 1 + i % 3
        orders.append({"order_id": oid, "order_no": no, "channel": channel,
                       "external_id": f"E{i:06d}", "visit_date": visit, "status": "paid",
                       "payment_state": "paid", "cancelled": False, "total_fen": 10000 * qty,
                       "paid_fen": 10000 * qty, "refunded_fen": 0,
                       "customer_name": NAMES[i % len(NAMES)],
                       "customer_phone": f"13{i % 10}{i:08d}", "created_at": at,
                       "updated_at": at})
        tickets += [{"ticket_id": new_id(), "order_id": oid, "position": p,
                     "code": new_ticket_code(), "ticket_type": "ADULT", "sold_as": "ADULT",
                     "name": "成人票", "kind": "regular", "price_fen": 10000,
                     "list_price_fen": 10000, "status": "valid", "uses_total": 1,
                     "uses_left": 1, "updated_at": at} for p in range(1, qty + 1)]
        payments.append({"payment_id": new_id(), "payment_no": f"{no}-P1", "order_id": oid,
                         "method": "ota" if channel.startswith("ota") else "wechat",
                         "amount_fen": 10000 * qty, "tendered_fen": 10000 * qty,
                         "change_fen": 0, "status": "succeeded", "provider": channel, "at": at})
    with db.session() as s, s.begin():
        s.execute(sa.insert(Order), orders)
        s.execute(sa.insert(Ticket), tickets)
        s.execute(sa.insert(Payment), payments)
    for lines in ((("ADULT", 2), ("CHILD", 1)), (("FAMILY", 1),), (("ADULT", 1),)):
        sell(db, NOW, Venue(), *lines)


def shown_as(cell: object) -> str:
    """A cell as Excel shows it under its number format."""
    value, fmt = getattr(cell, "value", None), getattr(cell, "number_format", "General")
    if value is None:
        return ""
    if fmt == "yyyy-mm-dd":
        return f"{value:%Y-%m-%d}"
    if fmt == "yyyy-mm-dd hh:mm:ss":
        return f"{value:%Y-%m-%d %H:%M:%S}"
    if fmt == "#,##0.00":
        return f"{value:,.2f}"
    return str(value)


def workbook_png(path: Path, out: Path, rows: int = 16) -> None:
    from openpyxl import load_workbook

    ws = load_workbook(path, read_only=True).active
    data = [[shown_as(c) for c in r] for r in ws.iter_rows(max_row=rows)]
    width = len(data[0])
    for r in data:
        print(" | ".join(r + [""] * (width - len(r))))
    table = QTableWidget(len(data) - 1, width)
    table.setHorizontalHeaderLabels(data[0])
    for i, row in enumerate(data[1:]):
        for j, text in enumerate(row):
            table.setItem(i, j, QTableWidgetItem(text))
    table.resizeColumnsToContents()
    table.resize(1366, 520)
    table.show()
    save(table, out / "export-orders-xlsx.png")
    table.close()


def take(out: Path) -> None:
    from app.services.admin.auth import UserInfo
    from server import embedded
    from sync import transport
    from ui import export_dialog, tasks
    from ui.app import load_stylesheet
    from ui.context import ClientContext
    from ui.i18n import install_translations

    app = QApplication.instance() or QApplication([])
    install_translations(app, "zh_CN")
    app.setStyleSheet(load_stylesheet())
    tasks.set_inline(False)
    transport.DOWNLOAD_CHUNK = 8 * 1024  # many progress steps to catch one
    with tempfile.TemporaryDirectory() as tmp:
        store = embedded.start(Path(tmp) / "store", lambda: NOW)
        fill(store, 5000)
        ctx = ClientContext(home=Path(tmp), clock=lambda: NOW)
        ctx.user = UserInfo("finance", "财务", "finance")
        ctx.store = transport.StoreClient(store.base_url)
        ctx.store.login("finance", "finance", None)
        dest = Path(tmp) / "订单导出-20261121-1000.xlsx"
        export_dialog.choose_path = lambda *_: str(dest)
        shots: dict[str, bool] = {}
        shown = export_dialog.ExportRunner._show_progress

        def capture(self, received: int, total: int) -> None:
            dialog = self.progress
            shown(self, received, total)
            if total > 0 and received > total * 0.4 and not shots.get("mid") and dialog:
                shots["mid"] = True  # grabbed now: the worker goes on meanwhile
                dialog.grab().save(str(out / "export-progress.png"))
                print(out / "export-progress.png")

        export_dialog.ExportRunner._show_progress = capture
        runner = export_dialog.export_orders(None, ctx, {})
        save(runner.progress, out / "export-progress-busy.png")
        wait_until(lambda: runner.state != "running", timeout=120)
        settle()
        save(runner.notice, out / "export-done.png")
        runner.notice.close()
        workbook_png(dest, out)
        ctx.store.close()
        store.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    take(parser.parse_args().out)

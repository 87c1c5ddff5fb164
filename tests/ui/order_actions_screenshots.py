"""Screenshots of the actions from an order (issue 14) for the docs, against the embedded store:

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/order_actions_screenshots.py docs/screenshots

order-actions.png: a supervisor's detail of an unpaid mini-program order (取消订单 and 标记异常
enabled, 退票 and 重打 disabled: hover says why); order-flag-batch.png: the Orders list with
three orders selected (Ctrl+A) and 批量标记异常 (Ctrl+M) open with its reason typed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtWidgets import QApplication  # noqa: E402

from ui.screenshots import save, settle, wait_until  # noqa: E402

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)  # 10:00 at the scenic area


def take(out: Path) -> None:
    from store_helpers import UiStore, connect

    from app.services.admin.auth import UserInfo
    from server import embedded
    from ui import tasks
    from ui.app import load_stylesheet, open_backend
    from ui.context import ClientContext
    from ui.i18n import install_translations
    from ui.views.orders_view import OrdersView

    app = QApplication.instance() or QApplication([])
    install_translations(app, "zh_CN")
    app.setStyleSheet(load_stylesheet())
    tasks.set_inline(True)
    with tempfile.TemporaryDirectory() as home:
        store = UiStore(embedded.start(Path(home) / "store", lambda: NOW), NOW)
        ctx = ClientContext(home=Path(home), clock=lambda: NOW)
        open_backend(ctx)
        ctx.user = UserInfo("supervisor", "值班主管", "supervisor")
        window = connect(ctx, store, "supervisor")
        try:
            unpaid = store.channel_order(paid=False)
            for _ in range(2):
                store.channel_order(paid=True, channel="ota_meituan")
            window.engine.sync_once()
            wait_until(lambda: ctx.sync.online)
            settle(0.2)
            view = OrdersView(ctx)
            view.resize(1366, 600)
            view.show()
            view.activateWindow()
            wait_until(lambda: view.model.rowCount() == 3)
            row = next(r for r in range(3)
                       if view.model.order(r)["order_no"] == unpaid["order_no"])
            view.open_detail(row)
            detail = view.detail
            wait_until(lambda: detail.timeline_result is not None)
            save(detail, out / "order-actions.png")
            detail.close()
            view.table.selectAll()
            view.batch_flag.open()
            dialog = view.batch_flag.dialog
            dialog.category.setCurrentIndex(0)
            dialog.reason.insert("同一游客重复下单，待核实是否为刷单")
            wait_until(dialog.isVisible)
            settle()
            composite = view.grab()
            from PySide6.QtGui import QColor, QPainter

            painter = QPainter(composite)
            at = dialog.mapTo(view, dialog.rect().topLeft()) if dialog.parent() is view \
                else dialog.geometry().topLeft() - view.geometry().topLeft()
            painter.drawPixmap(at, dialog.grab())
            painter.setPen(QColor("#8a94a6"))  # the window frame the desktop would draw
            painter.drawRect(at.x() - 1, at.y() - 1, dialog.width() + 1, dialog.height() + 1)
            painter.end()
            composite.save(str(out / "order-flag-batch.png"))
            print(out / "order-flag-batch.png")
            dialog.reject()
            view.close()
        finally:
            window.close()
            store.store.stop()
            ctx.db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    take(parser.parse_args().out)

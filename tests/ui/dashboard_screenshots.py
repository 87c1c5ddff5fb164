"""Screenshots of the 数据看板 on the embedded store (beside the UI tests: it drives the store
the way they do; `ui/` may not import the server):

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/dashboard_screenshots.py docs/screenshots

Channel orders of every channel are paid, a refund asked, a payment made twice and a ticket
admitted at two gates (anomalies); a supervisor's dashboard then grabs its three tabs:
dashboard.png, dashboard-refunds.png, dashboard-anomalies.png.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from store_helpers import UiStore  # noqa: E402

NOW = datetime(2026, 11, 21, 6, 30, tzinfo=UTC)  # 14:30 at the venue


def traffic(store: UiStore, client) -> None:
    for n, (channel, adults) in enumerate((("miniprogram", 2), ("ota_ctrip", 3),
                                           ("ota_meituan", 1), ("website", 4),
                                           ("agency", 6), ("miniprogram", 1),
                                           ("ota_meituan", 2))):
        order = store.channel_order(adults=adults, paid=True, channel=channel,
                                    phone=f"1390000{n:04d}")
    client.request_refund(order["order_no"], {
        "ticket_ids": [order["tickets"][0]["ticket_id"]], "method": "ota",
        "reason": "行程有变"}, uuid.uuid4().hex)
    store.duplicate_payment()
    store.duplicate_redemption()


def main() -> None:
    parser = argparse.ArgumentParser(prog="tests/ui/dashboard_screenshots.py")
    parser.add_argument("out", type=Path)
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    from PySide6.QtWidgets import QApplication

    from server import embedded
    from sync.transport import StoreClient
    from ui import tasks
    from ui.app import load_stylesheet, open_backend
    from ui.context import ClientContext
    from ui.i18n import install_translations
    from ui.views.dashboard.dashboard_view import DashboardView

    app = QApplication([])
    install_translations(app, "zh_CN")
    app.setStyleSheet(load_stylesheet())
    tasks.set_inline(True)
    with tempfile.TemporaryDirectory() as tmp:
        running = embedded.start(Path(tmp) / "store", lambda: NOW)
        try:
            store = UiStore(running, NOW)
            client = StoreClient(store.base)
            client.login("supervisor", "supervisor", None)
            traffic(store, client)
            from app.services.admin.auth import UserInfo

            ctx = ClientContext(home=Path(tmp) / "client", clock=lambda: NOW)
            open_backend(ctx)
            ctx.user = UserInfo("supervisor", "主管", "supervisor")
            ctx.store = client
            view = DashboardView(ctx)
            view.resize(1366, 900)
            view.show()
            for index, name in enumerate(("dashboard", "dashboard-refunds",
                                          "dashboard-anomalies")):
                view.tabs.setCurrentIndex(index)
                for _ in range(5):
                    app.processEvents()
                view.grab().save(str(out / f"{name}.png"))
            view.close()
            client.close()
            ctx.db.dispose()
        finally:
            running.stop()


if __name__ == "__main__":
    main()

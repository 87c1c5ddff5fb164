"""Screenshots of 日结对账 on the embedded store (beside the UI tests: it drives the store the
way they do; `ui/` may not import the server):

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/day_close_screenshots.py docs/screenshots

The test day of tests/ui/day_close_day.py (a ¥400 shortfall at window 01, window 02 still
open, WeChat and OTA orders not settled); finance's main window at 1366×768 on the figures
(day-close.png) and on the discrepancies (day-close-discrepancies.png), the close
confirmation (day-close-confirm.png), and the printed day report as this project's preview
printer renders it (day-report-preview.png; the emupos rendering is
day-report-print.png, from tests/integration/printing/test_emupos_day_report.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from day_close_day import build_day  # noqa: E402
from store_helpers import UiStore  # noqa: E402

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)  # 17:30 at the venue
SCREEN = (1366, 768)


def main() -> None:
    parser = argparse.ArgumentParser(prog="tests/ui/day_close_screenshots.py")
    parser.add_argument("out", type=Path)
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app.services.admin.auth import UserInfo
    from app.services.prints.day_report import day_report_doc
    from printing.layouts import render_job
    from printing.preview import PreviewRenderer
    from printing.profile import PrinterProfile
    from server import embedded
    from sync.transport import StoreClient
    from ui import tasks
    from ui.app import load_stylesheet, open_backend
    from ui.context import ClientContext
    from ui.i18n import install_translations
    from ui.main_window import MainWindow
    from ui.screenshots import save, settle

    app = QApplication([])
    install_translations(app, "zh_CN")
    app.setStyleSheet(load_stylesheet())
    tasks.set_inline(True)
    with tempfile.TemporaryDirectory() as tmp:
        running = embedded.start(Path(tmp) / "store", lambda: NOW)
        try:
            store = UiStore(running, NOW)
            build_day(store)
            client = StoreClient(store.base)
            client.login("finance", "finance", None)
            ctx = ClientContext(home=Path(tmp) / "client", clock=lambda: NOW)
            open_backend(ctx)
            ctx.user = UserInfo("finance", "财务", "finance")
            ctx.store = client
            window = MainWindow(ctx)
            window.setWindowState(Qt.WindowState.WindowNoState)  # not maximized: 1366×768
            window.resize(*SCREEN)
            window.move(0, 0)
            window.show()
            view = window.stack.currentWidget()
            settle()
            save(window, out / "day-close.png")
            view.tabs.setCurrentIndex(2)
            save(window, out / "day-close-discrepancies.png")
            view.tabs.setCurrentIndex(0)
            view.ask_close()
            settle()
            save(view.confirm_box, out / "day-close-confirm.png")
            view.confirm_box.reject()
            doc = day_report_doc(view.report, venue=ctx.venue(), now=NOW, printed_by="finance")
            renderer = PreviewRenderer(PrinterProfile())
            pages = renderer.feed(render_job("day_report", doc.to_dict(), PrinterProfile()))
            pages += renderer.finish()
            (out / "day-report-preview.png").write_bytes(pages[0])
            window.close()
            client.close()
            ctx.db.dispose()
        finally:
            running.stop()


if __name__ == "__main__":
    main()

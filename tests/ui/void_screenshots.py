"""Screenshots of 撤销上一单 (issue 12) for the docs, on the real Sell view and services:

    Xvfb :57 -screen 0 1366x768x24 -nolisten tcp &
    DISPLAY=:57 .venv/bin/python tests/ui/void_screenshots.py docs/screenshots

clerk1 opens a shift, sells 2 adults and a child with the keys (`2 F1 F2 Enter`: exact cash),
presses Ctrl+Z: void-confirm.png is the question; Enter voids: sell-void.png is the Sell screen
right after (the message, the stock back, the void slip in the print list); void-slip.png is the
void slip as the preview printer draws it from the very bytes a printer would get.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from ui.screenshots import save, settle, wait_until  # noqa: E402

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)  # 10:00 at the scenic area


def keys(*typed: object) -> None:
    for key in typed:
        widget = QApplication.focusWidget()
        if isinstance(key, tuple):
            QTest.keyClick(widget, *key)
        elif isinstance(key, str):
            QTest.keyClicks(widget, key)
        else:
            QTest.keyClick(widget, key)
        settle(0.05)


def slip_png(ctx: object, out: Path) -> None:
    import sqlalchemy as sa

    from app.store.models import PrintJobRow
    from printing.layouts import render_job
    from printing.preview import PreviewRenderer
    from printing.profile import PrinterProfile

    with ctx.session() as s:  # type: ignore[attr-defined]
        job = s.execute(sa.select(PrintJobRow).where(PrintJobRow.kind == "void_slip")
                        ).scalar_one()
    renderer = PreviewRenderer(PrinterProfile(paper_mm=80))
    [page] = renderer.feed(render_job(job.kind, job.payload, renderer.profile))
    (out / "void-slip.png").write_bytes(page)
    print(out / "void-slip.png")


def take(out: Path) -> None:
    from app.services.admin.auth import UserInfo
    from app.services.shifts import shifts
    from ui import tasks
    from ui.app import load_stylesheet, open_backend
    from ui.context import ClientContext
    from ui.i18n import install_translations
    from ui.views.sell_view import SellView

    app = QApplication.instance() or QApplication([])
    install_translations(app, "zh_CN")
    app.setStyleSheet(load_stylesheet())
    tasks.set_inline(True)
    with tempfile.TemporaryDirectory() as home:
        clock = [NOW]
        ctx = ClientContext(home=Path(home), clock=lambda: clock[0])
        open_backend(ctx)
        ctx.user = UserInfo("clerk1", "售票员一", "clerk")
        with ctx.session() as s:
            shifts.open_shift(s, terminal=ctx.terminal, clerk="clerk1", float_fen=50_000,
                              now=NOW)
        view = SellView(ctx)
        tasks.operations().operation_did_execute.connect(view.operation_did_execute)
        view.resize(1366, 768)
        view.show()
        view.activateWindow()
        wait_until(view.isActiveWindow)
        view.setFocus()
        keys("2", Qt.Key.Key_F1, Qt.Key.Key_F2, Qt.Key.Key_Return)
        clock[0] = NOW + timedelta(minutes=2, seconds=14)  # the visitor: "not the child's"
        keys((Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier))
        box = view.void_action.confirm_box
        wait_until(lambda: box is not None and box.isVisible())
        save(box, out / "void-confirm.png")
        box.activateWindow()
        wait_until(lambda: box.isAncestorOf(QApplication.focusWidget()))
        keys(Qt.Key.Key_Return)
        wait_until(lambda: view.void_action.last_result is not None)
        save(view, out / "sell-void.png")
        slip_png(ctx, out)
        view.close()
        ctx.db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    take(parser.parse_args().out)

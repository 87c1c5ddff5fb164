"""Screenshots of the 管理 screen (issue 13) for the docs, in the real main window:

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/admin_screenshots.py docs/screenshots

The embedded central store (SQLite, demo data) runs at the tests' fixed time; the admin signs in
over HTTP and works through the tabs with the keys: a new user refused for a short password
(admin-new-user.png), the users (admin-users.png), a window registered with its secret shown
once (admin-device-secret.png, admin-devices.png), the ticket types (admin-ticket-types.png),
the capacity calendar with a few sales (admin-capacity.png), the refund rules with a
force-majeure proposal (admin-refund-rules.png) and the change log (admin-changes.png).

Until the §15 routes for ticket types, range capacity and the refund policy are merged, the
store answers those from a stand-in (`Stand`: the policy with two holidays); everything else
is the store's own answer.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from sync.transport import PermanentError, StoreClient  # noqa: E402
from ui.screenshots import save, settle, wait_until  # noqa: E402

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)  # 10:00 at the scenic area
CTRL = Qt.KeyboardModifier.ControlModifier
POLICY = {"holidays": [{"start": "2026-10-01", "end": "2026-10-07", "same_day_fee_bp": 4000},
                       {"start": "2027-02-05", "end": "2027-02-13", "same_day_fee_bp": 5000}],
          "dual_approval_fen": 500_000, "payment_fee_bp": {"wechat": 60, "alipay": 60}}


class Stand(StoreClient):
    """The store's answers, and the policy from a stand-in while its route is missing."""

    def refund_policy(self) -> dict[str, Any]:
        try:
            return super().refund_policy()
        except PermanentError as exc:
            if exc.status != 404:
                raise
            return dict(POLICY)


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


def modal(name: str) -> Any:
    wait_until(lambda: QApplication.activeModalWidget() is not None
               and QApplication.activeModalWidget().objectName() == name)
    dialog = QApplication.activeModalWidget()
    dialog.activateWindow()
    wait_until(lambda: dialog.isAncestorOf(QApplication.focusWidget()))
    return dialog


def back(window: Any, widget: Any) -> None:
    window.activateWindow()
    wait_until(window.isActiveWindow)
    widget.setFocus()


def prepare(ui_store: Any) -> None:
    """What happened before the admin looks: sales, a role change, a proposal."""
    for adults in (3, 5, 12):
        ui_store.channel_order(adults=adults, paid=True)
    admin = StoreClient(ui_store.base)
    admin.login("admin", "admin", None)
    admin.add_user({"username": "wangfang", "display_name": "王芳", "role": "clerk",
                    "password": "Window-2026"})
    admin.change_user("clerk2", {"role": "supervisor", "display_name": "李主管"})
    admin.change_device("gate-3", {"location": "西门闸机1号"})
    admin.set_force_majeure("2026-11-26", 0, "暴雨闭园，全额退票")
    admin.close()


def take(out: Path) -> None:
    from store_helpers import UiStore

    from app.services.admin.auth import UserInfo
    from server import embedded
    from ui import tasks
    from ui.app import load_stylesheet, open_backend
    from ui.context import ClientContext
    from ui.i18n import install_translations
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    install_translations(app, "zh_CN")
    app.setStyleSheet(load_stylesheet())
    tasks.set_inline(True)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home:
        running = embedded.start(Path(home) / "store", lambda: NOW)
        ui_store = UiStore(running, NOW)
        prepare(ui_store)
        ctx = ClientContext(home=Path(home), clock=lambda: NOW)
        open_backend(ctx)
        ctx.user = UserInfo("admin", "管理员", "admin")
        ctx.store = Stand(ui_store.base)
        ctx.store.login("admin", "admin", None)
        window = MainWindow(ctx)
        window.setWindowState(Qt.WindowState.WindowNoState)
        window.resize(1366, 768)
        window.show()
        window.activateWindow()
        wait_until(window.isActiveWindow)
        view = window.show_screen("admin")
        shoot(window, view, out)
        window.close()
        ctx.store.close()
        ctx.db.dispose()
        running.stop()


def shoot(window: Any, view: Any, out: Path) -> None:
    users = view.users
    users.table.setFocus()
    keys((Qt.Key.Key_N, CTRL))
    dialog = modal("newUserDialog")
    keys("zhaolei", Qt.Key.Key_Tab)
    dialog.display_name.setText("赵磊")
    keys(Qt.Key.Key_Tab, Qt.Key.Key_Tab, "zl2026", Qt.Key.Key_Tab, "zl2026",
         Qt.Key.Key_Return)
    save(dialog, out / "admin-new-user.png")
    dialog.reject()
    back(window, users.table)
    users.table.selectRow(users.model.row_of("wangfang"))
    save(window, out / "admin-users.png")

    view.show_tab(1)
    devices = view.devices
    keys((Qt.Key.Key_N, CTRL))
    dialog = modal("registerDeviceDialog")
    keys(Qt.Key.Key_Tab, "03")
    dialog.location.setText("东门售票厅")
    keys(Qt.Key.Key_Return)
    secret = modal("deviceSecretDialog")
    keys(Qt.Key.Key_Return)  # copied
    save(secret, out / "admin-device-secret.png")
    secret.accept()
    back(window, devices.table)
    save(window, out / "admin-devices.png")

    view.show_tab(2)
    save(window, out / "admin-ticket-types.png")
    view.show_tab(3)
    cal = view.capacity
    cal.table.setCurrentIndex(cal.model.index(20, 1))
    save(window, out / "admin-capacity.png")
    view.show_tab(4)
    view.refund_policy.force_majeure.table.selectRow(0)
    save(window, out / "admin-refund-rules.png")
    view.show_tab(5)
    save(window, out / "admin-changes.png")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    take(parser.parse_args().out)

"""Signing in: the Chinese error inline, the main window with the navigation of the role."""

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel

from ui.main_window import MainWindow


def sign_in(qtbot, dialog, username: str, password: str) -> None:
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter submits


def test_wrong_password_shows_the_chinese_error_inline(make_client, qtbot):
    client = make_client()
    dialog = client.login
    sign_in(qtbot, dialog, "clerk1", "wrong")
    assert dialog.error.isVisible()
    assert dialog.error.text() == "用户名或密码错误"
    assert dialog.password.text() == ""  # cleared for the next try
    assert client.window is None and dialog.isVisible()


def test_right_password_opens_the_main_window_with_the_clerks_screens(make_client, qtbot):
    client = make_client()
    dialog = client.login
    assert dialog.windowTitle() == "门票 — 登录"
    sign_in(qtbot, dialog, "clerk1", "clerk1")
    window = client.window
    assert window is not None and window.isVisible()
    assert not dialog.isVisible()
    assert window.nav_titles() == ["售票", "退票", "订单查询", "交接班"]
    assert window.stack.currentWidget() is window.pages["sell"]
    assert window.sync_label.text() == "本地模式"
    assert window.terminal_label.text() == "01 号窗口"
    assert window.user_label.text().startswith("售票员：")
    assert window.printer_label.text().startswith("打印机：")


def test_sign_out_returns_to_the_login_dialog(make_client, qtbot):
    client = make_client()
    sign_in(qtbot, client.login, "clerk1", "clerk1")
    client.window.sign_out_requested.emit()
    assert client.window is None
    assert client.login is not None and client.login.isVisible()


@pytest.mark.parametrize("role, screens", [
    ("supervisor", ["售票", "退票", "订单查询", "交接班", "退款审批", "异常订单", "数据看板",
                    "管理"]),
    ("admin", ["售票", "退票", "订单查询", "交接班", "退款审批", "异常订单", "数据看板",
               "日结对账", "管理", "设置"]),
    ("finance", ["日结对账", "退票", "订单查询", "交接班", "退款审批", "异常订单", "数据看板"]),
])
def test_navigation_by_role(ctx, qtbot, role, screens):
    from app.services.admin.auth import UserInfo

    ctx.user = UserInfo(role, role, role)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.nav_titles() == screens


def test_the_dashboard_is_built_and_says_when_no_store_is_connected(ctx, qtbot):
    from app.services.admin.auth import UserInfo

    ctx.user = UserInfo("supervisor", "supervisor", "supervisor")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    page = window.show_screen("dashboard")
    assert page.objectName() == "dashboardView"
    assert page.findChild(QLabel, "comingSoon") is None
    assert page.offline_label.text().startswith("未连接中心服务器")


@pytest.mark.lang("en")
def test_english_with_lang_en(make_client, qtbot):
    client = make_client(lang="en")
    dialog = client.login
    assert dialog.windowTitle() == "Menpiao — Sign in"
    sign_in(qtbot, dialog, "clerk1", "wrong")
    assert dialog.error.text() == "Wrong user name or password."
    dialog.password.clear()
    dialog.username.clear()
    sign_in(qtbot, dialog, "clerk1", "clerk1")
    window = client.window
    assert window.nav_titles() == ["Sell", "Refund", "Orders", "Shift"]
    assert window.sync_label.text() == "Local mode"
    sell = window.pages["sell"]
    assert sell.confirm.text() == "Take cash (Enter)"
    assert sell.cart.headerData(0, Qt.Orientation.Horizontal) == "Ticket"


def test_a_window_the_store_does_not_know_says_so_and_takes_its_secret(make_client, ui_store,
                                                                      qtbot):
    """A window of a real store (`--store`) without its device secret: the store's refusal
    reads as a device problem, not a wrong password; 本窗口设备… takes the window number and the
    secret an admin registered it with, kept in the settings, and the clerk then signs in."""
    from PySide6.QtWidgets import QApplication

    from app.services.prints import settings as settings_service

    client = make_client(store=ui_store.base)
    dialog = client.login
    assert dialog.device.isVisibleTo(dialog)
    sign_in(qtbot, dialog, "clerk1", "clerk1")
    assert "设备" in dialog.error.text() and "密码" not in dialog.error.text()

    def fill_device() -> None:
        device = QApplication.activeModalWidget()
        assert device is not None and device.objectName() == "deviceDialog"
        device.terminal.setText("")
        qtbot.keyClicks(device.terminal, "02")
        assert device.device_id.text() == "window-02"
        device.secret.clear()
        qtbot.keyClick(device.secret, Qt.Key.Key_Return)  # nothing entered: refused
        assert device.error.text() == "请输入设备密钥。" and device.isVisible()
        qtbot.keyClicks(device.secret, "window-02")  # the demo devices' secret is their id
        qtbot.keyClick(device.secret, Qt.Key.Key_Return)

    QTimer.singleShot(0, fill_device)
    dialog.edit_device()
    assert client.ctx.terminal == "02" and dialog.terminal.text() == "02 号窗口"
    with client.ctx.session() as s:
        stored = settings_service.load(s)
    assert (stored.terminal_id, stored.device_secret) == ("02", "window-02")
    assert dialog.password.text() == "clerk1"  # not a wrong password: kept for Enter
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: client.window is not None or dialog.error.isVisible(), timeout=20_000)
    assert client.window is not None, dialog.error.text()


@pytest.mark.parametrize("role, landing", [
    ("clerk", "sell"), ("supervisor", "anomalies"), ("finance", "day_close"),
    ("admin", "admin"),
])
def test_each_role_lands_on_its_own_work_in_a_maximized_window(ctx, qtbot, role, landing):
    from app.services.admin.auth import UserInfo

    ctx.user = UserInfo(role, role, role)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.stack.currentWidget() is window.pages[landing]
    assert window.nav.currentRow() == window.keys.index(landing)
    assert window.windowState() & Qt.WindowState.WindowMaximized


def test_offline_a_clerk_never_signed_in_here_is_told_so(make_client, qtbot):
    """Issue 12: a window of a real store that cannot reach it, and a clerk it has never
    seen: the dialog says the account has not signed in here online yet — not 用户名或密码错误
    — and keeps the password for Enter once the network is back."""
    client = make_client(store="http://127.0.0.1:9")  # nothing listens there: offline
    dialog = client.login
    sign_in(qtbot, dialog, "clerk9", "clerk9-password")
    qtbot.waitUntil(dialog.error.isVisible, timeout=10_000)
    assert dialog.error.text() == ("此账号尚未在本窗口联网登录过，无法离线核对密码。"
                                   "请在网络恢复后登录。")
    assert dialog.password.text() == "clerk9-password" and client.window is None

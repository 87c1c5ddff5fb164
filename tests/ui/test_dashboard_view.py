"""数据看板 against a real central store (the embedded one, SQLite, over HTTP): sales and a
refund made through the store's own routes, the dashboard's numbers equal to the report JSON
and to the figures computed by hand; change notices make one coalesced reload (the timer is
the test's, fired by hand); offline keeps the last numbers and says so; clerks do not get it."""

import uuid

import pytest
from conftest import as_user, on_screen
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from sync.transport import StoreClient
from ui.main_window import MainWindow
from ui.navigation import screens_for
from ui.views.dashboard.dashboard_view import DashboardView

Key = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier


def signed_in(ui_store, username: str) -> StoreClient:
    client = StoreClient(ui_store.base)
    client.login(username, username, None)  # staff at no device (§14)
    return client


@pytest.fixture
def supervisor(ctx, ui_store):
    as_user(ctx, "supervisor", "supervisor").store = signed_in(ui_store, "supervisor")
    client = ctx.store
    yield ctx
    client.close()


def open_view(ctx, qtbot, timer=None) -> DashboardView:
    return on_screen(qtbot, DashboardView(ctx, timer=timer), size=(1400, 900))


def sell_and_refund(ui_store, store: StoreClient) -> dict:
    """Three paid channel orders (¥200 mini-program, ¥100 Ctrip, ¥300 Meituan) and one of the
    mini-program's two tickets refunded by its original route."""
    mini = ui_store.channel_order(adults=2, paid=True, channel="miniprogram")
    ui_store.channel_order(adults=1, paid=True, channel="ota_ctrip")
    ui_store.channel_order(adults=3, paid=True, channel="ota_meituan", phone="13700001111")
    store.request_refund(mini["order_no"], {
        "ticket_ids": [mini["tickets"][0]["ticket_id"]], "method": "wechat",
        "reason": "行程有变"}, uuid.uuid4().hex)
    return mini


def test_the_days_numbers_equal_the_report_and_the_hand_count(supervisor, ui_store, qtbot):
    sell_and_refund(ui_store, supervisor.store)
    view = open_view(supervisor, qtbot)
    day = supervisor.store.day_report(ui_store.now.date().isoformat())
    # by hand: 2 + 1 + 3 adults at ¥100, three orders, all paid at 10:00 local
    assert (day["orders"], day["tickets"], day["revenue_fen"]) == (3, 6, 60_000)
    today = view.today
    assert today.revenue.text() == "¥600.00"
    assert today.orders.text() == "3"
    assert today.entries.text() == f"0 / {day['capacity']:,}"
    assert today.refunds.text() == "¥" + f"{day['refunds_fen'] / 100:,.2f}"
    assert today.devices.text() == str(day["devices_offline"])
    assert today.devices.alert == (day["devices_offline"] > 0)
    assert today.approvals.text() == str(day["approvals_waiting"])
    channels = dict(today.by_channel.values())
    assert (channels["小程序"], channels["携程"], channels["美团"], channels["窗口"]) == \
        (200, 100, 300, 0)
    hours = today.by_hour.values()
    assert hours["今日"][10] == 3 and sum(hours["今日"]) == 3
    assert set(hours) == {"今日", "昨日", "上周同日"}
    kpis = supervisor.store.kpis(day["date"], day["date"])
    assert view.kpis.revenue.text() == "¥600.00" == "¥" + f"{kpis['revenue_fen'] / 100:,.2f}"
    assert view.kpis.aov.text() == "¥200.00"  # ¥600 over three valid orders
    # one order of three with a refund not rejected: 33.33 %
    assert kpis["refund_rate_bp"] == 3333
    assert view.kpis.refund_rate.text() == "33.33%"
    refunds = supervisor.store.refund_report(day["date"], day["date"])
    assert refunds["requests"] == 1
    assert "1 笔退票申请" in view.refunds.summary.text()
    assert view.refunds.by_hour.values()[10] == ("10", 1)


def test_change_notices_make_one_coalesced_reload(supervisor, ui_store, qtbot):
    timer = QTimer()
    timer.setInterval(3_600_000)  # never by itself: the test fires it
    view = open_view(supervisor, qtbot, timer)
    assert view.loads == 1 and view.today.orders.text() == "0"
    ui_store.channel_order(adults=1, paid=True, channel="website")
    for n in range(5):  # a burst from the changes feed and this window's own writes
        view.orders_changed([f"o{n}"])
    view.anomalies_changed(["a1"])
    assert view.loads == 1 and timer.isActive() and view.live.notices == 6
    assert view.today.orders.text() == "0"  # nothing read yet
    timer.timeout.emit()
    assert view.loads == 2 and view.live.notices == 0
    assert view.today.orders.text() == "1" and view.today.revenue.text() == "¥100.00"
    timer.stop()


def test_offline_keeps_the_last_numbers_and_says_so(supervisor, ui_store, qtbot):
    sell_and_refund(ui_store, supervisor.store)
    view = open_view(supervisor, qtbot)
    assert view.today.revenue.text() == "¥600.00"
    assert not view.offline_label.isVisible()
    supervisor.store.close()
    supervisor.store = StoreClient("http://127.0.0.1:9", timeout=2)  # nothing listens there
    view.tabs.setFocus()
    qtbot.keyClick(view.tabs, Key.Key_F5)
    assert view.loads == 2
    qtbot.waitUntil(view.offline_label.isVisible)
    assert "未连接中心服务器" in view.offline_label.text()
    assert "10:00:00" in view.offline_label.text()  # when the numbers shown were read
    assert view.today.revenue.text() == "¥600.00"
    assert view.kpis.revenue.text() == "¥600.00"


def test_the_period_picker_by_keyboard_reads_the_weeks_kpis(supervisor, ui_store, qtbot):
    ui_store.channel_order(adults=2, paid=True, channel="agency")
    view = open_view(supervisor, qtbot)
    view.tabs.setFocus()
    qtbot.keyClick(view.tabs, Key.Key_P, ALT)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.kpis.period)
    qtbot.keyClick(view.kpis.period, Key.Key_Down)
    assert view.kpis.period.currentData() == "week"
    first, last = view.snapshot.first, view.snapshot.last
    assert (first.isoformat(), last.isoformat()) == ("2026-11-16", "2026-11-21")  # Mon–Sat
    kpis = supervisor.store.kpis(first.isoformat(), last.isoformat())
    assert kpis["days"] == 6 and kpis["valid_orders"] == 1
    assert view.kpis.valid.text() == "0.17"  # one order over six days, half-up 0.01
    assert view.snapshot.refunds["from"] == "2026-11-16"


def test_clerks_do_not_get_the_dashboard_and_the_store_refuses_them(ctx, ui_store, qtbot):
    assert "dashboard" not in screens_for("clerk")
    as_user(ctx, "clerk1", "clerk")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert "数据看板" not in window.nav_titles()
    secret = ui_store.store.enroll_window(ctx.device_id, ctx.terminal)
    clerk = StoreClient(ui_store.base)
    clerk.login("clerk1", "clerk1", ctx.device_id, secret)
    ctx.store = clerk
    view = open_view(ctx, qtbot)  # reached anyhow: the store's refusal, in words
    assert view.snapshot is None and view.message.text()
    assert not view.offline_label.isVisible()
    clerk.close()

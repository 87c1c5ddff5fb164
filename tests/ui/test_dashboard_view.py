"""数据看板 against a real central store (the embedded one, SQLite, over HTTP): sales and a
refund made through the store's own routes, the dashboard's numbers equal to the report JSON
and to the figures computed by hand; change notices make one coalesced reload (the timer is
the test's, fired by hand); offline keeps the last numbers and says so; clerks do not get it."""

import pytest
from conftest import as_user, on_screen
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from sync.transport import StoreClient
from ui.views.dashboard.dashboard_view import DashboardView

Key = Qt.Key


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


def test_smoke(supervisor, ui_store, qtbot):
    for adults, channel in ((2, "miniprogram"), (1, "ota_ctrip")):
        ui_store.channel_order(adults=adults, paid=True, channel=channel)
    view = open_view(supervisor, qtbot)
    import json
    print(json.dumps(supervisor.store.day_report(ui_store.now.date().isoformat()), ensure_ascii=False))
    print(json.dumps(view.snapshot.refunds, ensure_ascii=False)[:1500])
    print(view.message.text())
    view.grab().save("/tmp/dash/a.png")

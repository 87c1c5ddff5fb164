"""The status bar speaks for the sync engine: online/offline, ops waiting, last sync, refused
ops; clicking it lists what the store refused, for the supervisor."""

from datetime import UTC, datetime

import pytest
from conftest import as_user
from PySide6.QtCore import Qt

from app.services.journal import outbox
from sync.events import SyncEvent, SyncStatus
from ui.main_window import MainWindow
from ui.sync_bridge import SyncBridge
from ui.views.sync_issues_dialog import SyncIssuesDialog

SYNCED = datetime(2026, 11, 21, 2, 30, 5, tzinfo=UTC)  # 10:30:05 in Shanghai


def _status(**kw) -> SyncStatus:
    values = dict(online=True, pending=0, rejected=0, last_sync_at=SYNCED, alert=None,
                  clock_offset_s=0.0, clock_skewed=False)
    return SyncStatus(**(values | kw))


@pytest.fixture
def window(ctx, qtbot):
    ctx.sync = SyncBridge(interval_ms=10)
    w = MainWindow(as_user(ctx, "supervisor", "supervisor"))
    qtbot.addWidget(w)
    return w


def test_local_mode_until_the_engine_reports(window):
    assert window.sync_label.text() == "本地模式"
    window.ctx.sync.set_connecting()
    assert window.sync_label.text() == "中心库：连接中…"


def test_online_offline_and_back(window, qtbot):
    bridge = window.ctx.sync
    bridge.publish(SyncEvent("status", _status()))
    qtbot.waitUntil(lambda: "在线" in window.sync_label.text())
    assert window.sync_label.text() == "中心库：在线 · 待上传 0 · 同步于 10:30:05"
    assert window.sync_label.property("state") == "online"
    bridge.publish(SyncEvent("status", _status(online=False, pending=3)))
    qtbot.waitUntil(lambda: "离线" in window.sync_label.text())
    assert "待上传 3" in window.sync_label.text()
    assert window.sync_label.property("state") == "offline"
    alert = "与中心服务器同步已连续失败 3 次"
    bridge.publish(SyncEvent("alert", _status(online=False, pending=3, alert=alert)))
    qtbot.waitUntil(lambda: window.sync_label.property("state") == "alert")
    assert alert in window.sync_label.toolTip()
    bridge.publish(SyncEvent("status", _status()))
    qtbot.waitUntil(lambda: window.sync_label.property("state") == "online")


def test_orders_changed_are_coalesced(window, qtbot):
    got = []
    window.ctx.sync.orders_changed.connect(got.append)
    for ids in (("a",), ("b", "a"), ("c",)):
        window.ctx.sync.publish(SyncEvent("orders_changed", _status(), ids))
    qtbot.waitUntil(lambda: bool(got))
    assert got == [["a", "b", "c"]]


def test_clicking_the_status_lists_refused_ops(window, qtbot, now):
    ctx = window.ctx
    with ctx.session() as s, s.begin():
        op = outbox.append(s, "sale", {"order_no": "W01-20261121-0042"}, now=now)
    with ctx.session() as s, s.begin():
        s.execute(outbox.OutboxOp.__table__.update().values(
            state="rejected", last_error="validation_error: 没有这种票：NOPE"))
    ctx.sync.publish(SyncEvent("status", _status(rejected=1)))
    qtbot.waitUntil(lambda: "1 条被拒" in window.sync_label.text())
    qtbot.mouseClick(window.sync_label, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(window.findChildren(SyncIssuesDialog)))
    dialog = window.findChildren(SyncIssuesDialog)[0]
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1)
    row = [dialog.model.index(0, c).data() for c in range(5)]
    assert row[0] == str(op.seq) and row[1] == "售票" and row[2] == "W01-20261121-0042"
    assert "没有这种票" in row[4]
    assert "需值班主管处理" in dialog.summary.text()
    dialog.close()


def test_anomalies_changed_are_coalesced(window, qtbot):
    got = []
    window.ctx.sync.anomalies_changed.connect(got.append)
    for ids in (("x",), ("y", "x")):
        window.ctx.sync.publish(SyncEvent("anomalies_changed", _status(), anomaly_ids=ids))
    qtbot.waitUntil(lambda: bool(got))
    assert got == [["x", "y"]]


def test_the_anomaly_counter_is_for_supervisors_and_admins(ctx, qtbot):
    ctx.sync = SyncBridge(interval_ms=10)
    supervisor = MainWindow(as_user(ctx, "supervisor", "supervisor"))
    qtbot.addWidget(supervisor)
    assert supervisor.anomaly_counter is not None
    assert supervisor.anomaly_counter.text() == "异常：0"
    assert "异常订单" in supervisor.nav_titles()
    clerk = MainWindow(as_user(ctx, "clerk1", "clerk"))
    qtbot.addWidget(clerk)
    assert clerk.anomaly_counter is None and "异常订单" not in clerk.nav_titles()

"""The order detail against a real store: tickets, payments, refunds, the verified timeline,
the devices its redemptions name, masked customer data and the logged 显示完整信息."""

import pytest
from conftest import as_user
from PySide6.QtCore import Qt
from store_helpers import connect

from ui.views.order_detail import OrderDetailDialog
from ui.views.orders_view import OrdersView


@pytest.fixture
def supervisor(ctx, ui_store):
    window = connect(as_user(ctx, "supervisor", "supervisor"), ui_store, "supervisor")
    yield window
    window.close()


def open_detail(ctx, order_no, qtbot) -> OrderDetailDialog:
    view = OrdersView(ctx)
    qtbot.addWidget(view)
    view.search_box.setText(order_no)
    view.search()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    view.open_detail(0)
    qtbot.waitUntil(lambda: view.detail is not None and view.detail.timeline_result is not None)
    return view.detail


def test_detail_with_timeline_devices_and_a_logged_reveal(supervisor, ui_store, qtbot):
    order = ui_store.duplicate_redemption()
    supervisor.sync_once(qtbot)
    detail = open_detail(supervisor.ctx, order["order_no"], qtbot)
    assert detail.customer.text() == "李四 · 139****5678 · 1101**********1234"
    assert [r[5] for r in detail.row_texts(detail.tickets)] == ["gate-1", ""]
    tl = detail.timeline
    assert tl.verified is True and "哈希链校验通过" in tl.verdict.text()
    assert detail.timeline_result.from_store
    devices = detail.row_texts(detail.devices)
    assert [d[:3] for d in devices] == [["gate-1", "南门闸机1号", "在线"],
                                       ["gate-2", "北门闸机1号", "在线"]]
    button = detail.reveal_button
    assert button.isVisible() and button.isEnabled() and button.text() == "显示完整信息"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: detail.revealed is not None)
    assert detail.customer.text() == "李四 · 13912345678 · 110101199001011234"
    assert button.isHidden() and "已记入订单时间线" in detail.message.text()
    qtbot.waitUntil(lambda: any(e["action"] == "customer.revealed"
                                for e in tl.model.events()))
    last = tl.model.rowCount() - 1
    assert tl.model.index(last, 1).data() == "supervisor"
    assert tl.model.index(last, 2).data() == "查看了完整客户信息"
    assert tl.verified is True
    detail.close()


def test_no_reveal_for_a_clerk_and_none_offline(ctx, ui_store, qtbot):
    order = ui_store.channel_order(paid=True)
    from app.services.journal import orders

    supervisor = connect(as_user(ctx, "supervisor", "supervisor"), ui_store, "supervisor")
    try:
        supervisor.sync_once(qtbot)
        with ctx.session() as s:
            cached = orders.get_order(s, order["order_no"])
        as_user(ctx, "clerk1", "clerk")
        clerk = OrderDetailDialog(cached, lambda iso: iso or "", ctx=ctx)
        qtbot.addWidget(clerk)
        assert clerk.reveal_button.isHidden()
        as_user(ctx, "supervisor", "supervisor")
        ui_store.store.stop()
        supervisor.engine.sync_once()
        qtbot.waitUntil(lambda: not ctx.sync.online)
        offline = OrderDetailDialog(cached, lambda iso: iso or "", ctx=ctx)
        qtbot.addWidget(offline)
        assert not offline.reveal_button.isHidden()
        assert not offline.reveal_button.isEnabled()
        assert offline.reveal_button.toolTip() == "需要连接中心服务器（当前离线）"
        assert offline.timeline_result is not None and not offline.timeline_result.from_store
        assert "离线" in offline.timeline.note.text()
    finally:
        supervisor.close()

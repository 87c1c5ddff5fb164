"""The Anomalies view (异常订单) against a real store: the queue from the window's cache with
counts per category, the detail with the verified timeline, fixes through the store, live
updates from the changes feed, offline refusals."""

import pytest
from conftest import as_user
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from store_helpers import FIX_ROUTES_READY, NEEDS_FIX_ROUTES, connect

from ui.main_window import MainWindow
from ui.views.anomalies_view import AnomaliesView

needs_fixes = pytest.mark.skipif(not FIX_ROUTES_READY, reason=NEEDS_FIX_ROUTES)


@pytest.fixture
def online(ctx, ui_store, qtbot):
    """A supervisor's window signed in to the store, its cache synced once."""
    window = connect(as_user(ctx, "supervisor", "supervisor"), ui_store, "supervisor")
    yield window
    window.close()


def open_view(ctx, qtbot) -> AnomaliesView:
    view = AnomaliesView(ctx)
    qtbot.addWidget(view)
    view.resize(1300, 700)
    view.show()
    qtbot.waitUntil(lambda: not view.model.loading)
    return view


def rows(view):
    m = view.model
    return [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]


def test_queue_by_category_with_counts_and_detail(online, ui_store, qtbot):
    ui_store.duplicate_payment()
    order = ui_store.duplicate_redemption()
    online.sync_once(qtbot)
    view = open_view(online.ctx, qtbot)
    tabs = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    assert tabs == ["全部 (2)", "支付 (1)", "核销 (1)", "退款 (0)", "库存 (0)"]
    table = rows(view)
    assert [r[1] for r in table] == ["重复支付", "重复核销"]  # payment first (priority)
    assert table[0][0].startswith("●")  # high priority is marked
    assert table[1][2] == order["order_no"] and table[1][3] == "¥100.00"
    assert table[1][5] == "gate-east-2"
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    pane = view.pane
    qtbot.waitUntil(lambda: pane.detail is not None
                    and pane.detail.anomaly["kind"] == "duplicate_redemption")
    assert "gate-south-1" in pane.reason.text() and "gate-east-2" in pane.reason.text()
    assert list(pane.fix_buttons) == ["lock_order", "mark_resolved"]
    assert all(b.isEnabled() for b in pane.fix_buttons.values())
    assert pane.timeline.verified is True
    actions = [e["action"] for e in pane.timeline.model.events()]
    assert actions.count("ticket.redeemed") == 1 and "anomaly.detected" in actions
    assert [r[0] for r in pane.stock_model._rows] == ["ADULT"]
    view.tabs.setCurrentIndex(2)  # 核销
    qtbot.waitUntil(lambda: not view.model.loading)
    assert [r[1] for r in rows(view)] == ["重复核销"]

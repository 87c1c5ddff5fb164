"""The anomaly queue while a supervisor works it: new anomalies wait behind "新增 N 条" and go
in on demand (click or F5) without moving the selected row; closed ones leave at once unless
selected; the order number is readable at 1366×768; Enter in the note runs the fix; after
查询支付结果 the recommendation follows the provider's answer; finance sees payment and refund
anomalies only."""

import requests
from conftest import as_user
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from store_helpers import connect

from sync import cache
from ui.main_window import MainWindow
from ui.models.anomalies_model import AnomalyQueueModel
from ui.navigation import screens_for
from ui.views.anomalies_view import AnomaliesView

ORDER_NO = "W01-20261121-0007"


def _anomaly(n: int, *, priority: int | None = None, category: str = "payment",
             status: str = "open", version: int = 1) -> dict:
    kind = {"payment": "paid_no_order", "redemption": "redeem_failed",
            "refund": "refund_failed"}[category]
    return {"id": f"A{n:04d}", "kind": kind, "category": category,
            "order_no": f"W01-20261121-{n:04d}", "reason": f"异常 {n}",
            "priority": 5000 - n if priority is None else priority, "status": status,
            "evidence": {"amount_fen": 100}, "detected_at": "2026-11-21T01:00:00Z",
            "fixes": ["mark_resolved"], "version": version}


def _cache(ctx, anomalies):
    with ctx.session() as session:
        cache.apply_fetched(session, anomalies=anomalies)


def _view(ctx, qtbot, size=(1300, 600)) -> AnomaliesView:
    view = AnomaliesView(ctx)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitUntil(lambda: not view.model.loading and view.model.rowCount() > 0)
    return view


def _ids(view):
    return [a["id"] for a in view.model.anomalies()]


def test_new_ones_wait_for_the_supervisor_and_the_selection_never_moves(ctx, qtbot):
    _cache(ctx, [_anomaly(n) for n in range(1, 41)])
    view = _view(as_user(ctx, "supervisor", "supervisor"), qtbot)
    view.table.selectRow(20)
    view.table.scrollTo(view.model.index(20, 0))
    picked = view.current()["id"]
    before = _ids(view)
    y = view.table.rowViewportPosition(20)
    merged = []
    view.model.merged.connect(lambda: merged.append(1))
    # two arrive (one above everything, one in the middle), one unselected row is closed
    _cache(ctx, [_anomaly(90, priority=9000), _anomaly(91, priority=4985),
                 _anomaly(3, status="resolved", version=2)])
    view.anomalies_changed(["A0090", "A0091", "A0003"])
    qtbot.waitUntil(lambda: bool(merged))
    assert view.new_button.isVisible() and view.new_button.text() == "新增 2 条（F5）"
    assert _ids(view) == [i for i in before if i != "A0003"]  # closed left, nothing moved
    assert view.current()["id"] == picked
    assert view.tabs.tabText(0) == "全部 (41)"
    # the selected one is closed elsewhere: it stays, greyed, until the cursor moves on
    merged.clear()
    _cache(ctx, [_anomaly(21, status="resolved", version=2)])
    view.anomalies_changed(["A0021"])
    qtbot.waitUntil(lambda: bool(merged))
    assert view.current()["id"] == picked == "A0021"
    assert view.model.index(view.current_row(), AnomalyQueueModel.PRIORITY).data() == "已处理"
    y = view.table.rowViewportPosition(view.current_row())
    qtbot.keyClick(view, Qt.Key.Key_F5)  # in they go
    assert view.new_button.isHidden() and view.model.rowCount() == 41
    assert _ids(view)[0] == "A0090" and view.current()["id"] == picked
    assert _ids(view).index("A0091") == _ids(view).index("A0015") + 1  # by its priority
    assert view.table.rowViewportPosition(view.current_row()) == y  # not a pixel moved
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: "A0021" not in _ids(view))
    assert view.current()["id"] == "A0022"


def test_the_order_number_is_whole_at_1366x768(ctx, qtbot):
    _cache(ctx, [_anomaly(7)])
    ctx = as_user(ctx, "supervisor", "supervisor")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    view = window.show_screen("anomalies")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert view.model.index(0, AnomalyQueueModel.ORDER_NO).data() == ORDER_NO
    needed = QFontMetrics(view.table.font()).horizontalAdvance(ORDER_NO)
    assert view.table.columnWidth(AnomalyQueueModel.ORDER_NO) > needed  # and its margins
    right = view.table.columnViewportPosition(AnomalyQueueModel.ORDER_NO) + \
        view.table.columnWidth(AnomalyQueueModel.ORDER_NO)
    assert right <= view.table.viewport().width()  # in sight, no sideways scrolling


def test_finance_sees_payment_and_refund_anomalies(ctx, qtbot):
    assert "anomalies" in screens_for("finance")
    _cache(ctx, [_anomaly(1), _anomaly(2, category="redemption"), _anomaly(3, category="refund")])
    view = _view(as_user(ctx, "finance", "finance"), qtbot)
    assert [view.tabs.tabText(i) for i in range(view.tabs.count())] == [
        "全部 (2)", "支付 (1)", "退款 (1)"]
    assert _ids(view) == ["A0001", "A0003"]


def test_enter_in_the_note_runs_the_fix_and_money_asks_first(ctx, ui_store, qtbot):
    online = connect(as_user(ctx, "supervisor", "supervisor"), ui_store, "supervisor")
    try:
        ui_store.duplicate_payment()
        online.sync_once(qtbot)
        view = _view(online.ctx, qtbot)
        qtbot.waitUntil(lambda: view.pane.detail is not None)
        assert view.pane.recommended() == "refund_duplicate"
        view.pane.note.setFocus()
        view.pane.note.setText("游客重复扫码支付")
        qtbot.keyClick(view.pane.note, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: view.confirm_box is not None)  # money: the usual question
        view.confirm_box.button(view.confirm_box.StandardButton.Yes).click()
        qtbot.waitUntil(lambda: view.last_answer is not None)
        assert view.last_answer["anomaly"]["status"] == "resolved"
        assert "游客重复扫码支付" in view.last_answer["anomaly"]["resolution"]
    finally:
        online.close()


def test_after_a_payment_query_the_recommendation_follows_the_answer(ctx, ui_store, qtbot):
    online = connect(as_user(ctx, "supervisor", "supervisor"), ui_store, "supervisor")
    try:
        order = ui_store.channel_order(adults=1)
        ui_store.signed("/payments/wechat/callback", {
            "provider_txn_id": "WXQ0000002", "order_no": order["order_no"],
            "amount_fen": 10000, "status": "failed", "paid_at": ui_store.now.isoformat()})
        online.sync_once(qtbot)
        view = _view(online.ctx, qtbot)
        qtbot.waitUntil(lambda: view.pane.detail is not None)
        assert view.pane.recommended() == "query_payment"
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
        said = "微信支付答复：未支付（没有这笔支付），建议取消订单并释放库存"
        qtbot.waitUntil(lambda: view.pane.recommended() == "cancel_and_release", timeout=10_000)
        assert view.message.text() == said and view.message.property("kind") == "none"  # news, not done
        rows = [view.pane.evidence.itemAt(i, view.pane.evidence.ItemRole.FieldRole)
                for i in range(view.pane.evidence.rowCount())]
        assert any(said in r.widget().text() for r in rows if r is not None)
        assert view.current()["status"] == "open"
        r = requests.get(ui_store.base + "/anomalies", headers=ui_store.login("supervisor"),
                         timeout=10, params={"kind": "payment_failed_order_open"})
        assert r.json()["anomalies"][0]["fixes"][0] == "cancel_and_release"
    finally:
        online.close()

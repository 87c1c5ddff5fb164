"""Actions from an order's detail against a real store: 取消订单 for an unpaid order, 标记异常…
then 查看异常 on the Anomalies screen, 退票 on the Refund screen with the order loaded, 重打;
buttons disabled with their reason (role, status, offline); the Orders list's 批量标记异常…
(Ctrl+A, Ctrl+M, Enter; Esc sends nothing)."""

import pytest
from conftest import as_user, on_screen
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from store_helpers import connect

from app.services.anomalies import anomaly_queue
from ui.main_window import MainWindow
from ui.views.order_actions import why_not
from ui.views.orders_view import OrdersView


@pytest.fixture
def supervisor(ctx, ui_store):
    window = connect(as_user(ctx, "supervisor", "supervisor"), ui_store, "supervisor")
    yield window
    window.close()


def orders_page(ctx, qtbot, main=False):
    if not main:
        view = OrdersView(ctx)
        qtbot.addWidget(view)
        return view, None
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    return window.show_screen("orders"), window


def open_detail(view, order_no, qtbot):
    view.search_box.setText(order_no)
    view.search()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    view.open_detail(0)
    qtbot.waitUntil(lambda: view.detail is not None and view.detail.timeline_result is not None)
    return view.detail


def states(detail):
    return {a: (b.isEnabled(), b.toolTip()) for a, b in detail.actions_bar.buttons.items()}


def test_cancel_an_unpaid_order_from_its_detail(supervisor, ui_store, qtbot):
    order = ui_store.channel_order(paid=False)
    supervisor.sync_once(qtbot)
    view, _ = orders_page(supervisor.ctx, qtbot)
    detail = open_detail(view, order["order_no"], qtbot)
    s = states(detail)
    assert s["cancel"] == (True, "")
    assert s["flag"] == (True, "")
    assert s["refund"] == (False, "订单未支付")
    assert s["reprint"] == (False, "订单未支付")
    assert s["anomaly"] == (False, "订单没有未处理的异常")
    assert detail.status_label.text() == "待支付"
    qtbot.mouseClick(detail.actions_bar.buttons["cancel"], Qt.MouseButton.LeftButton)
    box = detail.actions_bar.confirm_box
    assert box is not None and order["order_no"] in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: detail.status_label.text() == "已取消")
    assert "已取消" in detail.message.text() and "释放" in detail.message.text()
    assert states(detail)["cancel"] == (False, "只有待支付的订单可以取消")
    assert {r[3] for r in detail.row_texts(detail.tickets)} == {"已作废"}
    qtbot.waitUntil(lambda: any(e["action"] == "order.cancelled"
                                for e in detail.timeline.model.events()))
    detail.close()


def test_flag_then_see_the_anomaly_on_its_screen(supervisor, ui_store, qtbot):
    order = ui_store.channel_order(paid=True)
    supervisor.sync_once(qtbot)
    view, window = orders_page(supervisor.ctx, qtbot, main=True)
    detail = open_detail(view, order["order_no"], qtbot)
    assert states(detail)["cancel"] == (False, "只有待支付的订单可以取消")
    qtbot.mouseClick(detail.actions_bar.buttons["flag"], Qt.MouseButton.LeftButton)
    dialog = detail.actions_bar.flag_dialog
    assert dialog.category.currentData() == "payment"
    assert [dialog.category.itemText(i) for i in range(dialog.category.count())] == [
        "支付", "核销", "退款", "库存"]
    dialog.confirm()  # no reason: refused here, nothing sent
    assert dialog.isVisible() and "原因" in dialog.message.text()
    dialog.category.setCurrentIndex(1)
    dialog.reason.insert("游客称闸机未放行但已扣次")  # typed by an IME: QTest types no CJK
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: detail.status_label.text() == "异常订单")
    assert detail.message.text() == "已标记 1 单"
    assert not dialog.isVisible()
    assert states(detail)["anomaly"] == (True, "")
    with supervisor.ctx.session() as s:
        [a] = anomaly_queue.list_anomalies(
            s, anomaly_queue.QueueFilters(order_no=order["order_no"]), cursor=None,
            limit=5).anomalies
    assert (a["kind"], a["category"]) == ("manual_flag", "redemption")
    qtbot.mouseClick(detail.actions_bar.buttons["anomaly"], Qt.MouseButton.LeftButton)
    anomalies = window.stack.currentWidget()
    assert window.pages.get("anomalies") is anomalies
    qtbot.waitUntil(lambda: anomalies.current() is not None
                    and anomalies.current()["id"] == a["id"])
    assert not detail.isVisible()


def test_refund_goes_to_the_refund_screen_with_the_order(supervisor, ui_store, qtbot):
    order = ui_store.channel_order(paid=True)
    supervisor.sync_once(qtbot)
    view, window = orders_page(supervisor.ctx, qtbot, main=True)
    detail = open_detail(view, order["order_no"], qtbot)
    assert states(detail)["refund"] == (True, "")
    qtbot.mouseClick(detail.actions_bar.buttons["refund"], Qt.MouseButton.LeftButton)
    refund = window.pages["refund"]
    assert window.stack.currentWidget() is refund
    assert refund.search_box.text() == order["order_no"]
    qtbot.waitUntil(lambda: refund.order is not None)
    assert refund.order["order_no"] == order["order_no"]
    assert not detail.isVisible()


def test_reprint_the_tickets_of_an_order(supervisor, ui_store, qtbot):
    order = ui_store.channel_order(paid=True)
    supervisor.sync_once(qtbot)
    view, _ = orders_page(supervisor.ctx, qtbot)
    detail = open_detail(view, order["order_no"], qtbot)
    qtbot.mouseClick(detail.actions_bar.buttons["reprint"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "重打 1" in detail.message.text())
    from app.services.prints import print_jobs

    with supervisor.ctx.session() as s:
        jobs = [j for j in print_jobs.recent(s, 10) if j.order_no == order["order_no"]]
    assert len(jobs) == 2 and all(j.kind == "ticket" for j in jobs)
    detail.close()


def test_clerk_and_offline_see_why(ctx, ui_store, qtbot):
    order = ui_store.channel_order(paid=False)
    assert why_not("cancel", order, "clerk", True) == "只有主管可以执行此操作"
    assert why_not("flag", order, "clerk", True) == "只有主管可以执行此操作"
    assert why_not("anomaly", order, "clerk", True) == "你的角色不处理异常队列"
    assert why_not("cancel", order, "supervisor", False) == "需要连接中心服务器（当前离线）"
    assert why_not("refund", order, "finance", True) == "订单未支付"
    assert why_not("reprint", order | {"status": "paid"}, "finance", True) == "你的角色不打印门票"
    paying = order | {"status": "paying"}
    assert "已开始支付" in why_not("cancel", paying, "supervisor", True)
    view = OrdersView(as_user(ctx, "clerk1", "clerk"))
    qtbot.addWidget(view)
    assert not view.batch_flag.allowed and view.batch_flag.button.isHidden()


def test_batch_flag_from_the_orders_list(supervisor, ui_store, qtbot):
    orders = [ui_store.channel_order(paid=True) for _ in range(3)]
    supervisor.ctx.store.flag_orders([orders[0]["order_no"]], "payment", "先标记一单")
    supervisor.sync_once(qtbot)
    view = on_screen(qtbot, OrdersView(supervisor.ctx))
    qtbot.waitUntil(lambda: view.model.rowCount() == 3)
    assert view.batch_flag.button.isVisible()
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(view.batch_flag.order_nos()) == 3
    qtbot.keyClick(view.table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    dialog = view.batch_flag.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.orders_label.text().startswith("3 单：")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.reason)
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Escape)  # Esc: nothing sent
    qtbot.waitUntil(lambda: view.batch_flag.dialog is None)
    view.activateWindow()  # the desktop gives the window back (offscreen Qt does not)
    qtbot.waitUntil(view.isActiveWindow)
    with supervisor.ctx.session() as s:
        before = anomaly_queue.list_anomalies(s, anomaly_queue.QueueFilters(), cursor=None,
                                              limit=50).anomalies
    assert len(before) == 1
    qtbot.keyClick(view.table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    dialog = view.batch_flag.dialog
    dialog.reason.insert("同一团体重复下单，待核实")  # typed by an IME: QTest types no CJK
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.batch_flag.dialog is None)
    assert view.message.text() == "已标记 2 单，1 单已有标记"
    qtbot.waitUntil(lambda: {view.model.order(r)["display_status"] for r in range(3)}
                    == {"anomaly"})

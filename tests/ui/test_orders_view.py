"""The Orders view (订单查询) on a real SQLite cache holding orders of every channel: columns and
Chinese labels, the clerk's window, filters, scanning a ticket code, the detail, page-by-page
fetching and the live refresh the sync engine triggers."""

from datetime import date, datetime, timedelta

import pytest
from conftest import as_user
from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtWidgets import QApplication
from seed_orders import channel_order, sell

from ui.models.orders_model import PAGE, OrdersModel
from ui.views.orders_view import OrdersView

TODAY = date(2026, 11, 21)


def local(ctx, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ctx.venue().tz)


@pytest.fixture
def shop(ctx, now):
    """Two sales at window 01, one at window 02, and five channel orders of earlier days."""
    venue, db = ctx.venue(), ctx.db
    w1 = sell(db, now - timedelta(minutes=60), venue, ("ADULT", 2))
    w2 = sell(db, now - timedelta(minutes=50), venue, ("CHILD", 1), terminal="02",
              clerk="clerk2", visit_date=TODAY + timedelta(days=1))
    w3 = sell(db, now - timedelta(minutes=40), venue, ("FAMILY", 1))
    orders = {"W1": w1.order_no, "W2": w2.order_no, "W3": w3.order_no}
    made = [
        ("C1", "ota_ctrip", "CT10001", local(ctx, TODAY - timedelta(2), 9),
         {"name": "张三", "phone": "138****5678"}),
        ("C2", "ota_meituan", "MT77", local(ctx, TODAY - timedelta(1), 12),
         {"name": "李四", "phone": "13900001234", "anomaly": "duplicate_payment",
          "lines": (("ADULT", 1), ("CHILD", 1))}),
        ("C3", "miniprogram", "20001", local(ctx, TODAY, 0, 30),
         {"lines": (("SPECIAL", 1),), "ticket_status": "redeemed"}),
        ("C4", "website", "777", local(ctx, TODAY - timedelta(3), 10), {"paid": False}),
        ("C5", "agency", "9", local(ctx, TODAY - timedelta(1), 8),
         {"lines": (("ADULT", 3),)}),
    ]
    codes = {"W3": w3.tickets[0].code}
    for key, channel, ext, at, extra in made:
        visit = TODAY + timedelta(days=4) if key == "C2" else TODAY
        made_order = channel_order(db, channel, ext, created_at=at, visit_date=visit, **extra)
        orders[key], codes[key] = made_order["order_no"], made_order["codes"][0]
    orders["codes"] = codes
    return orders


def open_view(ctx, qtbot) -> OrdersView:
    view = OrdersView(ctx)
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.search_box)
    return view


def column(view, col: int) -> list[str]:
    m = view.model
    return [m.index(r, col).data() for r in range(m.rowCount())]


def shown(view, shop) -> list[str]:
    names = {v: k for k, v in shop.items() if k != "codes"}
    return [names[no] for no in column(view, OrdersModel.ORDER_NO)]


def test_every_channel_anomalies_first_then_newest_with_chinese_labels(ctx, shop, qtbot):
    view = open_view(as_user(ctx, "supervisor", "supervisor"), qtbot)
    m = view.model
    assert [m.headerData(c, Qt.Orientation.Horizontal) for c in range(9)] == [
        "订单号", "渠道", "状态", "客户", "票种", "支付", "游玩日期", "金额", "下单时间"]
    assert shown(view, shop) == ["C2", "W3", "W2", "W1", "C3", "C5", "C1", "C4"]
    assert column(view, OrdersModel.CHANNEL) == [
        "美团", "窗口", "窗口", "窗口", "小程序", "旅行社", "携程", "官网"]
    assert column(view, OrdersModel.STATUS) == [
        "异常订单", "已支付未核销 · 有效期至 2026-11-21", "已支付未核销 · 有效期至 2026-11-22",
        "已支付未核销 · 有效期至 2026-11-21", "已核销", "已支付未核销 · 有效期至 2026-11-21",
        "已支付未核销 · 有效期至 2026-11-21", "待支付 · 支付时间已到"]
    anomaly = m.index(0, OrdersModel.STATUS)
    assert anomaly.data(Qt.ItemDataRole.ForegroundRole).name() == "#b3141c"
    assert anomaly.data(Qt.ItemDataRole.BackgroundRole).name() == "#fdd5d5"
    assert m.index(0, OrdersModel.ORDER_NO).data(Qt.ItemDataRole.BackgroundRole) is None
    assert column(view, OrdersModel.CUSTOMER)[0] == "李四 · 139****1234"
    assert column(view, OrdersModel.TICKETS)[:4] == [
        "成人票×1、儿童票×1", "亲子套票×1", "儿童票×1", "成人票×2"]
    assert column(view, OrdersModel.PAYMENT)[:4] == [
        "OTA 平台 ¥150.00", "现金 ¥130.00", "现金 ¥50.00", "现金 ¥200.00"]
    assert column(view, OrdersModel.PAYMENT)[7] == ""  # C4 is not paid
    tip = m.index(0, OrdersModel.TICKETS).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "成人票×1、儿童票×1"  # the narrow columns show whole on hover
    assert column(view, OrdersModel.AMOUNT)[1:4] == ["¥130.00", "¥50.00", "¥200.00"]
    assert column(view, OrdersModel.VISIT)[1:3] == ["2026-11-21", "2026-11-22"]
    created = column(view, OrdersModel.CREATED)
    assert created[3] == "2026-11-21 09:00" and created[4] == "2026-11-21 00:30"  # venue time
    assert view.count.text() == "共 8 单，合计 ¥1,090.00"
    assert view.source_note.text() == "离线：仅显示本机缓存的订单"  # no store: the cache
    assert view.selected_row() == 0 and not m.canFetchMore(QModelIndex())


@pytest.mark.lang("en")
def test_english_labels(ctx, shop, qtbot):
    view = open_view(as_user(ctx, "supervisor", "supervisor"), qtbot)
    assert view.model.headerData(0, Qt.Orientation.Horizontal) == "Order no."
    assert column(view, OrdersModel.CHANNEL)[:5] == ["Meituan", "Window", "Window", "Window",
                                                    "Mini program"]
    assert column(view, OrdersModel.STATUS)[4] == "Redeemed"
    assert column(view, OrdersModel.STATUS)[0] == "Anomaly"
    assert column(view, OrdersModel.STATUS)[1] == "Paid, not redeemed · valid until 2026-11-21"


def test_a_clerk_sees_his_window_only(clerk_ctx, shop, qtbot):
    view = open_view(clerk_ctx, qtbot)
    assert shown(view, shop) == ["W3", "W1"]
    qtbot.keyClicks(view.search_box, "5678")
    qtbot.keyClick(view.search_box, Qt.Key.Key_Return)
    assert shown(view, shop) == [] and view.count.text() == "没有符合条件的订单。"


def test_filters_by_channel_status_visit_date_and_search(ctx, shop, qtbot):
    view = open_view(as_user(ctx, "supervisor", "supervisor"), qtbot)
    bar = view.filter_bar
    bar.channel.action("ota_ctrip").trigger()
    assert shown(view, shop) == ["C1"] and bar.channel.text() == "携程 ▾"
    bar.channel.action("ota_ctrip").trigger()
    bar.status.action("anomaly").trigger()
    assert shown(view, shop) == ["C2"] and bar.status.text() == "异常订单 ▾"
    bar.status.set_selected(["redeemed"])
    assert shown(view, shop) == ["C3"]
    bar.status.all_action.trigger()
    assert bar.status.selected() == () and bar.status.text() == "全部状态 ▾"
    bar.visit.preset.setCurrentIndex(bar.visit.preset.findData("today"))
    assert shown(view, shop) == ["W3", "W1", "C3", "C5", "C1", "C4"]
    bar.visit.preset.setCurrentIndex(bar.visit.preset.findData("custom"))
    bar.visit.first.setDate(QDate(2026, 11, 22))
    bar.visit.last.setDate(QDate(2026, 11, 22))
    assert shown(view, shop) == ["W2"]
    bar.visit.preset.setCurrentIndex(0)
    for q, expected in (("5678", ["C1"]), ("李四", ["C2"]), (shop["W2"].lower(), ["W2"]),
                        ("nobody", [])):
        view.search_box.clear()
        if q.isascii():
            qtbot.keyClicks(view.search_box, q)
        else:  # QTest types ASCII only; an input method would put the name there
            view.search_box.setText(q)
        qtbot.keyClick(view.search_box, Qt.Key.Key_Return)
        assert shown(view, shop) == expected, q
    qtbot.keyClick(view.search_box, Qt.Key.Key_Escape)  # clears the search
    assert view.search_box.text() == "" and len(shown(view, shop)) == 8


def test_scan_a_ticket_code_then_read_the_detail_by_keyboard(ctx, shop, qtbot):
    view = open_view(as_user(ctx, "supervisor", "supervisor"), qtbot)
    qtbot.keyClick(view.search_box, Qt.Key.Key_Down)  # arrows move through the list
    assert view.selected_row() == 1
    view.table.setFocus()
    qtbot.keyClicks(view.table, shop["codes"]["C2"])  # the scanner types into the list...
    assert QApplication.focusWidget() is view.search_box  # ...and it lands in the search
    assert view.search_box.text() == shop["codes"]["C2"]
    qtbot.keyClick(view.search_box, Qt.Key.Key_Return)
    assert shown(view, shop) == ["C2"] and view.selected_row() == 0
    qtbot.keyClick(view.search_box, Qt.Key.Key_Return)  # Enter again: the detail
    detail = view.detail
    assert detail is not None and detail.isVisible()
    tickets = detail.row_texts(detail.tickets)
    assert [row[1:4] for row in tickets] == [["成人票", "¥100.00", "有效"],
                                             ["儿童票", "¥50.00", "有效"]]
    assert tickets[0][0] == shop["codes"]["C2"]
    [payment] = detail.row_texts(detail.payments)
    assert payment[1:4] == ["OTA", "¥150.00", "成功"]
    labels = [w.text() for w in detail.findChildren(type(view.count))]
    assert "李四 · 139****1234" in labels and "异常订单" in labels
    assert not any("13900001234" in text for text in labels)
    qtbot.keyClick(detail, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: view.detail is None)
    # Ctrl+F from the list goes back to the search, text selected for the next scan
    qtbot.keyClick(view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is view.search_box
    assert view.search_box.selectedText() == shop["codes"]["C2"]


def test_double_click_and_enter_on_the_list_open_the_detail(ctx, shop, qtbot):
    view = open_view(as_user(ctx, "supervisor", "supervisor"), qtbot)
    view.table.setFocus()
    view.table.selectRow(3)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert view.detail.order["order_no"] == shop["W1"]
    view.detail.close()
    qtbot.waitUntil(lambda: view.detail is None)
    rect = view.table.visualRect(view.model.index(6, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.detail.order["order_no"] == shop["C1"]
    view.detail.close()


def many_orders(ctx, n: int) -> None:
    for i in range(n):
        channel_order(ctx.db, "ota_ctrip", f"BULK{i:04d}", visit_date=TODAY,
                      created_at=local(ctx, TODAY - timedelta(10), 8) + timedelta(minutes=i))


def test_pages_arrive_as_the_list_scrolls(ctx, qtbot):
    many_orders(ctx, 2 * PAGE + 7)
    view = open_view(as_user(ctx, "supervisor", "supervisor"), qtbot)
    m = view.model
    assert m.rowCount() == PAGE and m.canFetchMore(QModelIndex())
    total = f"¥{(2 * PAGE + 7) * 100:,}.00"
    assert view.count.text() == f"共 {2 * PAGE + 7} 单，合计 {total}（已显示 {PAGE} 单，向下还有更多）"
    view.table.scrollToBottom()  # the view asks the model for more
    qtbot.waitUntil(lambda: m.rowCount() == 2 * PAGE)
    view.table.selectRow(m.rowCount() - 1)
    qtbot.keyClick(view.search_box, Qt.Key.Key_Down)  # past the last row: the next page
    assert m.rowCount() == 2 * PAGE + 7 and not m.canFetchMore(QModelIndex())
    assert view.count.text() == f"共 {2 * PAGE + 7} 单，合计 {total}"  # the whole result
    numbers = column(view, OrdersModel.ORDER_NO)
    assert len(set(numbers)) == len(numbers) and numbers[0] == f"CTRIP-BULK{2 * PAGE + 6:04d}"


def test_orders_changed_requeries_once_and_keeps_the_selection(ctx, shop, qtbot, now):
    many_orders(ctx, PAGE + 10)
    view = open_view(as_user(ctx, "supervisor", "supervisor"), qtbot)
    m = view.model
    m.fetchMore(QModelIndex())
    assert m.rowCount() == PAGE + 18
    view.table.selectRow(60)
    picked = m.order(60)["order_id"]
    calls = []
    m.refreshed.connect(lambda: calls.append(1))
    fresh = sell(ctx.db, now, ctx.venue(), ("ADULT", 1))
    for _ in range(5):  # a burst of changes: one query
        view.orders_changed([fresh.order_id])
    assert m.rowCount() == PAGE + 18  # not yet: coalescing
    qtbot.waitUntil(lambda: bool(calls), timeout=3000)
    assert calls == [1] and m.rowCount() == PAGE + 19  # as many as shown, plus the new one
    assert m.order(1)["order_no"] == fresh.order_no  # under the anomaly (C2), on top
    assert m.order(view.selected_row())["order_id"] == picked  # same order, one row down
    assert view.selected_row() == 61


def test_searches_run_off_the_gui_thread(ctx, shop, qtbot, monkeypatch):
    import threading

    from ui import tasks
    from ui.views import orders_view

    threads = []
    real = orders_view.load_orders

    def spy(*args):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args)

    monkeypatch.setattr(orders_view, "load_orders", spy)
    tasks.set_inline(False)
    view = open_view(as_user(ctx, "supervisor", "supervisor"), qtbot)
    qtbot.waitUntil(lambda: view.model.rowCount() == 8)
    view.orders_changed(["x"])
    qtbot.waitUntil(lambda: len(threads) == 2, timeout=3000)
    qtbot.waitUntil(lambda: view.count.text() == "共 8 单，合计 ¥1,090.00", timeout=3000)
    assert threads == [False, False]

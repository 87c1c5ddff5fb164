"""The Orders view's colours and filters (issue 14) on a real SQLite cache: every status in its
colour with its words, several channels and statuses at once (and a status filter that agrees
with what is shown), date presets against the injected clock, search as you type, and saved
filters per user."""

from datetime import UTC, datetime, timedelta

from conftest import as_user
from order_statuses import FACTS, every_status, order_in
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor
from test_orders_view import column, open_view, shop, shown  # noqa: F401 (shop: fixture)

from ui.models.order_status_style import STYLES
from ui.models.orders_model import OrdersModel
from ui.views.orders_view import TYPING_DELAY_MS

WORDS = {
    "anomaly": "异常订单",
    "pending_payment": "待支付 · 剩余支付时间 10 分钟",
    "paying": "支付中",
    "paid": "已支付未核销 · 有效期至 2026-11-21",
    "redeeming": "核销中",
    "redeemed": "已核销",
    "refunding": "退票中",
    "refunded": "已退票",
    "cancelled": "已取消",
}


def luminance(color: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF())
            + 0.0722 * channel(color.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_every_status_in_its_colour_with_its_words(ctx, now, qtbot):
    made = every_status(ctx.db, now, ctx.venue())
    view = open_view(as_user(ctx, "supervisor", "supervisor"), qtbot)
    m = view.model
    by_no = {m.order(r)["order_no"]: r for r in range(m.rowCount())}
    assert m.order(0)["order_no"] == made["anomaly"]["order_no"]  # 异常 first
    backgrounds = set()
    for status, order in made.items():
        index = m.index(by_no[order["order_no"]], OrdersModel.STATUS)
        assert index.data() == WORDS[status], status
        back = index.data(Qt.ItemDataRole.BackgroundRole)
        fore = index.data(Qt.ItemDataRole.ForegroundRole)
        assert (back.name(), fore.name()) == (STYLES[status].background,
                                              STYLES[status].foreground), status
        assert contrast(back, fore) >= 4.5, status  # readable (WCAG AA)
        backgrounds.add(back.name())
    assert len(backgrounds) == 9  # the two greys and the two greens differ too
    # the countdown follows the injected clock
    clock = [now + timedelta(minutes=7, seconds=30)]
    ctx.clock = lambda: clock[0]
    pending = m.index(by_no[made["pending_payment"]["order_no"]], OrdersModel.STATUS)
    assert pending.data() == "待支付 · 剩余支付时间 3 分钟"
    clock[0] = now + timedelta(minutes=11)
    assert pending.data() == "待支付 · 支付时间已到"


def test_the_status_filter_agrees_with_what_is_shown(ctx, now, qtbot):
    made = every_status(ctx.db, now, ctx.venue())
    view = open_view(as_user(ctx, "supervisor", "supervisor"), qtbot)
    status = view.filter_bar.status
    for wanted in FACTS:
        status.set_selected([wanted])
        assert column(view, OrdersModel.ORDER_NO) == [made[wanted]["order_no"]], wanted
        assert column(view, OrdersModel.STATUS) == [WORDS[wanted]], wanted
    status.set_selected(["paid"])  # the anomaly order is paid underneath: not listed here
    assert made["anomaly"]["order_no"] not in column(view, OrdersModel.ORDER_NO)
    status.set_selected(["paid", "anomaly", "refunded"])
    assert column(view, OrdersModel.ORDER_NO) == [
        made[s]["order_no"] for s in ("anomaly", "paid", "refunded")]
    assert status.text() == "已选 3 项 ▾"
    assert view.count.text() == "共 3 单，合计 ¥300.00"


def test_several_channels_at_once_and_with_statuses(ctx, shop, qtbot):  # noqa: F811
    view = open_view(as_user(ctx, "supervisor", "supervisor"), qtbot)
    bar = view.filter_bar
    bar.channel.action("ota_meituan").trigger()
    bar.channel.action("agency").trigger()
    assert shown(view, shop) == ["C2", "C5"] and bar.channel.text() == "美团、旅行社 ▾"
    assert view.count.text() == "共 2 单，合计 ¥450.00"
    bar.status.action("paid").trigger()
    assert shown(view, shop) == ["C5"]  # C2 is 异常, not 已支付未核销
    bar.status.action("anomaly").trigger()
    assert shown(view, shop) == ["C2", "C5"]
    bar.channel.action("window").trigger()
    assert shown(view, shop) == ["C2", "W3", "W2", "W1", "C5"]
    bar.ticket_type.setCurrentIndex(bar.ticket_type.findData("CHILD"))
    assert shown(view, shop) == ["C2", "W3", "W2"]  # W3: the package's child
    assert bar.ticket_type.currentText() == "儿童票"


def test_date_presets_follow_the_injected_clock(ctx, shop, qtbot):  # noqa: F811
    view = open_view(as_user(ctx, "supervisor", "supervisor"), qtbot)
    created, visit = view.filter_bar.created, view.filter_bar.visit

    def pick(picker, preset):
        picker.preset.setCurrentIndex(picker.preset.findData(preset))

    pick(created, "today")  # Saturday 2026-11-21 at the venue
    assert shown(view, shop) == ["W3", "W2", "W1", "C3"]
    pick(created, "yesterday")
    assert shown(view, shop) == ["C2", "C5"]
    pick(created, "week")  # Monday 16 to Sunday 22
    assert len(shown(view, shop)) == 8
    pick(created, "custom")
    assert created.first.isVisible() and created.last.isVisible()
    created.first.setDate(QDate(2026, 11, 20))
    created.last.setDate(QDate(2026, 11, 19))  # typed backwards: turned round
    assert shown(view, shop) == ["C2", "C5", "C1"]
    pick(created, "all")
    assert not created.first.isVisible()
    # two days later (Monday 23): 今日 and 本周 move with the clock
    ctx.clock = lambda: datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    pick(visit, "week")  # 23 to 29: only C2 visits then (the 25th)
    assert shown(view, shop) == ["C2"]
    pick(visit, "today")
    assert shown(view, shop) == []
    pick(visit, "yesterday")
    assert shown(view, shop) == ["W2"]


def test_search_as_you_type_enter_at_once_and_scanner_bursts(ctx, shop, qtbot):  # noqa: F811
    view = open_view(as_user(ctx, "supervisor", "supervisor"), qtbot)
    qtbot.keyClicks(view.search_box, "5678")
    assert len(shown(view, shop)) == 8  # not yet: the clerk may still be typing
    assert view._typing_timer.isActive()
    qtbot.waitUntil(lambda: shown(view, shop) == ["C1"], timeout=TYPING_DELAY_MS * 10)
    # Enter searches at once, without the pause
    view.search_box.clear()
    qtbot.keyClicks(view.search_box, "CTRIP-CT10001")
    qtbot.keyClick(view.search_box, Qt.Key.Key_Return)
    assert shown(view, shop) == ["C1"] and not view._typing_timer.isActive()
    # a scanner's burst into the list, Enter at its end: one search, the code selected
    view.table.setFocus()
    qtbot.keyClicks(view.table, shop["codes"]["C2"])
    qtbot.keyClick(view.search_box, Qt.Key.Key_Return)
    assert shown(view, shop) == ["C2"] and view.search_box.selectedText() == shop["codes"]["C2"]
    qtbot.wait(TYPING_DELAY_MS + 100)  # no late search undoes it
    assert shown(view, shop) == ["C2"] and view.detail is None


def test_saved_filters_per_user(ctx, shop, qtbot):  # noqa: F811
    view = open_view(as_user(ctx, "supervisor", "supervisor"), qtbot)
    bar = view.filter_bar
    bar.channel.set_selected(["ota_meituan", "agency"])
    bar.created.preset.setCurrentIndex(bar.created.preset.findData("yesterday"))
    bar.status.set_selected(["anomaly"])
    qtbot.keyClicks(bar.saved.names.lineEdit(), "mt-anomaly")
    qtbot.mouseClick(bar.saved.save_button, Qt.MouseButton.LeftButton)
    bar.saved.names.setEditText("")
    bar.set_state({})  # everything again
    assert len(shown(view, shop)) == 8 and bar.channel.selected() == ()
    # a filter named in Chinese, kept as it is
    bar.channel.set_selected(["window"])
    bar.saved.names.setEditText("今日窗口")
    qtbot.keyClick(bar.saved.names.lineEdit(), Qt.Key.Key_Return)  # Enter saves too
    assert [bar.saved.names.itemText(i) for i in range(bar.saved.names.count())] == [
        "mt-anomaly", "今日窗口"]
    bar.saved.names.setCurrentIndex(0)
    bar.saved.names.activated.emit(0)  # picked from the list
    assert bar.channel.selected() == ("ota_meituan", "agency")
    assert bar.status.selected() == ("anomaly",)
    assert bar.created.preset.currentData() == "yesterday"
    assert shown(view, shop) == ["C2"]
    view.close()
    # the next time this user opens Orders, the names are there; another user has none
    again = open_view(ctx, qtbot)
    assert again.filter_bar.saved.names.count() == 2
    again.filter_bar.saved.load("今日窗口")
    assert again.filter_bar.channel.selected() == ("window",)
    again.filter_bar.saved.names.setEditText("今日窗口")
    qtbot.mouseClick(again.filter_bar.saved.delete_button, Qt.MouseButton.LeftButton)
    assert again.filter_bar.saved.names.count() == 1
    again.close()
    other = open_view(as_user(ctx, "supervisor2", "supervisor"), qtbot)
    assert other.filter_bar.saved.names.count() == 0
    assert not other.filter_bar.saved.delete_button.isEnabled()


def test_a_pending_order_counts_down_from_its_creation(ctx, now, qtbot):
    order_in(ctx.db, "pending_payment", created_at=now - timedelta(seconds=30),
             visit_date=ctx.today())
    view = open_view(as_user(ctx, "supervisor", "supervisor"), qtbot)
    assert column(view, OrdersModel.STATUS) == ["待支付 · 剩余支付时间 15 分钟"]  # rounded up


def test_the_channel_menu_stays_open_while_ticking(ctx, shop, qtbot):  # noqa: F811
    view = open_view(as_user(ctx, "supervisor", "supervisor"), qtbot)
    button = view.filter_bar.channel
    menu = button.menu()
    menu.popup(button.mapToGlobal(button.rect().bottomLeft()))
    qtbot.waitUntil(menu.isVisible)
    ctrip = button.action("ota_ctrip")
    menu.setActiveAction(ctrip)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(ctrip).center())
    assert menu.isVisible() and shown(view, shop) == ["C1"]
    menu.setActiveAction(button.action("ota_meituan"))
    qtbot.keyClick(menu, Qt.Key.Key_Space)  # the keyboard ticks too
    assert menu.isVisible() and shown(view, shop) == ["C2", "C1"]
    qtbot.keyClick(menu, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not menu.isVisible())
    assert button.selected() == ("ota_ctrip", "ota_meituan")

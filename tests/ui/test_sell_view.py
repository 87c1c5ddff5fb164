"""The Sell view driven by the keyboard, against real services and a real SQLite file."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from conftest import on_screen, open_shift, press
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QLabel

from app.store.models import Order, Payment, PrintJobRow, Ticket, TimelineEvent
from ui import tasks
from ui.views.sell_view import SellView

TODAY = date(2026, 11, 21)  # FIXED_NOW in the scenic area's zone


@pytest.fixture
def view(on_shift, qtbot):
    sell = on_screen(qtbot, SellView(on_shift))
    sell.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is sell.qty_entry)
    return sell




def rows(ctx, model):
    with ctx.session() as session:
        return session.execute(sa.select(model)).scalars().all()


def test_two_adults_for_today_by_keyboard(view, clerk_ctx, qtbot):
    assert view.visit_date() == TODAY
    press(qtbot, "2", Qt.Key.Key_F1, Qt.Key.Key_Tab, "200")
    assert QApplication.focusWidget() is view.tendered
    assert view.total_label.text() == "¥200.00"
    assert view.change_label.text() == "¥0.00"
    press(qtbot, "250")  # the visitor found another fifty
    view.tendered.clear()
    press(qtbot, "300")
    assert view.change_label.text() == "¥100.00"
    press(qtbot, Qt.Key.Key_Return)

    assert view.message.text() == "已售出 W01-20261121-0001，找零 ¥100.00"
    assert view.cart.is_empty() and view.tendered.text() == ""
    assert QApplication.focusWidget() is view.qty_entry  # ready for the next visitor
    [order] = rows(clerk_ctx, Order)
    assert (order.order_no, order.channel, order.total_fen, order.paid_fen, order.visit_date,
            order.clerk, order.terminal) == ("W01-20261121-0001", "window", 20000, 20000,
                                             TODAY, "clerk1", "01")
    tickets = rows(clerk_ctx, Ticket)
    assert [(t.ticket_type, t.price_fen, t.status) for t in tickets] == [
        ("ADULT", 10000, "valid"), ("ADULT", 10000, "valid")]
    assert all(t.code.startswith("MP1-") for t in tickets)
    [payment] = rows(clerk_ctx, Payment)
    assert (payment.method, payment.amount_fen, payment.tendered_fen, payment.change_fen,
            payment.status) == ("cash", 20000, 30000, 10000, "succeeded")
    jobs = rows(clerk_ctx, PrintJobRow)
    assert sorted(j.kind for j in jobs) == ["receipt", "ticket", "ticket"]
    assert all(j.order_no == "W01-20261121-0001" and j.status == "pending" for j in jobs)
    receipt = next(j for j in jobs if j.kind == "receipt")
    assert receipt.payload["kick_drawer"] is True and receipt.payload["change_fen"] == 10000
    # availability refreshed after the sale; the print panel lists the new jobs
    assert view.tiles.tiles[0].stock_label.text() == "余 998 张"
    assert view.jobs.model.rowCount() == 3


def test_exact_cash_is_three_keys(view, clerk_ctx, qtbot):
    press(qtbot, Qt.Key.Key_F1, Qt.Key.Key_F1, Qt.Key.Key_Return)  # tendered empty = exact
    assert view.message.text() == "已售出 W01-20261121-0001，找零 ¥0.00"
    [payment] = rows(clerk_ctx, Payment)
    assert (payment.amount_fen, payment.tendered_fen) == (20000, 20000)


def test_tendered_too_little_writes_nothing_and_keeps_the_cart(view, clerk_ctx, qtbot):
    press(qtbot, "2", Qt.Key.Key_F1, Qt.Key.Key_Tab, "150")
    assert view.change_label.text() == "还差 ¥50.00"
    press(qtbot, Qt.Key.Key_Return)
    assert view.message.property("kind") == "error"
    assert view.message.text() == "实收金额不足，还差 ¥50.00"
    assert rows(clerk_ctx, Order) == [] and rows(clerk_ctx, PrintJobRow) == []
    assert [(line.code, line.qty) for line in view.cart.lines()] == [("ADULT", 2)]
    assert view.tendered.text() == "150"
    press(qtbot, Qt.Key.Key_Backspace, Qt.Key.Key_Backspace, Qt.Key.Key_Backspace, "200",
          Qt.Key.Key_Return)  # fix the amount, sell
    assert view.message.text() == "已售出 W01-20261121-0001，找零 ¥0.00"


def test_quantity_keys(view, qtbot):
    press(qtbot, Qt.Key.Key_F1, "+", "+")
    assert view.cart.qty_of("ADULT") == 3
    press(qtbot, "-")
    assert view.cart.qty_of("ADULT") == 2
    press(qtbot, Qt.Key.Key_Backtab, "5", Qt.Key.Key_Return)  # the quantity box: the line's
    assert view.cart.qty_of("ADULT") == 5 and view.cart.rowCount() == 1
    assert QApplication.focusWidget() is view.tendered
    press(qtbot, Qt.Key.Key_F2, Qt.Key.Key_Up)
    press(qtbot, Qt.Key.Key_Delete)  # removes the selected line (adults)
    assert [line.code for line in view.cart.lines()] == ["CHILD"]
    assert view.total_label.text() == "¥50.00"
    press(qtbot, Qt.Key.Key_F6)  # a group ticket starts at its minimum group size
    assert view.cart.qty_of("GROUP") == 10
    qtbot.keyClick(view.qty_entry, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert view.cart.is_empty()


def test_sold_out_type_says_so(view, clerk_ctx, qtbot):
    from app.services.stock import catalog

    with clerk_ctx.session() as session:
        catalog.set_capacity(session, "ADULT", TODAY, 0, now=clerk_ctx.now())
    view.refresh_availability()
    assert view.tiles.tiles[0].stock_label.text() == "已售罄"
    assert view.tiles.tiles[2].stock_label.text() == "已售罄"  # the family package needs an adult
    press(qtbot, Qt.Key.Key_F1)
    assert view.message.text() == "成人票 2026-11-21 已售罄。"
    assert view.cart.is_empty()


def test_not_enough_left_is_refused_by_the_sale(view, clerk_ctx, qtbot):
    from app.services.stock import catalog

    with clerk_ctx.session() as session:
        catalog.set_capacity(session, "ADULT", TODAY, 1, now=clerk_ctx.now())
    view.refresh_availability()
    press(qtbot, "2", Qt.Key.Key_F1, Qt.Key.Key_Return)
    assert view.message.property("kind") == "error"
    assert "成人票" in view.message.text() and "余票不足" in view.message.text()
    assert view.cart.qty_of("ADULT") == 2  # nothing lost
    assert rows(clerk_ctx, Order) == []


def test_package_sale(view, clerk_ctx, qtbot):
    press(qtbot, Qt.Key.Key_F3, Qt.Key.Key_Tab, "200", Qt.Key.Key_Return)
    assert view.message.text() == "已售出 W01-20261121-0001，找零 ¥70.00"
    [order] = rows(clerk_ctx, Order)
    assert order.total_fen == 13000
    tickets = rows(clerk_ctx, Ticket)
    assert sorted((t.ticket_type, t.sold_as) for t in tickets) == [
        ("ADULT", "FAMILY"), ("CHILD", "FAMILY")]
    assert sum(t.price_fen for t in tickets) == 13000
    available = view.available
    assert (available["ADULT"], available["CHILD"], available["FAMILY"]) == (999, 999, 999)


def test_visit_date_today_by_default_past_refused(view, qtbot):
    assert view.date_edit.date() == QDate(2026, 11, 21)
    view.date_edit.setDate(QDate(2026, 11, 20))
    assert view.visit_date() == TODAY  # the minimum is today
    press(qtbot, Qt.Key.Key_F1)
    view.date_edit.setDate(QDate(2026, 11, 22))
    assert view.visit_date() == TODAY + timedelta(days=1)
    assert view.cart.qty_of("ADULT") == 1  # the cart survives a date change
    press(qtbot, Qt.Key.Key_Return)
    assert view.message.text().startswith("已售出 W01-20261121-0001")


def test_empty_cart_enter_explains(view, qtbot):
    press(qtbot, Qt.Key.Key_Return)
    assert view.message.text() == "购物车是空的：请先用 F1…F9 选票。"


def test_a_second_enter_while_selling_does_not_sell_twice(view, clerk_ctx, qtbot):
    tasks.set_inline(False)  # real threads: the sale is in flight when Enter comes again
    qtbot.waitUntil(lambda: view.available is not None)
    press(qtbot, Qt.Key.Key_F1, Qt.Key.Key_Return, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.last_sale is not None, timeout=10_000)
    tasks.wait_for_all()
    qtbot.wait(50)
    assert len(rows(clerk_ctx, Order)) == 1


def test_retry_a_failed_job_and_reprint_the_last_order(view, clerk_ctx, qtbot):
    from app.services.prints.print_jobs import SqlJobStore

    press(qtbot, Qt.Key.Key_F1, Qt.Key.Key_Return)
    store = SqlJobStore(clerk_ctx.db)
    job = store.claim_next(clerk_ctx.now())
    store.mark_failed(job.id, "打印机脱机", clerk_ctx.now(), None)
    view.jobs.refresh()
    assert view.jobs.status.text() == "1 个等待 · 1 个失败"
    qtbot.mouseClick(view.jobs.retry_button, Qt.MouseButton.LeftButton)
    assert {j.status for j in rows(clerk_ctx, PrintJobRow)} == {"pending"}
    qtbot.mouseClick(view.jobs.reprint_button, Qt.MouseButton.LeftButton)
    assert view.jobs.status.text() == "订单 W01-20261121-0001 第 1 次重打已加入打印队列。 · 4 个等待"
    reprints = [j for j in rows(clerk_ctx, PrintJobRow) if j.payload.get("reprint_no")]
    assert sorted(j.kind for j in reprints) == ["receipt", "ticket"]
    assert "ticket.reprinted" in {e.action for e in rows(clerk_ctx, TimelineEvent)}


def test_after_closing_time_the_visit_date_starts_tomorrow(clerk_ctx, qtbot):
    from datetime import UTC, datetime

    clerk_ctx.clock = lambda: datetime(2026, 11, 21, 11, 0, tzinfo=UTC)  # 19:00 in Shanghai
    sell = SellView(clerk_ctx)
    qtbot.addWidget(sell)
    assert sell.visit_date() == TODAY + timedelta(days=1)
    assert sell.date_edit.minimumDate() == QDate(2026, 11, 22)


def test_no_cash_sale_without_an_open_shift(clerk_ctx, qtbot):
    sell = on_screen(qtbot, SellView(clerk_ctx))  # clerk1 at window 01, no shift opened
    sell.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is sell.qty_entry)
    press(qtbot, "1", Qt.Key.Key_F1, Qt.Key.Key_Tab, "100", Qt.Key.Key_Return)
    assert sell.message.text() == "终端 01 还没有开班，请先开班"
    assert rows(clerk_ctx, Order) == [] and not sell.cart.is_empty()  # nothing lost


def test_the_sell_view_says_when_no_shift_is_open_and_not_otherwise(clerk_ctx, qtbot):
    sell = SellView(clerk_ctx)
    qtbot.addWidget(sell)
    sell.show()
    assert sell.message.text() == "本窗口尚未开班：收现金前请先在“交接班”开班。"
    sell.hide()
    open_shift(clerk_ctx)
    sell.show()
    assert sell.message.text() == ""


# -- issue 12: the keyboard forgives slips ------------------------------------------------------
def sold_orders(ctx):
    """(order_no, tickets, total, tendered, change) of every order in the window's database."""
    tickets = {}
    for t in rows(ctx, Ticket):
        tickets[t.order_id] = tickets.get(t.order_id, 0) + 1
    payments = {p.order_id: p for p in rows(ctx, Payment)}
    return sorted((o.order_no, tickets.get(o.order_id, 0), o.total_fen,
                   payments[o.order_id].tendered_fen, payments[o.order_id].change_fen)
                  for o in rows(ctx, Order))


def test_six_keys_sell_two_adults_with_change(view, clerk_ctx, qtbot):
    press(qtbot, "2", Qt.Key.Key_F1)  # the number before the ticket key is its quantity
    assert QApplication.focusWidget() is view.tendered  # after it, numbers are the cash
    press(qtbot, "300")
    assert view.cart.qty_of("ADULT") == 2 and view.change_label.text() == "¥100.00"
    press(qtbot, Qt.Key.Key_Return)
    assert sold_orders(clerk_ctx) == [("W01-20261121-0001", 2, 20000, 30000, 10000)]
    assert view.message.text() == "已售出 W01-20261121-0001，找零 ¥100.00"


def test_forgetting_tab_no_longer_sells_200_tickets(view, clerk_ctx, qtbot):
    """`2 F1 3 0 0 Enter Enter` once made the line 300, clamped it to 200 silently, and the
    second Enter sold ¥20,000 of tickets."""
    press(qtbot, "2", Qt.Key.Key_F1, "300", Qt.Key.Key_Return, Qt.Key.Key_Return)
    assert sold_orders(clerk_ctx) == [("W01-20261121-0001", 2, 20000, 30000, 10000)]
    assert len(rows(clerk_ctx, Ticket)) == 2
    # the stray Enter changed nothing: the sale and its change are still on screen
    assert view.message.text() == "已售出 W01-20261121-0001，找零 ¥100.00"
    assert view.change_label.text() == "¥100.00"
    assert view.payment.settled_label.text() == "上一单：应收 ¥200.00，实收 ¥300.00"
    assert view.cart.is_empty() and view.large_sale is None


def test_a_number_before_any_ticket_key_is_its_quantity(view, clerk_ctx, qtbot):
    press(qtbot, "2", Qt.Key.Key_F1, "1", Qt.Key.Key_F2, "300", Qt.Key.Key_Return)
    assert sold_orders(clerk_ctx) == [("W01-20261121-0001", 3, 25000, 30000, 5000)]
    assert sorted(t.ticket_type for t in rows(clerk_ctx, Ticket)) == ["ADULT", "ADULT", "CHILD"]


def test_a_quick_amount_is_no_quantity(view, clerk_ctx, qtbot):
    press(qtbot, Qt.Key.Key_F1)
    view.payment.quick_amount(20000)  # the ¥200 button, by mouse
    press(qtbot, Qt.Key.Key_F2)  # one child more, the ¥200 stays the cash tendered
    assert (view.cart.qty_of("ADULT"), view.cart.qty_of("CHILD")) == (1, 1)
    press(qtbot, Qt.Key.Key_Return)
    assert sold_orders(clerk_ctx) == [("W01-20261121-0001", 2, 15000, 20000, 5000)]


def test_the_old_tab_habit_still_means_tendered(view, clerk_ctx, qtbot):
    press(qtbot, "2", Qt.Key.Key_F1, Qt.Key.Key_Tab, Qt.Key.Key_Tab, "300")
    assert view.tendered.text() == "300" and view.cart.qty_of("ADULT") == 2
    press(qtbot, Qt.Key.Key_Return)
    assert sold_orders(clerk_ctx) == [("W01-20261121-0001", 2, 20000, 30000, 10000)]


def test_a_clamp_is_said_aloud(view, clerk_ctx, qtbot):
    press(qtbot, "300", Qt.Key.Key_F1)
    assert view.cart.qty_of("ADULT") == 200
    assert view.message.property("kind") == "error"
    assert view.message.text() == "成人票一次最多售 200 张，本行按 200 张计。"
    press(qtbot, "+")
    assert view.message.text() == "成人票一次最多售 200 张，本行按 200 张计。"
    assert rows(clerk_ctx, Order) == []


def test_a_large_sale_is_not_sold_by_a_stray_enter(view, clerk_ctx, qtbot):
    press(qtbot, "25", Qt.Key.Key_F1, Qt.Key.Key_Return)
    dialog = view.large_sale
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.count)
    assert "25 张" in dialog.findChild(QLabel, "largeSaleQuestion").text()
    press(qtbot, Qt.Key.Key_Return, Qt.Key.Key_Return)  # stray Enters: nothing sold
    assert dialog.isVisible() and rows(clerk_ctx, Order) == []
    assert dialog.hint.text() == "请输入张数 25 才能售出，或按 Esc 返回。"
    press(qtbot, "24", Qt.Key.Key_Return)  # a wrong count sells nothing either
    assert dialog.isVisible() and rows(clerk_ctx, Order) == []
    press(qtbot, Qt.Key.Key_Escape)
    assert view.large_sale is None and rows(clerk_ctx, Order) == []
    assert view.cart.qty_of("ADULT") == 25 and view.message.text() == "未售出，购物车保持不变。"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.tendered)

    press(qtbot, Qt.Key.Key_Return)  # asked again; typing the count sells
    dialog = view.large_sale
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.count)
    press(qtbot, "25", Qt.Key.Key_Return)
    assert sold_orders(clerk_ctx) == [("W01-20261121-0001", 25, 250000, 250000, 0)]
    assert view.large_sale is None


def test_the_large_sale_thresholds_are_settings(view, clerk_ctx, qtbot):
    from dataclasses import replace

    from app.services.prints.settings import ClientSettings

    assert (ClientSettings().large_sale_tickets, ClientSettings().large_sale_fen) == (20, 200000)
    clerk_ctx.settings = replace(clerk_ctx.settings or ClientSettings(), large_sale_fen=50000)
    press(qtbot, "5", Qt.Key.Key_F1, Qt.Key.Key_Return)  # ¥500: large at this window
    assert view.large_sale is not None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.large_sale.count)
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.tendered)
    press(qtbot, Qt.Key.Key_Minus, Qt.Key.Key_Return)  # ¥400 is not
    assert view.large_sale is None
    assert sold_orders(clerk_ctx) == [("W01-20261121-0001", 4, 40000, 40000, 0)]


def test_the_change_stays_until_the_next_sale_starts(view, qtbot):
    press(qtbot, Qt.Key.Key_F1, "150", Qt.Key.Key_Return)
    assert view.change_label.text() == "¥50.00"
    assert view.change_label.property("state") == "settled"
    assert view.total_label.text() == "¥100.00" and view.payment.settled_label.isVisible()
    press(qtbot, Qt.Key.Key_F2)  # the next visitor: the last sale's words go
    assert view.message.text() == ""
    assert not view.payment.settled_label.isVisible()
    assert view.total_label.text() == "¥50.00" and view.change_label.text() == "¥0.00"


def test_the_no_shift_message_goes_once_a_shift_is_open(clerk_ctx, qtbot):
    from app.services.journal.op_changes import SHIFT_OPENED

    sell = on_screen(qtbot, SellView(clerk_ctx))
    sell.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is sell.qty_entry)
    press(qtbot, Qt.Key.Key_F1)  # a ticket key does not hide what is still true
    assert sell.message.text() == "本窗口尚未开班：收现金前请先在“交接班”开班。"
    press(qtbot, Qt.Key.Key_Return)
    assert sell.message.text() == "终端 01 还没有开班，请先开班"
    open_shift(clerk_ctx)  # on the Shift screen: its write tells every screen
    sell.operation_did_execute(SHIFT_OPENED, None)
    assert sell.message.text() == ""
    press(qtbot, Qt.Key.Key_Return)
    assert sold_orders(clerk_ctx) == [("W01-20261121-0001", 1, 10000, 10000, 0)]


# -- issue 12: offline honesty, tiles follow the catalog -----------------------------------------
def status(online: bool, minute: int = 0):
    from datetime import UTC, datetime

    from sync.events import SyncStatus

    return SyncStatus(online=online, pending=0, rejected=0,
                      last_sync_at=datetime(2026, 11, 21, 2, minute, tzinfo=UTC), alert=None,
                      clock_offset_s=0.0, clock_skewed=False)


def test_offline_without_a_lease_the_tiles_say_no_quota_not_sold_out(on_shift, qtbot):
    from datetime import UTC, datetime

    from app.store.models import LeaseRow
    from sync import leases
    from sync.events import SyncEvent
    from ui.sync_bridge import SyncBridge

    on_shift.sync = SyncBridge(interval_ms=10)
    on_shift.sync.take(SyncEvent("status", status(online=False)))
    sell = on_screen(qtbot, SellView(on_shift))
    texts = [tile.stock_label.text() for tile in sell.tiles.tiles]
    assert texts and set(texts) == {"无离线配额"} and "已售罄" not in texts
    sell.setFocus()
    press(qtbot, Qt.Key.Key_F1)
    assert sell.message.text() == ("离线时本窗口没有成人票 2026-11-21 的配额，"
                                   "连上中心库后才能再售。")
    assert sell.cart.is_empty()

    leases.mirror(on_shift.session(), on_shift.device_id, "ADULT", TODAY, {
        "lease_id": "lease-1", "granted": 5, "used": 0,
        "expires_at": datetime(2026, 11, 21, 10, 0, tzinfo=UTC).isoformat()}, now=on_shift.now())
    sell.refresh_availability()
    assert sell.tiles.tiles[0].stock_label.text() == "余 5 张"
    assert sell.tiles.tiles[1].stock_label.text() == "无离线配额"  # children: none held
    press(qtbot, "2", Qt.Key.Key_F1, Qt.Key.Key_Return)  # sold from the lease
    assert sold_orders(on_shift) == [("W01-20261121-0001", 2, 20000, 20000, 0)]
    [lease] = rows(on_shift, LeaseRow)
    assert lease.used == 2
    assert sell.tiles.tiles[0].stock_label.text() == "余 3 张"


def test_tiles_follow_the_catalog_the_store_sends(on_shift, qtbot):
    """A window of a separate store holds no catalog when it starts; the changes feed brings
    one (and later a new price): the tiles follow without signing out and in."""
    from app.store.models import TicketTypeRow
    from sync import cache
    from sync.events import SyncEvent
    from ui.sync_bridge import SyncBridge

    with on_shift.session() as session, session.begin():
        session.execute(sa.update(TicketTypeRow).values(active=False))
    on_shift.sync = SyncBridge(interval_ms=10)
    on_shift.sync.take(SyncEvent("status", status(online=True)))
    sell = on_screen(qtbot, SellView(on_shift))
    assert sell.tiles.tiles == []

    def catalog_page(seq, version, price, cursor):
        return {"next_cursor": cursor, "changes": [
            {"seq": seq, "entity": "catalog", "id": "ADULT", "version": version, "data": {
                "code": "ADULT", "name": "成人票", "kind": "regular", "price_fen": price,
                "active": True, "sort_order": 0}},
            {"seq": seq + 1, "entity": "catalog", "id": "NIGHT", "version": version, "data": {
                "code": "NIGHT", "name": "夜场票", "kind": "regular", "price_fen": 6000,
                "active": True, "sort_order": 1}},
            {"seq": seq + 2, "entity": "inventory", "id": "NIGHT/2026-11-21",
             "version": version, "data": {"ticket_type": "NIGHT", "visit_date": "2026-11-21",
                                          "capacity": 300, "sold": 0, "held": 0}}]}

    cache.apply_page(on_shift.session(), catalog_page(1, 50, 10000, "c1"), now=on_shift.now())
    on_shift.sync.publish(SyncEvent("status", status(online=True, minute=1)))  # a sync round
    qtbot.waitUntil(lambda: len(sell.tiles.tiles) == 2)
    assert [(t.name_label.text(), t.price_label.text(), t.stock_label.text())
            for t in sell.tiles.tiles] == [("成人票", "¥100.00", "余 1000 张"),
                                           ("夜场票", "¥60.00", "余 300 张")]
    sell.setFocus()
    press(qtbot, Qt.Key.Key_F1)

    cache.apply_page(on_shift.session(), catalog_page(4, 51, 12000, "c2"), now=on_shift.now())
    on_shift.sync.publish(SyncEvent("status", status(online=True, minute=2)))
    qtbot.waitUntil(lambda: sell.tiles.tiles[0].price_label.text() == "¥120.00")
    assert view_total(sell) == "¥120.00"  # the cart follows the new price too
    press(qtbot, Qt.Key.Key_F2, Qt.Key.Key_Return)
    assert sold_orders(on_shift) == [("W01-20261121-0001", 2, 18000, 18000, 0)]


def view_total(sell):
    return sell.total_label.text()

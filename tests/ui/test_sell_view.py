"""The Sell view driven by the keyboard, against real services and a real SQLite file."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from conftest import on_screen, open_shift, press
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

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
    press(qtbot, "5", Qt.Key.Key_Return)  # a number then Enter: the selected line's quantity
    assert view.cart.qty_of("ADULT") == 5 and view.cart.rowCount() == 1
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

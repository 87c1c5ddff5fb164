"""The Shift view (交接班) driven by the keyboard, against real services and a real SQLite file."""

from datetime import date

import pytest
import sqlalchemy as sa
from conftest import on_screen, press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services.sales import selling
from app.store.models import PrintJobRow, Shift
from ui.views.shift_view import ShiftView

TODAY = date(2026, 11, 21)


@pytest.fixture
def view(clerk_ctx, qtbot):
    shift = on_screen(qtbot, ShiftView(clerk_ctx))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is shift.float_edit)
    return shift




def sell_cash(ctx, adults: int) -> None:
    request = selling.SaleRequest(
        terminal=ctx.terminal, clerk=ctx.user.username, device_id=ctx.device_id,
        visit_date=TODAY, lines=(selling.SaleLine("ADULT", adults),),
        tendered_fen=10000 * adults)
    with ctx.session() as session:
        selling.sell(session, request, now=ctx.now(), venue=ctx.venue())


def open_with_float(view, qtbot, yuan: str = "500") -> None:
    press(qtbot, yuan, Qt.Key.Key_Return)
    assert view.pages.currentIndex() == 1


def test_open_with_a_float_by_keyboard(view, clerk_ctx, qtbot):
    open_with_float(view, qtbot)
    assert view.message.text() == "已开班，备用金 ¥500.00"
    assert view.float_label.text() == "¥500.00"
    assert view.expected_label.text() == "¥500.00"
    assert view.variance_label.text() == "—"  # nothing counted yet: no shortfall shown
    assert QApplication.focusWidget() is view.amount_edit
    with clerk_ctx.session() as session:
        [shift] = session.execute(sa.select(Shift)).scalars().all()
    assert (shift.clerk, shift.status, shift.opening_float_fen) == ("clerk1", "open", 50000)


def test_a_bad_float_is_refused_in_chinese(view, qtbot):
    press(qtbot, "abc", Qt.Key.Key_Return)
    assert view.pages.currentIndex() == 0
    assert view.message.property("kind") == "error" and view.message.text()


def test_a_cash_sale_updates_the_expected_cash(view, clerk_ctx, qtbot):
    open_with_float(view, qtbot)
    sell_cash(clerk_ctx, 2)
    view.reload()
    assert view.sales_label.text() == "1 笔，¥200.00"
    assert view.expected_label.text() == "¥700.00"


def test_cash_out_without_a_reason_is_refused(view, clerk_ctx, qtbot):
    open_with_float(view, qtbot)
    view.kind_box.setCurrentIndex(1)  # 取出
    press(qtbot, "100", Qt.Key.Key_Return)
    assert QApplication.focusWidget() is view.reason_edit
    press(qtbot, Qt.Key.Key_Return)
    assert view.message.text() == "取出现金必须填写原因"
    assert view.message.property("kind") == "error"
    assert view.movements.rowCount() == 0
    view.reason_edit.setText("存银行")
    press(qtbot, Qt.Key.Key_Return)
    assert view.movements.rowCount() == 1
    assert view.expected_label.text() == "¥400.00"


def test_close_with_a_variance_shows_it_and_prints_the_z_report(view, clerk_ctx, qtbot):
    open_with_float(view, qtbot)
    sell_cash(clerk_ctx, 1)
    view.reload()  # expected 600.00
    view.count_edits[0].setFocus()
    press(qtbot, "5", Qt.Key.Key_Return)  # 5 × 100 元
    assert QApplication.focusWidget() is view.count_edits[1]
    press(qtbot, "1", Qt.Key.Key_Tab, "2", Qt.Key.Key_Tab, "1", Qt.Key.Key_Return)  # 50+40+10
    for _ in range(4):
        press(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is view.close_button
    assert view.counted_label.text() == "¥600.00"
    assert view.variance_label.text() == "无差异 ¥0.00"
    view.count_edits[3].setFocus()
    view.count_edits[3].clear()  # one 10 元 note fewer
    assert view.variance_label.text() == "短款 ¥-10.00"
    assert view.variance_label.property("kind") == "error"
    view.close_button.setFocus()
    press(qtbot, Qt.Key.Key_Return)

    assert view.pages.currentIndex() == 2
    assert view.report.variance_fen == -1000
    assert view.report_labels["variance"].text() == "短款 ¥-10.00"
    assert view.report_labels["expected"].text() == "¥600.00"
    assert view.report_labels["counted"].text() == "¥590.00"
    with clerk_ctx.session() as session:
        jobs = session.execute(sa.select(PrintJobRow).where(
            PrintJobRow.kind == "shift_report")).scalars().all()
        [shift] = session.execute(sa.select(Shift)).scalars().all()
    assert len(jobs) == 1 and jobs[0].payload["variance_fen"] == -1000
    assert (shift.status, shift.variance_fen) == ("closed", -1000)


def test_over_is_shown_signed(view, qtbot):
    open_with_float(view, qtbot, "0")
    view.count_edits[-1].setText("3")
    assert view.variance_label.text() == "长款 ¥+0.30"

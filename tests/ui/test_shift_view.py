"""The Shift view (交接班) driven by the keyboard, against real services and a real SQLite file."""

from datetime import date

import pytest
import sqlalchemy as sa
from conftest import as_user, on_screen, open_shift, press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services.sales import selling
from app.store.models import OutboxOp, PrintJobRow, Shift
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


def count(view, qtbot, pieces: dict[int, str]) -> None:
    """Type the count into the grid (fen → pieces), like a clerk with the notes in hand."""
    for edit in view.count_edits:
        edit.clear()
    for fen, n in pieces.items():
        edit = next(e for e in view.count_edits if e.objectName() == f"count{fen}")
        edit.setFocus()
        press(qtbot, n)


def asked(view, qtbot):
    """The close question on screen, with the keyboard."""
    qtbot.waitUntil(lambda: view.confirm_box is not None and view.confirm_box.isActiveWindow())
    return view.confirm_box


def shifts_in_db(ctx) -> list[Shift]:
    with ctx.session() as session:
        return session.execute(sa.select(Shift).order_by(Shift.opened_at)).scalars().all()


def z_jobs(ctx) -> list[PrintJobRow]:
    with ctx.session() as session:
        return session.execute(sa.select(PrintJobRow).where(PrintJobRow.kind == "shift_report")
                               .order_by(PrintJobRow.created_at)).scalars().all()


def test_open_with_a_float_by_keyboard(view, clerk_ctx, qtbot):
    open_with_float(view, qtbot)
    assert view.message.text() == "已开班，备用金 ¥500.00"
    assert view.float_label.text() == "¥500.00"
    assert view.expected_label.text() == "¥500.00"
    assert view.variance_label.text() == "—"  # nothing counted yet: no shortfall shown
    assert QApplication.focusWidget() is view.amount_edit
    [shift] = shifts_in_db(clerk_ctx)
    assert (shift.clerk, shift.status, shift.opening_float_fen) == ("clerk1", "open", 50000)


def test_a_bad_float_is_refused_in_chinese(view, qtbot):
    press(qtbot, "abc", Qt.Key.Key_Return)
    assert view.pages.currentIndex() == 0
    assert view.message.property("kind") == "error" and view.message.text()


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
    assert view.cash_out_label.text() == "-¥100.00"


def test_a_stray_enter_cannot_close_the_shift_and_the_close_records_what_was_shown(
        view, clerk_ctx, qtbot):
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
    assert view.variance_label.text() == "短款 -¥10.00"
    assert view.variance_label.property("kind") == "error"
    view.close_button.setFocus()

    press(qtbot, Qt.Key.Key_Return)  # 交班: the question, not the close
    box = asked(view, qtbot)
    assert box.variance_label.text() == "短款 -¥10.00"
    assert (box.figures.counted_fen, box.figures.expected_fen) == (59000, 60000)
    assert QApplication.focusWidget() is box.back_button
    press(qtbot, Qt.Key.Key_Return)  # the stray second Enter: back to counting
    qtbot.waitUntil(lambda: view.confirm_box is None and view.isActiveWindow())
    assert view.pages.currentIndex() == 1
    assert [(s.status, s.variance_fen) for s in shifts_in_db(clerk_ctx)] == [("open", None)]
    assert z_jobs(clerk_ctx) == []

    assert QApplication.focusWidget() is view.close_button
    press(qtbot, Qt.Key.Key_Return)
    box = asked(view, qtbot)
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is box.confirm_button
    press(qtbot, Qt.Key.Key_Return)  # Tab, Enter: meant

    assert view.pages.currentIndex() == 2
    assert view.report.variance_fen == -1000
    labels = view.report_labels
    assert labels["variance"].text() == "短款 -¥10.00"
    assert labels["float"].text() == "¥500.00"  # the Z report's 备用金 (key `float_fen`)
    assert labels["expected"].text() == "¥600.00"
    assert labels["counted"].text() == "¥590.00"
    [job] = z_jobs(clerk_ctx)
    [shift] = shifts_in_db(clerk_ctx)
    assert job.payload["variance_fen"] == -1000 and job.payload["float_fen"] == 50000
    assert (shift.status, shift.variance_fen, shift.cash_expected_fen) == ("closed", -1000, 60000)


def test_a_sale_between_the_question_and_the_answer_is_not_closed_over(view, clerk_ctx, qtbot):
    """The clerk confirmed ¥500 expected; a sale lands before he answers: the close is
    refused with the new figure, and the screen shows it."""
    open_with_float(view, qtbot)
    count(view, qtbot, {10000: "5"})
    view.close_button.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    box = asked(view, qtbot)
    sell_cash(clerk_ctx, 1)
    press(qtbot, Qt.Key.Key_Tab, Qt.Key.Key_Return)
    assert not box.isVisible() and view.pages.currentIndex() == 1
    assert view.message.text() == "应有现金已变为 ¥600.00（刚有收付款），请核对后重新交班"
    assert view.expected_label.text() == "¥600.00"
    assert view.variance_label.text() == "短款 -¥100.00"
    assert [s.status for s in shifts_in_db(clerk_ctx)] == ["open"]


def test_over_is_shown_signed(view, qtbot):
    open_with_float(view, qtbot, "0")
    view.count_edits[-1].setText("3")
    assert view.variance_label.text() == "长款 +¥0.30"


def test_a_supervisor_takes_over_the_shift_a_clerk_left_open(ctx, qtbot):
    open_shift(as_user(ctx, "clerk1", "clerk"))  # clerk1 went home without closing
    sell_cash(ctx, 2)
    sup = as_user(ctx, "supervisor", "supervisor")
    view = on_screen(qtbot, ShiftView(sup))
    qtbot.waitUntil(lambda: view.pages.currentIndex() == 1)
    assert view.message.text() == "clerk1 的班次尚未交班。请清点钱箱、填写原因后代为交班。"
    assert view.close_button.text() == "代为交班" and view.takeover_reason.isVisible()
    assert not view.move_row.isEnabled()  # no cash movements in another clerk's shift
    assert QApplication.focusWidget() is view.count_edits[0]
    press(qtbot, "7", Qt.Key.Key_Return)  # 7 × 100 元 = the float and the sale
    for _ in range(len(view.count_edits) - 1):
        press(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is view.takeover_reason
    press(qtbot, Qt.Key.Key_Return, Qt.Key.Key_Return)  # no reason typed: refused
    assert view.message.text() == "请填写代交班原因。" and view.confirm_box is None
    assert QApplication.focusWidget() is view.takeover_reason
    view.takeover_reason.insert("售票员1 下班未交班")  # typed through the input method
    press(qtbot, Qt.Key.Key_Return, Qt.Key.Key_Return)
    box = asked(view, qtbot)
    assert box.figures.taken_over_by == "supervisor" and box.figures.clerk == "clerk1"
    assert box.variance_label.text() == "无差异 ¥0.00"
    press(qtbot, Qt.Key.Key_Tab, Qt.Key.Key_Return)

    assert view.pages.currentIndex() == 2
    assert view.report_labels["closed_by"].text() == "supervisor"
    assert view.report_labels["reason"].text() == "售票员1 下班未交班"
    [shift] = shifts_in_db(ctx)
    assert (shift.status, shift.clerk, shift.variance_fen) == ("closed", "clerk1", 0)
    assert (shift.report["closed_by"], shift.report["close_reason"]) == (
        "supervisor", "售票员1 下班未交班")
    with ctx.session() as session:
        op = session.execute(sa.select(OutboxOp).where(OutboxOp.kind == "shift_close")
                             ).scalar_one()
    assert (op.payload["clerk"], op.payload["closed_by"], op.payload["close_reason"]) == (
        "clerk1", "supervisor", "售票员1 下班未交班")
    assert [j.payload["closed_by"] for j in z_jobs(ctx)] == ["supervisor"]


def test_another_clerk_is_told_to_ask_a_supervisor(ctx, qtbot):
    open_shift(as_user(ctx, "clerk1", "clerk"))
    clerk2 = as_user(ctx, "clerk2", "clerk")
    view = on_screen(qtbot, ShiftView(clerk2))
    qtbot.waitUntil(lambda: view.pages.currentIndex() == 1)
    assert view.message.text() == ("本窗口的班次由 clerk1 开班，尚未交班。只有 clerk1 本人或主管"
                                   "可以交班，请找主管代为交班。")
    assert view.message.property("kind") == "error"
    assert not view.count_box.isEnabled() and not view.move_row.isEnabled()
    view.close_shift()  # even if asked: no question, no close
    assert view.confirm_box is None
    assert [s.status for s in shifts_in_db(ctx)] == ["open"]
    from app.domain.errors import Forbidden
    from ui.views import shift_actions

    with pytest.raises(Forbidden, match="请主管代为交班"):  # and the service says the same
        shift_actions.close_shift(clerk2, {}, 50000, clerk2.now())


def test_past_shifts_are_listed_and_enter_reprints_the_z_report(clerk_ctx, qtbot):
    from app.services.shifts import shifts

    open_shift(clerk_ctx)
    with clerk_ctx.session() as session:
        shifts.close_shift(session, terminal="01", clerk="clerk1", counted={10000: 4},
                           now=clerk_ctx.now(), venue=clerk_ctx.venue())
    view = on_screen(qtbot, ShiftView(clerk_ctx))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.float_edit)
    qtbot.keyClick(view.float_edit, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert view.tabs.currentWidget() is view.past
    model = view.past.model
    assert model.rowCount() == 1
    assert [model.index(0, c).data() for c in (0, 3, 4, 5, 6, 7)] == [
        "clerk1", "¥500.00", "¥500.00", "¥400.00", "短款 -¥100.00", "clerk1"]
    view.past.table.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert view.message.property("kind") == "success", view.message.text()
    assert "重打 1" in view.message.text()
    jobs = z_jobs(clerk_ctx)
    assert [j.payload.get("reprint_no") for j in jobs] == [0, 1]
    assert jobs[1].payload["variance_fen"] == -10000 and jobs[1].status == "pending"

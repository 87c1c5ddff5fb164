"""The Refund view (退票) driven by the keyboard, against real services and a real SQLite file."""

from datetime import date

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.money import format_fen
from app.services import selling
from app.store.models.orders import Ticket
from ui.views.refund_view import RefundView

TODAY = date(2026, 11, 21)


@pytest.fixture
def view(clerk_ctx, qtbot):
    refund = RefundView(clerk_ctx)
    qtbot.addWidget(refund)
    refund.resize(1200, 700)
    refund.show()
    refund.activateWindow()
    qtbot.waitUntil(refund.isActiveWindow)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is refund.search_box)
    return refund


def press(qtbot, *keys):
    for key in keys:
        widget = QApplication.focusWidget()
        if isinstance(key, str):
            qtbot.keyClicks(widget, key)
        else:
            qtbot.keyClick(widget, key)


def sell_family(ctx) -> selling.SaleResult:
    request = selling.SaleRequest(
        terminal=ctx.terminal, clerk=ctx.user.username, device_id=ctx.device_id,
        visit_date=TODAY, lines=(selling.SaleLine("FAMILY", 1),), tendered_fen=13000)
    with ctx.session() as session:
        return selling.sell(session, request, now=ctx.now(), venue=ctx.venue())


def child_of(sale: selling.SaleResult) -> selling.SoldTicket:
    return next(t for t in sale.tickets if t.ticket_type == "CHILD")


def ticket_status(ctx, ticket_id: str) -> str:
    with ctx.session() as session:
        return session.execute(sa.select(Ticket.status)
                               .where(Ticket.ticket_id == ticket_id)).scalar_one()


def scan_child(view, qtbot, ctx) -> selling.SoldTicket:
    child = child_of(sell_family(ctx))
    press(qtbot, child.code, Qt.Key.Key_Return)
    return child


def test_scanning_a_child_ticket_ticks_it_and_quotes_the_same_day_rule(view, clerk_ctx, qtbot):
    child = scan_child(view, qtbot, clerk_ctx)
    assert view.tickets.topLevelItemCount() == 2
    assert view.checked_ids() == [child.ticket_id]
    row = next(view.tickets.topLevelItem(i) for i in range(2)
               if view.tickets.topLevelItem(i).checkState(0) == Qt.CheckState.Checked)
    assert row.text(2) == "有效"
    assert "游玩当日退票，收30%手续费" in row.text(3)
    assert row.text(4) == "30%"
    [(ticket_id, tq)] = view.current_quote.tickets
    assert ticket_id == child.ticket_id and tq.fee_bp == 3000 and tq.fee_fen > 0
    assert tq.fee_fen + tq.payment_fee_fen + tq.refund_fen == child.price_fen
    assert row.text(5) == format_fen(tq.fee_fen)
    assert row.text(6) == format_fen(tq.payment_fee_fen)
    assert row.text(7) == format_fen(tq.refund_fen)
    assert view.current_quote.total_refund_fen == tq.refund_fen
    assert format_fen(tq.refund_fen) in view.total_label.text()
    assert view.approval_label.text() == "无需审批。"


def test_space_toggles_a_ticket_and_requotes(view, clerk_ctx, qtbot):
    scan_child(view, qtbot, clerk_ctx)
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is view.tickets
    press(qtbot, Qt.Key.Key_Space)
    assert view.checked_ids() == []
    assert view.total_label.text() == ""
    press(qtbot, Qt.Key.Key_Space)
    assert len(view.checked_ids()) == 1 and view.current_quote is not None


def test_confirm_with_a_reason_refunds_the_ticket(view, clerk_ctx, qtbot):
    child = scan_child(view, qtbot, clerk_ctx)
    view.reason_edit.setFocus()
    view.reason_edit.setText("孩子生病")
    press(qtbot, Qt.Key.Key_Return)
    assert view.message.property("kind") == "success", view.message.text()
    assert view.result.refund_no in view.message.text()
    assert format_fen(view.result.amount_fen) in view.message.text()
    assert ticket_status(clerk_ctx, child.ticket_id) == "refunded"
    assert QApplication.focusWidget() is view.search_box


def test_a_refused_refund_shows_the_chinese_reason(view, clerk_ctx, qtbot):
    child = scan_child(view, qtbot, clerk_ctx)
    view.reason_edit.setFocus()
    view.reason_edit.setText("孩子生病")
    press(qtbot, Qt.Key.Key_Return)
    assert ticket_status(clerk_ctx, child.ticket_id) == "refunded"
    view.search_box.setFocus()
    press(qtbot, child.code, Qt.Key.Key_Return)
    assert view.checked_ids() == [child.ticket_id]
    view.reason_edit.setFocus()
    view.reason_edit.setText("再退一次")
    press(qtbot, Qt.Key.Key_Return)
    assert view.message.property("kind") == "error"
    assert "已退" in view.message.text(), view.message.text()


def test_confirm_without_a_reason_is_refused(view, clerk_ctx, qtbot):
    child = scan_child(view, qtbot, clerk_ctx)
    view.reason_edit.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert view.message.property("kind") == "error"
    assert view.message.text() == "请填写退票原因"
    assert ticket_status(clerk_ctx, child.ticket_id) != "refunded"


def test_an_unknown_code_says_so(view, qtbot):
    press(qtbot, "MP1-NOPE", Qt.Key.Key_Return)
    assert view.message.property("kind") == "error"
    assert "没有找到订单" in view.message.text()

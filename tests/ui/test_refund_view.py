"""The Refund view (退票) driven by the keyboard, against real services and a real SQLite file."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from conftest import as_user, on_screen, open_shift, press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.money import format_fen
from app.services.refunds import refund_requests
from app.services.sales import selling
from app.services.shifts import shifts
from app.store.models import Order, OutboxOp, PrintJobRow, Refund
from app.store.models.orders import Ticket
from ui.views.payout_confirm import PAY
from ui.views.refund_tickets import CODE, FEE, PAY_FEE, RATE, REFUND, RULE, STATUS
from ui.views.refund_view import RefundView

TODAY = date(2026, 11, 21)


@pytest.fixture
def view(on_shift, qtbot):
    refund = on_screen(qtbot, RefundView(on_shift))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is refund.search_box)
    return refund




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
    assert row.text(STATUS) == "有效"
    assert row.text(CODE) == "…" + child.code[-6:]
    assert "游玩当日退票，收30%手续费" in row.text(RULE)
    assert row.text(RATE) == "30%"
    [(ticket_id, tq)] = view.current_quote.tickets
    assert ticket_id == child.ticket_id and tq.fee_bp == 3000 and tq.fee_fen > 0
    assert tq.fee_fen + tq.payment_fee_fen + tq.refund_fen == child.price_fen
    assert row.text(FEE) == format_fen(tq.fee_fen)
    assert row.text(PAY_FEE) == format_fen(tq.payment_fee_fen)
    assert row.text(REFUND) == format_fen(tq.refund_fen)
    assert view.current_quote.total_refund_fen == tq.refund_fen
    assert format_fen(tq.refund_fen) in view.total_label.text()
    assert view.approval_label.text() == "无需审批：现金当场退付。"
    assert view.confirm_button.text() == "确认退票"


def test_space_toggles_a_ticket_and_requotes(view, clerk_ctx, qtbot):
    child = scan_child(view, qtbot, clerk_ctx)
    assert QApplication.focusWidget() is view.tickets  # the lookup moved the focus
    press(qtbot, Qt.Key.Key_Space)
    assert view.checked_ids() == []
    assert view.total_label.text() == ""
    press(qtbot, Qt.Key.Key_Space)
    assert len(view.checked_ids()) == 1 and view.current_quote is not None
    assert view.search_box.text() == child.code  # Space never reached the search box


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
    with clerk_ctx.session() as session:  # to the store later; the slip opens the drawer
        op = session.execute(sa.select(OutboxOp).where(OutboxOp.kind == "refund")).scalar_one()
        slip = session.execute(sa.select(PrintJobRow)
                               .where(PrintJobRow.kind == "refund_slip")).scalar_one()
    with clerk_ctx.session() as session:
        expected = shifts.expected_now(session, "01", now=clerk_ctx.now())
    assert op.payload["ticket_ids"] == [child.ticket_id]
    assert op.payload["amount_fen"] == view.result.amount_fen
    assert slip.payload["kick_drawer"] is True and slip.payload["reason"] == "孩子生病"
    assert "游玩当日退票" in slip.payload["rule_text"]
    assert expected == 50_000 + 13000 - view.result.amount_fen  # float + sale - refund


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


def test_no_cash_refund_without_an_open_shift(clerk_ctx, qtbot):
    view = RefundView(clerk_ctx)
    qtbot.addWidget(view)
    view.show()
    child = child_of(sell_family(clerk_ctx))
    view.search_box.setText(child.code)
    view.search()
    view.reason_edit.setText("孩子生病")
    view.confirm()
    assert view.message.text() == "终端 01 还没有开班，请先开班"
    assert ticket_status(clerk_ctx, child.ticket_id) == "valid"
    with clerk_ctx.session() as session:
        assert session.execute(sa.select(Refund)).first() is None


def sell_big(ctx, qty=50) -> selling.SaleResult:
    request = selling.SaleRequest(
        terminal=ctx.terminal, clerk=ctx.user.username, device_id=ctx.device_id,
        visit_date=date(2026, 11, 26), lines=(selling.SaleLine("ADULT", qty),),
        tendered_fen=10000 * qty)
    with ctx.session() as session:
        return selling.sell(session, request, now=ctx.now(), venue=ctx.venue())


def test_a_refund_needing_approval_goes_to_the_store_and_says_so_offline(view, on_shift, qtbot):
    sale = sell_big(on_shift)  # ¥5,000 back: supervisor and finance must both approve
    press(qtbot, sale.order_no, Qt.Key.Key_Return)
    for i in range(view.tickets.topLevelItemCount()):  # tick them all
        view.tickets.topLevelItem(i).setCheckState(0, Qt.CheckState.Checked)
    assert view.current_quote.needs_approval
    assert view.confirm_button.text() == "提交审批"
    assert "主管和财务双人审批" in view.approval_label.text()
    view.reason_edit.setText("团队行程取消")
    view.confirm()
    assert view.message.property("kind") == "error"
    assert "中心服务器" in view.message.text(), view.message.text()
    with on_shift.session() as session:
        assert session.execute(sa.select(Refund)).first() is None


def test_an_approved_cash_refund_is_paid_out_with_its_slip(view, on_shift, qtbot):
    sale = sell_big(on_shift)
    ids = [t.ticket_id for t in sale.tickets]
    now = on_shift.now()
    with on_shift.session() as session:  # as the store's feed would bring it
        asked = refund_requests.request_refund(
            session, sale.order_no, ids, "cash", "团队行程取消", actor="clerk1", role="clerk",
            now=now, today=TODAY, payout_terminal="01")
    for who, role in (("super1", "supervisor"), ("fin1", "finance")):
        with on_shift.session() as session:
            done = refund_requests.approve(session, asked.refund_no, approver=who, role=role,
                                           now=now, today=TODAY)
    assert done.status == "approved"
    press(qtbot, sale.order_no, Qt.Key.Key_Return)
    assert view.payout_button.isVisible()
    assert asked.refund_no in view.payout_button.text()
    assert format_fen(asked.amount_fen) in view.payout_button.text()
    qtbot.mouseClick(view.payout_button, Qt.MouseButton.LeftButton)
    view.payout_confirm.button(PAY).click()  # asked first: tests/ui/test_refund_payouts.py
    assert view.message.property("kind") == "success", view.message.text()
    assert not view.payout_button.isVisible()
    assert {ticket_status(on_shift, i) for i in ids} == {"refunded"}
    with on_shift.session() as session:
        op = session.execute(sa.select(OutboxOp).where(OutboxOp.kind == "refund")).scalar_one()
        slip = session.execute(sa.select(PrintJobRow)
                               .where(PrintJobRow.kind == "refund_slip")).scalar_one()
    assert op.payload["refund_id"] and op.payload["amount_fen"] == asked.amount_fen
    assert slip.payload["approvals"] == ["主管 super1", "财务 fin1"]
    assert slip.payload["kick_drawer"] is True
    assert sum(t["refund_fen"] for t in slip.payload["tickets"]) == asked.amount_fen
    with on_shift.session() as session:  # the cash left this shift's drawer
        assert shifts.expected_now(session, "01", now=now) == 50_000 + 500_000 - 500_000
    with on_shift.session() as session, session.begin():  # as if a stale copy came back
        session.execute(sa.update(Refund).where(Refund.refund_no == asked.refund_no)
                        .values(status="approved"))
    from app.domain.errors import Conflict
    from app.services.refunds import window_refunds

    with pytest.raises(Conflict, match="已在本窗口付现"), on_shift.session() as session:
        window_refunds.pay_out(session, asked.refund_no, terminal="01", clerk="clerk1",
                               now=now, venue=on_shift.venue())


def test_a_phone_number_finds_the_visitors_newest_order(view, on_shift, qtbot):
    older, newer = sell_family(on_shift), sell_family(on_shift)
    with on_shift.session() as session, session.begin():
        session.execute(sa.update(Order).values(customer_phone="13812345678"))
        session.execute(sa.update(Order).where(Order.order_no == older.order_no)
                        .values(created_at=on_shift.now() - timedelta(hours=1)))
    press(qtbot, "5678", Qt.Key.Key_Return)
    assert view.order["order_no"] == newer.order_no != older.order_no
    assert view.message.text() == "该游客另有 1 个订单有可用票，当前显示最新的一个。扫描票码可选其他订单。"
    assert view.tickets.topLevelItemCount() == 2


def fill_override(view, rate, reason="医院诊断证明", evidence="YY-2026-1121-07"):
    view.override_box.setChecked(True)
    view.override_rate.setText(rate)
    view.override_reason.setText(reason)
    view.override_evidence.setText(evidence)
    view.refresh_quote()


def test_a_clerks_fee_override_waits_for_a_supervisor(view, on_shift, qtbot):
    child = scan_child(view, qtbot, on_shift)
    fill_override(view, "0")
    [(_, tq)] = view.current_quote.tickets
    assert tq.fee_fen == 0 and tq.refund_fen == child.price_fen
    assert view.current_quote.needs_approval
    assert "手续费调整需主管审批" in view.approval_label.text()
    assert view.confirm_button.text() == "提交审批"


def test_a_supervisors_fee_override_refunds_at_once_and_names_the_evidence(ctx, qtbot):
    sup = as_user(ctx, "super1", "supervisor")
    open_shift(sup)
    view = RefundView(sup)
    qtbot.addWidget(view)
    view.show()
    child = child_of(sell_family(sup))
    view.search_box.setText(child.code)
    view.search()
    fill_override(view, "abc")
    assert "百分数" in view.message.text()
    fill_override(view, "0", evidence="")
    assert view.current_quote.tickets[0][1].fee_fen > 0  # incomplete: quoted by the rules
    view.reason_edit.setText("孩子生病")
    view.confirm()
    assert "凭证" in view.message.text() and ticket_status(sup, child.ticket_id) == "valid"
    fill_override(view, "0")
    assert not view.current_quote.needs_approval
    assert view.confirm_button.text() == "确认退票"
    view.reason_edit.setText("孩子生病")
    view.confirm()
    assert view.message.property("kind") == "success", view.message.text()
    assert view.result.amount_fen == child.price_fen and view.result.fee_fen == 0
    assert ticket_status(sup, child.ticket_id) == "refunded"
    with sup.session() as session:
        slip = session.execute(sa.select(PrintJobRow)
                               .where(PrintJobRow.kind == "refund_slip")).scalar_one()
    assert "YY-2026-1121-07" in slip.payload["rule_text"]


# -- issue 12: the keyboard after a lookup, select all, ticket codes, today's tails ------------
def refunded_ids(ctx) -> set[str]:
    with ctx.session() as session:
        return set(session.execute(sa.select(Ticket.ticket_id)
                                   .where(Ticket.status == "refunded")).scalars())


def test_space_after_a_lookup_ticks_and_keeps_the_order_number(view, on_shift, qtbot):
    """The slip: Space replaced the selected order number in the search box."""
    sale = sell_family(on_shift)
    press(qtbot, sale.order_no, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is view.tickets
    assert view.checked_ids() == []
    press(qtbot, Qt.Key.Key_Space, Qt.Key.Key_Down, Qt.Key.Key_Space)
    assert view.search_box.text() == sale.order_no
    assert sorted(view.checked_ids()) == sorted(t.ticket_id for t in sale.tickets)
    assert len(view.current_quote.tickets) == 2
    press(qtbot, Qt.Key.Key_Up, Qt.Key.Key_Space)  # the first one again: unticked
    assert view.checked_ids() == [sale.tickets[1].ticket_id]
    press(qtbot, Qt.Key.Key_Return)  # on to the reason, then refund
    assert QApplication.focusWidget() is view.reason_edit
    view.reason_edit.setText("行程有变")  # QTest types no Chinese
    press(qtbot, Qt.Key.Key_Return)
    assert view.message.property("kind") == "success", view.message.text()
    assert refunded_ids(on_shift) == {sale.tickets[1].ticket_id}


def test_rows_show_the_tail_of_each_ticket_code(view, on_shift, qtbot):
    sale = sell_family(on_shift)
    press(qtbot, sale.order_no, Qt.Key.Key_Return)
    rows = [view.tickets.topLevelItem(i) for i in range(view.tickets.topLevelItemCount())]
    assert [(r.text(CODE), r.toolTip(CODE)) for r in rows] == [
        ("…" + t.code[-6:], t.code) for t in sale.tickets]
    assert len({r.text(CODE) for r in rows}) == 2


def test_ctrl_a_ticks_every_refundable_ticket_and_again_none(view, on_shift, qtbot):
    sale = sell_big(on_shift, qty=4)
    ids = [t.ticket_id for t in sale.tickets]
    press(qtbot, sale.order_no, Qt.Key.Key_Return)
    assert view.select_all_button.text() == "全选 (Ctrl+A)"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert sorted(view.checked_ids()) == sorted(ids)
    assert [t for t, _ in view.current_quote.tickets] == ids  # one quote of all four
    assert view.select_all_button.text() == "全不选 (Ctrl+A)"
    assert view.search_box.text() == sale.order_no  # Ctrl+A selected no search text
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert view.checked_ids() == [] and view.current_quote is None
    press(qtbot, Qt.Key.Key_Space, Qt.Key.Key_Return)  # tick one, on to the reason
    view.reason_edit.setText("改签")
    press(qtbot, Qt.Key.Key_Return)
    assert refunded_ids(on_shift) == {ids[0]}
    qtbot.mouseClick(view.select_all_button, Qt.MouseButton.LeftButton)  # the button too
    assert sorted(view.checked_ids()) == sorted(ids[1:])  # not the refunded one again
    assert view.select_all_button.text() == "全不选 (Ctrl+A)"
    assert QApplication.focusWidget() is view.tickets
    view.reason_edit.setText("改签")
    view.confirm()
    assert refunded_ids(on_shift) == set(ids)


def test_todays_tail_finds_this_windows_order_of_today(view, on_shift, qtbot):
    first, decoy_w02, decoy_old, today = (sell_family(on_shift) for _ in range(4))
    assert today.order_no == "W01-20261121-0004"
    later = on_shift.now() + timedelta(minutes=5)  # the decoys are newer and match the tail
    with on_shift.session() as session, session.begin():
        session.execute(sa.update(Order).where(Order.order_no == decoy_w02.order_no).values(
            order_no="W02-20261121-0004", terminal="02", created_at=later,
            customer_phone="13900000004"))
        session.execute(sa.update(Order).where(Order.order_no == decoy_old.order_no).values(
            order_no="W01-20261120-0004", created_at=later))
    press(qtbot, "0004", Qt.Key.Key_Return)
    assert view.order["order_no"] == "W01-20261121-0004"
    assert view.search_box.text() == "0004"
    assert "另有 1 个订单的手机尾号是这几位" in view.message.text(), view.message.text()
    press(qtbot, "1", Qt.Key.Key_Return)  # typed on the tickets: a new search, short tail
    assert view.search_box.text() == "1"
    assert view.order["order_no"] == first.order_no
    assert QApplication.focusWidget() is view.tickets
    press(qtbot, "0009", Qt.Key.Key_Return)
    assert view.message.property("kind") == "error"
    assert view.message.text() == ("今天本窗口没有 W01-20261121-0009 号订单，"
                                   "也没有手机尾号是 0009 的订单")
    assert view.order["order_no"] == first.order_no  # nothing else loaded
    assert view.search_box.selectedText() == "0009"  # the next scan replaces it


def test_a_scan_typed_on_the_tickets_opens_the_next_order(view, on_shift, qtbot):
    one, other = sell_family(on_shift), sell_family(on_shift)
    press(qtbot, one.order_no, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is view.tickets
    press(qtbot, other.tickets[1].code, Qt.Key.Key_Return)  # a wedge scanner's burst
    assert view.order["order_no"] == other.order_no
    assert view.checked_ids() == [other.tickets[1].ticket_id]
    assert view.search_box.text() == other.tickets[1].code

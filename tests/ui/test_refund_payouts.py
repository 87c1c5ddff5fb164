"""Approved cash refunds on the Refund view (退票): paying out asks first and no stray key
pays; a drawer that cannot cover the payout refuses it and writes nothing; an approval made on
the central store is announced at the window that asked (real store over HTTP, real sync)."""

import pytest
import sqlalchemy as sa
from conftest import on_screen, press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from store_helpers import connect
from test_refund_view import TODAY, sell_big

from app.domain.money import format_fen
from app.services.refunds import refund_requests, window_refunds
from app.services.shifts import shifts
from app.store.models import OutboxOp, PrintJobRow, Refund
from app.store.models.orders import Ticket
from sync.transport import StoreClient
from ui.main_window import MainWindow
from ui.views.payout_confirm import PAY
from ui.views.refund_view import RefundView


@pytest.fixture
def view(on_shift, qtbot):
    refund = on_screen(qtbot, RefundView(on_shift))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is refund.search_box)
    return refund


def ask(ctx, qty: int, refunded: int | None = None):
    """A cash sale of `qty` adults at window 01 and a refund of the first `refunded` (all),
    asked there: ¥5,000 or more waits for a supervisor and finance."""
    sale = sell_big(ctx, qty)
    ids = [t.ticket_id for t in sale.tickets][:refunded]
    with ctx.session() as session:
        asked = refund_requests.request_refund(
            session, sale.order_no, ids, "cash", "团队行程取消", actor="clerk1", role="clerk",
            now=ctx.now(), today=TODAY, payout_terminal="01")
    return sale, asked


def approve(ctx, refund_no: str) -> None:
    """Both approvals, as the store's feed would bring them."""
    for who, role in (("super1", "supervisor"), ("fin1", "finance")):
        with ctx.session() as session:
            done = refund_requests.approve(session, refund_no, approver=who, role=role,
                                           now=ctx.now(), today=TODAY)
    assert done.status == "approved"


def approved(ctx, qty: int):
    sale, asked = ask(ctx, qty)
    approve(ctx, asked.refund_no)
    return sale, asked


def take_out(ctx, amount_fen: int) -> None:
    with ctx.session() as session:
        shifts.cash_movement(session, terminal="01", clerk="clerk1", kind="out",
                             amount_fen=amount_fen, reason="交存银行", now=ctx.now())


def expected(ctx) -> int:
    with ctx.session() as session:
        return shifts.expected_now(session, "01", now=ctx.now())


def nothing_paid(ctx, refund_no: str, ticket_ids) -> None:
    """The refund still approved, its tickets not refunded, no op, no slip."""
    with ctx.session() as session:
        assert session.execute(sa.select(Refund.status)
                               .where(Refund.refund_no == refund_no)).scalar_one() == "approved"
        assert set(session.execute(sa.select(Ticket.status)
                                   .where(Ticket.ticket_id.in_(ticket_ids))).scalars()) \
            != {"refunded"}
        assert session.execute(sa.select(OutboxOp).where(OutboxOp.kind == "refund")).first() \
            is None
        assert session.execute(sa.select(PrintJobRow)
                               .where(PrintJobRow.kind == "refund_slip")).first() is None


def test_a_payout_the_drawer_cannot_cover_is_refused_and_nothing_is_written(view, on_shift,
                                                                            qtbot):
    sale, asked = approved(on_shift, 160)  # ¥16,000 back, as in the issue
    assert asked.amount_fen == 1_600_000
    take_out(on_shift, 1_000_000)  # the drawer: ¥500 float + ¥16,000 sold − ¥10,000 banked
    assert expected(on_shift) == 650_000
    press(qtbot, sale.order_no, Qt.Key.Key_Return)
    assert view.payout_button.isVisible()
    qtbot.mouseClick(view.payout_button, Qt.MouseButton.LeftButton)
    assert view.payout_confirm is None  # not even asked
    assert view.message.property("kind") == "error"
    assert view.message.text() == ("抽屉应有现金只有 ¥6,500.00，不够付现 ¥16,000.00："
                                   "请先在交接班页存入现金，或请主管处理")
    nothing_paid(on_shift, asked.refund_no, [t.ticket_id for t in sale.tickets])
    assert expected(on_shift) == 650_000
    # the service refuses it too, whoever calls it
    with pytest.raises(window_refunds.DrawerShort), on_shift.session() as session:
        window_refunds.pay_out(session, asked.refund_no, terminal="01", clerk="clerk1",
                               now=on_shift.now(), venue=on_shift.venue())
    nothing_paid(on_shift, asked.refund_no, [t.ticket_id for t in sale.tickets])


def test_a_payout_asks_first_and_a_stray_enter_or_escape_pays_nothing(view, on_shift, qtbot):
    sale, asked = approved(on_shift, 160)
    ids = [t.ticket_id for t in sale.tickets]
    press(qtbot, sale.order_no, Qt.Key.Key_Return)
    for stray in (Qt.Key.Key_Return, Qt.Key.Key_Escape, Qt.Key.Key_Space):
        qtbot.mouseClick(view.payout_button, Qt.MouseButton.LeftButton)
        box = view.payout_confirm
        assert box is not None and box.isVisible()
        assert "¥16,000.00" in box.text() and asked.refund_no in box.text()
        assert "抽屉应有现金 ¥16,500.00，付现后应有 ¥500.00" in box.text()
        assert box.button(PAY).text() == "确认付现 ¥16,000.00"
        qtbot.waitUntil(lambda b=box: b.isActiveWindow())
        press(qtbot, stray)  # on whatever has the focus: the default, Cancel
        qtbot.waitUntil(lambda: view.payout_confirm is None)
        assert view.message.text() == f"未付现：{asked.refund_no}"
        nothing_paid(on_shift, asked.refund_no, ids)
    qtbot.mouseClick(view.payout_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.payout_confirm.button(PAY), Qt.MouseButton.LeftButton)
    assert view.message.property("kind") == "success", view.message.text()
    assert format_fen(asked.amount_fen) in view.message.text()
    with on_shift.session() as session:
        assert session.execute(sa.select(Refund.status).where(
            Refund.refund_no == asked.refund_no)).scalar_one() == "succeeded"
        assert set(session.execute(sa.select(Ticket.status)
                                   .where(Ticket.ticket_id.in_(ids))).scalars()) == {"refunded"}
        [op] = session.execute(sa.select(OutboxOp).where(OutboxOp.kind == "refund")).scalars()
    assert op.payload["amount_fen"] == 1_600_000
    assert expected(on_shift) == 50_000  # the float is what is left
    assert not view.payout_button.isVisible() and not view.payout_notice.isVisible()


def test_an_approval_for_the_order_on_screen_keeps_the_ticks(view, on_shift, qtbot):
    sale, asked = ask(on_shift, 60, refunded=55)  # ¥5,500 asked, five tickets left
    press(qtbot, sale.order_no, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_End, Qt.Key.Key_Space)  # the clerk ticks the last one meanwhile
    assert view.checked_ids() == [sale.tickets[-1].ticket_id]
    assert not view.payout_button.isVisible()
    approve(on_shift, asked.refund_no)
    view.payouts.refresh()  # (the sync engine's orders_changed in the app)
    assert asked.refund_no in view.message.text() and view.payout_button.isVisible()
    assert view.checked_ids() == [sale.tickets[-1].ticket_id]  # not lost by the reload
    assert QApplication.focusWidget() is view.tickets


def test_waiting_payouts_are_listed_and_open_their_order(view, on_shift, qtbot):
    sale, asked = approved(on_shift, 60)
    view.payouts.refresh()  # (the sync engine's orders_changed in the app)
    assert view.payout_notice.isVisible()
    assert asked.refund_no in view.payout_notice.text()
    assert format_fen(asked.amount_fen) in view.payout_notice.text()
    assert view.message.text() == (f"退款 {asked.refund_no}（{format_fen(asked.amount_fen)}）"
                                   "已批准，请在本窗口付现。")
    qtbot.mouseClick(view.payout_notice, Qt.MouseButton.LeftButton)
    assert view.order["order_no"] == sale.order_no and view.payout_button.isVisible()


def signed_in(ui_store, username: str) -> StoreClient:
    client = StoreClient(ui_store.base)
    client.login(username, username, None)  # a supervisor or finance at no device
    return client


@pytest.fixture
def window(on_shift, ui_store):
    """clerk1's window 01 signed in to the store (its sync engine run by hand)."""
    connected = connect(on_shift, ui_store, "clerk1")
    yield connected
    connected.close()


def test_an_approval_made_on_the_store_is_announced_at_the_window(window, on_shift, ui_store,
                                                                  qtbot):
    sale = sell_big(on_shift, 60)  # ¥6,000: a supervisor and finance must approve
    window.sync_once(qtbot)  # the sale is on the store
    main = MainWindow(on_shift)  # the clerk is on another screen (Sell) when it comes
    on_screen(qtbot, main)
    counter = main.payout_counter
    assert counter is not None and not counter.isVisible()
    view = main.show_screen("refund")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.search_box)
    press(qtbot, sale.order_no, Qt.Key.Key_Return)
    qtbot.keyClick(view.tickets, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert view.confirm_button.text() == "提交审批"
    press(qtbot, Qt.Key.Key_Return)
    view.reason_edit.setText("团队行程取消")
    press(qtbot, Qt.Key.Key_Return)
    assert view.message.property("kind") == "success", view.message.text()
    refund_no = view.result.refund_no
    assert view.result.status == "awaiting_approval" and not view.payout_notice.isVisible()
    main.show_screen("sell")
    for who in ("supervisor", "finance"):
        approver = signed_in(ui_store, who)
        approver.approve_refund(refund_no)
        approver.close()
    window.sync_once(qtbot)  # the approval comes down as an order change
    qtbot.waitUntil(counter.isVisible)
    assert counter.text() == "待付现 1"
    assert main.statusBar().currentMessage() == "1 笔退款已批准，请到退票页付现"
    assert view.message.text() == f"退款 {refund_no}（¥6,000.00）已批准，请在本窗口付现。"
    assert not view.payout_button.isHidden()  # the order on screen was read again
    qtbot.mouseClick(counter, Qt.MouseButton.LeftButton)
    assert main.stack.currentWidget() is view and view.payout_notice.isVisible()
    assert view.payout_button.isVisible() and refund_no in view.payout_button.text()
    qtbot.mouseClick(view.payout_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.payout_confirm.button(PAY), Qt.MouseButton.LeftButton)
    assert view.message.property("kind") == "success", view.message.text()
    qtbot.waitUntil(lambda: not counter.isVisible())
    assert not view.payout_notice.isVisible()
    with on_shift.session() as session:
        assert session.execute(sa.select(Refund.status).where(
            Refund.refund_no == refund_no)).scalar_one() == "succeeded"
    main.close()

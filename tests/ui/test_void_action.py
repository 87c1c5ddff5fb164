"""撤销上一单 on the Sell screen: Ctrl+Z right after a sale, real keys on real widgets, a real
SQLite file — the database afterwards says the sale came back whole at no fee (refund rule
`void`), the units are for sale again, the void slip waits for the printer and the `refund`
op for the store; a sale too old or with a ticket already used is refused in Chinese and
nothing is written."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from conftest import on_screen, press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from app.store.models import Inventory, Order, OutboxOp, PrintJobRow, Refund, Ticket
from ui import tasks
from ui.views.sell_view import SellView

TODAY = date(2026, 11, 21)  # FIXED_NOW in the scenic area's zone


@pytest.fixture
def view(on_shift, qtbot):
    sell = on_screen(qtbot, SellView(on_shift))
    sell.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is sell.qty_entry)
    tasks.operations().operation_did_execute.connect(sell.operation_did_execute)
    yield sell
    tasks.operations().operation_did_execute.disconnect(sell.operation_did_execute)


def rows(ctx, model, *where):
    with ctx.session() as session:
        return session.execute(sa.select(model).where(*where)).scalars().all()


def adults_sold(ctx):
    [row] = rows(ctx, Inventory, Inventory.ticket_type == "ADULT",
                 Inventory.visit_date == TODAY)
    return row.sold


def sell_two_adults(view, qtbot):
    press(qtbot, Qt.Key.Key_F1, Qt.Key.Key_F1, Qt.Key.Key_Return)  # exact cash: ¥200
    [order] = rows(view.ctx, Order)
    assert order.paid_fen == 20000 and order.status == "paid"
    return order


def ctrl_z(qtbot):
    """Ctrl+Z where the clerk's keyboard focus is (the quantity box after a sale)."""
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier)


def the_question(view, qtbot):
    qtbot.waitUntil(lambda: view.void_action.confirm_box is not None
                    and view.void_action.confirm_box.isVisible())
    return view.void_action.confirm_box


def nothing_voided(ctx):
    assert rows(ctx, Refund) == []
    assert [o.status for o in rows(ctx, Order)] == ["paid"]
    assert {t.status for t in rows(ctx, Ticket)} == {"valid"}
    assert not rows(ctx, PrintJobRow, PrintJobRow.kind == "void_slip")
    assert [op.kind for op in rows(ctx, OutboxOp)] == ["shift_open", "sale"]


def test_ctrl_z_then_tab_enter_voids_the_sale_just_made(view, on_shift, qtbot):
    before = adults_sold(on_shift)
    order = sell_two_adults(view, qtbot)
    assert adults_sold(on_shift) == before + 2
    assert QApplication.focusWidget() is view.qty_entry  # a line edit: its undo is Ctrl+Z too

    ctrl_z(qtbot)
    box = the_question(view, qtbot)
    assert box.text().startswith(f"撤销 {order.order_no}（10:00:00 售出）？\n成人票 ×2\n")
    assert "退还现金 ¥200.00" in box.text() and "不收手续费" in box.text()
    assert box.defaultButton().text() == "不撤销"
    box.activateWindow()  # as the window manager does with a new dialog
    qtbot.waitUntil(lambda: box.isAncestorOf(QApplication.focusWidget()))
    press(qtbot, Qt.Key.Key_Tab, Qt.Key.Key_Return)  # Tab to 撤销并退现金, then Enter

    qtbot.waitUntil(lambda: view.void_action.last_result is not None)
    assert view.message.text() == f"已撤销 {order.order_no}，请退还现金 ¥200.00"
    [refund] = rows(on_shift, Refund)
    assert (refund.rule, refund.fee_fen, refund.payment_fee_fen, refund.amount_fen,
            refund.method, refund.status) == ("void", 0, 0, 20000, "cash", "succeeded")
    [order] = rows(on_shift, Order)
    assert (order.status, order.refunded_fen) == ("refunded", 20000)
    assert {t.status for t in rows(on_shift, Ticket)} == {"refunded"}
    assert adults_sold(on_shift) == before  # the stock is back
    [slip] = rows(on_shift, PrintJobRow, PrintJobRow.kind == "void_slip")
    assert slip.order_no == order.order_no and slip.status == "pending"
    assert slip.payload["kick_drawer"] is True and slip.payload["refund_fen"] == 20000
    [op] = rows(on_shift, OutboxOp, OutboxOp.kind == "refund")
    assert op.payload["rule"] == "void" and op.payload["fee_fen"] == 0
    assert op.payload["amount_fen"] == 20000 and op.state == "pending"
    # the screen follows: the tile has the units again, the slip is in the print list
    assert view.tiles.tiles[0].stock_label.text() == f"余 {1000 - before} 张"
    assert any(j.kind == "void_slip" for j in view.jobs.model.rows())


def test_a_stray_enter_on_the_question_keeps_the_sale(view, on_shift, qtbot):
    """The clerk already typing the next visitor's sale (`2 F1 3 0 0 Enter`) into the
    question: nothing is voided."""
    order = sell_two_adults(view, qtbot)
    ctrl_z(qtbot)
    box = the_question(view, qtbot)
    box.activateWindow()
    qtbot.waitUntil(lambda: box.isAncestorOf(QApplication.focusWidget()))
    press(qtbot, Qt.Key.Key_2, Qt.Key.Key_F1, Qt.Key.Key_3, Qt.Key.Key_0, Qt.Key.Key_0,
          Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.void_action.confirm_box is None)
    assert view.message.text() == f"未撤销：{order.order_no}"
    nothing_voided(on_shift)


def test_keep_the_sale_writes_nothing(view, on_shift, qtbot):
    order = sell_two_adults(view, qtbot)
    ctrl_z(qtbot)
    box = the_question(view, qtbot)
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert view.void_action.confirm_box is None
    assert view.message.text() == f"未撤销：{order.order_no}"
    nothing_voided(on_shift)


def test_eleven_minutes_later_it_is_a_refund_not_a_void(view, on_shift, qtbot, now):
    order = sell_two_adults(view, qtbot)
    on_shift.clock = lambda: now + timedelta(minutes=11)
    ctrl_z(qtbot)
    assert view.void_action.confirm_box is None  # nothing to confirm
    assert view.message.text() == f"订单 {order.order_no} 售出已超过 10 分钟，不能撤销，请按退票办理"
    assert view.message.property("kind") == "error"
    nothing_voided(on_shift)


def test_a_ticket_already_at_the_gate_keeps_the_sale(view, on_shift, qtbot):
    order = sell_two_adults(view, qtbot)
    with on_shift.session() as s, s.begin():  # a gate's redemption, as the store's feed brings it
        first = s.execute(sa.select(Ticket).order_by(Ticket.position)).scalars().first()
        first.status = "redeemed"
    ctrl_z(qtbot)
    assert view.void_action.confirm_box is None
    assert view.message.text() == f"订单 {order.order_no} 已有票核销入园，不能撤销，请按退票办理"
    assert rows(on_shift, Refund) == []


def test_the_ticket_used_between_question_and_answer_keeps_the_sale(view, on_shift, qtbot):
    """The question was asked; the service checks again when the clerk says yes."""
    order = sell_two_adults(view, qtbot)
    ctrl_z(qtbot)
    box = the_question(view, qtbot)
    with on_shift.session() as s, s.begin():
        s.execute(sa.update(Ticket).where(Ticket.position == 1).values(status="redeemed"))
    box.button(QMessageBox.StandardButton.Yes).click()
    assert view.message.text() == f"订单 {order.order_no} 已有票核销入园，不能撤销，请按退票办理"
    assert rows(on_shift, Refund) == []


def test_with_no_sale_yet_there_is_nothing_to_void(view, qtbot):
    ctrl_z(qtbot)
    assert view.message.text() == "本班次还没有售票，没有可撤销的订单"
    assert view.void_action.confirm_box is None


def test_the_key_hints_name_ctrl_z(view):
    assert "Ctrl+Z 撤销上一单" in view.findChild(QLabel, "keyHints").text()


@pytest.mark.lang("en")
def test_in_english_too(view, qtbot):
    sell_two_adults(view, qtbot)
    ctrl_z(qtbot)
    box = the_question(view, qtbot)
    assert "Give back ¥200.00 in cash" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()

"""The Shift screen tells the truth while the window works: after every kind of movement (a cash
sale, a cash refund, an approved payout, cash in, cash out, a non-cash sale) its numbers are the
service's tally and the hand-made sum, with no reload — the one change notice brings them —
and 交班 records the variance the screen showed.

The writes go through the same worker functions and the same `ui.tasks.write` the Sell, Refund
and Shift screens use, so the notice is the one the app sends."""

from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa
from conftest import press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.money import format_fen
from app.services.refunds import refund_requests
from app.services.sales import selling
from app.services.shifts import shifts
from app.store.models import OutboxOp, Shift
from ui import tasks
from ui.main_window import MainWindow
from ui.variance_text import signed_fen
from ui.views import refund_actions

TODAY = date(2026, 11, 21)


def main_window(ctx, qtbot) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def sale_request(ctx, adults: int, method: str = "cash",
                 visit: date = TODAY) -> selling.SaleRequest:
    return selling.SaleRequest(
        terminal=ctx.terminal, clerk=ctx.user.username, device_id=ctx.device_id,
        visit_date=visit, lines=(selling.SaleLine("ADULT", adults),),
        tendered_fen=10000 * adults, payment_method=method)


def commit_sale(ctx, request: selling.SaleRequest, now) -> selling.SaleResult:
    """What the Sell screen's worker does (one local transaction, into the open shift)."""
    with ctx.session() as session:
        return selling.sell(session, request, now=now, venue=ctx.venue(), require_shift=True)


def sell(ctx, adults: int, method: str = "cash", visit: date = TODAY) -> selling.SaleResult:
    """A sale as the Sell screen commits it (and announces it)."""
    out = []
    tasks.write(commit_sale, ctx, sale_request(ctx, adults, method, visit), ctx.now()
                ).on_success(out.append)
    return out[0]


def refund_one(ctx, sale: selling.SaleResult) -> int:
    """One ticket refunded in cash at this window, as the Refund screen does; the cash back."""
    out = []
    tasks.write(refund_actions.refund_here, ctx, sale.order_no, [sale.tickets[0].ticket_id],
                "游客行程变化", ctx.now()).on_success(out.append)
    return out[0].amount_fen


def pay_out_approved(ctx) -> int:
    """A refund the approvers let through (as the store's feed brings it), paid out here."""
    sale = sell(ctx, 50, visit=date(2026, 11, 26))  # ¥5,000 back: two approvers
    with ctx.session() as session:
        asked = refund_requests.request_refund(
            session, sale.order_no, [t.ticket_id for t in sale.tickets], "cash", "团队取消",
            actor="clerk1", role="clerk", now=ctx.now(), today=TODAY, payout_terminal="01")
    for who, role in (("supervisor", "supervisor"), ("finance", "finance")):
        with ctx.session() as session:
            refund_requests.approve(session, asked.refund_no, approver=who, role=role,
                                    now=ctx.now(), today=TODAY)
    out = []
    tasks.write(refund_actions.pay_out, ctx, asked.refund_no, ctx.now()).on_success(out.append)
    return out[0].amount_fen


def move(shift, qtbot, kind_index: int, yuan: str, reason: str) -> None:
    """Cash in (0) or out (1) typed on the Shift screen itself."""
    shift.kind_box.setCurrentIndex(kind_index)
    shift.amount_edit.setFocus()
    press(qtbot, yuan, Qt.Key.Key_Return)
    shift.reason_edit.insert(reason)
    press(qtbot, Qt.Key.Key_Return)
    assert shift.message.property("kind") == "success", shift.message.text()


@dataclass
class Drawer:
    """What the drawer should hold, summed by hand as the test goes."""

    float_fen: int = 50_000
    sales: int = 0
    sales_fen: int = 0
    refunds: int = 0
    refunds_fen: int = 0
    payouts: int = 0
    payouts_fen: int = 0
    cash_in_fen: int = 0
    cash_out_fen: int = 0

    @property
    def expected_fen(self) -> int:
        return (self.float_fen + self.sales_fen - self.refunds_fen - self.payouts_fen
                + self.cash_in_fen - self.cash_out_fen)


def step_sale(ctx, shift, qtbot, d: Drawer) -> None:
    sell(ctx, 2)
    d.sales, d.sales_fen = d.sales + 1, d.sales_fen + 20_000


def step_refund(ctx, shift, qtbot, d: Drawer) -> None:
    sale = sell(ctx, 1)
    d.sales, d.sales_fen = d.sales + 1, d.sales_fen + 10_000
    d.refunds, d.refunds_fen = d.refunds + 1, d.refunds_fen + refund_one(ctx, sale)


def step_payout(ctx, shift, qtbot, d: Drawer) -> None:
    d.sales, d.sales_fen = d.sales + 1, d.sales_fen + 500_000
    d.payouts, d.payouts_fen = d.payouts + 1, d.payouts_fen + pay_out_approved(ctx)


def step_cash_in(ctx, shift, qtbot, d: Drawer) -> None:
    move(shift, qtbot, 0, "50", "补零钱")
    d.cash_in_fen += 5_000


def step_cash_out(ctx, shift, qtbot, d: Drawer) -> None:
    move(shift, qtbot, 1, "30", "中途上缴")
    d.cash_out_fen += 3_000


def step_wechat(ctx, shift, qtbot, d: Drawer) -> None:
    sell(ctx, 1, method="wechat")  # the drawer does not move


STEPS = {"sale cash": step_sale, "refund cash": step_refund, "payout": step_payout,
         "cash in": step_cash_in, "cash out": step_cash_out, "wechat sale": step_wechat}


def assert_screen_is_the_tally(ctx, shift, d: Drawer) -> None:
    with ctx.session() as session:
        so_far = shifts.shift_so_far(session, ctx.terminal, now=ctx.now())
    t = so_far.tally
    assert so_far.expected_fen == d.expected_fen  # the service agrees with the hand sum
    assert (t.cash_sales_count, t.cash_sales_fen) == (d.sales, d.sales_fen)
    assert t.refunds_of("refund") == (d.refunds, d.refunds_fen)
    assert t.refunds_of("payout") == (d.payouts, d.payouts_fen)
    assert (t.cash_in_fen, t.cash_out_fen) == (d.cash_in_fen, d.cash_out_fen)
    shown = {"float": shift.float_label.text(), "sales": shift.sales_label.text(),
             "refunds": shift.refunds_label.text(), "payouts": shift.payouts_label.text(),
             "in": shift.cash_in_label.text(), "out": shift.cash_out_label.text(),
             "expected": shift.expected_label.text(),
             "close expected": shift.count_box.expected_label.text()}
    assert shown == {
        "float": format_fen(d.float_fen),
        "sales": f"{d.sales} 笔，{format_fen(d.sales_fen)}",
        "refunds": f"{d.refunds} 笔，{signed_fen(-d.refunds_fen)}",
        "payouts": f"{d.payouts} 笔，{signed_fen(-d.payouts_fen)}",
        "in": signed_fen(d.cash_in_fen), "out": signed_fen(-d.cash_out_fen),
        "expected": format_fen(d.expected_fen), "close expected": format_fen(d.expected_fen)}
    lines = [(r["kind"], r["amount_fen"]) for r in shift.movements._rows]
    assert sorted(lines) == sorted(
        [(m["kind"], m["amount_fen"]) for m in t.movements]
        + [(r["kind"], r["amount_fen"]) for r in t.refunds])


@pytest.mark.parametrize("order", [
    ("sale cash", "refund cash", "payout", "cash in", "cash out", "wechat sale"),
    ("cash in", "payout", "wechat sale", "cash out", "refund cash", "sale cash"),
])
def test_the_shift_screen_is_the_tally_after_every_kind_of_movement(on_shift, qtbot, order):
    window = main_window(on_shift, qtbot)
    shift = window.show_screen("shift")
    qtbot.waitUntil(lambda: shift.expected_label.text() == "¥500.00")
    drawer = Drawer()
    for name in order:
        STEPS[name](on_shift, shift, qtbot, drawer)
        assert_screen_is_the_tally(on_shift, shift, drawer)  # no reload asked for
    kinds = {shift.movements.index(r, 1).data() for r in range(shift.movements.rowCount())}
    assert kinds == {"存入", "取出", "现金退票", "审批付现"}

    counted = drawer.expected_fen - 40_000  # four 100 元 notes missing
    shift.count_box.edits[0].setText(str(counted // 10_000))
    rest = counted % 10_000
    shift.count_box.edits[-1].setText(str(rest // 10))  # in 1 角 coins
    assert shift.variance_label.text() == "短款 -¥400.00"
    shift.close_button.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shift.confirm_box is not None and shift.confirm_box.isActiveWindow())
    assert shift.confirm_box.variance_label.text() == "短款 -¥400.00"
    press(qtbot, Qt.Key.Key_Tab, Qt.Key.Key_Return)
    with on_shift.session() as session:
        row = session.execute(sa.select(Shift)).scalar_one()
        op = session.execute(sa.select(OutboxOp).where(OutboxOp.kind == "shift_close")
                             ).scalar_one()
    assert (row.cash_expected_fen, row.variance_fen) == (drawer.expected_fen, -40_000)
    # what the store will record (pushed.shifts keeps the op's figures as sent)
    assert (op.payload["cash_expected_fen"], op.payload["variance_fen"]) == (
        drawer.expected_fen, -40_000)
    assert shift.report_labels["variance"].text() == "短款 -¥400.00"


def test_the_issue_six_sales_and_a_refund_then_a_count(on_shift, qtbot):
    """Issue 12: after 6 sales and a refund the screen still said ¥500; counting ¥20,950
    showed 长款 +¥20,450, and 交班 recorded 短款 -¥400. Now the screen follows the sales, and
    what it shows is what 交班 records."""
    window = main_window(on_shift, qtbot)
    shift = window.show_screen("shift")
    qtbot.waitUntil(lambda: shift.expected_label.text() == "¥500.00")
    window.show_screen("sell")  # the clerk sells on the Sell screen meanwhile
    sales = [sell(on_shift, n) for n in (15, 15, 15, 15, 15, 9)]
    refunded = refund_one(on_shift, sales[-1])  # one ticket, same day: 70% back
    expected = 50_000 + 840_000 - refunded
    window.show_screen("shift")
    assert shift.expected_label.text() == format_fen(expected) == "¥8,830.00"
    shift.count_box.edits[0].setText("84")  # 8,400 元 in 100 元 notes
    shift.count_box.edits[3].setText("3")  # 30 元: ¥8,430.00 counted
    assert shift.variance_label.text() == "短款 -¥400.00"
    variance = -40_000
    shift.close_button.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shift.confirm_box is not None and shift.confirm_box.isActiveWindow())
    press(qtbot, Qt.Key.Key_Tab, Qt.Key.Key_Return)
    with on_shift.session() as session:
        row = session.execute(sa.select(Shift)).scalar_one()
    assert row.variance_fen == variance  # recorded = shown
    qtbot.waitUntil(lambda: QApplication.focusWidget() is shift.new_shift_button)


def test_a_pulled_page_of_orders_refreshes_the_screen_once_the_burst_is_over(on_shift, qtbot):
    """The sync engine's orders_changed (a refund settled elsewhere) re-reads, coalesced."""
    window = main_window(on_shift, qtbot)
    shift = window.show_screen("shift")
    qtbot.waitUntil(lambda: shift.expected_label.text() == "¥500.00")
    request = sale_request(on_shift, 1)
    with on_shift.session() as session:  # written without a notice, as a pull would
        selling.sell(session, request, now=on_shift.now(), venue=on_shift.venue())
    assert shift.expected_label.text() == "¥500.00"
    for _ in range(5):
        shift.orders_changed([])
    qtbot.waitUntil(lambda: shift.expected_label.text() == "¥600.00")


def test_live_with_real_threads(on_shift, qtbot):
    """As in the app: the sale on the writer thread, the re-read on the pool, the answer on
    the GUI thread."""
    tasks.set_inline(False)
    window = main_window(on_shift, qtbot)
    shift = window.show_screen("shift")
    qtbot.waitUntil(lambda: shift.expected_label.text() == "¥500.00")
    done = []
    for adults in (1, 2, 3):
        tasks.write(commit_sale, on_shift, sale_request(on_shift, adults), on_shift.now()
                    ).on_success(done.append)
    qtbot.waitUntil(lambda: len(done) == 3)
    qtbot.waitUntil(lambda: shift.expected_label.text() == "¥1,100.00")
    assert shift.sales_label.text() == "3 笔，¥600.00"

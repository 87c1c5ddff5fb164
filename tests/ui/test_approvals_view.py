"""The Approvals view (退款审批) against a real central store over HTTP (the embedded one on a
SQLite file): a ¥5,000 refund asked at window 01 needs a supervisor and finance, two different
people; Enter approves, a reason rejects; without a store the buttons say why they are off."""

import uuid
from datetime import date
from types import SimpleNamespace

import pytest
import requests
from conftest import as_user, on_screen
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from server import embedded
from sync.transport import StoreClient
from ui.views.approvals_view import ApprovalsView
from ui.views.refund_actions import send_to_store


@pytest.fixture
def store(tmp_path, now):
    running = embedded.start(tmp_path / "store", lambda: now)
    yield running
    running.stop()


def signed_in(store, username: str, terminal: str | None = None) -> StoreClient:
    client = StoreClient(store.base_url)
    if terminal is None:  # a supervisor or finance at no device
        client.login(username, username, None)
    else:  # a window registered like the embedded store's own (DESIGN.md §14)
        device_id = f"dev-{username}"
        client.login(username, username, device_id, store.enroll_window(device_id, terminal))
    return client


def ask_refund(store, qty: int = 50, reason: str = "团队行程取消") -> dict:
    """A cash sale at window 01 and a refund of all of it, asked there."""
    clerk = signed_in(store, "clerk1", "01")
    headers = {"Authorization": f"Bearer {clerk._token}", "Idempotency-Key": str(uuid.uuid4())}
    body = {"channel": "window", "visit_date": date(2026, 11, 26).isoformat(),
            "lines": [{"ticket_type": "ADULT", "qty": qty}],
            "payment": {"method": "cash", "amount_fen": 10000 * qty}}
    order = requests.post(store.base_url + "/orders", json=body, headers=headers, timeout=20)
    assert order.status_code == 201, order.text
    ids = [t["ticket_id"] for t in order.json()["tickets"]]
    window = SimpleNamespace(store=clerk)  # what the Refund view's worker is given
    key = str(uuid.uuid4())
    asked = send_to_store(window, order.json()["order_no"], ids, "cash", reason, key)
    again = send_to_store(window, order.json()["order_no"], ids, "cash", reason, key)
    assert asked == again and asked.status == "awaiting_approval"  # one key, one refund
    return asked.to_dict()


def open_view(ctx, qtbot) -> ApprovalsView:
    view = on_screen(qtbot, ApprovalsView(ctx), size=(1300, 600))
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.table)
    return view


def test_two_approvers_two_people_by_keyboard(ctx, store, qtbot):
    refund = ask_refund(store)
    as_user(ctx, "supervisor", "supervisor").store = signed_in(store, "supervisor")
    view = open_view(ctx, qtbot)
    assert view.model.rowCount() == 1
    row = view.model.refund(0)
    assert row["refund_no"] == refund["refund_no"] and row["requested_by"] == "clerk1"
    assert view.summary.text() == "1 笔待审批，合计 ¥5,000.00"
    assert "主管 needed" not in view.model.approvals_text(row)
    assert view.model.approvals_text(row) == "需主管审批，需财务审批"
    # the order, on the line below the list: what, when, who sold and asked, visit, method
    assert view.order_line.text() == (
        f"订单 {row['order_no']} · 成人票 ×50 · 2026-11-21 10:00 下单 · 01 号窗口 clerk1 售出 · "
        "申请人 clerk1 · 游玩日期 2026-11-26 · 实付 ¥5,000.00（现金） · 退款 ¥5,000.00")
    assert [view.model.index(0, c).data() for c in (2, 3, 4)] == [
        "成人票 ×50", "2026-11-26", "现金"]

    # ¥5,000 is at the policy's dual-approval amount: Enter asks, and answers Cancel
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    box = view.confirm_box
    assert box is not None and "¥5,000.00" in box.text()
    assert box.defaultButton() is box.button(box.StandardButton.Cancel)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert view.confirm_box is None and "未批准" in view.message.text()
    assert view.model.approvals_text(view.model.refund(0)) == "需主管审批，需财务审批"
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    view.confirm_box.approve_button.click()  # the button that names the amount
    assert view.message.property("kind") == "success", view.message.text()
    assert "仍需另一位审批人" in view.message.text()
    assert view.model.approvals_text(view.model.refund(0)) == "主管 supervisor ✓，需财务审批"

    qtbot.keyClick(view.table, Qt.Key.Key_Return)  # the same person again
    view.confirm_box.approve_button.click()
    assert view.message.property("kind") == "error"
    assert "同一人不能重复审批" in view.message.text()

    ctx.store = signed_in(store, "finance")
    as_user(ctx, "finance", "finance")
    view.reload()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    view.confirm_box.approve_button.click()
    assert view.message.property("kind") == "success", view.message.text()
    assert "已批准：由窗口付现" in view.message.text()
    assert view.model.rowCount() == 0 and view.summary.text() == "0 笔待审批，合计 ¥0.00"


def test_reject_needs_a_reason_then_frees_the_tickets(ctx, store, qtbot):
    refund = ask_refund(store)
    as_user(ctx, "supervisor", "supervisor").store = signed_in(store, "supervisor")
    view = open_view(ctx, qtbot)
    view.reject_reason.setFocus()
    qtbot.keyClick(view.reject_reason, Qt.Key.Key_Return)
    assert view.message.text() == "请填写驳回原因" and view.model.rowCount() == 1
    view.reject_reason.setText("证明材料不全")  # an IME types Chinese; QTest keys are ASCII
    qtbot.keyClick(view.reject_reason, Qt.Key.Key_Return)
    assert "已驳回" in view.message.text(), view.message.text()
    assert view.model.rowCount() == 0
    order = ctx.store.get_order(refund["refund_no"].rsplit("-R", 1)[0])
    assert {t["status"] for t in order["tickets"]} == {"valid"}


def test_without_a_store_the_buttons_say_why(ctx, qtbot):
    as_user(ctx, "finance", "finance")
    view = open_view(ctx, qtbot)
    assert not view.approve_button.isEnabled() and not view.reject_button.isEnabled()
    assert "未连接中心服务器" in view.offline_label.text()

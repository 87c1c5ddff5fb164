"""Screenshots for the docs: `python main.py screenshots DIR` (under Xvfb, or offscreen).

Starts the real client on a temporary data folder with the demo data, drives it with key presses
like a clerk would, and saves DIR/login.png, DIR/sell.png (2 adults + 1 family package, cash
tendered typed), DIR/settings.png (signed in as admin), DIR/orders.png (a supervisor's order
search over window sales and channel orders of every kind), DIR/order-detail.png,
DIR/approvals.png (the supervisor's refunds waiting for approval) and DIR/shift-close.png
(the clerk's drawer counted short before 交班).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

SCREEN = (1366, 768)


def wait_until(condition: Callable[[], object], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the client did not get there in time")
        QApplication.processEvents()
        time.sleep(0.01)


def settle(seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def save(widget: QWidget, path: Path) -> None:
    settle()
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(path)


def sign_in(client: object, username: str) -> object:
    dialog = client.login  # type: ignore[attr-defined]
    QTest.keyClicks(dialog.username, username)
    QTest.keyClicks(dialog.password, username)  # demo passwords equal the user names
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    wait_until(lambda: client.window is not None)  # type: ignore[attr-defined]
    window = client.window  # type: ignore[attr-defined]
    window.resize(*SCREEN)
    window.move(0, 0)
    return window


# (channel, external id, customer, phone, ticket status, paid, open anomaly, hours ago, adults,
#  visit in days)
CHANNEL_ORDERS = (
    ("miniprogram", "M20261121007", "王小明", "13700001111", "valid", True, None, 1, 2, 0),
    ("ota_ctrip", "1128846523", "张三", "13812345678", "valid", True, None, 3, 3, 1),
    ("ota_meituan", "MT88231", "李四", "13900005678", "valid", True, "duplicate_payment", 5,
     2, 0),
    ("website", "WEB777", "陈静", "13655550000", "valid", False, None, 7, 1, 2),
    ("agency", "AGY2026-11", "阳光旅行社", "01088886666", "valid", True, None, 20, 12, 3),
    ("ota_ctrip", "1128840017", "赵六", "18611112222", "redeemed", True, None, 26, 2, -1),
    ("miniprogram", "M20261120031", "孙悦", "15000003333", "refunded", True, None, 30, 1, 0),
)


def add_channel_orders(ctx: object) -> None:
    """Channel orders as the sync engine would have brought them into the cache (masked)."""
    from datetime import timedelta

    from app.domain.ids import channel_order_no, new_id, new_ticket_code
    from app.domain.lifecycle import derive_status
    from app.services.journal.orders import mask_phone
    from app.store.models import Anomaly, Order, Payment, Ticket

    now = ctx.now()  # type: ignore[attr-defined]
    with ctx.session() as s, s.begin():  # type: ignore[attr-defined]
        for channel, ext, name, phone, state, paid, anomaly, hours, qty, days in CHANNEL_ORDERS:
            at, oid, no = now - timedelta(hours=hours), new_id(), channel_order_no(channel, ext)
            status = derive_status("paid" if paid else "none", False, [state] * qty)
            total = 10000 * qty
            visit = ctx.today() + timedelta(days=days)  # type: ignore[attr-defined]
            s.add(Order(order_id=oid, order_no=no, channel=channel, external_id=ext,
                        visit_date=visit, status=str(status),
                        payment_state="paid" if paid else "none", total_fen=total,
                        paid_fen=total if paid else 0, customer_name=name,
                        customer_phone=mask_phone(phone), created_at=at, updated_at=at))
            s.flush()
            for pos in range(1, qty + 1):
                s.add(Ticket(ticket_id=new_id(), order_id=oid, position=pos,
                             code=new_ticket_code(), ticket_type="ADULT", sold_as="ADULT",
                             name="成人票", kind="regular", price_fen=10000,
                             list_price_fen=10000, status=state, updated_at=at))
            if paid:
                s.add(Payment(payment_id=new_id(), payment_no=f"{no}-P1", order_id=oid,
                              method="ota" if channel.startswith("ota") else "wechat",
                              amount_fen=total, status="succeeded", at=at))
            if anomaly:
                s.add(Anomaly(anomaly_id=new_id(), kind=anomaly, category="payment",
                              order_id=oid, order_no=no, reason="同一订单收到两笔成功支付",
                              detected_at=at))


def take(out: Path, lang: str, store_starter: Callable[[object], object] | None = None) -> None:
    """`store_starter` starts the central store the client syncs with (main.py passes the
    embedded one: ui may not import server)."""
    from ui.app import ClientApp

    home = Path(tempfile.mkdtemp(prefix="menpiao-shots-"))
    args = argparse.Namespace(home=str(home), lang=lang, terminal=None, printer=None,
                              store=None)
    client = ClientApp(args, store_starter=store_starter)
    try:
        dialog = client.start()
        wait_until(lambda: client.backend_ready)
        QTest.keyClicks(dialog.username, "clerk1")
        QTest.keyClicks(dialog.password, "clerk1")
        save(dialog, out / "login.png")
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
        wait_until(lambda: client.window is not None)
        window = client.window
        window.resize(*SCREEN)
        open_shift(client.ctx)
        sell = window.pages["sell"]
        wait_until(lambda: sell.types and sell.available)
        # one sale first, so the print-jobs panel has something to show
        QTest.keyClick(sell.qty_entry, Qt.Key.Key_F2)
        QTest.keyClick(sell.qty_entry, Qt.Key.Key_Return)
        wait_until(lambda: sell.last_sale is not None)
        wait_until(lambda: any(j.status == "done" for j in sell.jobs.model.jobs()), 30)
        QTest.keyClicks(sell.qty_entry, "2")
        QTest.keyClick(sell.qty_entry, Qt.Key.Key_F1)
        QTest.keyClick(sell.qty_entry, Qt.Key.Key_F3)
        QTest.keyClick(sell.qty_entry, Qt.Key.Key_Tab)
        QTest.keyClicks(sell.tendered, "400")
        save(window, out / "sell.png")

        window.sign_out_requested.emit()
        wait_until(lambda: client.login is not None)
        window = sign_in(client, "admin")
        window.show_screen("settings")
        save(window, out / "settings.png")

        window.sign_out_requested.emit()
        wait_until(lambda: client.login is not None)
        add_channel_orders(client.ctx)
        window = sign_in(client, "supervisor")
        window.show_screen("orders")
        orders = window.pages["orders"]
        wait_until(lambda: orders.model.rowCount() >= len(CHANNEL_ORDERS) + 1)
        QTest.keyClick(orders.search_box, Qt.Key.Key_Down)
        QTest.keyClick(orders.search_box, Qt.Key.Key_Down)
        save(window, out / "orders.png")
        orders.open_detail(orders.selected_row())
        wait_until(lambda: orders.detail is not None and orders.detail.isVisible())
        save(orders.detail, out / "order-detail.png")
        orders.detail.close()
        approvals(client, out)
        shift_close(client, out)
    finally:
        client.shutdown()


def open_shift(ctx: object) -> None:
    """clerk1's shift at window 01 with a ¥500 float: no cash sale without one."""
    from app.services.shifts import shifts

    with ctx.session() as session:  # type: ignore[attr-defined]
        shifts.open_shift(session, terminal="01", clerk="clerk1", float_fen=50_000,
                          now=ctx.now())  # type: ignore[attr-defined]


def approvals(client: object, out: Path) -> None:
    """Refunds waiting on the store: ¥5,000 for a tour group (supervisor and finance), a
    medical fee waiver, a late group refund; the supervisor's approvals list."""
    import uuid

    from sync.transport import StoreClient

    clerk = StoreClient(client.store.base_url)  # type: ignore[attr-defined]
    secret = client.store.enroll("window-09", "09")  # type: ignore[attr-defined]
    clerk.login("clerk2", "clerk2", "window-09", secret)  # a window of its own numbering
    day = client.ctx.venue().local_date(client.ctx.now())  # type: ignore[attr-defined]
    asks = ((("ADULT", 50), 5, "旅行团行程取消", None),
            (("ADULT", 2), 0, "游客突发疾病", {"fee_bp": 0, "reason": "医院诊断证明",
                                          "evidence_no": "YY-2026-1121-03"}),
            (("GROUP", 12), 1, "团队临时改期", None))
    for (code, qty), days, reason, override in asks:
        price = {"ADULT": 10000, "GROUP": 8000}[code]
        order = clerk.create_order({
            "channel": "window", "visit_date": str(day.fromordinal(day.toordinal() + days)),
            "lines": [{"ticket_type": code, "qty": qty}],
            "payment": {"method": "cash", "amount_fen": price * qty}}, str(uuid.uuid4()))
        body = {"ticket_ids": [t["ticket_id"] for t in order["tickets"]], "method": "cash",
                "reason": reason} | ({"override": override} if override else {})
        clerk.request_refund(order["order_no"], body, str(uuid.uuid4()))
    clerk.close()
    window = client.window  # type: ignore[attr-defined]
    window.sign_out_requested.emit()
    wait_until(lambda: client.login is not None)  # type: ignore[attr-defined]
    window = sign_in(client, "supervisor")
    window.show_screen("approvals")
    view = window.pages["approvals"]
    wait_until(lambda: view.model.rowCount() == 3)
    save(window, out / "approvals.png")


def shift_close(client: object, out: Path) -> None:
    """clerk1, on the shift opened with a ¥500 float, takes ¥100 out to the bank and counts
    the drawer short."""
    window = client.window  # type: ignore[attr-defined]
    window.sign_out_requested.emit()
    wait_until(lambda: client.login is not None)  # type: ignore[attr-defined]
    window = sign_in(client, "clerk1")
    window.show_screen("shift")
    shift = window.pages["shift"]
    wait_until(lambda: shift.pages.currentIndex() == 1)
    shift.kind_box.setCurrentIndex(1)
    QTest.keyClicks(shift.amount_edit, "100")
    shift.reason_edit.setText("存入银行")
    QTest.keyClick(shift.reason_edit, Qt.Key.Key_Return)
    wait_until(lambda: shift.movements.rowCount() == 1)
    for edit, count in zip(shift.count_edits, ("3", "1", "2"), strict=False):
        QTest.keyClicks(edit, count)
    shift.close_button.setFocus()
    save(window, out / "shift-close.png")

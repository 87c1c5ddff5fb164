"""Screenshots of the Anomalies view and of an order's timeline, on the real client connected
to the embedded store (it lives beside the UI tests because it drives the store the way they
do; `ui/` itself may not import the server):

    Xvfb :57 -screen 0 1366x768x24 -nolisten tcp &
    DISPLAY=:57 .venv/bin/python tests/ui/anomaly_screenshots.py docs/screenshots

The supervisor signs in; a channel pays twice, a payment names no order, a ticket is admitted
at the south gate and again at the north gate, a gate fails to read a ticket, a WeChat refund is
refused three times by the provider, a stock row loses two units — each raised on the store by
its own service and brought to the window by the changes feed. Saves anomalies.png (the queue
with the duplicate redemption open), order-timeline.png (its order, full details revealed) and
order-timeline-broken.png (the same order after its log was edited behind the store's back),
anomalies-new.png (a new one waiting behind 新增 1 条) and anomalies-query.png (查询支付结果 answered:
not paid, cancelling recommended).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from store_helpers import UiStore  # noqa: E402

from ui.screenshots import save, settle, sign_in, wait_until  # noqa: E402


def more_anomalies(store: UiStore) -> None:
    """The kinds beyond a duplicate payment and redemption, each by its own service."""
    import sqlalchemy as sa

    from app.domain.venue import Venue
    from app.services.refunds import refund_processing
    from app.services.refunds.refund_providers import SandboxProvider
    from app.services.stock import inventory_audit
    from app.store.models import Inventory

    store.signed("/payments/alipay/callback", {  # paid, but the order never arrived
        "provider_txn_id": "ALI" + uuid.uuid4().hex[:14], "order_no": "MP-M20261121093",
        "amount_fen": 26000, "status": "success", "paid_at": store.now.isoformat(),
        "attach": {"channel": "miniprogram", "external_id": "M20261121093"}})
    order = store.channel_order(paid=True, channel="ota_meituan", adults=1)
    r = requests.post(store.base + "/redemptions", headers=store.login("gate1", "gate-3"),
                      timeout=10, json={"nonce": uuid.uuid4().hex, "device_id": "gate-3",
                                        "ticket_code": order["tickets"][0]["code"],
                                        "at": store.now.isoformat(), "result": "failed",
                                        "reason": "二维码污损，无法识别"})
    assert r.status_code == 200, r.text
    refused = store.channel_order(adults=1, phone="13600001111")
    store.signed("/payments/wechat/callback", {
        "provider_txn_id": "WXSBXFAIL" + uuid.uuid4().hex[:8], "order_no": refused["order_no"],
        "amount_fen": refused["total_fen"], "status": "success",
        "paid_at": store.now.isoformat()})
    sup = store.login("supervisor")
    r = requests.post(store.base + f"/orders/{refused['order_no']}/refunds", timeout=10,
                      headers=sup | {"Idempotency-Key": uuid.uuid4().hex},
                      json={"ticket_ids": [refused["tickets"][0]["ticket_id"]],
                            "method": "wechat", "reason": "游客行程取消"})
    assert r.status_code == 201, r.text
    venue, sandbox = Venue(), SandboxProvider()
    for minutes in (0, 2, 7, 20):  # the provider's retries, as the sweep would run them
        at = store.now + timedelta(minutes=minutes)
        refund_processing.process_due(store.db.session(), sandbox, now=at,
                                      today=venue.local_date(at))
    with store.db.session() as s, s.begin():  # two sold units lost from a stock row
        s.execute(sa.update(Inventory).where(
            Inventory.ticket_type == "ADULT", Inventory.visit_date == store.now.date()
        ).values(sold=Inventory.sold - 2))
    inventory_audit.audit(store.db.session(), now=store.now, venue=venue)


def take(out: Path) -> None:
    from server import embedded
    from ui.app import ClientApp
    from ui.sync_runner import StoreHandle

    home = Path(tempfile.mkdtemp(prefix="menpiao-shots-anomalies-"))
    now = datetime.now(UTC)
    started: list[UiStore] = []

    def starter(ctx: object) -> StoreHandle:
        store = embedded.start(ctx.home, ctx.clock)  # type: ignore[attr-defined]
        started.append(UiStore(store, now))
        return StoreHandle(store.base_url, stop=store.stop, enroll=store.enroll_window)

    args = argparse.Namespace(home=str(home), lang="zh_CN", terminal=None, printer=None,
                              store=None)
    client = ClientApp(args, store_starter=starter)
    try:
        client.start()
        wait_until(lambda: client.backend_ready and started, 60)
        window = sign_in(client, "supervisor")
        wait_until(lambda: client.ctx.sync.online and client.ctx.store is not None, 30)
        store = started[0]
        store.duplicate_payment()
        order = store.duplicate_redemption()
        more_anomalies(store)
        counter = window.anomaly_counter
        wait_until(lambda: counter.count is not None and counter.count >= 6, 30)
        view = window.show_screen("anomalies")
        wait_until(lambda: view.model.rowCount() >= 6)
        row = next(i for i, a in enumerate(view.model.anomalies())
                   if a["kind"] == "duplicate_redemption")
        view.table.selectRow(row)
        wait_until(lambda: view.pane.detail is not None
                   and view.pane.detail.anomaly["kind"] == "duplicate_redemption")
        view.pane.note.setText("")
        settle(1.0)
        save(window, out / "anomalies.png")
        query_shots(store, window, view, out)
        view.open_order()
        dialog = view.order_dialog
        wait_until(lambda: dialog.timeline_result is not None)
        dialog.resize(1180, 640)
        dialog.reveal()
        wait_until(lambda: dialog.revealed is not None and any(
            e["action"] == "customer.revealed" for e in dialog.timeline.model.events()))
        dialog.tabs.setCurrentWidget(dialog.timeline)
        save(dialog, out / "order-timeline.png")
        dialog.close()
        tamper(store, order["order_no"])
        view.open_order()
        dialog = view.order_dialog
        wait_until(lambda: dialog.timeline_result is not None)
        dialog.resize(1180, 640)
        dialog.tabs.setCurrentWidget(dialog.timeline)
        save(dialog, out / "order-timeline-broken.png")
        dialog.close()
    finally:
        client.shutdown()


def query_shots(store: UiStore, window: object, view: object, out: Path) -> None:
    """A payment fails while the supervisor reads the list: 新增 1 条 waits
    (anomalies-new.png); let in, 查询支付结果 by Enter, the provider's answer and the new
    recommendation (anomalies-query.png)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    order = store.channel_order(adults=1, phone="13700002222")
    store.signed("/payments/wechat/callback", {
        "provider_txn_id": "WX" + uuid.uuid4().hex[:12].upper(), "order_no": order["order_no"],
        "amount_fen": order["total_fen"], "status": "failed", "paid_at": store.now.isoformat()})
    wait_until(lambda: view.new_button.isVisible(), 30)
    settle(0.5)
    save(window, out / "anomalies-new.png")
    view.insert_new()
    row = next(i for i, a in enumerate(view.model.anomalies())
               if a["kind"] == "payment_failed_order_open")
    view.table.selectRow(row)
    wait_until(lambda: view.pane.detail is not None
               and view.pane.detail.anomaly["kind"] == "payment_failed_order_open")
    view.table.setFocus()
    QTest.keyClick(view.table, Qt.Key.Key_Return)
    wait_until(lambda: view.pane.recommended() == "cancel_and_release", 30)
    settle(1.0)
    save(window, out / "anomalies-query.png")


def tamper(store: UiStore, order_no: str) -> None:
    """Someone edits the amount of the payment event in the database by hand."""
    import sqlalchemy as sa

    from app.store.models import Order, TimelineEvent

    with store.db.session() as s, s.begin():
        oid = s.execute(sa.select(Order.order_id).where(Order.order_no == order_no)
                        ).scalar_one()
        event = s.execute(sa.select(TimelineEvent).where(
            TimelineEvent.order_id == oid, TimelineEvent.seq == 2)).scalar_one()
        event.detail = dict(event.detail, amount_fen=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tests/ui/anomaly_screenshots.py")
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    take(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

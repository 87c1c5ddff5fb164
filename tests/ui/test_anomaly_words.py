"""Every word the Anomalies view shows is a word, not a code: a supervisor's window walks every
kind of anomaly the store raises in these fixtures (duplicate payment and redemption, paid
without an order, a gate's failed read, a refund the provider refused three times, stock that
does not add up, a payment the provider says was never made) and every event of their
orders' timelines, and no snake_case or ALLCAPS identifier, English code or raw JSON is on
screen. Also the pieces on their own: unknown keys and odd values never raise."""

import re
from datetime import UTC, datetime

import pytest
import requests
from anomaly_screenshots import more_anomalies
from conftest import as_user
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel
from store_helpers import connect

from ui.anomaly_labels import evidence_rows, field_label, value_text
from ui.anomaly_values import actor_text, remember_ticket_names
from ui.views.anomalies_view import AnomaliesView

USERS = {"supervisor", "finance", "admin", "clerk1", "clerk2", "gate1"}  # people's names
ALLOWED = {"OTA"}
_CHUNK = re.compile(r"[A-Za-z0-9_\-.:/+]+")
_CODE = re.compile(r"[A-Za-z_]{2,}")


def codes(text: str) -> list[str]:
    """Identifier-looking words: letters and underscores only (ids carry digits or dashes)."""
    return [c for c in _CHUNK.findall(text or "")
            if _CODE.fullmatch(c) and c not in USERS | ALLOWED]


def test_codes_finds_what_it_should():
    assert codes("类型：ADULT · 方式：wechat · requested_at：x") == ["ADULT", "wechat",
                                                                   "requested_at"]
    assert codes('{"kind": "oversold"}') == ["kind", "oversold"]
    assert codes("订单 W01-20261121-0007 · gate-1（南门闸机1号）· ¥100.00 · supervisor") == []


@pytest.fixture
def online(ctx, ui_store, qtbot):
    window = connect(as_user(ctx, "supervisor", "supervisor"), ui_store, "supervisor")
    yield window
    window.close()


def unpaid_order_queried(store):
    """A failure callback, then 查询支付结果 on the store: the provider knows no such payment."""
    order = store.channel_order(adults=1)
    store.signed("/payments/wechat/callback", {
        "provider_txn_id": "WXQ0000001", "order_no": order["order_no"], "amount_fen": 10000,
        "status": "failed", "paid_at": store.now.isoformat()})
    sup = store.login("supervisor")
    found = requests.get(store.base + "/anomalies", headers=sup, timeout=10,
                         params={"kind": "payment_failed_order_open"}).json()["anomalies"]
    r = requests.post(store.base + f"/anomalies/{found[0]['id']}/fix", headers=sup,
                      json={"action": "query_payment"}, timeout=10)
    assert r.status_code == 200 and r.json()["anomaly"]["status"] == "open", r.text


def shown_texts(view) -> list[str]:
    """What the list and the detail pane show: cells and their tooltips, labels, buttons,
    the stock and the timeline tables."""
    out = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    models = [view.model, view.pane.stock_model, view.pane.timeline.model]
    for m in models:
        out += [str(m.headerData(c, Qt.Orientation.Horizontal) or "")
                for c in range(m.columnCount())]
        for r in range(m.rowCount()):
            for c in range(m.columnCount()):
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    out.append(str(m.index(r, c).data(role) or ""))
    out += [w.text() for w in view.pane.findChildren(QLabel)]
    out += [w.text() for w in view.pane.findChildren(QAbstractButton)]
    return out


def test_every_anomaly_and_timeline_event_is_shown_in_words(online, ui_store, qtbot):
    ui_store.duplicate_payment()
    ui_store.duplicate_redemption()
    more_anomalies(ui_store)
    unpaid_order_queried(ui_store)
    online.sync_once(qtbot)
    view = AnomaliesView(online.ctx)
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    qtbot.waitUntil(lambda: not view.model.loading and view.model.rowCount() >= 7)
    kinds, actions, found = set(), set(), {}
    for row in range(view.model.rowCount()):
        a = view.model.anomaly(row)
        view.table.selectRow(row)
        qtbot.waitUntil(lambda a=a: view.pane.detail is not None
                        and view.pane.detail.anomaly["id"] == a["id"])
        kinds.add(a["kind"])
        actions.update(e["action"] for e in view.pane.timeline.model.events())
        for text in shown_texts(view):
            for code in codes(text):
                found.setdefault(code, text)
    assert kinds == {"duplicate_payment", "duplicate_redemption", "paid_no_order",
                     "redeem_failed", "refund_failed", "payment_failed_order_open",
                     "paid_inventory_not_deducted"}
    assert {"order.created", "payment.succeeded", "ticket.redeemed", "anomaly.detected",
            "refund.requested", "refund.failed", "payment.queried"} <= actions
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_the_pieces_never_raise_and_stay_readable():
    remember_ticket_names({"ADULT": "成人票"})
    local = lambda at: at.astimezone(UTC)  # noqa: E731
    assert value_text("ticket_type", "ADULT", local) == "成人票"
    assert value_text("lines", [{"ticket_type": "ADULT", "qty": 2}], local) == "成人票 ×2"
    assert value_text("requested_at", "2026-12-06T01:30:00Z", local) == "2026-12-06 01:30"
    assert value_text("amount_fen", 123456, local) == "¥1,234.56"
    assert value_text("x", {"provider": "wechat", "status": "failed"}, local) == (
        "Provider：WeChat Pay；Status：failed") or "微信支付" in value_text(
        "x", {"provider": "wechat"}, local)
    assert field_label("some_new_key") == "some new key"  # unknown: readable, no crash
    assert value_text("weird", object, local)  # anything at all becomes some text
    assert evidence_rows({"amount_fen": "not a number", "nested": [[1, None]]}, local)
    assert actor_text("system") and actor_text("device:gate-9", {}) == "gate-9"
    assert value_text("at", "not a time", local) == "not a time"
    assert datetime  # imported for the local clock's type

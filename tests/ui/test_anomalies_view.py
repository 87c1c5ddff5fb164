"""The Anomalies view (异常订单) against a real store: the queue from the window's cache with
counts per category, the detail with the verified timeline, fixes through the store, live
updates from the changes feed, offline refusals."""

import pytest
import requests
from conftest import as_user
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMessageBox
from store_helpers import FIX_ROUTES_READY, NEEDS_FIX_ROUTES, connect

from app.services.anomalies import anomaly_queue
from sync.transport import PermanentError
from ui.anomaly_requests import AnomalyDetail, load_queue
from ui.main_window import MainWindow
from ui.models.anomalies_model import PAGE, AnomalyQueueModel
from ui.views.anomalies_view import AnomaliesView
from ui.views.anomaly_detail_pane import AnomalyDetailPane

needs_fixes = pytest.mark.skipif(not FIX_ROUTES_READY, reason=NEEDS_FIX_ROUTES)


@pytest.fixture
def online(ctx, ui_store, qtbot):
    """A supervisor's window signed in to the store, its cache synced once."""
    window = connect(as_user(ctx, "supervisor", "supervisor"), ui_store, "supervisor")
    yield window
    window.close()


def open_view(ctx, qtbot) -> AnomaliesView:
    view = AnomaliesView(ctx)
    qtbot.addWidget(view)
    view.resize(1300, 700)
    view.show()
    qtbot.waitUntil(lambda: not view.model.loading)
    return view


def rows(view):
    m = view.model
    return [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]


def test_queue_by_category_with_counts_and_detail(online, ui_store, qtbot):
    ui_store.duplicate_payment()
    order = ui_store.duplicate_redemption()
    online.sync_once(qtbot)
    view = open_view(online.ctx, qtbot)
    tabs = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    assert tabs == ["全部 (2)", "支付 (1)", "核销 (1)", "退款 (0)", "库存 (0)"]
    table = rows(view)
    assert [r[1] for r in table] == ["重复支付", "重复核销"]  # payment first (priority)
    assert table[0][0].startswith("●")  # high priority is marked
    assert table[1][2] == order["order_no"] and table[1][3] == "¥100.00"
    assert table[1][5] == "gate-2"
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    pane = view.pane
    qtbot.waitUntil(lambda: pane.detail is not None
                    and pane.detail.anomaly["kind"] == "duplicate_redemption")
    assert "南门闸机1号（gate-1）" in pane.reason.text()  # the demo gates have locations
    devices = pane.devices.text().splitlines()  # from GET /devices: where, alive, heartbeat
    assert devices[0].startswith("gate-2 · 北门闸机1号 · 在线 · 最后心跳 2026-11-21 10:00")
    assert devices[1].startswith("gate-1 · 南门闸机1号 · 在线")
    assert list(pane.fix_buttons) == ["lock_order", "mark_resolved"]
    assert all(b.isEnabled() for b in pane.fix_buttons.values())
    assert pane.timeline.verified is True
    actions = [e["action"] for e in pane.timeline.model.events()]
    assert actions.count("ticket.redeemed") == 1 and "anomaly.detected" in actions
    by = [pane.timeline.model.index(r, 1).data() for r in range(pane.timeline.model.rowCount())]
    assert "gate-1（南门闸机1号）" in by
    assert [r[0] for r in pane.stock_model._rows] == ["成人票"]  # by its name
    view.tabs.setCurrentIndex(2)  # 核销
    qtbot.waitUntil(lambda: not view.model.loading)
    assert [r[1] for r in rows(view)] == ["重复核销"]


def test_new_anomalies_show_live_in_the_counter_and_the_list(online, ui_store, qtbot):
    ctx = online.ctx
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    counter = window.anomaly_counter
    assert counter is not None and counter.text() == "异常：0"
    online.engine.start()  # the real engine: push, pull, long-poll on its own threads
    qtbot.waitUntil(lambda: ctx.sync.online, timeout=10_000)
    view = window.show_screen("anomalies")
    assert view.model.rowCount() == 0 and view.tabs.tabText(0) == "全部 (0)"
    order = ui_store.duplicate_payment()  # raised on the store by a provider's callback
    qtbot.waitUntil(lambda: counter.text() == "异常：1", timeout=10_000)
    assert counter.flashing and counter.property("state") == "flash"
    assert "新增 1 条异常" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=10_000)
    assert rows(view)[0][1:3] == ["重复支付", order["order_no"]]
    assert view.tabs.tabText(1) == "支付 (1)"
    ui_store.duplicate_redemption()  # while one is selected: it waits behind 新增 1 条
    qtbot.waitUntil(lambda: counter.text() == "异常：2" and view.new_button.isVisible(),
                    timeout=10_000)
    assert view.model.rowCount() == 1 and view.new_button.text() == "新增 1 条（F5）"
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    assert view.model.rowCount() == 2 and view.new_button.isHidden()
    assert view.current()["kind"] == "duplicate_payment"  # the selection stayed put
    window.anomaly_counter.clicked.emit()
    assert window.stack.currentWidget() is view


def test_a_broken_timeline_chain_shows_red(online, ui_store, qtbot):
    import sqlalchemy as sa

    from app.store.models import Order, TimelineEvent

    order = ui_store.duplicate_redemption()
    online.sync_once(qtbot)
    with ui_store.db.session() as s, s.begin():  # someone edits the log behind the store
        oid = s.execute(sa.select(Order.order_id)
                        .where(Order.order_no == order["order_no"])).scalar_one()
        s.execute(sa.update(TimelineEvent).where(TimelineEvent.order_id == oid,
                                                 TimelineEvent.seq == 2)
                  .values(detail={"amount_fen": 1}))
    view = open_view(online.ctx, qtbot)
    panel = view.pane.timeline
    qtbot.waitUntil(lambda: panel.verified is not None)
    assert panel.verified is False
    assert "校验失败" in panel.verdict.text() and "第 2 条" in panel.verdict.text()
    assert "#c62828" in panel.verdict.styleSheet()
    model = panel.model
    red = [model.index(r, 2).data(Qt.ItemDataRole.ForegroundRole) for r in range(
        model.rowCount())]
    assert red[0] is None and all(c is not None and c.name() == "#c62828" for c in red[1:])
    assert model.index(1, 2).data().endswith("（校验失败）")


def test_offline_the_queue_still_shows_and_fixes_say_why_not(online, ui_store, qtbot):
    ui_store.duplicate_redemption()
    online.sync_once(qtbot)
    view = open_view(online.ctx, qtbot)
    assert all(b.isEnabled() for b in view.pane.fix_buttons.values())
    ui_store.store.stop()  # the network drops
    online.engine.sync_once()
    qtbot.waitUntil(lambda: not online.ctx.sync.online)
    qtbot.wait(50)
    reason = "离线：处理异常需要连接中心服务器"
    assert view.model.rowCount() == 1  # read from this window's database
    buttons = view.pane.fix_buttons
    assert buttons and not any(b.isEnabled() for b in buttons.values())
    assert all(b.toolTip() == reason for b in buttons.values())
    assert view.pane.offline.text() == reason and not view.pane.offline.isHidden()
    view.table.selectAll()
    assert not view.resolve_button.isEnabled() and view.resolve_button.toolTip() == reason
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)  # Enter: the recommended fix, refused here
    assert view.message.text() == reason and view.message.property("kind") == "error"


# -- fixes through the store (routes of branch `fixes`) -----------------------------------------

def select_kind(view, kind, qtbot):
    row = next(i for i, a in enumerate(view.model.anomalies()) if a["kind"] == kind)
    view.table.selectRow(row)
    view.table.setFocus()
    qtbot.waitUntil(lambda: view.pane.detail is not None
                    and view.pane.detail.anomaly["kind"] == kind)
    return view.pane.detail.anomaly


def store_anomaly(online, anomaly_id):
    body = online.client.anomaly(anomaly_id)
    return body.get("anomaly", body)


@needs_fixes
def test_supervisor_refunds_a_duplicate_payment_after_confirming(online, ui_store, qtbot):
    ui_store.duplicate_payment()
    ui_store.duplicate_redemption()
    online.sync_once(qtbot)
    view = open_view(online.ctx, qtbot)
    anomaly = select_kind(view, "duplicate_payment", qtbot)
    assert list(view.pane.fix_buttons) == ["refund_duplicate"]
    button = view.pane.fix_buttons["refund_duplicate"]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    box = view.confirm_box  # money moves: asked first
    assert box is not None and "¥200.00" in box.text() and "退还重复支付" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert view.confirm_box is None and view.message.text() == "未执行：退还重复支付"
    assert store_anomaly(online, anomaly["id"])["status"] == "open"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    view.confirm_box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: view.last_answer is not None)
    assert view.message.property("kind") == "success"
    assert "¥200.00" in view.message.text()  # the store's sentence: refunded, how much
    assert not view.last_answer.get("already_fixed")
    assert store_anomaly(online, anomaly["id"])["status"] == "resolved"
    # the answer is in the cache at once: the count is down; the row, selected, stays
    # (greyed, 已处理) until the supervisor moves on
    qtbot.waitUntil(lambda: view.tabs.tabText(1) == "支付 (0)")
    assert view.current()["id"] == anomaly["id"] and view.current()["gone"]
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: [a["kind"] for a in view.model.anomalies()] == [
        "duplicate_redemption"])


@needs_fixes
def test_enter_locks_the_order_of_a_duplicate_redemption(online, ui_store, qtbot):
    order = ui_store.duplicate_redemption()
    online.sync_once(qtbot)
    view = open_view(online.ctx, qtbot)
    anomaly = select_kind(view, "duplicate_redemption", qtbot)
    assert view.pane.recommended() == "lock_order"
    qtbot.keyClick(view.table, Qt.Key.Key_Return)  # the recommended fix, no money: no question
    qtbot.waitUntil(lambda: view.last_answer is not None)
    assert view.confirm_box is None and view.message.property("kind") == "success"
    assert store_anomaly(online, anomaly["id"])["status"] == "resolved"
    assert view.last_answer["order"]["order_no"] == order["order_no"]
    qtbot.waitUntil(lambda: bool(view.current().get("gone")))  # handled, still under the cursor
    assert view.tabs.tabText(0) == "全部 (0)"


@needs_fixes
def test_a_note_is_required_and_a_second_fix_says_already_handled(online, ui_store, qtbot):
    ui_store.duplicate_redemption()
    online.sync_once(qtbot)
    view = open_view(online.ctx, qtbot)
    anomaly = select_kind(view, "duplicate_redemption", qtbot)
    qtbot.mouseClick(view.pane.fix_buttons["mark_resolved"], Qt.MouseButton.LeftButton)
    assert view.message.text() == "“标记已处理”需要填写备注：请写明核查情况。"
    assert view.last_answer is None and store_anomaly(online, anomaly["id"])["status"] == "open"
    # another supervisor fixes it meanwhile; this window has not synced yet
    online.client.fix_anomaly(anomaly["id"], "mark_resolved", "两台闸机时间不同步，已核实")
    view.pane.note.setText("已核实")
    qtbot.mouseClick(view.pane.fix_buttons["mark_resolved"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.last_answer is not None)
    assert view.last_answer["already_fixed"] is True
    assert view.message.text() == "已处理"
    assert view.message.property("kind") == "success"


@needs_fixes
def test_a_refused_fix_is_shown_in_chinese(online, ui_store, qtbot):
    """The order moved on since this window's cache saw it (another ticket scanned): the store
    answers 409 and the clerk reads why, never a traceback."""
    order = ui_store.duplicate_redemption()
    online.sync_once(qtbot)
    view = open_view(online.ctx, qtbot)
    anomaly = select_kind(view, "duplicate_redemption", qtbot)
    seen = anomaly["order"]["version"]
    ui_store.redeem(order["tickets"][1]["code"], "gate-1")  # the order's version moves on
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.message.property("kind") == "error")
    with pytest.raises(PermanentError) as refused:  # what the store says to the same request
        online.client.fix_anomaly(anomaly["id"], "lock_order", None, seen)
    assert refused.value.status == 409
    assert view.message.text() == refused.value.message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)
    assert view.last_answer is None


@needs_fixes
def test_batch_mark_resolved_with_a_note(online, ui_store, qtbot):
    ui_store.duplicate_redemption()
    ui_store.duplicate_redemption()
    online.sync_once(qtbot)
    view = open_view(online.ctx, qtbot)
    assert view.model.rowCount() == 2
    view.table.selectAll()
    qtbot.mouseClick(view.resolve_button, Qt.MouseButton.LeftButton)
    assert view.message.text() == "请先填写备注：备注会记录在每条异常上。"
    view.pane.note.setText("闸机时钟偏差，已现场核实")
    ids = [a["id"] for a in view.model.anomalies()]
    qtbot.mouseClick(view.resolve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.last_answer is not None)
    assert view.message.text() == "已将 2 条异常标记为已处理"
    assert [store_anomaly(online, i)["status"] for i in ids] == ["resolved", "resolved"]
    # the answer is cached at once: the one under the cursor stays (greyed), the other left
    qtbot.waitUntil(lambda: view.model.rowCount() == 1 and view.current().get("gone"))
    assert view.tabs.tabText(0) == "全部 (0)"


def test_the_window_and_the_store_answer_the_same_queue(online, ui_store, qtbot):
    """One reader: the window's cache answers what `GET /anomalies` answers, page by page
    with the store's own cursor, and the detail names the same anomaly and order."""
    ui_store.duplicate_payment()
    order = ui_store.duplicate_redemption()
    ui_store.duplicate_payment()
    online.sync_once(qtbot)
    h = ui_store.login("supervisor")

    def store(path, **params):
        r = requests.get(ui_store.base + path, params=params, headers=h, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    def window(category=None, cursor=None, want=100):
        page = load_queue(online.ctx, category, cursor, want)
        return {"anomalies": page.anomalies, "counts": page.counts,
                "next_cursor": page.next_cursor}

    everything = store("/anomalies")
    assert len(everything["anomalies"]) == 3 and everything["next_cursor"] is None
    assert window() == everything
    assert window("redemption") == store("/anomalies", category="redemption")
    first = store("/anomalies", limit=1)
    assert window(want=1) == first and first["next_cursor"]
    assert window(cursor=first["next_cursor"]) == store("/anomalies",
                                                        cursor=first["next_cursor"])
    redeemed = next(a for a in everything["anomalies"] if a["order_no"] == order["order_no"])
    api = store(f"/anomalies/{redeemed['id']}")
    with online.ctx.session() as session:
        cached = anomaly_queue.anomaly_detail(session, redeemed["id"])
    assert cached.anomaly == api["anomaly"]
    assert cached.order["order_no"] == api["order"]["order_no"]
    assert [d["device_id"] for d in api["devices"]] == ["gate-1", "gate-2"]


def _anomaly(n: int) -> dict:
    return {"id": f"A{n:04d}", "kind": "paid_no_order", "category": "payment",
            "order_no": None, "reason": f"异常 {n}", "priority": 5000 - n, "status": "open",
            "evidence": {"amount_fen": 100, "device_id": f"W{n:02d}"},
            "detected_at": "2026-11-21T01:00:00Z", "fixes": ["backfill_order"], "version": 1}


def test_fetch_more_follows_the_cursor_and_appends_keeping_the_selection(ctx, qtbot):
    from sync import cache

    with ctx.session() as session:
        cache.apply_fetched(session, anomalies=[_anomaly(n) for n in range(PAGE + 30)])
    view = open_view(as_user(ctx, "supervisor", "supervisor"), qtbot)
    m = view.model
    assert m.rowCount() == PAGE and m.canFetchMore(QModelIndex())
    assert view.tabs.tabText(0) == f"全部 ({PAGE + 30})"
    view.table.selectRow(42)
    picked = m.anomaly(42)["id"]
    resets, inserted = [], []
    m.modelReset.connect(lambda: resets.append(1))
    m.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    m.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: m.rowCount() == PAGE + 30)
    assert resets == [] and inserted == [(PAGE, PAGE + 29)]  # appended, not reset
    assert not m.canFetchMore(QModelIndex())
    assert [a["id"] for a in m.anomalies()] == [f"A{n:04d}" for n in range(PAGE + 30)]
    assert view.current_row() == 42 and view.current()["id"] == picked
    assert m.index(PAGE + 29, AnomalyQueueModel.DEVICE).data() == f"W{PAGE + 29:02d}"
    assert view.count.text() == f"共 {PAGE + 30} 条异常"


def test_the_pane_names_the_gate_that_redeemed_a_ticket_refunded_offline(qtbot):
    """`redeemed_by` names a device too (the store's rule; the pane used to miss it)."""
    pane = AnomalyDetailPane(lambda at: at)
    qtbot.addWidget(pane)
    a = {"id": "A1", "kind": "redeemed_after_refund", "reason": "退票后核销", "status": "open",
         "order_no": None, "amount_fen": 10000, "fixes": ["mark_resolved"],
         "evidence": {"amount_fen": 10000, "redeemed_by": "gate-3", "refund_no": "R1"}}
    pane.show_detail(AnomalyDetail(a | {"order": None, "inventory": []}, None))
    assert pane.devices.text().startswith("gate-3")

"""日结对账 against a real central store (the embedded one, SQLite, over HTTP) with a day of
cash and channel sales, a cash refund, a ¥400 shortfall at window 01 and window 02 still open
(tests/ui/day_close_day.py): the screen shows the store's figures, drills down to a channel's
orders and an order, runs a discrepancy's action, imports a settlement file, queues the day
report and a Z report marked 重打, closes the day (a second close: 409 in Chinese) and lists
what came after the close apart. Finance lands on it."""

from __future__ import annotations

import pytest
from conftest import as_user, on_screen
from day_close_day import build_day, close_window_02
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain.day_close_labels import DISCREPANCY_LABELS_ZH
from app.domain.money import format_fen
from app.services.prints import print_jobs
from sync.transport import StoreClient
from ui.main_window import MainWindow
from ui.navigation import landing_for, screens_for
from ui.views.day_close import kinds
from ui.views.day_close.day_close_view import DayCloseView
from ui.views.day_close.dialogs import ChannelOrdersDialog, ZReportDialog
from ui.views.order_detail import OrderDetailDialog

DAY = "2026-11-21"


@pytest.fixture
def finance(ctx, ui_store):
    as_user(ctx, "finance", "finance")
    ctx.store = StoreClient(ui_store.base)
    ctx.store.login("finance", "finance", None)
    yield ctx
    ctx.store.close()


@pytest.fixture
def day(ui_store):
    return build_day(ui_store)


def open_view(ctx, qtbot) -> DayCloseView:
    return on_screen(qtbot, DayCloseView(ctx), size=(1150, 650))


def texts(table, column: int) -> list[str]:
    model = table.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]


def rows(table, columns: int) -> list[list[str]]:
    return [[cell(table, r, c) for c in range(columns)]
            for r in range(table.model().rowCount())]


def cell(table, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    return table.model().index(row, column).data(role)


def test_the_figures_are_the_stores(finance, day, qtbot):
    view = open_view(finance, qtbot)
    report = finance.store.day_close(DAY)
    t = report["totals"]
    # by hand: cash 200 − 100, WeChat 200, OTA 100 → paid 500, refunded 100, net 400;
    # cash expected 600 (01) + 300 (02, open), counted 200, variance −400
    assert (t["paid_fen"], t["refunded_fen"], t["net_fen"]) == (50_000, 10_000, 40_000)
    assert (t["cash_expected_fen"], t["cash_counted_fen"], t["variance_fen"]) == (
        90_000, 20_000, -40_000)
    strip = view.totals
    assert [f.text() for f in strip.figures()] == [
        "¥500.00", "¥100.00", "¥400.00", "¥900.00", "¥200.00", "短款 -¥400.00"]
    assert strip.variance.alert and not strip.net.alert
    shifts = view.shift_table
    assert texts(shifts, 0) == ["01", "02"] and texts(shifts, 1) == ["clerk1", "clerk2"]
    assert [cell(shifts, 0, c) for c in range(4, 11)] == [
        "¥500.00", "¥200.00", "¥100.00", "¥0.00", "¥600.00", "¥200.00", "-¥400.00"]
    assert cell(shifts, 0, 10, Qt.ItemDataRole.ForegroundRole).name() == "#c62828"
    assert cell(shifts, 1, 3) == "未交班" and cell(shifts, 1, 9) == "未清点"
    methods = {r[0]: r[1:] for r in rows(view.method_table, 4)}
    assert methods["现金"] == ["¥200.00", "¥100.00", "¥100.00"]
    assert methods["微信支付"] == ["¥200.00", "¥0.00", "¥200.00"]
    channels = {r[0]: r[1:] for r in rows(view.channel_table, 5)}
    assert channels["小程序"] == ["1", "¥200.00", "¥0.00", "¥200.00"]
    assert channels["美团"] == ["1", "¥100.00", "¥0.00", "¥100.00"]
    kinds_shown = texts(view.discrepancy_table, 0)
    assert kinds_shown == [kinds.kind(d["kind"]).label for d in report["discrepancies"]]
    assert {"支付未结算", "OTA 未结算", "班次未交班", "窗口未同步"} <= set(kinds_shown)
    assert view.tabs.tabText(2) == f"差异（{len(kinds_shown)}）"
    assert view.state_label.text() == "未关账" and view.close_button.isEnabled()


def test_every_discrepancy_kind_of_the_store_has_a_name_and_an_action():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "app" / "services" / "reports"
    found = set(re.findall(r'_d\("(\w+)"', (root / "day_close_checks.py").read_text()))
    found |= set(re.findall(r'"kind": "(late_entry)"', (root / "day_close.py").read_text()))
    assert found == set(DISCREPANCY_LABELS_ZH)  # paper and file name each one too
    actions = {kinds.OPEN_ORDER, kinds.IMPORT_SETTLEMENT, kinds.GO_TO_ANOMALY,
               kinds.GO_TO_SHIFT}
    for key in found:
        k = kinds.kind(key)
        assert k.label != key and not k.label.isascii(), key  # a Chinese name
        assert k.action in actions and not k.action_label.isascii(), key
        assert k.label == DISCREPANCY_LABELS_ZH[key], key  # the screen says what paper says


def test_a_channel_row_opens_its_orders_and_an_order_its_detail(finance, day, qtbot):
    view = open_view(finance, qtbot)
    view.tabs.setCurrentIndex(1)
    row = texts(view.channel_table, 0).index("小程序")
    view.open_channel_orders(row)
    dialog = view.dialog
    assert isinstance(dialog, ChannelOrdersDialog) and dialog.isVisible()
    assert texts(dialog.table, 0) == [day.wechat["order_no"]]
    assert "小程序" in dialog.windowTitle() and DAY in dialog.windowTitle()
    dialog.table.selectRow(0)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    detail = view.order_dialog
    assert isinstance(detail, OrderDetailDialog)
    assert detail.order["order_no"] == day.wechat["order_no"]
    detail.close()
    dialog.close()


def test_a_shift_row_shows_its_z_report_and_reprints_it_marked_chongda(finance, day, qtbot):
    view = open_view(finance, qtbot)
    view.shift_table.selectRow(0)
    qtbot.keyClick(view.shift_table, Qt.Key.Key_Return)
    z = view.dialog
    assert isinstance(z, ZReportDialog) and z.reprint_button.isEnabled()
    assert "clerk1" in z.windowTitle()
    z.reprint_button.click()
    z.close()
    with finance.session() as session:
        (job,) = [j for j in print_jobs.recent(session, 20) if j.kind == "shift_report"]
    assert "重打 1" in job.title and "重打 1" in view.message.text()
    view.shift_table.selectRow(1)  # window 02, still open: nothing kept to reprint
    view.reprint_shift(view.current_shift())
    assert "没有保存 Z 报表" in view.message.text()


def test_the_day_report_goes_to_the_print_queue_with_the_stores_figures(finance, day, qtbot):
    view = open_view(finance, qtbot)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    with finance.session() as session:
        (job,) = [j for j in print_jobs.recent(session, 20) if j.kind == "day_report"]
        payload = print_jobs.SqlJobStore(finance.db).claim_next(finance.now()).payload
    report = finance.store.day_close(DAY)
    assert payload["totals"] == report["totals"] and payload["date"] == DAY
    assert payload["windows"][0]["shifts"][0]["opened_at"] == "08:00"
    assert {d["kind"] for d in payload["discrepancies"]} == {
        d["kind"] for d in report["discrepancies"]}
    assert job.title == f"日结报表 {DAY}"


def test_discrepancy_actions_a_shift_still_open_and_the_settlement_import(
        finance, day, qtbot, tmp_path):
    view = open_view(finance, qtbot)
    view.tabs.setCurrentIndex(2)
    open_row = texts(view.discrepancy_table, 0).index("班次未交班")
    view.discrepancy_table.selectRow(open_row)
    assert view.action_button.text() == "去交班或代交班"
    view.action_button.click()
    assert view.tabs.currentIndex() == 0 and view.current_shift()["terminal"] == "02"
    assert "终端 02" in view.message.text() or "02" in view.message.text()

    unsettled = texts(view.discrepancy_table, 0).index("支付未结算")
    view.discrepancy_table.selectRow(unsettled)
    assert view.action_button.text() == "导入结算单"
    csv = tmp_path / "wechat.csv"
    csv.write_text("order_no,txn_id,amount_fen,fee_fen,date\n"
                   f"{day.wechat['order_no']},WXT1,20000,120,{DAY}\n", encoding="utf-8")
    view.import_file("wechat", str(csv))
    assert "1 行" in view.message.text() and "1 笔已匹配" in view.message.text()
    assert "支付未结算" not in texts(view.discrepancy_table, 0)
    assert "OTA 未结算" in texts(view.discrepancy_table, 0)


def test_closing_the_day_then_a_second_close_and_a_late_entry(finance, day, ui_store, qtbot):
    view = open_view(finance, qtbot)
    view.ask_close()
    box = view.confirm_box
    assert isinstance(box, QMessageBox)
    words = box.text()
    assert "净额：¥400.00" in words and "差额：短款 -¥400.00" in words
    assert f"{len(view.report['discrepancies'])} 项差异尚未处理" in words
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: bool(view.report.get("closed_by")))
    assert view.state_label.text().startswith("已关账：finance")
    assert not view.close_button.isEnabled() and view.close_button.text() == "已关账"

    view.close_day(view.day())  # a second close, say from another PC's stale screen
    assert "已由 finance" in view.message.text() and "不能重复日结" in view.message.text()

    close_window_02(ui_store, day.window_02)
    view.reload()
    late = view.late_table
    assert texts(late, 0) == ["班次交班"] and texts(late, 2) == ["02"]
    assert view.tabs.tabText(3) == "日结后补录（1）"
    assert view.totals.counted.text() == "¥200.00"  # the closed figures, unchanged


def test_finance_lands_on_day_close_and_admin_has_it(finance, qtbot):
    assert landing_for("finance") == "day_close"
    assert "day_close" in screens_for("admin") and "day_close" not in screens_for("clerk")
    window = MainWindow(finance)
    qtbot.addWidget(window)
    assert "日结对账" in window.nav_titles()
    assert isinstance(window.stack.currentWidget(), DayCloseView)


def test_days_move_with_alt_arrows_and_never_past_today(finance, day, qtbot):
    view = open_view(finance, qtbot)
    assert view.day().isoformat() == DAY and not view.after.isEnabled()
    view.shift_table.setFocus()
    qtbot.keyClick(view.shift_table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert view.day().isoformat() == "2026-11-20"
    assert view.totals.paid.text() == format_fen(0) and view.shifts.rowCount() == 0
    assert view.after.isEnabled()
    QApplication.processEvents()


def test_export_saves_the_days_workbook_with_the_figures_on_screen(finance, day, qtbot,
                                                                   tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from ui import export_dialog

    monkeypatch.setattr(export_dialog, "choose_path", lambda *_a: str(tmp_path / "day.xlsx"))
    view = open_view(finance, qtbot)
    qtbot.waitUntil(lambda: view.report is not None, timeout=20_000)
    view.export_button.click()
    runner = view.export_runner
    qtbot.waitUntil(lambda: runner.state == "done", timeout=20_000)
    runner.notice.close()
    book = load_workbook(tmp_path / "day.xlsx")
    assert {"窗口班次", "支付方式", "渠道", "合计", "差异"} <= set(book.sheetnames)
    sheet_rows = list(book["差异"].iter_rows(min_row=2, values_only=True))
    assert len(sheet_rows) == len(view.report["discrepancies"])


def test_the_landing_screen_reads_the_day_once_sign_in_hands_it_the_store(
        finance, day, qtbot):
    """Finance lands here before the sign-in has the store's client: the screen says so, then
    shows the day as soon as the sync reports the store online — no F5."""
    from sync.events import SyncEvent, SyncStatus
    from ui.sync_bridge import SyncBridge

    store, finance.store = finance.store, None
    finance.sync = SyncBridge(interval_ms=10)
    view = open_view(finance, qtbot)
    assert view.report is None and "中心服务器" in view.message.text()
    finance.store = store
    status = SyncStatus(True, 0, 0, None, None, 0.0, False)
    finance.sync.publish(SyncEvent("status", status))
    qtbot.waitUntil(lambda: view.report is not None)
    assert view.report["date"] == DAY and view.totals.net.text() == "¥400.00"


def test_the_close_confirms_the_figures_the_store_has_now(finance, day, ui_store, qtbot):
    """Sales go on while the screen is open: 关账 reads the day again, so the box shows the
    figures that will be closed, not those of when the screen opened."""
    view = open_view(finance, qtbot)
    stale = view.report["totals"]["paid_fen"]
    close_window_02(ui_store, day.window_02)  # the store moves on under the screen
    fresh = finance.store.day_close(DAY)
    view.ask_close()
    assert view.report == fresh
    words = view.confirm_box.text()
    assert f"应有 / 实点现金：{format_fen(fresh['totals']['cash_expected_fen'])} / " \
           f"{format_fen(fresh['totals']['cash_counted_fen'])}" in words
    assert fresh["totals"]["cash_counted_fen"] != 20_000 and stale == 50_000
    view.confirm_box.close()


def test_a_close_confirmed_on_figures_that_moved_is_refused_and_shows_the_new_ones(
        finance, day, ui_store, qtbot):
    """Window 02 closes its shift while finance reads the confirmation: the store refuses
    the close (the counted cash moved), the screen shows the new figures and says why; the
    day stays open until finance confirms what it now shows."""
    view = open_view(finance, qtbot)
    view.ask_close()
    assert view.totals.counted.text() == "¥200.00"
    close_window_02(ui_store, day.window_02)
    view.confirm_box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: "确认之后当日数据有变化" in view.message.text())
    assert "实点现金 ¥200.00 →" in view.message.text()
    assert not view.report.get("closed_by") and view.close_button.isEnabled()
    qtbot.waitUntil(lambda: view.totals.counted.text() != "¥200.00")
    view.ask_close()
    view.confirm_box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: bool(view.report.get("closed_by")))
    assert view.report["totals"]["cash_counted_fen"] > 20000

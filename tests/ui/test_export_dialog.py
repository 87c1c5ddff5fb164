"""导出 Excel against a real central store (the embedded one, SQLite, over HTTP): the workbook
lands where the user chose with the rows of the filter, the progress dialog shows a busy bar
and then kilobytes of the announced size, 取消 leaves no file, offline and refusals say why in
Chinese. The file dialog and the desktop are stood in for (module attributes)."""

from pathlib import Path

import pytest
from conftest import as_user
from openpyxl import load_workbook
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from sync.transport import StoreClient
from ui import export_dialog, tasks


def signed_in(ui_store, username: str) -> StoreClient:
    client = StoreClient(ui_store.base)
    client.login(username, username, None)  # staff at no device (§14)
    return client


@pytest.fixture
def as_role(ctx, ui_store):
    clients = []

    def sign_in(username: str, role: str):
        as_user(ctx, username, role).store = signed_in(ui_store, username)
        clients.append(ctx.store)
        return ctx

    yield sign_in
    for c in clients:
        c.close()


@pytest.fixture
def parent(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def save_to(tmp_path, monkeypatch):
    """The file dialog answers `downloads/export` (no suffix: .xlsx is added)."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    asked: list[str] = []

    def choose(_parent, _title, suggested: str) -> str:
        asked.append(suggested)
        return str(folder / "export")

    monkeypatch.setattr(export_dialog, "choose_path", choose)
    return folder, asked


def close_notice(runner) -> str:
    assert runner.notice is not None and runner.notice.isVisible()
    text = runner.notice.text()
    runner.notice.close()
    return text


def test_orders_export_lands_with_its_rows_and_opens_the_folder(as_role, ui_store, parent,
                                                                save_to, monkeypatch):
    folder, asked = save_to
    ctx = as_role("supervisor", "supervisor")
    for _ in range(3):
        ui_store.channel_order(adults=1, paid=True, channel="miniprogram")
    ui_store.channel_order(adults=2, paid=True, channel="ota_ctrip")
    opened: list[Path] = []
    monkeypatch.setattr(export_dialog, "open_folder", opened.append)
    runner = export_dialog.export_orders(parent, ctx, {"channel": "miniprogram"})
    assert runner.state == "done" and runner.rows == 3
    assert Path(asked[0]).name == "订单导出-20261121-1000.xlsx"  # 10:00 venue time
    ws = load_workbook(folder / "export.xlsx").active
    assert ws.max_row == 4 and {r[1] for r in ws.iter_rows(min_row=2, values_only=True)} == {
        "小程序"}
    assert runner.progress is None  # closed at the end
    assert runner.notice.text() == f"已导出 3 行到 {folder / 'export.xlsx'}"
    buttons = {b.text(): b for b in runner.notice.findChildren(QPushButton)}
    assert set(buttons) == {"打开所在文件夹", "关闭"}
    buttons["打开所在文件夹"].click()  # opens the folder, and the notice has done its work
    assert opened == [folder] and not runner.notice.isVisible()
    assert sorted(p.name for p in folder.iterdir()) == ["export.xlsx"]


def test_the_progress_dialog_is_busy_then_counts_kilobytes(as_role, ui_store, parent, save_to,
                                                           monkeypatch):
    monkeypatch.setattr("sync.transport.DOWNLOAD_CHUNK", 2048)
    ctx = as_role("finance", "finance")
    for _ in range(40):
        ui_store.channel_order(adults=1, paid=True, channel="website")
    seen: list[tuple[str, int, int]] = []
    shown = export_dialog.ExportRunner._show_progress

    def spy(self, received, total):
        busy = (self.progress.minimum(), self.progress.maximum()) == (0, 0)
        shown(self, received, total)
        seen.append((busy, self.progress.labelText(), self.progress.value(),
                     self.progress.maximum()))

    monkeypatch.setattr(export_dialog.ExportRunner, "_show_progress", spy)
    runner = export_dialog.export_orders(parent, ctx, {})
    assert seen[0][0] is True  # a busy bar until the first bytes
    size = (save_to[0] / "export.xlsx").stat().st_size
    assert len(seen) == -(-size // 2048) >= 3
    assert seen[-1][1:] == (f"已接收 {size / 1024:,.0f} KB / {size / 1024:,.0f} KB",
                            size // 1024, size // 1024)
    assert "已导出 40 行" in close_notice(runner)


def test_cancel_aborts_and_leaves_no_file(as_role, ui_store, parent, save_to, qtbot):
    folder, _ = save_to
    ctx = as_role("admin", "admin")
    for _ in range(20):
        ui_store.channel_order(adults=1, paid=True, channel="agency")
    tasks.set_inline(False)  # a real worker thread
    runner = export_dialog.export_orders(parent, ctx, {})
    assert runner.state == "running" and runner.progress.isVisible()
    (cancel,) = runner.progress.findChildren(QPushButton)
    assert cancel.text() == "取消"
    cancel.click()
    assert runner.progress is None  # the dialog goes at once
    with qtbot.waitSignal(runner.finished, timeout=20_000) as ended:
        pass
    assert ended.args == ["cancelled"] and runner.notice is None
    assert tasks.wait_for_all(10_000)
    assert list(folder.iterdir()) == []  # neither export.xlsx nor export.xlsx.part


def test_offline_says_exports_come_from_the_central_store(ctx, parent, save_to):
    as_user(ctx, "supervisor", "supervisor").store = None
    runner = export_dialog.export_orders(parent, ctx, {})
    assert runner.state == "offline" and save_to[1] == []  # no file dialog
    assert "中心" in close_notice(runner)
    ctx.store = StoreClient("http://127.0.0.1:9", timeout=2)  # nothing listens there
    runner = export_dialog.export_day_close(parent, ctx, "2026-11-21")
    assert runner.state == "failed"
    assert runner.notice.icon() == QMessageBox.Icon.Warning
    assert close_notice(runner).startswith("无法连接中心服务器，导出的文件来自中心库。")
    assert list(save_to[0].iterdir()) == []


def test_a_refused_export_shows_the_stores_reason(as_role, parent, save_to):
    ctx = as_role("supervisor", "supervisor")
    runner = export_dialog.export_day_close(parent, ctx, "2026-11-21")
    assert runner.state == "failed" and "权限" in close_notice(runner)
    assert list(save_to[0].iterdir()) == []


def test_the_day_close_export_has_its_sheets(as_role, ui_store, parent, save_to):
    ctx = as_role("finance", "finance")
    ui_store.channel_order(adults=2, paid=True, channel="ota_meituan")
    runner = export_dialog.export_day_close(parent, ctx, "2026-11-21")
    assert Path(save_to[1][0]).name == "日结对账-20261121.xlsx"
    wb = load_workbook(save_to[0] / "export.xlsx")
    assert wb.sheetnames == ["窗口班次", "支付方式", "渠道", "合计", "差异"]
    totals = dict(wb["合计"].iter_rows(min_row=2, values_only=True))
    assert totals["净收入(元)"] == 200
    assert "已导出" in close_notice(runner)

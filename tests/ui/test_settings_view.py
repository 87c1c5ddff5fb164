"""Settings: validation of the printer URI in Chinese, saving, the test page."""

from PySide6.QtCore import Qt

from app.services.prints import settings as settings_service
from ui.views.settings_view import SettingsView


def stored(ctx):
    with ctx.session() as session:
        return settings_service.load(session)


def make_view(ctx, qtbot) -> SettingsView:
    view = SettingsView(ctx)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_save_printer_paper_terminal_and_venue(admin_ctx, qtbot):
    view = make_view(admin_ctx, qtbot)
    assert view.uri.text() == "" and view.terminal.text() == "01"
    view.uri.setText("tcp:192.168.1.50")
    view.paper.setCurrentIndex(view.paper.findData(58))
    view.encoding.setCurrentIndex(view.encoding.findData("gb18030"))
    qtbot.mouseClick(view.qr_native, Qt.MouseButton.LeftButton)
    view.terminal.clear()
    qtbot.keyClicks(view.terminal, "w2")
    view.venue.setText("云台山景区")
    with qtbot.waitSignal(view.settings_saved):
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)

    assert view.message.text() == "设置已保存。"
    saved = stored(admin_ctx)
    assert (saved.printer_uri, saved.paper_mm, saved.printer_encoding, saved.qr_native,
            saved.terminal_id, saved.venue_name) == ("tcp:192.168.1.50", 58, "gb18030", True,
                                                     "W2", "云台山景区")
    assert admin_ctx.settings == saved  # the print worker and the next sale read it here
    assert admin_ctx.terminal == "W2" and admin_ctx.printer_uri() == "tcp:192.168.1.50"


def test_invalid_printer_uri_shows_the_chinese_reason_and_saves_nothing(admin_ctx, qtbot):
    view = make_view(admin_ctx, qtbot)
    qtbot.keyClicks(view.uri, "lpt1")
    assert not view.uri_error.isHidden()
    assert "无法识别的打印机类型" in view.uri_error.text()
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert view.message.property("kind") == "error"
    assert "无法识别的打印机类型" in view.message.text()
    assert stored(admin_ctx).printer_uri == ""
    view.uri.clear()  # empty is fine: the preview printer
    assert view.uri_error.isHidden()


def test_bad_terminal_id_is_refused(admin_ctx, qtbot):
    view = make_view(admin_ctx, qtbot)
    view.terminal.clear()
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert view.message.text() == "终端编号为 1–8 位字母或数字，例如 01。"
    assert stored(admin_ctx).terminal_id == "01"


def test_test_page_on_the_preview_printer(admin_ctx, qtbot, tmp_path):
    view = make_view(admin_ctx, qtbot)
    folder = tmp_path / "test-page"
    view.uri.setText(f"preview:{folder}")
    qtbot.mouseClick(view.test_button, Qt.MouseButton.LeftButton)
    assert view.message.text() == f"测试页已在 preview:{folder} 上打印。"
    assert list(folder.glob("*.png"))


def test_test_page_failure_is_reported_in_chinese(admin_ctx, qtbot):
    view = make_view(admin_ctx, qtbot)
    view.uri.setText("tcp:127.0.0.1:9")  # nothing listens on the discard port
    qtbot.mouseClick(view.test_button, Qt.MouseButton.LeftButton)
    assert view.message.property("kind") == "error"
    assert view.message.text().startswith("测试页没有在 tcp:127.0.0.1:9 上打印出来")
    assert view.test_button.isEnabled()


def test_command_line_overrides_are_explained(admin_ctx, qtbot):
    admin_ctx.printer_override = "none"
    view = make_view(admin_ctx, qtbot)
    assert not view.overrides.isHidden()
    assert "--printer" in view.overrides.text() and "none" in view.overrides.text()

"""No traceback in a clerk's face: a calm Chinese sentence, the details in the log."""

import logging

from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain.errors import SoldOut
from ui.errors import _Hook, user_message


def test_domain_refusals_speak_for_themselves_anything_else_is_generic():
    assert user_message(SoldOut("成人票已售罄")) == "成人票已售罄"
    assert user_message(KeyError("ticket_type")) == ("操作没有完成，已记录日志。"
                                                     "请重试；如仍有问题请联系值班主管。")
    assert user_message(TimeoutError()).startswith("设备没有及时响应")


def test_uncaught_exception_is_logged_and_shown_without_a_traceback(qtbot, caplog):
    hook = _Hook()  # what install_excepthook puts in sys.excepthook
    try:
        raise RuntimeError("internal detail")
    except RuntimeError as exc:
        with caplog.at_level(logging.ERROR):
            hook(type(exc), exc, exc.__traceback__)
    assert "internal detail" in caplog.text and "Traceback" in caplog.text
    [box] = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.isVisible()]
    assert box.text().startswith("操作没有完成") and "internal detail" not in box.text()
    box.close()


def test_thousands_of_qt_calls_do_not_exhaust_none(qtbot):
    """PySide6 6.12.0 on Python 3.11 drops a reference to None on every void call; without
    ui.refcount_guard the client aborts after a few thousand (none_dealloc)."""
    import sys

    from PySide6.QtWidgets import QLabel

    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(20_000):
        label.setText("余 998 张")
    assert sys.getrefcount(None) > 20_000 or sys.getrefcount(None) >= before

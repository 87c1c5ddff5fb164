"""What a clerk sees when something fails: a Chinese sentence, never a traceback.

Domain refusals carry their own Chinese `message`; anything else is logged with its traceback and
shown as one calm sentence. `install_excepthook` catches what escapes a slot or callback.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from types import TracebackType

from PySide6.QtCore import QCoreApplication, Qt

translate = QCoreApplication.translate

log = logging.getLogger("menpiao.ui")


def user_message(exc: BaseException) -> str:
    """The sentence to show for `exc`."""
    from app.domain.errors import DomainError
    from sync.transport import PermanentError, TransientError

    if isinstance(exc, DomainError):
        return exc.message
    if isinstance(exc, PermanentError):  # the store refused: its §8 message is Chinese
        return exc.message
    if isinstance(exc, TransientError):
        return translate("Errors", "The central store did not answer: {why}").format(
            why=exc.message)
    if isinstance(exc, TimeoutError | ConnectionError):
        return translate("Errors", "The device did not answer in time. Check the cable or "
                                   "network and try again.")
    return translate("Errors", "Something went wrong. It has been logged; please try again or "
                               "call your supervisor.")


class _Hook:
    """Logs every uncaught exception and shows at most one message box every few seconds."""

    def __init__(self) -> None:
        self._last_shown = 0.0
        self.box: object = None

    def __call__(self, etype: type[BaseException], exc: BaseException,
                 tb: TracebackType | None) -> None:
        log.error("uncaught exception", exc_info=(etype, exc, tb))
        if issubclass(etype, KeyboardInterrupt):
            QCoreApplication.quit()
            return
        self.show(exc)

    def show(self, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._last_shown < 3.0:  # a burst of errors is one message, not a wall of boxes
            return
        self._last_shown = now
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is None:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, translate("Errors", "Menpiao"),
                          user_message(exc), QMessageBox.StandardButton.Ok,
                          QApplication.activeWindow())
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: setattr(self, "box", None))
        self.box = box  # without a parent, Python's reference is what keeps it alive
        box.open()  # not exec(): never start a nested event loop from an error path


def install_excepthook() -> _Hook:
    """Route uncaught exceptions (GUI thread and stray threads) to the log and a calm message."""
    hook = _Hook()
    sys.excepthook = hook

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        log.error("uncaught exception in thread %s", args.thread,
                  exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

    threading.excepthook = thread_hook
    return hook

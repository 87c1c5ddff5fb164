"""What the tabs of the 管理 screen share: the context, a message line for the store's answer
(its §8 refusal in words), who may write (`admin`) and whether the store is reachable
(`online`), and `ask` — one store request off the GUI thread whose failure is shown here and,
when the store was not reached, tells the screen it is offline.

    self.ask("users", done=self.model.set_rows)
    self.ask("change_user", name, {"active": False}, done=self._changed, write=True)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from ui import tasks
from ui.context import ClientContext
from ui.message_label import MessageLabel, ShowsMessages
from ui.views.admin.requests import ADMIN_CHANGED, NotConnected, call

translate = QCoreApplication.translate


class AdminTab(ShowsMessages, QWidget):
    """One tab. Subclasses build their widgets, `reload()` from the store and keep their
    buttons right in `update_actions()` (read `self.writable`)."""

    reached = Signal()  # an answer came from the store
    unreachable = Signal()  # a request did not reach it (timeout, connection, 5xx)

    def __init__(self, ctx: ClientContext, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(name)
        self.message = MessageLabel()
        self.message.hide()  # shown with a message only: the list keeps the room
        self.role = ""
        self.online = False
        self.busy = False
        self.loaded = False

    # -- access ---------------------------------------------------------------------------
    writers: tuple[str, ...] = ("admin",)  # who may write on this tab (DESIGN.md §15)

    @property
    def writable(self) -> bool:
        """A writer's role, the store reachable, no write of this tab under way."""
        return self.role in self.writers and self.online and not self.busy

    def set_access(self, role: str, online: bool) -> None:
        self.role, self.online = role, online
        self.update_actions()

    def update_actions(self) -> None:
        """Enable what may be done now (override)."""

    def reload(self) -> None:
        """Read again from the store (override)."""

    def shortcut(self, keys: str | QKeySequence.StandardKey, slot: Callable[[], Any]) -> None:
        """A key of this tab only (while the focus is inside it)."""
        QShortcut(QKeySequence(keys), self, slot,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _show(self, text: str, kind: str) -> None:
        super()._show(text, kind)
        self.message.setVisible(bool(text))

    # -- the store ------------------------------------------------------------------------
    def ask(self, method: str, *args: Any, done: Callable[[Any], None],
            write: bool = False, failed: Callable[[BaseException], None] | None = None,
            worker: Callable[..., Any] = call) -> tasks.Task | None:
        """`ctx.store.<method>(*args)` on the pool; `done(answer)` on the GUI thread. A
        write is refused here when the tab is not writable and keeps the tab busy meanwhile."""
        if write and not self.writable:
            return None
        if write:
            self.busy = True
            self.update_actions()
        task = tasks.run(worker, self.ctx, method, *args, owner=self,
                         changes=ADMIN_CHANGED if write else None)
        task.on_success(lambda answer: self._answered(answer, done))
        task.on_failure(lambda exc: self._refused(exc, failed or self.show_failure))
        if write:
            task.on_done(self._idle)
        return task

    def _answered(self, answer: Any, done: Callable[[Any], None]) -> None:
        self.reached.emit()
        done(answer)

    def _idle(self) -> None:
        self.busy = False
        self.update_actions()

    def _refused(self, exc: BaseException, show: Callable[[BaseException], None]) -> None:
        """The store's refusal (or why it was not reached), shown by `show` (this tab's
        message line unless a dialog shows it); not reached: the screen goes offline."""
        if is_unreachable(exc):
            self.unreachable.emit()
        show(exc)


def is_unreachable(exc: BaseException) -> bool:
    from sync.transport import TransientError

    return isinstance(exc, TransientError | NotConnected)

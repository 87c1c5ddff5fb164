"""撤销上一单 on a selling screen (issue 12): Ctrl+Z asks, then voids the last sale of the clerk's
shift — the whole sale, at no fee, within minutes (`app.services.refunds.window_voids`).

`install(page)` gives the page a `VoidAction` (a QAction: Ctrl+Z, the page and its children)
and says so on its key-hint line. The line edits of a sell screen would take Ctrl+Z as their
own undo, and a shortcut only fires in the active window, so the action also listens for the
key on the page and its focusable children (a key filter), the way the Sell view reads its keys.

The question names the order, its tickets and the cash to hand back; the refusals (no open
shift, no sale yet, not the last sale, too old, a ticket used, already refunded) are the
service's Chinese sentences on the page's message line.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from app.domain.money import format_fen
from ui import tasks
from ui.context import ClientContext
from ui.views.page import Page

SHORTCUT = "Ctrl+Z"
_CTRL = Qt.KeyboardModifier.ControlModifier
_KEYPAD = Qt.KeyboardModifier.KeypadModifier


# -- workers: run off the GUI thread, touch no widget ------------------------------------------
def load_last_sale(ctx: ClientContext, now: datetime) -> Any:
    """The shift's last sale and whether it can be voided now (`window_voids.LastSale`)."""
    from app.services.refunds import window_voids

    with ctx.session() as session:
        return window_voids.last_sale(session, terminal=ctx.terminal,
                                      clerk=ctx.user.username, role=ctx.user.role, now=now)


def void_sale(ctx: ClientContext, order_no: str, now: datetime) -> Any:
    """Void `order_no` in one local transaction (`window_voids.void_last_sale`)."""
    from app.services.refunds import window_voids

    with ctx.session() as session:
        return window_voids.void_last_sale(
            session, order_no, terminal=ctx.terminal, clerk=ctx.user.username,
            role=ctx.user.role, now=now, venue=ctx.venue())


def _is_void_key(event: QKeyEvent) -> bool:
    return event.key() == Qt.Key.Key_Z and (event.modifiers() & ~_KEYPAD) == _CTRL


class _VoidKeys(QObject):
    """Ctrl+Z on the page or a child: claimed before a line edit's undo, then triggered."""

    def __init__(self, action: VoidAction) -> None:
        super().__init__(action)
        self._action = action

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) \
                or not _is_void_key(event):  # type: ignore[arg-type]
            return False
        event.accept()  # ShortcutOverride: the key press comes here, not to a shortcut
        if kind == QEvent.Type.KeyPress:
            self._action.trigger()
        return True


class VoidAction(QAction):
    """撤销上一单 (Ctrl+Z) of `page`: ask, then void; the answer on the page's message line."""

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.page, self.ctx = page, page.ctx
        self.confirm_box: QMessageBox | None = None
        self.last_result: Any = None  # the last `VoidResult` (tests, screenshots)
        self._busy = False
        self.setObjectName("voidLastSale")
        self.setText(self.tr("Void last sale"))
        self.setShortcut(QKeySequence(SHORTCUT))
        self.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.setToolTip(self.tr("Void the sale just made: the whole sale, no fee, within "
                                "minutes"))
        self.triggered.connect(self.ask)

    def key_hint(self) -> str:
        """Its words on the page's key-hint line."""
        return self.tr("Ctrl+Z void last sale")

    def ask(self) -> None:
        """Read the last sale, then ask (or say why it cannot be voided)."""
        if self._busy or self.confirm_box is not None:
            return
        self._busy = True
        (tasks.run(load_last_sale, self.ctx, self.ctx.now(), owner=self)
            .on_success(self._confirm)
            .on_failure(self.page.show_failure)
            .on_done(self._idle))

    def _idle(self) -> None:
        self._busy = False

    def _confirm(self, last: Any) -> None:
        if last.refusal:
            self.page.show_error(last.refusal)
            return
        lines = "、".join(f"{name} ×{qty}" for name, qty in last.lines)
        box = QMessageBox(
            QMessageBox.Icon.Question, self.tr("Void last sale"),
            self.tr("Void {order_no} (sold at {time})?\n{lines}\nGive back {amount} in cash; "
                    "its tickets will not be admitted. No fee.").format(
                order_no=last.order_no, lines=lines, amount=format_fen(last.paid_fen),
                time=self.ctx.venue().local(last.sold_at).strftime("%H:%M:%S")),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self.page)
        box.setObjectName("confirmVoid")
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Void and give cash back"))
        box.button(QMessageBox.StandardButton.Cancel).setText(self.tr("Keep the sale"))
        # a stray Enter (the next visitor's sale typed into the question) keeps the sale:
        # voiding is Tab, then Enter — as closing a shift is
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda result: self._answered(box, result, last.order_no))
        self.confirm_box = box
        box.open()

    def _answered(self, box: QMessageBox, result: int, order_no: str) -> None:
        self.confirm_box = None
        box.deleteLater()
        if result != QMessageBox.StandardButton.Yes:
            self.page.show_info(self.tr("Not voided: {order_no}").format(order_no=order_no))
            return
        self._busy = True
        (tasks.write(void_sale, self.ctx, order_no, self.ctx.now(), owner=self)
            .on_success(self._voided)
            .on_failure(self.page.show_failure)
            .on_done(self._idle))

    def _voided(self, result: Any) -> None:
        self.last_result = result
        self.page.show_success(self.tr("Voided {order_no}: give back {amount} in cash").format(
            order_no=result.order_no, amount=format_fen(result.amount_fen)))


def install(page: Page) -> VoidAction:
    """Give `page` its 撤销上一单 action (see the module docstring)."""
    action = VoidAction(page)
    page.addAction(action)
    keys = _VoidKeys(action)
    page.installEventFilter(keys)
    for child in page.findChildren(QWidget):
        if child.focusPolicy() != Qt.FocusPolicy.NoFocus:
            child.installEventFilter(keys)
    hints = page.findChild(QLabel, "keyHints")
    if hints is not None:
        hints.setText(hints.text() + " · " + action.key_hint())
    return action

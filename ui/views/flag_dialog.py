"""标记异常…: flag one order or many anomalous by hand (seed 000 批量标记异常). One dialog for
the category (支付 by default; finance: payment and refund only) and the reason (required, up
to 200 characters); Enter confirms, Esc cancels. The store answers what it flagged, what
was flagged already and what it does not know; the new anomalies go into this window's cache
at once, so the orders show 异常 before the feed brings them.

`BatchFlag` is the Orders list's hook: a button (Ctrl+M) that flags the selected orders
(Ctrl/Shift-click, Ctrl+A) and reports "已标记 N 单，M 单已有标记"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.anomalies import FIXERS, FLAG_REASON_MAX, may_fix
from app.services.journal import op_changes
from ui import tasks
from ui.anomaly_labels import category_label
from ui.errors import user_message
from ui.message_label import MessageLabel
from ui.order_requests import flag_orders, keep_orders
from ui.store_reads import store_online

translate = QCoreApplication.translate
CATEGORIES = ("payment", "redemption", "refund", "inventory")


def summary_text(answer: dict[str, Any]) -> str:
    """已标记 N 单，M 单已有标记 (the second part only when M > 0; then the numbers the store
    does not know)."""
    text = translate("FlagDialog", "Flagged {n} orders").format(
        n=len(answer.get("flagged") or []))
    already = answer.get("already") or []
    if already:
        text += translate("FlagDialog", ", {m} already flagged").format(m=len(already))
    unknown = answer.get("unknown") or []
    if unknown:
        text += translate("FlagDialog", "; not found: {nos}").format(nos="、".join(unknown))
    return text


class FlagDialog(QDialog):
    """`flagged(answer, summary)` once the store answered and the cache holds the flags."""

    flagged = Signal(dict, str)

    def __init__(self, ctx: Any, order_nos: Sequence[str], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setObjectName("flagDialog")
        self.ctx, self.order_nos = ctx, list(order_nos)
        self.answer: dict[str, Any] | None = None
        self.setWindowTitle(self.tr("Flag anomalous"))
        role = getattr(getattr(ctx, "user", None), "role", "")
        self.category = QComboBox()
        self.category.setObjectName("flagCategory")
        for category in CATEGORIES:
            if may_fix(role, category):
                self.category.addItem(category_label(category), category)
        self.reason = QLineEdit()
        self.reason.setObjectName("flagReason")
        self.reason.setMaxLength(FLAG_REASON_MAX)
        self.reason.setPlaceholderText(self.tr("What is wrong (required, up to 200 characters)"))
        self.reason.returnPressed.connect(self.confirm)
        self.message = MessageLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Flag"))
        self.ok.setAutoDefault(False)
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        self.orders_label = QLabel(self._orders_text())
        self.orders_label.setWordWrap(True)
        form.addRow(self.tr("Orders"), self.orders_label)
        form.addRow(self.tr("&Category"), self.category)
        form.addRow(self.tr("&Reason"), self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(520, 0)
        self.reason.setFocus()

    def _orders_text(self) -> str:
        shown = "、".join(self.order_nos[:3])
        if len(self.order_nos) > 3:
            shown += self.tr(" and {n} more").format(n=len(self.order_nos) - 3)
        return self.tr("{n} orders: {list}").format(n=len(self.order_nos), list=shown) \
            if len(self.order_nos) > 1 else shown

    def confirm(self) -> None:
        reason = self.reason.text().strip()
        if not reason:
            self.message.show_message(self.tr("Enter the reason first."), "error")
            self.reason.setFocus()
            return
        if not store_online(self.ctx):
            self.message.show_message(self.tr("Needs the central store (offline now)"),
                                      "error")
            return
        self.ok.setEnabled(False)
        (tasks.run(flag_orders, self.ctx, self.order_nos, self.category.currentData(), reason,
                   owner=self)
            .on_success(self._answered)
            .on_failure(self._refused))

    def _refused(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        self.message.show_message(user_message(exc), "error")

    def _answered(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        anomalies = [f["anomaly"] for f in answer.get("flagged") or []
                     if isinstance(f.get("anomaly"), dict)]
        (tasks.write(keep_orders, self.ctx, (), anomalies, owner=self,
                     changes=op_changes.ORDERS_FLAGGED)
            .on_done(lambda: self._done(answer)))

    def _done(self, answer: dict[str, Any]) -> None:
        self.flagged.emit(answer, summary_text(answer))
        self.accept()


class BatchFlag:
    """The Orders list's 批量标记异常… (Ctrl+M): several rows selectable, the selected ones
    flagged through one `FlagDialog`; the outcome in the view's message line."""

    def __init__(self, view: Any) -> None:
        self.view = view
        self.dialog: FlagDialog | None = None
        view.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.button = QPushButton(translate("FlagDialog", "Flag selected anomalous… (Ctrl+M)"))
        self.button.setObjectName("batchFlag")
        self.button.setToolTip("Ctrl+M")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self.open)
        self.allowed = getattr(view.ctx.user, "role", "") in FIXERS
        self.button.setVisible(self.allowed)
        QShortcut(QKeySequence("Ctrl+M"), view, self.open)

    def order_nos(self) -> list[str]:
        return [o["order_no"] for o in self.view.selected_orders()]

    def open(self) -> None:
        if not self.allowed:
            return
        nos = self.order_nos()
        if not nos:
            self.view.show_error(translate("FlagDialog", "Select the orders to flag first."))
            return
        if not store_online(self.view.ctx):
            self.view.show_error(translate("FlagDialog", "Needs the central store (offline "
                                                         "now)"))
            return
        self.dialog = FlagDialog(self.view.ctx, nos, self.view)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.flagged.connect(self._flagged)
        self.dialog.finished.connect(self._closed)
        self.dialog.open()

    def _flagged(self, _answer: dict[str, Any], text: str) -> None:
        self.view.show_success(text)
        self.view.orders_changed([])  # the list again: the flagged orders show 异常

    def _closed(self, _result: int) -> None:
        self.dialog = None
        self.view.table.setFocus()

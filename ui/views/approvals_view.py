"""The Approvals view (退款审批) of supervisors and finance: the refunds waiting on the central
store for a decision, oldest first; approve (Enter) or reject with a reason.

The list lives on the store (approvals are the store's); it reloads when shown, every 15 s and
when the sync engine brings order changes. Without a store the buttons are off and say why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from app.domain.money import format_fen
from app.services.journal import op_changes
from ui import tasks
from ui.anomaly_requests import ticket_names
from ui.anomaly_values import remember_ticket_names
from ui.context import ClientContext
from ui.models.approvals_model import ApprovalsModel
from ui.views.large_refund_confirm import large_refund_box
from ui.views.page import Page, make_table

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
RELOAD_MS = 15_000
TEXT_WIDTH = 140  # the reason and the override, so the approvals column stays in sight


LARGE_DEFAULT_FEN = 100_000  # ¥1,000 when the store's policy names no dual-approval amount


@dataclass(frozen=True)
class Waiting:
    refunds: list[dict[str, Any]]  # each with its `order` (Order JSON) when the store gave it
    large_fen: int  # from this amount an approval is confirmed explicitly
    ticket_names: dict[str, str] = field(default_factory=dict)  # this window's catalogue


# -- workers: off the GUI thread ---------------------------------------------------------------
def load_waiting(ctx: ClientContext) -> Waiting:
    """The refunds waiting, each with its order (what, when, who, visit date, method), and
    the policy's dual-approval amount."""
    rows = ctx.store.refunds("awaiting_approval")
    orders: dict[str, dict[str, Any] | None] = {}
    for r in rows:
        if r["order_no"] not in orders:
            try:
                orders[r["order_no"]] = ctx.store.get_order(r["order_no"])
            except Exception:  # noqa: BLE001 - the list still shows; the order says "—"
                orders[r["order_no"]] = None
    try:
        large = int(ctx.store.refund_policy().get("dual_approval_fen") or LARGE_DEFAULT_FEN)
    except Exception:  # noqa: BLE001 - no policy to read: the safe default
        large = LARGE_DEFAULT_FEN
    with ctx.session() as session:
        names = ticket_names(session)
    return Waiting([r | {"order": orders.get(r["order_no"])} for r in rows], large, names)


def approve(ctx: ClientContext, refund_no: str) -> dict[str, Any]:
    return ctx.store.approve_refund(refund_no)


def reject(ctx: ClientContext, refund_no: str, reason: str) -> dict[str, Any]:
    from app.domain.errors import ValidationError

    if not reason.strip():
        raise ValidationError("请填写驳回原因", field="reason")
    return ctx.store.reject_refund(refund_no, reason.strip())


class ApprovalsView(Page):
    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "approvalsView", parent)
        self._busy = False
        self._keep_message = False
        self.large_fen = LARGE_DEFAULT_FEN
        self.confirm_box: QMessageBox | None = None
        self.model = ApprovalsModel(ctx.venue().local, self)
        self._build()
        self.timer = QTimer(self)
        self.timer.setInterval(RELOAD_MS)
        self.timer.timeout.connect(self.reload)
        self._was_connected = self.connected()
        if ctx.sync is not None:
            ctx.sync.orders_changed.connect(self._orders_changed)
            ctx.sync.changed.connect(self._sync_changed)

    def _build(self) -> None:
        self.offline_label = QLabel()
        self.offline_label.setObjectName("offlineHint")
        self.offline_label.setWordWrap(True)
        self.table = make_table("approvalsTable", self.model,
                                selection=QAbstractItemView.SelectionMode.SingleSelection,
                                resize=QHeaderView.ResizeMode.Interactive,
                                stretch=ApprovalsModel.REASON, tab_keys=True)
        self.table.installEventFilter(self)
        self.summary = QLabel()
        self.summary.setObjectName("total")
        self.order_line = QLabel()
        self.order_line.setObjectName("approvalOrder")
        self.order_line.setWordWrap(True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_order())
        self.approve_button = QPushButton(self.tr("Approve (Enter)"))
        self.approve_button.setObjectName("primary")
        self.approve_button.clicked.connect(self.approve_current)
        self.reject_reason = QLineEdit()
        self.reject_reason.setObjectName("rejectReason")
        self.reject_reason.setPlaceholderText(self.tr("Reason to reject (required)"))
        self.reject_reason.setMaxLength(200)
        self.reject_reason.returnPressed.connect(self.reject_current)
        self.reject_button = QPushButton(self.tr("Reject"))
        self.reject_button.clicked.connect(self.reject_current)
        self.reload_button = QPushButton(self.tr("Reload (F5)"))
        self.reload_button.clicked.connect(self.reload)
        row = QHBoxLayout()
        row.addWidget(self.approve_button)
        row.addWidget(self.reject_reason, 1)
        row.addWidget(self.reject_button)
        row.addWidget(self.reload_button)
        self.lay_out([self.message, self.offline_label, (self.table, 1), self.order_line,
                      self.summary, row],
                     keys=self.tr("↑/↓ choose a refund · Enter approves · Tab to the reason, "
                                  "Enter rejects · F5 reloads"))
        self.setFocusProxy(self.table)

    # -- showing --------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.timer.start()
        self.reload()
        self.table.setFocus()

    def hideEvent(self, event: Any) -> None:  # noqa: N802
        self.timer.stop()
        super().hideEvent(event)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_F5:
            self.reload()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and event.key() in _ENTER):  # type: ignore[attr-defined]
            self.approve_current()
            return True
        return super().eventFilter(watched, event)

    def connected(self) -> bool:
        return self.ctx.store is not None

    def _set_enabled(self) -> None:
        on = self.connected() and not self._busy
        for button in (self.approve_button, self.reject_button, self.reload_button):
            button.setEnabled(on)
        self.offline_label.setText("" if self.connected() else self.tr(
            "Not connected to the central store: approvals are made there. The list comes "
            "back when the connection does."))
        self.offline_label.setVisible(not self.connected())

    # -- loading --------------------------------------------------------------------------
    def _orders_changed(self, _ids: list) -> None:
        if self.isVisible():
            self.reload()

    def operation_did_execute(self, changes: Any, origin: Any) -> None:
        """A refund requested on the Refund screen may be waiting here now."""
        if origin is not self and changes.refunds:
            self._orders_changed([])

    def _sync_changed(self) -> None:
        """Signed in to the store (or lost it): the list follows at once."""
        if self.connected() != self._was_connected and self.isVisible():
            self.reload()
        self._was_connected = self.connected()

    def reload(self) -> None:
        self._set_enabled()
        if not self.connected():
            return
        (tasks.run(load_waiting, self.ctx, owner=self)
            .on_success(self._loaded)
            .on_failure(self.show_failure))

    def _loaded(self, waiting: Waiting) -> None:
        rows, self.large_fen = waiting.refunds, waiting.large_fen
        remember_ticket_names(waiting.ticket_names)
        current = self.current()
        self.model.set_refunds(rows, self.ctx.now)
        self.table.resizeColumnsToContents()
        for column in (ApprovalsModel.REASON, ApprovalsModel.OVERRIDE):  # whole in the tooltip
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), TEXT_WIDTH))
        self.summary.setText(self.tr("{n} waiting · {amount} in all").format(
            n=len(rows), amount=format_fen(sum(r["amount_fen"] for r in rows))))
        row = self.model.row_of(current["refund_no"]) if current else 0
        if row >= 0 and rows:
            self.table.selectRow(row)  # the one being read; never silently another one
        else:
            self.table.clearSelection()
            self.table.setCurrentIndex(self.model.index(-1, -1))
        if self._keep_message:
            self._keep_message = False
        self._show_order()

    def _show_order(self) -> None:
        r = self.current()
        self.order_line.setText(self.model.order_text(r) if r else "")

    def current(self) -> dict[str, Any] | None:
        index = self.table.currentIndex()
        return self.model.refund(index.row()) if index.isValid() else None

    # -- deciding -------------------------------------------------------------------------
    def approve_current(self) -> None:
        r = self.current()
        if r is None or self._busy or not self.connected():
            return
        if r["amount_fen"] >= self.large_fen:
            self._confirm_large(r)
            return
        self._approve(r)

    def _confirm_large(self, r: dict[str, Any]) -> None:
        """A large refund: approved only by clicking the button that names the amount (Enter
        and Esc answer Cancel)."""
        box = large_refund_box(self, r, self.model.order_text(r))
        box.finished.connect(lambda _result: self._large_answered(box, r))
        self.confirm_box = box
        box.open()

    def _large_answered(self, box: QMessageBox, r: dict[str, Any]) -> None:
        self.confirm_box = None
        box.deleteLater()
        if box.clickedButton() is box.approve_button:
            self._approve(r)
        else:
            self.show_info(self.tr("Not approved: {no}").format(no=r["refund_no"]))
            self.table.setFocus()

    def _approve(self, r: dict[str, Any]) -> None:
        self._start()
        (tasks.run(approve, self.ctx, r["refund_no"], owner=self,
                   changes=op_changes.REFUND_DECIDED)
            .on_success(self._decided)
            .on_failure(self.show_failure)
            .on_done(self._idle))

    def reject_current(self) -> None:
        r = self.current()
        if r is None or self._busy or not self.connected():
            return
        self._start()
        (tasks.run(reject, self.ctx, r["refund_no"], self.reject_reason.text(), owner=self,
                   changes=op_changes.REFUND_DECIDED)
            .on_success(self._decided)
            .on_failure(self.show_failure)
            .on_done(self._idle))

    def _start(self) -> None:
        self._busy = True
        self._set_enabled()

    def _idle(self) -> None:
        self._busy = False
        self._set_enabled()

    def status_text(self, status: str) -> str:
        return {"awaiting_approval": self.tr("still waiting for another approver"),
                "approved": self.tr("approved: the window pays the cash out"),
                "succeeded": self.tr("approved and refunded"),
                "processing": self.tr("approved: refunding by the original route"),
                "submitted": self.tr("approved: submitted to the platform"),
                "rejected": self.tr("rejected")}.get(status, status)

    def _decided(self, refund: dict[str, Any]) -> None:
        self.reject_reason.clear()
        self.message.show_message(self.tr("{no} {amount}: {status}").format(
            no=refund["refund_no"], amount=format_fen(refund["amount_fen"]),
            status=self.status_text(refund["status"])), "success")
        self._keep_message = True
        self.reload()
        self.table.setFocus()

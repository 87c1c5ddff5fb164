"""What the sync status bar hides: the ops the central store refused (a supervisor checks each:
the order number, what the window did, the store's reason) and the current alert. Opened by
clicking the store status in the status bar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ui import tasks
from ui.context import ClientContext
from ui.models.table_model import Column, TableModel
from ui.views.page import make_table

translate = QCoreApplication.translate


def op_label(kind: str) -> str:
    return {
        "sale": translate("SyncIssues", "Sale"),
        "refund": translate("SyncIssues", "Refund"),
        "redeem": translate("SyncIssues", "Redemption"),
        "shift_open": translate("SyncIssues", "Shift opened"),
        "shift_close": translate("SyncIssues", "Shift closed"),
        "reprint": translate("SyncIssues", "Reprint"),
    }.get(kind, kind)


def load_rejected(ctx: ClientContext) -> list[Any]:
    from sync import outbox

    with ctx.session() as session:
        return outbox.rejected_ops(session)


class RejectedOpsModel(TableModel):
    """A handful of refused ops (never many: each one is a supervisor's case)."""

    def __init__(self, local: Callable[[datetime], datetime], parent: Any = None) -> None:
        self._local = local
        super().__init__(parent)

    def columns(self) -> list[Column]:
        return [Column(translate("SyncIssues", "No."), lambda op: str(op.seq)),
                Column(translate("SyncIssues", "Operation"), lambda op: op_label(op.kind)),
                Column(translate("SyncIssues", "Order"), lambda op: op.order_no or "—"),
                Column(translate("SyncIssues", "Time"),
                       lambda op: self._local(op.device_time).strftime("%m-%d %H:%M:%S")),
                Column(translate("SyncIssues", "Store's reason"), lambda op: op.error)]


class SyncIssuesDialog(QDialog):
    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Central store: refused operations"))
        self.resize(820, 360)
        self.summary = QLabel()
        self.summary.setObjectName("syncSummary")
        self.summary.setWordWrap(True)
        self.model = RejectedOpsModel(ctx.venue().local, self)
        self.table = make_table("rejectedOpsTable", self.model, tab_keys=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        bridge = self.ctx.sync
        self.summary.setText(bridge.tooltip() if bridge is not None else "")
        if self.ctx.db is None:
            return
        tasks.run(load_rejected, self.ctx, owner=self).on_success(self._loaded)

    def _loaded(self, rows: list[Any]) -> None:
        self.model.set_rows(rows)
        if not rows:
            self.summary.setText(self.summary.text() + "\n" + self.tr(
                "No operation was refused by the store."))

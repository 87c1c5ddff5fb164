"""What the sync status bar hides: the ops the central store refused (a supervisor checks each:
the order number, what the window did, the store's reason) and the current alert. Opened by
clicking the store status in the status bar."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui import tasks
from ui.context import ClientContext

translate = QCoreApplication.translate
Index = QModelIndex | QPersistentModelIndex


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


class RejectedOpsModel(QAbstractTableModel):
    """A handful of refused ops (never many: each one is a supervisor's case)."""

    def __init__(self, local: Callable[[datetime], datetime], parent: Any = None) -> None:
        super().__init__(parent)
        self._local = local
        self._rows: list[Any] = []
        self._headers = [translate("SyncIssues", "No."), translate("SyncIssues", "Operation"),
                         translate("SyncIssues", "Order"), translate("SyncIssues", "Time"),
                         translate("SyncIssues", "Store's reason")]

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        op = self._rows[index.row()]
        return (str(op.seq), op_label(op.kind), op.order_no or "—",
                self._local(op.device_time).strftime("%m-%d %H:%M:%S"),
                op.error)[index.column()]


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
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.
                                                           ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
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

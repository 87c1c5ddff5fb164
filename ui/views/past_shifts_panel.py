"""The window's past shifts (交接班 → 历史班次) and the Z report printed again: pick a shift
(↑/↓) and press Enter, or click 补打 Z 报表. The reprint is a print job marked 重打 N."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui import tasks
from ui.context import ClientContext
from ui.models.past_shifts_model import PastShiftsModel
from ui.views.page import make_table
from ui.views.shift_actions import reprint_z


class PastShiftsPanel(QWidget):
    reprinted = Signal(object, object)  # (the PastShift, shift_history.ZReprint)
    refused = Signal(object)  # the exception

    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("pastShifts")
        self.model = PastShiftsModel(ctx.venue().local, self)
        self.table = make_table("pastShiftsTable", self.model,
                                selection=QAbstractItemView.SelectionMode.SingleSelection)
        self.table.activated.connect(lambda _index: self.reprint_selected())
        self.reprint_button = QPushButton(self.tr("Reprint Z report"))
        self.reprint_button.clicked.connect(self.reprint_selected)
        self.empty_label = QLabel(self.tr("No shift has been closed at this window yet."))
        bar = QHBoxLayout()
        bar.addWidget(self.empty_label)
        bar.addStretch(1)
        bar.addWidget(self.reprint_button)
        box = QVBoxLayout(self)
        box.addWidget(self.table, 1)
        box.addLayout(bar)
        self.setFocusProxy(self.table)

    def set_shifts(self, shifts: Sequence[Any]) -> None:
        """The list again, keeping the selected shift selected."""
        chosen = self.selected()
        self.model.set_rows(list(shifts))
        ids = [s.shift_id for s in shifts]
        if ids:
            self.table.selectRow(ids.index(chosen.shift_id) if chosen is not None
                                 and chosen.shift_id in ids else 0)
        self.empty_label.setVisible(not ids)
        self.reprint_button.setEnabled(bool(ids))

    def selected(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return self.model.shift(rows[0].row()) if rows else None

    def reprint_selected(self) -> None:
        shift = self.selected()
        if shift is None:
            return
        (tasks.write(reprint_z, self.ctx, shift.shift_id, self.ctx.now(), owner=self)
            .on_success(lambda result: self.reprinted.emit(shift, result))
            .on_failure(self.refused.emit))

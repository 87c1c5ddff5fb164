"""The window's past shifts (交接班 → 历史班次): who, when, expected vs counted and the variance,
and who closed it when a supervisor took it over."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtGui import QColor

from app.domain.money import format_fen
from ui.models.table_model import RIGHT, Column, TableModel
from ui.variance_text import variance_text

_SHORT_OR_OVER = QColor("#b71c1c")


class PastShiftsModel(TableModel):
    """Rows are `shift_history.PastShift` records, the last closed first."""

    def __init__(self, local: Callable[[datetime], datetime], parent: Any = None) -> None:
        self._local = local
        super().__init__(parent)

    def columns(self) -> list[Column]:
        return [Column(self.tr("Clerk"), lambda s: s.clerk),
                Column(self.tr("Opened"), lambda s: self.when(s.opened_at)),
                Column(self.tr("Closed"), lambda s: self.when(s.closed_at)),
                Column(self.tr("Float"), lambda s: format_fen(s.float_fen), align=RIGHT),
                Column(self.tr("Expected"), lambda s: self.money(s.expected_fen), align=RIGHT),
                Column(self.tr("Counted"), lambda s: self.money(s.counted_fen), align=RIGHT),
                Column(self.tr("Variance"), self.variance_cell, align=RIGHT,
                       foreground=lambda s: _SHORT_OR_OVER if s.variance_fen else None),
                Column(self.tr("Closed by"), self.closed_by_text,
                       tooltip=lambda s: s.close_reason or None)]

    def when(self, at: datetime | None) -> str:
        return self._local(at).strftime("%m-%d %H:%M") if at is not None else ""

    @staticmethod
    def money(fen: int | None) -> str:
        return format_fen(fen) if fen is not None else ""

    @staticmethod
    def variance_cell(s: Any) -> str:
        return variance_text(s.variance_fen) if s.variance_fen is not None else ""

    def closed_by_text(self, s: Any) -> str:
        if s.closed_by == s.clerk:
            return s.clerk
        return self.tr("{who} (took over)").format(who=s.closed_by)

    def shift(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

"""The refunds waiting for an approver (审批 screen): one row per refund from the store's
`GET /refunds?status=awaiting_approval` (a short list: it is loaded whole)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.domain.money import format_fen

_Index = QModelIndex | QPersistentModelIndex
ROLE_ZH = {"supervisor": "主管", "finance": "财务", "admin": "管理员"}


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class ApprovalsModel(QAbstractTableModel):
    REFUND, ORDER, AMOUNT, FEE, ASKED_BY, REASON, OVERRIDE, APPROVALS, WAITING = range(9)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []
        self._now: Callable[[], datetime] | None = None
        self._headers = (self.tr("Refund no."), self.tr("Order"), self.tr("Refund"),
                         self.tr("Fee"), self.tr("Asked by"), self.tr("Reason"),
                         self.tr("Fee override"), self.tr("Approvals"), self.tr("Waiting"))

    def set_refunds(self, rows: list[dict[str, Any]], now: Callable[[], datetime]) -> None:
        self.beginResetModel()
        self._rows, self._now = list(rows), now
        self.endResetModel()

    def refund(self, row: int) -> dict[str, Any] | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, refund_no: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r["refund_no"] == refund_no), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def approvals_text(self, r: dict[str, Any]) -> str:
        done = [a.get("as") for a in r.get("approvals", [])]
        parts = [f"{ROLE_ZH.get(a.get('as'), a.get('as'))} {a.get('by')} ✓"
                 for a in r.get("approvals", [])]
        parts += [self.tr("{role} needed").format(role=ROLE_ZH.get(role, role))
                  for role in r.get("approvals_required", []) if role not in done]
        return "，".join(parts)

    def override_text(self, r: dict[str, Any]) -> str:
        ov = r.get("override") or {}
        if "fee_bp" not in ov:
            return ""
        return self.tr("{rate} · {reason} · evidence {no}").format(
            rate=f"{ov['fee_bp'] / 100:g}%", reason=ov.get("reason", ""),
            no=ov.get("evidence_no", ""))

    def waiting_text(self, r: dict[str, Any]) -> str:
        if self._now is None:
            return ""
        minutes = max(0, int((self._now() - _when(r["created_at"])).total_seconds() // 60))
        if minutes < 60:
            return self.tr("{n} min").format(n=minutes)
        return self.tr("{h} h {m} min").format(h=minutes // 60, m=minutes % 60)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (r["refund_no"], r["order_no"], format_fen(r["amount_fen"]),
                    format_fen(r["fee_fen"] + r["payment_fee_fen"]), r.get("requested_by"),
                    r.get("reason"), self.override_text(r), self.approvals_text(r),
                    self.waiting_text(r))[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.AMOUNT, self.FEE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col in (self.REASON, self.OVERRIDE):
            return self.data(index)
        return None

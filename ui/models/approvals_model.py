"""The refunds waiting for an approver (审批 screen): one row per refund from the store's
`GET /refunds?status=awaiting_approval` (a short list: it is loaded whole)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from app.domain.money import format_fen
from ui.models.table_model import RIGHT, Column, TableModel

ROLE_ZH = {"supervisor": "主管", "finance": "财务", "admin": "管理员"}


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class ApprovalsModel(TableModel):
    REFUND, ORDER, AMOUNT, FEE, ASKED_BY, REASON, OVERRIDE, APPROVALS, WAITING = range(9)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._now: Callable[[], datetime] | None = None

    def columns(self) -> dict[int, Column]:
        return {
            self.REFUND: Column(self.tr("Refund no."), lambda r: r["refund_no"]),
            self.ORDER: Column(self.tr("Order"), lambda r: r["order_no"]),
            self.AMOUNT: Column(self.tr("Refund"), lambda r: format_fen(r["amount_fen"]),
                                align=RIGHT),
            self.FEE: Column(self.tr("Fee"),
                             lambda r: format_fen(r["fee_fen"] + r["payment_fee_fen"]),
                             align=RIGHT),
            self.ASKED_BY: Column(self.tr("Asked by"), lambda r: r.get("requested_by")),
            self.REASON: Column(self.tr("Reason"), lambda r: r.get("reason"),
                                tooltip=lambda r: r.get("reason")),
            self.OVERRIDE: Column(self.tr("Fee override"), self.override_text,
                                  tooltip=self.override_text),
            self.APPROVALS: Column(self.tr("Approvals"), self.approvals_text),
            self.WAITING: Column(self.tr("Waiting"), self.waiting_text),
        }

    def set_refunds(self, rows: list[dict[str, Any]], now: Callable[[], datetime]) -> None:
        self._now = now
        self.set_rows(rows)

    def refund(self, row: int) -> dict[str, Any] | None:
        return self.row(row)

    def row_of(self, refund_no: str) -> int:
        return self.find(lambda r: r["refund_no"] == refund_no)

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

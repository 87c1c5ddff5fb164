"""The refunds waiting for an approver (审批 screen): one row per refund from the store's
`GET /refunds?status=awaiting_approval` (a short list: it is loaded whole)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from app.domain.money import format_fen
from ui.anomaly_values import channel_text, local_text, method_text, ticket_type_text
from ui.models.table_model import RIGHT, Column, TableModel

ROLE_ZH = {"supervisor": "主管", "finance": "财务", "admin": "管理员"}


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class ApprovalsModel(TableModel):
    (REFUND, ORDER, TICKETS, VISIT, METHOD, AMOUNT, FEE, ASKED_BY, REASON, OVERRIDE, APPROVALS,
     WAITING) = range(12)

    def __init__(self, local: Callable[[datetime], datetime] = lambda at: at,
                 parent: Any = None) -> None:
        self._local = local
        super().__init__(parent)
        self._now: Callable[[], datetime] | None = None

    def columns(self) -> dict[int, Column]:
        return {
            self.REFUND: Column(self.tr("Refund no."), lambda r: r["refund_no"]),
            self.ORDER: Column(self.tr("Order"), lambda r: r["order_no"]),
            self.TICKETS: Column(self.tr("Tickets"), self.tickets_text,
                                 tooltip=self.tickets_text),
            self.VISIT: Column(self.tr("Visit date"), lambda r: r.get("visit_date") or "—"),
            self.METHOD: Column(self.tr("Paid by"), self.method_text),
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

    def tickets_text(self, r: dict[str, Any]) -> str:
        """The tickets being refunded, by name and count: `成人票 ×50`."""
        order = r.get("order") or {}
        wanted = set(r.get("ticket_ids") or [])
        names = Counter(t.get("name") or ticket_type_text(t.get("ticket_type"))
                        for t in order.get("tickets") or [] if t.get("ticket_id") in wanted)
        if not names:
            return self.tr("{n} tickets").format(n=len(wanted)) if wanted else "—"
        return "、".join(f"{name} ×{n}" for name, n in names.items())

    def method_text(self, r: dict[str, Any]) -> str:
        order = r.get("order") or {}
        methods = list(dict.fromkeys(p.get("method") for p in order.get("payments") or []
                                     if p.get("status") in ("succeeded", "refunded")))
        return "、".join(method_text(m) for m in methods if m) or method_text(
            r.get("method") or "—")

    def order_text(self, r: dict[str, Any]) -> str:
        """The refund's order in one line: what, when ordered, who sold it, who asked, the
        visit date, how it was paid, how much."""
        order = r.get("order") or {}
        if not order:
            return self.tr("Order {no}: not readable from the store now").format(
                no=r["order_no"])
        if order.get("channel") == "window":
            seller = self.tr("window {terminal}, {clerk}").format(
                terminal=order.get("terminal") or "—", clerk=order.get("clerk") or "—")
        else:
            seller = channel_text(order.get("channel") or "")
        return self.tr("Order {no} · {tickets} · ordered {at} · sold by {seller} · asked by "
                       "{asker} · visit {visit} · paid {paid} by {method} · refund "
                       "{amount}").format(
            no=order.get("order_no", r["order_no"]), tickets=self.tickets_text(r),
            at=local_text(order.get("created_at"), self._local), seller=seller,
            asker=r.get("requested_by") or "—", visit=order.get("visit_date") or "—",
            paid=format_fen(int(order.get("paid_fen") or 0)), method=self.method_text(r),
            amount=format_fen(int(r["amount_fen"])))

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

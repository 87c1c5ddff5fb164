"""Words for anomalies and timelines on screen: kinds, categories, fixes, evidence fields,
timeline actions and device states. Source strings in English (tr), Chinese in the .ts; kinds
and categories use the catalogue's own Chinese (app.domain.anomalies) when the client speaks
Chinese, like the order statuses do."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale

from app.domain.anomalies import CATEGORY_LABELS_ZH, KINDS
from app.domain.money import format_fen

translate = QCoreApplication.translate


def _chinese() -> bool:
    return QLocale().language() == QLocale.Language.Chinese


_KIND_EN = {
    "paid_no_order": "Paid, no order", "payment_failed_order_open": "Payment failed, order open",
    "duplicate_payment": "Duplicate payment", "paid_inventory_not_deducted":
    "Paid, stock not deducted", "redeem_failed": "Redemption failed",
    "duplicate_redemption": "Duplicate redemption",
    "redeemed_after_refund": "Redeemed after refund", "refund_not_processed":
    "Refund not processed", "refund_failed": "Refund failed",
    "refund_inventory_not_restored": "Refund, stock not restored", "oversold": "Oversold",
    "price_mismatch": "Paid other than the price", "refund_mismatch": "Refund above the quote",
    "manual_flag": "Flagged by hand",
}
_CATEGORY_EN = {"payment": "Payment", "redemption": "Redemption", "refund": "Refund",
                "inventory": "Inventory"}


def kind_label(kind: str) -> str:
    if _chinese() and kind in KINDS:
        return KINDS[kind].label_zh
    return _KIND_EN.get(kind, kind)


def category_label(category: str) -> str:
    if _chinese():
        return CATEGORY_LABELS_ZH.get(category, category)
    return _CATEGORY_EN.get(category, category)


def fix_label(fix: str) -> str:
    return {
        "backfill_order": translate("AnomalyLabels", "Backfill the order"),
        "refund_payment": translate("AnomalyLabels", "Refund the payment"),
        "query_payment": translate("AnomalyLabels", "Query the payment"),
        "cancel_and_release": translate("AnomalyLabels", "Cancel and release stock"),
        "refund_duplicate": translate("AnomalyLabels", "Refund the duplicate payment"),
        "deduct_inventory": translate("AnomalyLabels", "Deduct the stock"),
        "manual_redeem": translate("AnomalyLabels", "Redeem manually"),
        "mark_resolved": translate("AnomalyLabels", "Mark resolved"),
        "lock_order": translate("AnomalyLabels", "Lock the order"),
        "process_refund": translate("AnomalyLabels", "Process the refund"),
        "retry_refund": translate("AnomalyLabels", "Retry the refund"),
        "change_refund_method": translate("AnomalyLabels", "Refund in cash instead"),
        "restore_inventory": translate("AnomalyLabels", "Restore the stock"),
        "dismiss": translate("AnomalyLabels", "Dismiss"),
    }.get(fix, fix)


def status_label(status: str) -> str:
    return {"open": translate("AnomalyLabels", "Open"), "resolved": translate("AnomalyLabels", "Resolved"),
            "dismissed": translate("AnomalyLabels", "Dismissed")}.get(status, status)


def action_label(action: str) -> str:
    """A timeline action (`payment.succeeded`) in words; unknown ones stay as they are."""
    return {
        "order.created": translate("AnomalyLabels", "Order created"),
        "order.cancelled": translate("AnomalyLabels", "Order cancelled"),
        "order.locked": translate("AnomalyLabels", "Order locked"),
        "payment.succeeded": translate("AnomalyLabels", "Payment succeeded"),
        "payment.failed": translate("AnomalyLabels", "Payment failed"),
        "ticket.redeemed": translate("AnomalyLabels", "Ticket redeemed"),
        "ticket.redeem_failed": translate("AnomalyLabels", "Redemption failed"),
        "ticket.redeem_refused": translate("AnomalyLabels", "Redemption refused"),
        "ticket.refunded": translate("AnomalyLabels", "Ticket refunded"),
        "ticket.reprinted": translate("AnomalyLabels", "Ticket reprinted"),
        "receipt.reprinted": translate("AnomalyLabels", "Receipt reprinted"),
        "sale.voided": translate("AnomalyLabels", "Sale voided"),
        "refund.requested": translate("AnomalyLabels", "Refund requested"),
        "refund.approved": translate("AnomalyLabels", "Refund approved"),
        "refund.succeeded": translate("AnomalyLabels", "Refund succeeded"),
        "refund.processing": translate("AnomalyLabels", "Refund processing"),
        "refund.submitted": translate("AnomalyLabels", "Refund submitted"),
        "refund.awaiting_approval": translate("AnomalyLabels", "Refund awaiting approval"),
        "refund.failed": translate("AnomalyLabels", "Refund failed"),
        "refund.failed_attempt": translate("AnomalyLabels", "Refund attempt failed"),
        "anomaly.detected": translate("AnomalyLabels", "Anomaly detected"),
        "anomaly.fixed": translate("AnomalyLabels", "Anomaly fixed"),
        "anomaly.resolved": translate("AnomalyLabels", "Anomaly resolved"),
        "anomaly.dismissed": translate("AnomalyLabels", "Anomaly dismissed"),
        "customer.revealed": translate("AnomalyLabels", "Customer data viewed in full"),
    }.get(action, action)


def device_status_label(status: str | None) -> str:
    return {"online": translate("AnomalyLabels", "Online"), "offline": translate("AnomalyLabels", "Offline"),
            "fault": translate("AnomalyLabels", "Fault"),
            "maintenance": translate("AnomalyLabels", "Maintenance")}.get(
        status or "", status or "—")


def _evidence_names() -> dict[str, str]:
    return {
        "provider": translate("AnomalyLabels", "Provider"),
        "provider_txn_id": translate("AnomalyLabels", "Transaction no."),
        "amount_fen": translate("AnomalyLabels", "Amount"),
        "expected_fen": translate("AnomalyLabels", "Amount due"),
        "paid_at": translate("AnomalyLabels", "Paid at"),
        "payment_no": translate("AnomalyLabels", "Payment no."),
        "order_no": translate("AnomalyLabels", "Order no."),
        "cancelled_order_no": translate("AnomalyLabels", "Cancelled order"),
        "earlier_payments": translate("AnomalyLabels", "Earlier payments"),
        "code": translate("AnomalyLabels", "Ticket code"),
        "device_id": translate("AnomalyLabels", "Device"),
        "device_location": translate("AnomalyLabels", "Device location"),
        "scanned_at": translate("AnomalyLabels", "Scanned at"),
        "gate_result": translate("AnomalyLabels", "Gate result"),
        "gate_reason": translate("AnomalyLabels", "Gate reason"),
        "first_redeemed_at": translate("AnomalyLabels", "First redeemed at"),
        "first_redeemed_by": translate("AnomalyLabels", "First redeemed by"),
        "redeemed_at": translate("AnomalyLabels", "Redeemed at"),
        "refund_no": translate("AnomalyLabels", "Refund no."),
        "refunded_at": translate("AnomalyLabels", "Refunded at"),
        "attempts": translate("AnomalyLabels", "Attempts"),
        "last_error": translate("AnomalyLabels", "Last error"),
        "terminal": translate("AnomalyLabels", "Window"),
        "ticket_type": translate("AnomalyLabels", "Ticket type"),
        "visit_date": translate("AnomalyLabels", "Visit date"),
        "oversold": translate("AnomalyLabels", "Oversold"),
        "clerk": translate("AnomalyLabels", "Clerk"),
        "sold_at": translate("AnomalyLabels", "Sold at"),
        "paid_fen": translate("AnomalyLabels", "Amount paid"),
        "refunded_fen": translate("AnomalyLabels", "Amount refunded"),
        "quote_fen": translate("AnomalyLabels", "Store's quote"),
        "difference_fen": translate("AnomalyLabels", "Difference"),
        "void": translate("AnomalyLabels", "Void of the last sale"),
        "void_rule": translate("AnomalyLabels", "Void rule broken"),
        # what timeline events carry besides
        "channel": translate("AnomalyLabels", "Channel"),
        "external_id": translate("AnomalyLabels", "Channel order no."),
        "lines": translate("AnomalyLabels", "Lines"),
        "method": translate("AnomalyLabels", "Method"),
        "name": translate("AnomalyLabels", "Ticket"),
        "outcome": translate("AnomalyLabels", "Outcome"),
        "reason": translate("AnomalyLabels", "Reason"),
        "kind": translate("AnomalyLabels", "Kind"),
        "category": translate("AnomalyLabels", "Category"),
        "fields": translate("AnomalyLabels", "Fields"),
        "uses_left": translate("AnomalyLabels", "Uses left"),
        "total_fen": translate("AnomalyLabels", "Total"),
        "note": translate("AnomalyLabels", "Note"),
        "flagged_by": translate("AnomalyLabels", "Flagged by"),
        "action": translate("AnomalyLabels", "Fix"),
    }


def field_label(key: str) -> str:
    """A detail or evidence field in words; unknown ones keep their code."""
    return _evidence_names().get(key, key)


# evidence fields that are ids for machines, not for the supervisor
_HIDDEN = {"ticket_id", "payment_id", "refund_id", "nonce", "attach"}


def evidence_rows(evidence: Mapping[str, Any],
                  local: Callable[[datetime], datetime]) -> list[tuple[str, str]]:
    """(label, value) pairs of the evidence worth reading, known fields first."""
    names = _evidence_names()
    keys = [k for k in names if k in evidence] + sorted(
        k for k in evidence if k not in names and k not in _HIDDEN)
    return [(names.get(k, k), value_text(k, evidence[k], local)) for k in keys
            if evidence[k] not in (None, "", [], {})]


def value_text(key: str, value: Any, local: Callable[[datetime], datetime]) -> str:
    """One value for people: money as ¥, instants in the venue's time, lists joined."""
    if key.endswith("_fen") and isinstance(value, int):
        return format_fen(value)
    if key.endswith("_at") and isinstance(value, str):
        return local_text(value, local)
    if isinstance(value, list):
        return "、".join(value_text(key, v, local) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def local_text(iso: str | None, local: Callable[[datetime], datetime],
               fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """An ISO instant (`…Z` or with an offset) in the venue's time; unparseable text as is."""
    if not iso:
        return ""
    try:
        at = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return local(at).strftime(fmt) if at.tzinfo else iso


def age_text(seconds: float) -> str:
    """How long ago, coarse: 刚刚 / 5 分钟 / 3 小时 / 2 天."""
    minutes = int(max(seconds, 0) // 60)
    if minutes < 1:
        return translate("AnomalyLabels", "just now")
    if minutes < 60:
        return translate("AnomalyLabels", "{n} min").format(n=minutes)
    if minutes < 48 * 60:
        return translate("AnomalyLabels", "{n} h").format(n=minutes // 60)
    return translate("AnomalyLabels", "{n} days").format(n=minutes // (24 * 60))

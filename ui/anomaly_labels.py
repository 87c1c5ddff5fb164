"""Words for anomalies and timelines on screen: kinds, categories, fixes, evidence fields,
timeline actions and device states. Source strings in English (tr), Chinese in the .ts; kinds
and categories use the catalogue's own Chinese (app.domain.anomalies) when the client speaks
Chinese, like the order statuses do."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale

from app.domain.anomalies import CATEGORY_LABELS_ZH, KINDS
from ui.anomaly_values import HIDDEN, local_text, readable
from ui.anomaly_values import value_text as _value_text

__all__ = ["local_text", "value_text"]

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
    """A timeline action (`payment.succeeded`) in words; unknown ones readable."""
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
        "inventory.deducted": translate("AnomalyLabels", "Stock deducted"),
        "inventory.restored": translate("AnomalyLabels", "Stock restored"),
        "payment.moved": translate("AnomalyLabels", "Payment moved to another order"),
        "payment.queried": translate("AnomalyLabels", "Payment queried"),
        "payment.refunded": translate("AnomalyLabels", "Payment refunded"),
        "payment.started": translate("AnomalyLabels", "Payment started"),
        "refund.approved_for_payout": translate("AnomalyLabels", "Refund approved for payout"),
        "refund.method_changed": translate("AnomalyLabels", "Refund method changed"),
        "refund.rejected": translate("AnomalyLabels", "Refund rejected"),
        "refund.paid_out": translate("AnomalyLabels", "Refund paid out"),
        "order.paid": translate("AnomalyLabels", "Order paid"),
        "order.expired": translate("AnomalyLabels", "Order expired"),
    }.get(action) or readable(action.replace(".", " "))


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
        "payment_query": translate("AnomalyLabels", "Payment query"),
        "answer": translate("AnomalyLabels", "Provider's answer"),
        "asked_at": translate("AnomalyLabels", "Asked at"),
        "status": translate("AnomalyLabels", "Status"),
        "paid": translate("AnomalyLabels", "Paid"),
        "tickets": translate("AnomalyLabels", "Tickets"),
        "duplicate": translate("AnomalyLabels", "Duplicate"),
        "fee_fen": translate("AnomalyLabels", "Fee"),
        "payment_fee_fen": translate("AnomalyLabels", "Payment fee"),
        "refund_fen": translate("AnomalyLabels", "Refund"),
        "fee_bp": translate("AnomalyLabels", "Fee rate"),
        "quotes": translate("AnomalyLabels", "Quote per ticket"),
        "rule": translate("AnomalyLabels", "Rule"),
        "attempt": translate("AnomalyLabels", "Attempt"),
        "error": translate("AnomalyLabels", "Error"),
        "next_attempt_at": translate("AnomalyLabels", "Next attempt at"),
        "failed_at": translate("AnomalyLabels", "Failed at"),
        "deficit": translate("AnomalyLabels", "Units missing"),
        "surplus": translate("AnomalyLabels", "Units too many"),
        "live": translate("AnomalyLabels", "Valid tickets"),
        "sold": translate("AnomalyLabels", "Counted sold"),
        "units": translate("AnomalyLabels", "Units"),
        "settled_at": translate("AnomalyLabels", "Settled at"),
        "payment_started_at": translate("AnomalyLabels", "Payment started at"),
        "requested_by": translate("AnomalyLabels", "Requested by"),
        "requested_at": translate("AnomalyLabels", "Requested at"),
        "resolution": translate("AnomalyLabels", "Resolution"),
        "role": translate("AnomalyLabels", "Role"),
        "actor": translate("AnomalyLabels", "By"),
        "refund": translate("AnomalyLabels", "Refund"),
        "refunds": translate("AnomalyLabels", "Refunds"),
        "payment": translate("AnomalyLabels", "Payment"),
        "released": translate("AnomalyLabels", "Stock released"),
        "confirmed_by_query": translate("AnomalyLabels", "Confirmed by a query"),
        "recorded_amount_fen": translate("AnomalyLabels", "Amount recorded before"),
        "approvals": translate("AnomalyLabels", "Approvals"),
        "override": translate("AnomalyLabels", "Fee override"),
        "evidence_no": translate("AnomalyLabels", "Evidence no."),
        "payout_terminal": translate("AnomalyLabels", "Payout window"),
        "qty": translate("AnomalyLabels", "Quantity"),
        "price_fen": translate("AnomalyLabels", "Price"),
        "by": translate("AnomalyLabels", "By"),
        "as": translate("AnomalyLabels", "As"),
        "at": translate("AnomalyLabels", "Time"),
        "customer": translate("AnomalyLabels", "Customer"),
        "phone_masked": translate("AnomalyLabels", "Phone"),
        "id_masked": translate("AnomalyLabels", "ID no."),
        "tendered_fen": translate("AnomalyLabels", "Tendered"),
        "change_fen": translate("AnomalyLabels", "Change"),
        "uses_total": translate("AnomalyLabels", "Uses"),
    }


def field_label(key: str) -> str:
    """A detail or evidence field in words; unknown ones readable (`some_key` → some key)."""
    return _evidence_names().get(key) or readable(key)


def value_text(key: str, value: Any, local: Callable[[datetime], datetime]) -> str:
    """One evidence or detail value in words (ui.anomaly_values), nested keys named; a
    provider's answer (`payment_query`) as its sentence and when it was asked."""
    if isinstance(value, Mapping) and isinstance(value.get("answer"), str):
        asked = local_text(value.get("asked_at"), local)
        return value["answer"] + (f"（{asked}）" if asked else "")
    return _value_text(key, value, local, field_label)


# evidence fields that are ids for machines, not for the supervisor
_HIDDEN = HIDDEN


def evidence_rows(evidence: Mapping[str, Any],
                  local: Callable[[datetime], datetime]) -> list[tuple[str, str]]:
    """(label, value) pairs of the evidence worth reading, known fields first."""
    names = _evidence_names()
    keys = [k for k in names if k in evidence and k not in _HIDDEN] + sorted(
        k for k in evidence if k not in names and k not in _HIDDEN)
    return [(field_label(k), value_text(k, evidence[k], local)) for k in keys
            if evidence[k] not in (None, "", [], {})]


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

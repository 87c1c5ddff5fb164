"""The anomaly catalogue (DESIGN.md §6): kinds, categories, applicable fixes and priority, and
what an anomaly's evidence says about it (the money at stake, the devices it names)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any


class Category(StrEnum):
    PAYMENT = "payment"
    REDEMPTION = "redemption"
    REFUND = "refund"
    INVENTORY = "inventory"


class AnomalyStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


MANUAL_FLAG = "manual_flag"
FLAG_REASON_MAX = 200  # characters of a manual flag's reason


@dataclass(frozen=True)
class Kind:
    code: str
    category: Category
    fixes: tuple[str, ...]  # recommended first
    label_zh: str


KINDS: dict[str, Kind] = {k.code: k for k in (
    Kind("paid_no_order", Category.PAYMENT, ("backfill_order", "refund_payment"), "已支付无订单"),
    Kind("payment_failed_order_open", Category.PAYMENT, ("query_payment", "cancel_and_release"),
         "支付失败订单未关闭"),
    Kind("duplicate_payment", Category.PAYMENT, ("refund_duplicate",), "重复支付"),
    Kind("paid_inventory_not_deducted", Category.INVENTORY, ("deduct_inventory",),
         "已支付未扣库存"),
    Kind("redeem_failed", Category.REDEMPTION, ("manual_redeem", "mark_resolved"), "核销失败"),
    Kind("duplicate_redemption", Category.REDEMPTION, ("lock_order", "mark_resolved"), "重复核销"),
    Kind("redeemed_after_refund", Category.REDEMPTION, ("mark_resolved",), "退票后核销"),
    Kind("refund_not_processed", Category.REFUND, ("process_refund",), "退款未处理"),
    Kind("refund_failed", Category.REFUND, ("retry_refund", "change_refund_method"), "退款失败"),
    Kind("refund_inventory_not_restored", Category.INVENTORY, ("restore_inventory",),
         "退票未回库存"),
    Kind("oversold", Category.INVENTORY, ("mark_resolved",), "超售"),
    # A window's word against the store's (DESIGN.md §14): the money changed hands, so it is
    # recorded and flagged; a supervisor finds out why and notes it.
    Kind("price_mismatch", Category.PAYMENT, ("mark_resolved",), "售价与定价不符"),
    Kind("refund_mismatch", Category.REFUND, ("mark_resolved",), "退款超出应退"),
    # A supervisor's own judgement (seed 000 批量标记异常): raised by hand with a reason, in
    # the category the supervisor chose (this one is the default), resolved by hand.
    Kind(MANUAL_FLAG, Category.PAYMENT, ("mark_resolved",), "人工标记异常"),
)}

CATEGORY_LABELS_ZH = {"payment": "支付", "redemption": "核销", "refund": "退款",
                      "inventory": "库存"}

# Money problems first: a visitor who paid and has nothing waits at the gate right now.
_CATEGORY_WEIGHT = {Category.PAYMENT: 4000, Category.REFUND: 3000,
                    Category.REDEMPTION: 2000, Category.INVENTORY: 1000}
MONEY_MOVING_FIXES = frozenset({"refund_payment", "refund_duplicate", "retry_refund",
                                "change_refund_method", "process_refund"})
NOTE_REQUIRED_FIXES = frozenset({"mark_resolved", "change_refund_method"})


def priority(kind: str, amount_fen: int, detected_at: datetime, now: datetime,
             category: str | None = None) -> int:
    """Higher first: category weight, then amount (up to +900 at ¥900), then age (+1 per 10 min,
    up to +500). `category`: the anomaly's own, when it is not its kind's (a manual flag)."""
    weight = _CATEGORY_WEIGHT[Category(category) if category else KINDS[kind].category]
    money = min(max(amount_fen, 0) // 100, 900)
    age = min(max(now - detected_at, timedelta(0)) // timedelta(minutes=10), 500)
    return weight + money + age


# Evidence fields that name a device: the gate that scanned or the window that sold
# (`device_id`), the gate that redeemed first (`first_redeemed_by`, a duplicate redemption),
# the gate that redeemed a ticket a window refunded offline (`redeemed_by`).
DEVICE_KEYS = ("device_id", "first_redeemed_by", "redeemed_by")


def device_ids(evidence: Mapping[str, Any]) -> list[str]:
    """The devices the evidence names, in `DEVICE_KEYS` order, each once."""
    return list(dict.fromkeys(str(evidence[k]) for k in DEVICE_KEYS if evidence.get(k)))


def amount_at_stake(evidence: Mapping[str, Any]) -> int | None:
    """The fen at stake: the evidence's `amount_fen`, the very amount its priority was
    computed from (None when the evidence has no whole number there)."""
    amount = evidence.get("amount_fen")
    return amount if isinstance(amount, int) and not isinstance(amount, bool) else None


DISMISS = "dismiss"  # any open anomaly may be dismissed (false alarm), with a note
FIX_LABELS_ZH = {
    "backfill_order": "补建订单", "refund_payment": "退回支付", "query_payment": "查询支付结果",
    "cancel_and_release": "取消订单并释放库存", "refund_duplicate": "退回重复支付",
    "deduct_inventory": "补扣库存", "manual_redeem": "人工核销", "mark_resolved": "标记已处理",
    "lock_order": "锁定订单", "process_refund": "处理退款", "retry_refund": "重试退款",
    "change_refund_method": "改为现金退款", "restore_inventory": "恢复库存", DISMISS: "忽略",
}
FIXERS = ("supervisor", "finance", "admin")  # "supervisor+" of DESIGN.md §8
# Finance reconciles money: it works the payment and refund anomalies, not the gate or stock.
_FINANCE_CATEGORIES = frozenset({Category.PAYMENT, Category.REFUND})


def may_fix(role: str, category: str) -> bool:
    """Whether `role` may fix (or dismiss) an anomaly of `category`."""
    if role == "finance":
        return category in _FINANCE_CATEGORIES
    return role in FIXERS



def categories_for(role: str) -> frozenset[str] | None:
    """The categories `role` sees in the queue: finance the payment and refund ones; None for
    every category (supervisor, admin)."""
    if role == "finance":
        return frozenset(str(c) for c in _FINANCE_CATEGORIES)
    return None

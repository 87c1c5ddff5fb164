"""How the Orders list shows a status (issue 14, the seed's colours): a background tint with
dark text of the same hue, readable on every row, and the words a supervisor needs next to it —
待支付 counts down the 15 minutes an unpaid order has (from its `created_at`, against the
injected clock), 已支付未核销 says until when the tickets are valid (the visit date).

`anomaly` (异常) is red and first: the list puts orders with an open anomaly on top.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication

from app.domain.lifecycle import UNPAID_TTL

translate = QCoreApplication.translate


@dataclass(frozen=True)
class StatusStyle:
    background: str  # a light tint of the status colour
    foreground: str  # dark text of the same hue (contrast ≥ 4.5:1 on the tint)


STYLES: dict[str, StatusStyle] = {
    "pending_payment": StatusStyle("#fff1b8", "#6b4f00"),  # yellow
    "paying": StatusStyle("#ffdcb0", "#8a3a00"),  # orange
    "paid": StatusStyle("#dcf1d4", "#256b1c"),  # green
    "redeeming": StatusStyle("#d5e5fb", "#0d3f7a"),  # blue
    "redeemed": StatusStyle("#a9d3ab", "#0b3a12"),  # dark green
    "refunding": StatusStyle("#ead8f6", "#4f1687"),  # purple
    "refunded": StatusStyle("#e4e4e4", "#3d3d3d"),  # grey
    "cancelled": StatusStyle("#ececec", "#5a5a5a"),  # grey
    "anomaly": StatusStyle("#fdd5d5", "#b3141c"),  # red
}


def shown_status(order: dict[str, Any]) -> str:
    """The status the list shows: `anomaly` while one is open, else the derived status."""
    return str(order.get("display_status") or order.get("status") or "")


def style_of(order: dict[str, Any]) -> StatusStyle | None:
    return STYLES.get(shown_status(order))


def minutes_left_to_pay(order: dict[str, Any], now: datetime) -> int | None:
    """Whole minutes (rounded up) left of the 15-minute payment window; 0 once it is over;
    None when the order has no creation time."""
    created = order.get("created_at")
    if not created:
        return None
    deadline = datetime.fromisoformat(created) + UNPAID_TTL
    return max(0, math.ceil((deadline - now).total_seconds() / 60))


def status_text(order: dict[str, Any], label: str, now: datetime) -> str:
    """`label` (the status in words) with what comes next: the payment countdown or the
    validity of unused tickets."""
    status = shown_status(order)
    if status == "pending_payment":
        left = minutes_left_to_pay(order, now)
        if left is None:
            return label
        if left == 0:
            return translate("OrderStatus", "{status} · payment time is up").format(status=label)
        return translate("OrderStatus", "{status} · {n} min left to pay").format(
            status=label, n=left)
    if status == "paid" and order.get("visit_date"):
        return translate("OrderStatus", "{status} · valid until {date}").format(
            status=label, date=order["visit_date"])
    return label

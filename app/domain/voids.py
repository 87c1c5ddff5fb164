"""撤销上一单: the rule of voiding the sale just made (issue 12), pure — the window and the store
apply the same one.

A void gives a clerk's mistake back at no fee: the whole of a window cash sale, within
`VOID_WINDOW` of it, at the window that sold it, by its clerk (or a supervisor), before any of
its tickets was used, and the cash handed back equal to what was paid. Anything else is a
refund, with the §5 rules and their fees. The window adds its own two rules
(`window_refusal`): the sale is of the clerk's open shift and the last one of it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from .money import format_fen

VOID_RULE = "void"  # refunds.rule of a void: a cash refund at no fee
VOID_MINUTES = 10
VOID_WINDOW = timedelta(minutes=VOID_MINUTES)
VOIDERS = ("supervisor", "admin")  # may void a sale another clerk made
GONE = ("refunding", "refunded", "void")
USED = ("redeeming", "redeemed")


@dataclass(frozen=True)
class Sale:
    """The sale to void, as the database holds it."""

    order_no: str
    channel: str
    terminal: str | None
    clerk: str | None
    sold_at: datetime  # aware
    paid_fen: int
    refunded_fen: int
    payment_method: str
    ticket_states: tuple[str, ...]
    uses_used: int = 0  # pass uses, over all the tickets


@dataclass(frozen=True)
class VoidAsk:
    """Who voids it, where, when, and the cash handed back."""

    at: datetime  # aware
    terminal: str
    clerk: str
    role: str
    amount_fen: int


@dataclass(frozen=True)
class Refusal:
    code: str  # see CODES
    message: str  # zh_CN, for the clerk


CODES = ("not_window_sale", "not_cash", "other_terminal", "other_clerk", "refunded",
         "redeemed", "too_old", "amount", "other_shift", "not_last")


def refusal(sale: Sale, ask: VoidAsk, window: timedelta = VOID_WINDOW) -> Refusal | None:
    """Why `ask` may not void `sale` (the first rule broken), or None when it may."""
    no = sale.order_no
    if sale.channel != "window":
        return Refusal("not_window_sale", f"订单 {no} 不是窗口售票，不能撤销")
    if sale.payment_method != "cash":
        return Refusal("not_cash", f"订单 {no} 不是现金收款，不能撤销，请按退票办理")
    if sale.terminal != ask.terminal:
        return Refusal("other_terminal",
                       f"订单 {no} 不是本窗口（{ask.terminal}）售出的，不能撤销")
    if sale.clerk != ask.clerk and ask.role not in VOIDERS:
        return Refusal("other_clerk",
                       f"订单 {no} 由 {sale.clerk or '其他人'} 售出，只能由本人或主管撤销")
    if sale.refunded_fen > 0 or any(s in GONE for s in sale.ticket_states):
        return Refusal("refunded", f"订单 {no} 已退票或已撤销，不能再撤销")
    if sale.uses_used > 0 or any(s in USED for s in sale.ticket_states):
        return Refusal("redeemed", f"订单 {no} 已有票核销入园，不能撤销，请按退票办理")
    if ask.at - sale.sold_at > window:
        minutes = int(window.total_seconds() // 60)
        return Refusal("too_old",
                       f"订单 {no} 售出已超过 {minutes} 分钟，不能撤销，请按退票办理")
    if ask.amount_fen != sale.paid_fen:
        return Refusal("amount", f"撤销订单 {no} 应退还实收 {format_fen(sale.paid_fen)}，"
                                 f"不是 {format_fen(ask.amount_fen)}")
    return None


def window_refusal(sale: Sale, ask: VoidAsk, *, shift_opened_at: datetime,
                   last_order_no: str | None, window: timedelta = VOID_WINDOW
                   ) -> Refusal | None:
    """The window's check: the sale is of the open shift (opened at `shift_opened_at`) and
    the shift's last sale (`last_order_no`), then `refusal`."""
    if sale.sold_at < shift_opened_at:
        return Refusal("other_shift", f"订单 {sale.order_no} 不是本班次售出的，不能撤销")
    if last_order_no != sale.order_no:
        return Refusal("not_last", f"只能撤销本班次的最后一单（{last_order_no or '无'}），"
                                   f"订单 {sale.order_no} 请按退票办理")
    return refusal(sale, ask, window)

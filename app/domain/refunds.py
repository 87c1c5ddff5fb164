"""Refund rules for one ticket (DESIGN.md §5). The acceptance contract: names fixed by design.

`quote_refund` is pure: facts and policy in, a quote out. Request-level rules (approvals,
overrides, risk holds, routing) live in `app.services`.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .money import apply_bp, format_fen

REGULAR_SAME_DAY_BP = 3000
SPECIAL_FEE_BP = 5000
PASS_FEE_BP = 1500
GROUP_FEE_BP = 1000


@dataclass(frozen=True)
class Holiday:
    """Visit dates in [start, end] use the holiday same-day rate."""

    start: date
    end: date
    same_day_fee_bp: int = 4000


@dataclass(frozen=True)
class RefundPolicy:
    zone: str = "Asia/Shanghai"
    opening: time = time(8, 0)
    closing: time = time(18, 0)
    holidays: tuple[Holiday, ...] = ()
    payment_fee_bp: Mapping[str, int] = field(
        default_factory=lambda: {"wechat": 60, "alipay": 60})  # others 0
    dual_approval_fen: int = 500_000


@dataclass(frozen=True)
class RefundFacts:
    """One ticket."""

    ticket_kind: str  # regular | special | pass | group
    face_price_fen: int  # list price of this ticket (package: its component share of list)
    paid_fen: int  # what was actually paid for this ticket
    visit_date: date
    requested_at: datetime  # aware
    payment_method: str
    redeemed: bool = False
    uses_total: int = 1  # passes
    uses_used: int = 0
    group_size: int = 1


@dataclass(frozen=True)
class RefundQuote:
    refundable: bool
    needs_approval: bool
    rule: str
    fee_bp: int
    fee_fen: int
    payment_fee_fen: int
    refund_fen: int
    message: str  # zh_CN sentence for the clerk and the visitor


RULE_LABELS_ZH = {
    "already_redeemed": "已核销的票不能退",
    "expired": "已过游玩日闭园时间，不能退",
    "special_48h": "特价票游玩日前48小时以上退，收50%手续费",
    "special_late": "特价票游玩日前48小时内不能退",
    "pass_remaining": "年卡/次卡按剩余次数退，收15%手续费",
    "pass_mostly_used": "年卡/次卡已用过半，不能退",
    "group_48h": "团队票游玩日前48小时以上退，收10%手续费",
    "group_manual": "团队票48小时内退票需主管审批",
    "same_day": "游玩当日退票，收30%手续费",
    "holiday_same_day": "节假日游玩当日退票，按节假日费率收手续费",
    "tier_72h": "游玩日前72小时以上退票，免手续费",
    "tier_24h": "游玩日前24至72小时退票，收10%手续费",
    "tier_1h": "游玩日前24小时内退票，收20%手续费",
}


def quote_refund(facts: RefundFacts, policy: RefundPolicy = RefundPolicy()) -> RefundQuote:
    """Quote the refund of one ticket; the first matching rule of §5 wins."""
    if facts.requested_at.tzinfo is None:
        raise ValueError("requested_at must be aware")
    tz = ZoneInfo(policy.zone)
    local = facts.requested_at.astimezone(tz)
    # Elapsed hours, taken in UTC: two datetimes sharing one ZoneInfo subtract as wall clocks,
    # which is an hour off across a DST change.
    at = facts.requested_at.astimezone(UTC)
    hours_ahead = _at(facts.visit_date, policy.opening, tz) - at
    same_day = local.date() == facts.visit_date
    kind = facts.ticket_kind

    if facts.redeemed and kind != "pass":
        return _refused("already_redeemed")
    if kind != "pass" and _expired(local, at, facts.visit_date, policy, tz):
        return _refused("expired")
    if kind == "special":
        if hours_ahead >= timedelta(hours=48):
            return _priced(facts, policy, "special_48h", SPECIAL_FEE_BP, facts.face_price_fen)
        return _refused("special_late")
    if kind == "pass":
        return _pass_quote(facts, policy)
    if kind == "group" and facts.group_size >= 10:
        if hours_ahead >= timedelta(hours=48):
            return _priced(facts, policy, "group_48h", GROUP_FEE_BP, facts.face_price_fen)
        _, bp = _regular_tier(facts.visit_date, hours_ahead, same_day, policy)
        return _priced(facts, policy, "group_manual", bp, facts.face_price_fen,
                       needs_approval=True)
    rule, bp = _regular_tier(facts.visit_date, hours_ahead, same_day, policy)
    return _priced(facts, policy, rule, bp, facts.face_price_fen)


def _at(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """The instant (UTC) of a local date and time in the policy zone."""
    return datetime.combine(day, clock, tz).astimezone(UTC)


def _expired(local: datetime, at: datetime, visit_date: date, policy: RefundPolicy,
             tz: ZoneInfo) -> bool:
    """A request on a later local date, or strictly after closing time on the visit date."""
    if local.date() > visit_date:
        return True
    return at > _at(visit_date, policy.closing, tz)


def _regular_tier(visit_date: date, hours_ahead: timedelta, same_day: bool,
                  policy: RefundPolicy) -> tuple[str, int]:
    if same_day:
        for h in policy.holidays:
            if h.start <= visit_date <= h.end:
                return "holiday_same_day", h.same_day_fee_bp
        return "same_day", REGULAR_SAME_DAY_BP
    if hours_ahead >= timedelta(hours=72):
        return "tier_72h", 0
    if hours_ahead >= timedelta(hours=24):
        return "tier_24h", 1000
    return "tier_1h", 2000


def _pass_quote(facts: RefundFacts, policy: RefundPolicy) -> RefundQuote:
    total = max(1, facts.uses_total)
    remaining = max(0, total - facts.uses_used)
    if 2 * remaining < total:
        return _refused("pass_mostly_used")
    value = facts.paid_fen * remaining // total
    return _priced(facts, policy, "pass_remaining", PASS_FEE_BP, value, refund_base=value)


def _priced(facts: RefundFacts, policy: RefundPolicy, rule: str, fee_bp: int, base: int,
            *, needs_approval: bool = False, refund_base: int | None = None) -> RefundQuote:
    paid = max(0, facts.paid_fen)
    fee = min(apply_bp(max(0, base), fee_bp), paid)
    pay_fee = apply_bp(paid, policy.payment_fee_bp.get(facts.payment_method, 0))
    gross = paid if refund_base is None else refund_base
    refund = max(0, gross - fee - pay_fee)
    message = f"{RULE_LABELS_ZH[rule]}：手续费 {format_fen(fee)}"
    if pay_fee:
        message += f"，支付通道手续费 {format_fen(pay_fee)} 不退"
    message += f"，应退 {format_fen(refund)}。"
    if needs_approval:
        message += "（待审批）"
    return RefundQuote(True, needs_approval, rule, fee_bp, fee, pay_fee, refund, message)


def _refused(rule: str) -> RefundQuote:
    return RefundQuote(False, False, rule, 0, 0, 0, 0, RULE_LABELS_ZH[rule] + "。")

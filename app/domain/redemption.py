"""Judging a scan at the gate (DESIGN.md §3, §6): what to answer, whether it uses the ticket,
and which anomaly it shows. Pure: the service gathers the facts and applies the verdict."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

PASS_VALID_DAYS = 365  # a pass (年卡/次卡) admits on any day of a year from its visit date


class Outcome(StrEnum):
    VALID = "valid"
    DUPLICATE = "duplicate"
    REFUNDED = "refunded"
    INVALID = "invalid"
    FAILED = "failed"


@dataclass(frozen=True)
class TicketFacts:
    status: str  # ticket state
    uses_total: int
    uses_left: int
    visit_date: date
    order_paid: bool
    order_cancelled: bool
    redeemed_at: datetime | None = None  # last use
    order_locked: bool = False  # a supervisor locked the order (the lock_order fix)


@dataclass(frozen=True)
class Scan:
    day: date  # the venue-local date of the scan
    at: datetime
    gate_result: str | None = None  # ok: the gate let the visitor in (offline); failed


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    reason: str  # zh_CN, for the gate's display and the log
    admit: bool = False  # use the ticket now
    anomaly: str | None = None  # the kind to raise
    earlier_first_use: bool = False  # an offline scan older than the recorded first use


def pass_validity(visit_date: date) -> tuple[date, date]:
    return visit_date, visit_date + timedelta(days=PASS_VALID_DAYS - 1)


def _wrong_day(t: TicketFacts, day: date) -> str | None:
    if t.uses_total > 1:
        first, last = pass_validity(t.visit_date)
        if not first <= day <= last:
            return f"年卡/次卡有效期为 {first:%Y-%m-%d} 至 {last:%Y-%m-%d}，今天不能入园"
        return None
    if day != t.visit_date:
        return f"票的游玩日期为 {t.visit_date:%Y-%m-%d}，不能在 {day:%Y-%m-%d} 入园"
    return None


def _used_up(t: TicketFacts, scan: Scan) -> Verdict:
    admitted = scan.gate_result != "failed"
    if t.uses_total == 1 and scan.gate_result == "ok" and t.redeemed_at is not None \
            and scan.at < t.redeemed_at:
        # an offline entry older than the recorded one: it was the first, the other the repeat
        return Verdict(Outcome.VALID, "核销成功（离线记录早于已登记的核销）", admit=True,
                       anomaly="duplicate_redemption", earlier_first_use=True)
    reason = "该票已核销，不能重复入园" if t.uses_total == 1 else "年卡/次卡次数已用完"
    return Verdict(Outcome.DUPLICATE, reason,
                   anomaly="duplicate_redemption" if admitted else None)


def judge(t: TicketFacts, scan: Scan) -> Verdict:
    """The answer to one scan of a known ticket, first rule that matches wins: cancelled or
    void → invalid; unpaid → invalid; refunded (or being refunded) → refunded, and
    `redeemed_after_refund` when the gate already let the visitor in; used up → duplicate
    with `duplicate_redemption` (unless the gate reports it did not open); order locked by a
    supervisor → invalid; wrong day → invalid; the gate reports a failure → failed with `redeem_failed`; else valid."""
    if t.order_cancelled or t.status == "void":
        return Verdict(Outcome.INVALID, "订单已取消，票已作废")
    if not t.order_paid:
        return Verdict(Outcome.INVALID, "订单尚未支付")
    if t.status in ("refunded", "refunding"):
        reason = "该票已退票" if t.status == "refunded" else "该票正在退票"
        return Verdict(Outcome.REFUNDED, reason,
                       anomaly="redeemed_after_refund" if scan.gate_result == "ok" else None)
    if t.status == "redeemed" or t.uses_left <= 0:
        return _used_up(t, scan)
    if t.order_locked:
        return Verdict(Outcome.INVALID, "订单已被主管锁定，不能入园，请联系值班主管")
    wrong = _wrong_day(t, scan.day)
    if wrong:
        return Verdict(Outcome.INVALID, wrong)
    if scan.gate_result == "failed":
        return Verdict(Outcome.FAILED, "闸机报告核销失败", anomaly="redeem_failed")
    return Verdict(Outcome.VALID, "核销成功", admit=True)

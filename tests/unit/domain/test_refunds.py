"""Refund rules of DESIGN.md §5, boundary by boundary."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.refunds import Holiday, RefundFacts, RefundPolicy, quote_refund

SH = ZoneInfo("Asia/Shanghai")
VISIT = date(2026, 12, 10)
OPEN = datetime(2026, 12, 10, 8, 0, tzinfo=SH)


def facts(kind="regular", at=None, price=10000, paid=None, method="cash", **kw) -> RefundFacts:
    return RefundFacts(kind, price, price if paid is None else paid, kw.pop("visit", VISIT),
                       at or OPEN - timedelta(hours=100), method, **kw)


@pytest.mark.parametrize(("at", "rule", "bp", "fee"), [
    (OPEN - timedelta(hours=72), "tier_72h", 0, 0),
    (OPEN - timedelta(hours=72, seconds=-1), "tier_24h", 1000, 1000),
    (OPEN - timedelta(hours=24), "tier_24h", 1000, 1000),
    (OPEN - timedelta(hours=24, seconds=-1), "tier_1h", 2000, 2000),
    (datetime(2026, 12, 9, 23, 59, 59, tzinfo=SH), "tier_1h", 2000, 2000),
    (datetime(2026, 12, 10, 0, 0, tzinfo=SH), "same_day", 3000, 3000),
    (datetime(2026, 12, 10, 7, 0, tzinfo=SH), "same_day", 3000, 3000),
    (datetime(2026, 12, 10, 18, 0, tzinfo=SH), "same_day", 3000, 3000),
])
def test_regular_tiers_at_their_boundaries(at, rule, bp, fee):
    q = quote_refund(facts(at=at))
    assert (q.refundable, q.rule, q.fee_bp, q.fee_fen, q.refund_fen) == (True, rule, bp, fee, 10000 - fee)


@pytest.mark.parametrize("at", [
    datetime(2026, 12, 10, 18, 0, 1, tzinfo=SH),
    datetime(2026, 12, 11, 9, 0, tzinfo=SH),
])
def test_after_closing_or_later_is_expired(at):
    q = quote_refund(facts(at=at))
    assert (q.refundable, q.rule, q.refund_fen, q.fee_fen) == (False, "expired", 0, 0)
    assert "闭园" in q.message


def test_time_zone_decides_same_day():
    # 2026-12-09 16:30 UTC is 00:30 on the 10th in Shanghai: same day, not 24h tier
    q = quote_refund(facts(at=datetime(2026, 12, 9, 16, 30, tzinfo=UTC)))
    assert q.rule == "same_day"
    q = quote_refund(facts(at=datetime(2026, 12, 9, 15, 59, tzinfo=UTC)))
    assert q.rule == "tier_1h"
    q = quote_refund(facts(at=datetime(2026, 12, 9, 16, 30, tzinfo=UTC)),
                     RefundPolicy(zone="UTC"))
    assert q.rule == "tier_1h"


def test_holiday_same_day_rate():
    policy = RefundPolicy(holidays=(Holiday(date(2026, 12, 9), date(2026, 12, 11)),))
    q = quote_refund(facts(at=datetime(2026, 12, 10, 9, 0, tzinfo=SH)), policy)
    assert (q.rule, q.fee_bp, q.fee_fen) == ("holiday_same_day", 4000, 4000)
    # holidays only change the same-day rate
    assert quote_refund(facts(at=OPEN - timedelta(hours=30)), policy).rule == "tier_24h"


def test_redeemed_is_refused_first():
    q = quote_refund(facts(redeemed=True, at=OPEN - timedelta(hours=200)))
    assert (q.refundable, q.rule) == (False, "already_redeemed")


@pytest.mark.parametrize(("hours", "rule", "refundable", "fee"), [
    (48, "special_48h", True, 3000), (47.99, "special_late", False, 0), (100, "special_48h", True, 3000),
])
def test_special(hours, rule, refundable, fee):
    q = quote_refund(facts("special", at=OPEN - timedelta(hours=hours), price=6000))
    assert (q.rule, q.refundable, q.fee_fen) == (rule, refundable, fee)


@pytest.mark.parametrize(("used", "rule", "refund"), [
    (0, "pass_remaining", 42500), (6, "pass_remaining", 21250), (7, "pass_mostly_used", 0),
])
def test_pass_by_remaining_uses(used, rule, refund):
    q = quote_refund(facts("pass", price=50000, uses_total=12, uses_used=used,
                           at=datetime(2027, 3, 1, tzinfo=SH)))  # passes never expire by date
    assert (q.rule, q.refund_fen) == (rule, refund)


def test_pass_value_and_fee_rounding():
    # 3 of 5 uses left of 9999 fen: value 5999 (floor), fee 15% = 899.85 → 900
    q = quote_refund(facts("pass", price=9999, uses_total=5, uses_used=2))
    assert (q.fee_fen, q.refund_fen) == (900, 5099)


def test_group():
    assert quote_refund(facts("group", group_size=10, at=OPEN - timedelta(hours=48))).rule == "group_48h"
    q = quote_refund(facts("group", group_size=12, at=OPEN - timedelta(hours=30)))
    assert (q.rule, q.needs_approval, q.fee_bp, q.refundable) == ("group_manual", True, 1000, True)
    small = quote_refund(facts("group", group_size=9, at=OPEN - timedelta(hours=30)))
    assert (small.rule, small.needs_approval) == ("tier_24h", False)


def test_payment_fee_never_refunded_even_at_zero_tier():
    q = quote_refund(facts(method="wechat", at=OPEN - timedelta(hours=80)))
    assert (q.fee_fen, q.payment_fee_fen, q.refund_fen) == (0, 60, 9940)
    assert "不退" in q.message


def test_half_fen_rounds_up_and_fee_capped_at_paid():
    q = quote_refund(facts(price=15, paid=15, at=datetime(2026, 12, 10, 9, tzinfo=SH)))
    assert q.fee_fen == 5  # 4.5 → 5
    q = quote_refund(facts(price=10000, paid=1000, at=datetime(2026, 12, 10, 9, tzinfo=SH)))
    assert (q.fee_fen, q.refund_fen) == (1000, 0)  # 30% of face is 3000, capped at paid


def test_naive_time_is_refused():
    with pytest.raises(ValueError):
        quote_refund(facts(at=datetime(2026, 12, 9, 9, 0)))


_kinds = st.sampled_from(["regular", "special", "pass", "group"])
_methods = st.sampled_from(["cash", "wechat", "alipay", "ota", "voucher"])
_times = st.datetimes(min_value=datetime(2026, 11, 1), max_value=datetime(2026, 12, 20),
                      timezones=st.just(UTC))


@given(_kinds, st.integers(0, 10**7), st.integers(0, 10**7), _times, _methods,
       st.booleans(), st.integers(1, 20), st.integers(0, 20), st.integers(1, 40))
def test_refund_never_above_paid_never_negative(kind, price, paid, at, method, redeemed,
                                                uses_total, uses_used, group_size):
    q = quote_refund(RefundFacts(kind, price, paid, VISIT, at, method, redeemed,
                                 uses_total, min(uses_used, uses_total), group_size))
    assert 0 <= q.refund_fen <= paid
    assert 0 <= q.fee_fen <= paid
    if not q.refundable:
        assert (q.fee_fen, q.payment_fee_fen, q.refund_fen) == (0, 0, 0)
    else:
        assert q.fee_fen + q.payment_fee_fen + q.refund_fen >= min(paid, q.refund_fen)


@given(st.integers(1, 10**6), _times, _times)
def test_regular_fee_never_falls_as_visit_nears(price, t1, t2):
    early, late = sorted((t1, t2))
    q_early = quote_refund(facts(at=early, price=price))
    q_late = quote_refund(facts(at=late, price=price))
    if q_early.refundable and q_late.refundable:
        assert q_late.fee_fen >= q_early.fee_fen
    if not q_early.refundable:
        assert not q_late.refundable


LONDON = RefundPolicy(zone="Europe/London")


@pytest.mark.parametrize(("visit", "at", "rule"), [
    # spring forward 2026-03-29: opening of Mon 30 March is 07:00 UTC; 72 real hours before
    (date(2026, 3, 30), datetime(2026, 3, 27, 7, 0, tzinfo=UTC), "tier_72h"),
    (date(2026, 3, 30), datetime(2026, 3, 27, 7, 0, 1, tzinfo=UTC), "tier_24h"),
    (date(2026, 3, 29), datetime(2026, 3, 28, 7, 0, tzinfo=UTC), "tier_24h"),
    (date(2026, 3, 29), datetime(2026, 3, 28, 7, 30, tzinfo=UTC), "tier_1h"),
    # fall back 2026-10-25: opening of Tue 27 October is 08:00 UTC; 72 real hours before
    (date(2026, 10, 27), datetime(2026, 10, 24, 8, 0, tzinfo=UTC), "tier_72h"),
    (date(2026, 10, 27), datetime(2026, 10, 24, 8, 0, 1, tzinfo=UTC), "tier_24h"),
])
def test_hours_are_elapsed_hours_across_a_dst_change(visit, at, rule):
    assert quote_refund(facts(at=at, visit=visit), LONDON).rule == rule

"""Refund rules of DESIGN.md §5, table by table: every rule, each boundary on both sides, the
order in which rules win, the amounts; then Hypothesis for the invariants."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.domain.refunds import Holiday, RefundFacts, RefundPolicy, RefundQuote, quote_refund

SH = ZoneInfo("Asia/Shanghai")
LONDON_TZ = ZoneInfo("Europe/London")
VISIT = date(2026, 12, 10)
OPEN = datetime(2026, 12, 10, 8, 0, tzinfo=SH)  # opening of the visit date
CLOSE = datetime(2026, 12, 10, 18, 0, tzinfo=SH)
S = timedelta(seconds=1)
H = timedelta(hours=1)
DEFAULT = RefundPolicy()
LONDON = RefundPolicy(zone="Europe/London")
NATIONAL_DAY = Holiday(date(2026, 10, 1), date(2026, 10, 7))  # default same-day rate 4000
MAY_DAY = Holiday(date(2026, 5, 1), date(2026, 5, 5), same_day_fee_bp=3500)
HOLIDAYS = RefundPolicy(holidays=(NATIONAL_DAY, MAY_DAY))


def facts(kind="regular", at=None, price=10000, paid=None, method="cash", **kw) -> RefundFacts:
    return RefundFacts(kind, price, price if paid is None else paid, kw.pop("visit", VISIT),
                       at or OPEN - 100 * H, method, **kw)


def amounts(q: RefundQuote) -> tuple:
    return q.refundable, q.needs_approval, q.rule, q.fee_bp, q.fee_fen, q.refund_fen


def refused(rule: str) -> tuple:
    return False, False, rule, 0, 0, 0


# -- rule 6: regular tickets, by time ------------------------------------------------------

@pytest.mark.parametrize(("at", "rule", "bp"), [
    (OPEN - 30 * 24 * H, "tier_72h", 0),
    (OPEN - 72 * H, "tier_72h", 0),
    (OPEN - 72 * H + S, "tier_24h", 1000),
    (OPEN - 48 * H, "tier_24h", 1000),  # 48 h is no boundary for regular tickets
    (OPEN - 48 * H + S, "tier_24h", 1000),
    (OPEN - 24 * H, "tier_24h", 1000),
    (OPEN - 24 * H + S, "tier_1h", 2000),
    (datetime(2026, 12, 9, 23, 59, 59, tzinfo=SH), "tier_1h", 2000),  # previous local day
    (datetime(2026, 12, 10, 0, 0, 0, tzinfo=SH), "same_day", 3000),  # local midnight
    (OPEN - H, "same_day", 3000),  # 1 h before opening is already the visit date
    (OPEN - S, "same_day", 3000),
    (OPEN, "same_day", 3000),
    (OPEN + 4 * H, "same_day", 3000),  # h < 0 inside opening hours
    (CLOSE - S, "same_day", 3000),
    (CLOSE, "same_day", 3000),  # "after closing time" is strict: 18:00:00 is not after
])
def test_regular_tiers_at_their_boundaries(at, rule, bp):
    fee = 10000 * bp // 10000
    assert amounts(quote_refund(facts(at=at))) == (True, False, rule, bp, fee, 10000 - fee)


@pytest.mark.parametrize("at", [
    CLOSE + timedelta(microseconds=1),
    CLOSE + S,
    datetime(2026, 12, 10, 23, 59, 59, tzinfo=SH),
    datetime(2026, 12, 11, 0, 0, tzinfo=SH),  # a later date, even before its opening
    datetime(2026, 12, 11, 7, 0, tzinfo=SH),
    datetime(2027, 1, 10, 12, 0, tzinfo=SH),
])
@pytest.mark.parametrize("kind", ["regular", "special", "group"])
def test_after_closing_or_a_later_date_is_expired(at, kind):
    q = quote_refund(facts(kind, at=at, group_size=10))
    assert amounts(q) == refused("expired")
    assert q.payment_fee_fen == 0
    assert "闭园" in q.message


@pytest.mark.parametrize(("opening", "at", "rule"), [
    # opening at 00:30: 1 h before it is the previous evening, the tier_1h side of midnight
    (time(0, 30), datetime(2026, 12, 9, 23, 30, tzinfo=SH), "tier_1h"),
    (time(0, 30), datetime(2026, 12, 9, 23, 30, 1, tzinfo=SH), "tier_1h"),  # no tier under 1 h
    (time(0, 30), datetime(2026, 12, 9, 23, 59, 59, tzinfo=SH), "tier_1h"),
    (time(0, 30), datetime(2026, 12, 10, 0, 0, tzinfo=SH), "same_day"),
    (time(0, 30), datetime(2026, 12, 7, 0, 30, tzinfo=SH), "tier_72h"),
    (time(0, 30), datetime(2026, 12, 7, 0, 30, 1, tzinfo=SH), "tier_24h"),
    (time(9, 30), datetime(2026, 12, 9, 9, 30, tzinfo=SH), "tier_24h"),
    (time(9, 30), datetime(2026, 12, 9, 9, 30, 1, tzinfo=SH), "tier_1h"),
])
def test_tiers_count_from_the_policy_opening_time(opening, at, rule):
    assert quote_refund(facts(at=at), RefundPolicy(opening=opening)).rule == rule


@pytest.mark.parametrize(("closing", "at", "rule"), [
    (time(17, 0), datetime(2026, 12, 10, 17, 0, tzinfo=SH), "same_day"),
    (time(17, 0), datetime(2026, 12, 10, 17, 0, 1, tzinfo=SH), "expired"),
    (time(21, 0), datetime(2026, 12, 10, 20, 0, tzinfo=SH), "same_day"),
])
def test_expiry_follows_the_policy_closing_time(closing, at, rule):
    assert quote_refund(facts(at=at), RefundPolicy(closing=closing)).rule == rule


# -- time zones ----------------------------------------------------------------------------

@pytest.mark.parametrize(("at", "policy", "rule"), [
    # 16:00 UTC on the 9th is midnight of the 10th in Shanghai
    (datetime(2026, 12, 9, 16, 0, tzinfo=UTC), DEFAULT, "same_day"),
    (datetime(2026, 12, 9, 15, 59, 59, tzinfo=UTC), DEFAULT, "tier_1h"),
    (datetime(2026, 12, 10, 10, 0, tzinfo=UTC), DEFAULT, "same_day"),  # 18:00 Shanghai
    (datetime(2026, 12, 10, 10, 0, 1, tzinfo=UTC), DEFAULT, "expired"),
    (datetime(2026, 12, 9, 16, 30, tzinfo=UTC), RefundPolicy(zone="UTC"), "tier_1h"),
    # London in winter (GMT): the 10th's opening is 08:00 UTC, closing 18:00 UTC
    (datetime(2026, 12, 9, 16, 30, tzinfo=UTC), LONDON, "tier_1h"),
    (datetime(2026, 12, 9, 8, 0, tzinfo=UTC), LONDON, "tier_24h"),
    (datetime(2026, 12, 9, 8, 0, 1, tzinfo=UTC), LONDON, "tier_1h"),
    (datetime(2026, 12, 10, 0, 0, tzinfo=UTC), LONDON, "same_day"),
    (datetime(2026, 12, 10, 18, 0, tzinfo=UTC), LONDON, "same_day"),
    (datetime(2026, 12, 10, 18, 0, 1, tzinfo=UTC), LONDON, "expired"),
    # the same instant written in New York time
    (datetime(2026, 12, 9, 19, 0, 0, tzinfo=ZoneInfo("America/New_York")), LONDON, "same_day"),
    (datetime(2026, 12, 9, 18, 59, 59, tzinfo=ZoneInfo("America/New_York")), LONDON, "tier_1h"),
])
def test_the_policy_zone_decides_the_local_date_and_hours(at, policy, rule):
    assert quote_refund(facts(at=at), policy).rule == rule


@pytest.mark.parametrize(("at", "rule"), [
    # London in summer (BST, UTC+1): the 10th of July opens at 07:00 UTC, closes 17:00 UTC
    (datetime(2026, 7, 9, 23, 0, tzinfo=UTC), "same_day"),  # 00:00 BST
    (datetime(2026, 7, 9, 22, 59, 59, tzinfo=UTC), "tier_1h"),
    (datetime(2026, 7, 9, 7, 0, tzinfo=UTC), "tier_24h"),
    (datetime(2026, 7, 9, 7, 0, 1, tzinfo=UTC), "tier_1h"),
    (datetime(2026, 7, 10, 17, 0, tzinfo=UTC), "same_day"),
    (datetime(2026, 7, 10, 17, 0, 1, tzinfo=UTC), "expired"),
    (datetime(2026, 7, 10, 18, 0, tzinfo=LONDON_TZ), "same_day"),  # given in the policy zone
    (datetime(2026, 7, 10, 18, 0, 1, tzinfo=LONDON_TZ), "expired"),
])
def test_london_in_summer_time(at, rule):
    assert quote_refund(facts(at=at, visit=date(2026, 7, 10)), LONDON).rule == rule


@pytest.mark.parametrize(("visit", "at", "rule"), [
    # spring forward 2026-03-29: opening of Mon 30 March is 07:00 UTC; 72 real hours before
    (date(2026, 3, 30), datetime(2026, 3, 27, 7, 0, tzinfo=UTC), "tier_72h"),
    (date(2026, 3, 30), datetime(2026, 3, 27, 7, 0, 1, tzinfo=UTC), "tier_24h"),
    (date(2026, 3, 29), datetime(2026, 3, 28, 7, 0, tzinfo=UTC), "tier_24h"),
    (date(2026, 3, 29), datetime(2026, 3, 28, 7, 30, tzinfo=UTC), "tier_1h"),
    # fall back 2026-10-25: opening of Tue 27 October is 08:00 UTC; 72 real hours before
    (date(2026, 10, 27), datetime(2026, 10, 24, 8, 0, tzinfo=UTC), "tier_72h"),
    (date(2026, 10, 27), datetime(2026, 10, 24, 8, 0, 1, tzinfo=UTC), "tier_24h"),
    # the same, written in London time (the ZoneInfo the rule itself uses)
    (date(2026, 10, 27), datetime(2026, 10, 24, 9, 0, tzinfo=LONDON_TZ), "tier_72h"),
    (date(2026, 10, 27), datetime(2026, 10, 24, 9, 0, 1, tzinfo=LONDON_TZ), "tier_24h"),
])
def test_hours_are_elapsed_hours_across_a_dst_change(visit, at, rule):
    assert quote_refund(facts(at=at, visit=visit), LONDON).rule == rule


def test_naive_time_is_refused():
    with pytest.raises(ValueError):
        quote_refund(facts(at=datetime(2026, 12, 9, 9, 0)))


# -- holidays: only the same-day rate changes -----------------------------------------------

def _on(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), SH)


@pytest.mark.parametrize(("visit", "at", "rule", "bp"), [
    (date(2026, 10, 1), _on(date(2026, 10, 1)), "holiday_same_day", 4000),  # at start
    (date(2026, 10, 4), _on(date(2026, 10, 4)), "holiday_same_day", 4000),  # inside
    (date(2026, 10, 7), _on(date(2026, 10, 7)), "holiday_same_day", 4000),  # at end
    (date(2026, 9, 30), _on(date(2026, 9, 30)), "same_day", 3000),  # the day before
    (date(2026, 10, 8), _on(date(2026, 10, 8)), "same_day", 3000),  # the day after
    (date(2026, 5, 1), _on(date(2026, 5, 1)), "holiday_same_day", 3500),  # its own rate
    (date(2026, 5, 5), _on(date(2026, 5, 5), 18), "holiday_same_day", 3500),
    (date(2026, 5, 6), _on(date(2026, 5, 6)), "same_day", 3000),
    (date(2026, 10, 4), _on(date(2026, 10, 4), 0), "holiday_same_day", 4000),  # midnight
    (date(2026, 10, 4), datetime(2026, 10, 3, 23, 59, 59, tzinfo=SH), "tier_1h", 2000),
    (date(2026, 10, 4), _on(date(2026, 10, 2), 20), "tier_24h", 1000),
    (date(2026, 10, 4), _on(date(2026, 10, 1), 8), "tier_72h", 0),
])
def test_holidays(visit, at, rule, bp):
    q = quote_refund(facts(at=at, visit=visit), HOLIDAYS)
    assert amounts(q) == (True, False, rule, bp, bp, 10000 - bp)


def test_holiday_expires_like_any_day():
    at = _on(date(2026, 10, 4), 18) + S
    assert quote_refund(facts(at=at, visit=date(2026, 10, 4)), HOLIDAYS).rule == "expired"


def test_first_listed_holiday_wins_when_they_overlap():
    policy = RefundPolicy(holidays=(Holiday(date(2026, 10, 3), date(2026, 10, 3), 5000),
                                    NATIONAL_DAY))
    q = quote_refund(facts(at=_on(date(2026, 10, 3)), visit=date(2026, 10, 3)), policy)
    assert (q.rule, q.fee_bp) == ("holiday_same_day", 5000)


# -- rule 3: special -----------------------------------------------------------------------

@pytest.mark.parametrize(("at", "expected"), [
    (OPEN - 30 * 24 * H, (True, False, "special_48h", 5000, 3000, 3000)),
    (OPEN - 72 * H, (True, False, "special_48h", 5000, 3000, 3000)),
    (OPEN - 48 * H, (True, False, "special_48h", 5000, 3000, 3000)),
    (OPEN - 48 * H + S, refused("special_late")),
    (OPEN - 24 * H, refused("special_late")),
    (_on(VISIT), refused("special_late")),
    (CLOSE + S, refused("expired")),
])
def test_special(at, expected):
    assert amounts(quote_refund(facts("special", at=at, price=6000))) == expected


# -- rule 5: groups --------------------------------------------------------------------------

@pytest.mark.parametrize(("size", "at", "policy", "expected"), [
    (10, OPEN - 100 * H, DEFAULT, (True, False, "group_48h", 1000, 800, 7200)),
    (10, OPEN - 48 * H, DEFAULT, (True, False, "group_48h", 1000, 800, 7200)),
    (10, OPEN - 48 * H + S, DEFAULT, (True, True, "group_manual", 1000, 800, 7200)),
    (10, OPEN - 24 * H + S, DEFAULT, (True, True, "group_manual", 2000, 1600, 6400)),
    (10, _on(VISIT), DEFAULT, (True, True, "group_manual", 3000, 2400, 5600)),
    (40, OPEN - 48 * H, DEFAULT, (True, False, "group_48h", 1000, 800, 7200)),
    (9, OPEN - 100 * H, DEFAULT, (True, False, "tier_72h", 0, 0, 8000)),
    (9, OPEN - 48 * H, DEFAULT, (True, False, "tier_24h", 1000, 800, 7200)),
    (9, OPEN - 48 * H + S, DEFAULT, (True, False, "tier_24h", 1000, 800, 7200)),
    (9, _on(VISIT), DEFAULT, (True, False, "same_day", 3000, 2400, 5600)),
    (1, _on(VISIT), DEFAULT, (True, False, "same_day", 3000, 2400, 5600)),
    (10, CLOSE + S, DEFAULT, refused("expired")),
])
def test_group(size, at, policy, expected):
    q = quote_refund(facts("group", at=at, price=8000, group_size=size), policy)
    assert amounts(q) == expected
    assert q.message.endswith("（待审批）") == q.needs_approval


def test_group_manual_proposes_the_holiday_same_day_rate():
    q = quote_refund(facts("group", at=_on(date(2026, 10, 2)), visit=date(2026, 10, 2),
                           price=8000, group_size=10), HOLIDAYS)
    assert amounts(q) == (True, True, "group_manual", 4000, 3200, 4800)


def test_group_size_counts_only_for_group_tickets():
    q = quote_refund(facts("regular", at=OPEN - 48 * H + S, group_size=30))
    assert (q.rule, q.needs_approval) == ("tier_24h", False)


# -- rule 4: passes ------------------------------------------------------------------------

@pytest.mark.parametrize(("total", "used", "paid", "expected"), [
    (12, 0, 50000, (True, False, "pass_remaining", 1500, 7500, 42500)),
    (12, 6, 50000, (True, False, "pass_remaining", 1500, 3750, 21250)),  # exactly half left
    (12, 7, 50000, refused("pass_mostly_used")),  # one less
    (12, 12, 50000, refused("pass_mostly_used")),
    (5, 2, 9999, (True, False, "pass_remaining", 1500, 900, 5099)),  # 5999.4 → 5999; 899.85
    (5, 3, 9999, refused("pass_mostly_used")),
    (1, 0, 30000, (True, False, "pass_remaining", 1500, 4500, 25500)),
    (1, 1, 30000, refused("pass_mostly_used")),
    (10, 5, 7, (True, False, "pass_remaining", 1500, 0, 3)),  # value 3.5 → 3, fee 0.45 → 0
])
def test_pass_by_remaining_uses(total, used, paid, expected):
    q = quote_refund(facts("pass", price=paid, uses_total=total, uses_used=used))
    assert amounts(q) == expected


@pytest.mark.parametrize(("at", "redeemed"), [
    (datetime(2027, 3, 1, tzinfo=SH), False),  # months after the visit date
    (CLOSE + S, True),  # a pass in use is redeemed, and still refundable by uses
])
def test_pass_never_expires_by_date_nor_by_redemption(at, redeemed):
    q = quote_refund(facts("pass", at=at, price=50000, uses_total=12, uses_used=1,
                           redeemed=redeemed))
    assert (q.rule, q.fee_fen, q.refund_fen) == ("pass_remaining", 6875, 38958)  # of 45833


def test_pass_payment_fee_is_on_what_was_paid():
    q = quote_refund(facts("pass", price=50000, uses_total=12, uses_used=6, method="wechat"))
    assert (q.fee_fen, q.payment_fee_fen, q.refund_fen) == (3750, 300, 20950)


# -- rule 1 and the order of rules -----------------------------------------------------------

@pytest.mark.parametrize(("kind", "at", "rule"), [
    ("regular", OPEN - 200 * H, "already_redeemed"),
    ("regular", CLOSE + S, "already_redeemed"),  # redeemed wins over expired
    ("special", OPEN - 200 * H, "already_redeemed"),
    ("group", OPEN - 200 * H, "already_redeemed"),
])
def test_redeemed_is_refused_first(kind, at, rule):
    q = quote_refund(facts(kind, at=at, redeemed=True, group_size=10, method="wechat"))
    assert amounts(q) == refused(rule)
    assert q.payment_fee_fen == 0
    assert q.message == "已核销的票不能退。"


# -- amounts ---------------------------------------------------------------------------------

TIER_24H = OPEN - 30 * H
SAME_DAY = _on(VISIT)


@pytest.mark.parametrize(("kind", "at", "price", "paid", "method", "fees"), [
    ("regular", TIER_24H, 5, 5, "cash", (1, 0, 4)),  # 0.5 fen → 1
    ("regular", TIER_24H, 4, 4, "cash", (0, 0, 4)),  # 0.4 fen → 0
    ("regular", TIER_24H, 15, 15, "cash", (2, 0, 13)),  # 1.5 → 2
    ("regular", SAME_DAY, 15, 15, "cash", (5, 0, 10)),  # 4.5 → 5
    ("regular", SAME_DAY, 10000, 6000, "cash", (3000, 0, 3000)),  # fee on face, not on paid
    ("regular", SAME_DAY, 10000, 2000, "cash", (2000, 0, 0)),  # 3000 capped at paid
    ("regular", SAME_DAY, 10000, 2000, "wechat", (2000, 12, 0)),  # never negative
    ("regular", SAME_DAY, 10000, 0, "cash", (0, 0, 0)),  # a free ticket
    ("special", OPEN - 48 * H, 6000, 3000, "alipay", (3000, 18, 0)),
    ("regular", OPEN - 72 * H, 10000, 10000, "wechat", (0, 60, 9940)),  # even at 0 bp
    ("regular", OPEN - 72 * H, 10000, 10000, "alipay", (0, 60, 9940)),
    ("regular", OPEN - 72 * H, 10000, 10000, "cash", (0, 0, 10000)),
    ("regular", OPEN - 72 * H, 10000, 10000, "ota", (0, 0, 10000)),
    ("regular", OPEN - 72 * H, 10000, 10000, "voucher", (0, 0, 10000)),
    ("regular", OPEN - 72 * H, 250, 250, "wechat", (0, 2, 248)),  # 1.5 → 2
    ("regular", OPEN - 72 * H, 249, 249, "wechat", (0, 1, 248)),  # 1.494 → 1
    ("regular", TIER_24H, 10000, 9999, "wechat", (1000, 60, 8939)),  # 59.994 → 60
])
def test_amounts(kind, at, price, paid, method, fees):
    q = quote_refund(facts(kind, at=at, price=price, paid=paid, method=method))
    assert q.refundable
    assert (q.fee_fen, q.payment_fee_fen, q.refund_fen) == fees


def test_payment_fee_rates_come_from_the_policy():
    policy = RefundPolicy(payment_fee_bp={"ota": 200})
    assert quote_refund(facts(method="ota"), policy).payment_fee_fen == 200
    assert quote_refund(facts(method="wechat"), policy).payment_fee_fen == 0


def test_messages_name_the_fees():
    q = quote_refund(facts(method="wechat", at=TIER_24H))
    assert q.message == ("游玩日前24至72小时退票，收10%手续费：手续费 ¥10.00，"
                         "支付通道手续费 ¥0.60 不退，应退 ¥89.40。")
    assert "不退" not in quote_refund(facts(method="cash", at=TIER_24H)).message


# -- invariants ------------------------------------------------------------------------------

_zones = st.sampled_from(["Asia/Shanghai", "Europe/London", "America/New_York", "UTC"])
_openings = st.sampled_from([time(8, 0), time(0, 30), time(1, 30), time(9, 30)])
_visits = st.sampled_from([VISIT, date(2026, 3, 29), date(2026, 3, 30), date(2026, 10, 25),
                           date(2026, 10, 27), date(2026, 10, 28), date(2026, 10, 4)])
_holidays = st.lists(st.builds(
    lambda start, days, bp: Holiday(start, start + timedelta(days=days), bp),
    st.sampled_from([date(2026, 3, 28), date(2026, 10, 1), date(2026, 10, 25), VISIT]),
    st.integers(0, 7), st.integers(2000, 10000)), max_size=2).map(tuple)
_policies = st.builds(lambda zone, opening, holidays: RefundPolicy(zone, opening,
                                                                   holidays=holidays),
                      _zones, _openings, _holidays)
# seconds from the visit date's opening in Shanghai: ten days before to two days after
_offsets = st.integers(-10 * 86400, 2 * 86400)


def _instant(visit: date, offset: int) -> datetime:
    return datetime.combine(visit, time(8, 0), SH).astimezone(UTC) + timedelta(seconds=offset)


@given(st.sampled_from(["regular", "special", "pass", "group"]), st.integers(0, 10**7),
       st.integers(0, 10**7), _visits, _offsets, _zones,
       st.sampled_from(["cash", "wechat", "alipay", "ota", "voucher"]), st.booleans(),
       st.integers(1, 20), st.integers(0, 25), st.integers(1, 40), _policies)
def test_refund_is_never_negative_nor_above_paid(kind, price, paid, visit, offset, zone,
                                                 method, redeemed, uses_total, uses_used,
                                                 group_size, policy):
    at = _instant(visit, offset).astimezone(ZoneInfo(zone))
    f = RefundFacts(kind, price, paid, visit, at, method, redeemed, uses_total, uses_used,
                    group_size)
    q = quote_refund(f, policy)
    assert 0 <= q.refund_fen <= paid
    assert 0 <= q.fee_fen <= paid
    assert q.payment_fee_fen >= 0
    if not q.refundable:
        assert (q.fee_bp, q.fee_fen, q.payment_fee_fen, q.refund_fen) == (0, 0, 0, 0)
        assert not q.needs_approval
    elif q.refund_fen > 0:  # the amounts add up to what is given back from
        gross = paid * (uses_total - uses_used) // uses_total if kind == "pass" else paid
        assert q.refund_fen + q.fee_fen + q.payment_fee_fen == gross
    # the instant decides, not the zone it is written in
    assert quote_refund(replace(f, requested_at=at.astimezone(UTC)), policy) == q


_two_moments = _visits.flatmap(lambda visit: st.tuples(
    st.just(visit), st.builds(_instant, st.just(visit), _offsets),
    st.builds(_instant, st.just(visit), _offsets)))


@given(st.integers(1, 10**6), _two_moments, _policies,
       st.sampled_from([("regular", 1), ("group", 9), ("group", 10)]))
# London in autumn with opening at 01:30: 72 h before it falls in the repeated hour, where
# wall-clock hours jump back (01:45 BST, then 01:15 GMT half an hour later)
@example(10000, (date(2026, 10, 28), datetime(2026, 10, 25, 0, 45, tzinfo=UTC),
                 datetime(2026, 10, 25, 1, 15, tzinfo=UTC)),
         RefundPolicy("Europe/London", time(1, 30)), ("regular", 1))
def test_fee_never_falls_as_the_visit_nears(price, moments, policy, kind_size):
    visit, early, late = moments[0], *sorted(moments[1:])
    kind, size = kind_size
    q1 = quote_refund(facts(kind, at=early, price=price, visit=visit, group_size=size), policy)
    q2 = quote_refund(facts(kind, at=late, price=price, visit=visit, group_size=size), policy)
    if q1.refundable and q2.refundable:
        assert q2.fee_bp >= q1.fee_bp
        assert q2.fee_fen >= q1.fee_fen
    if not q1.refundable:
        assert not q2.refundable

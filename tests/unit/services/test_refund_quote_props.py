"""Request-level quoting (`app.services.refunds.refund_quotes.quote_ticket`): with force-majeure rules
and fee overrides on top of §5, a refund is never negative and never above what was paid."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import ValidationError
from app.domain.refunds import RefundFacts, RefundPolicy
from app.services.refunds.refund_quotes import ForceMajeure, Override, check_override, quote_ticket

DAY = date(2026, 12, 10)
POLICY = RefundPolicy()

facts_st = st.builds(
    RefundFacts,
    ticket_kind=st.sampled_from(["regular", "special", "pass", "group"]),
    face_price_fen=st.integers(0, 10_000_000),
    paid_fen=st.integers(0, 10_000_000),
    visit_date=st.just(DAY),
    requested_at=st.datetimes(datetime(2026, 12, 1), datetime(2026, 12, 12),
                              timezones=st.just(UTC)),
    payment_method=st.sampled_from(["cash", "wechat", "alipay", "ota", "voucher"]),
    redeemed=st.booleans(),
    uses_total=st.integers(1, 24),
    uses_used=st.integers(0, 24),
    group_size=st.integers(1, 40),
)
rules_st = st.one_of(st.just({}), st.integers(0, 10000).map(
    lambda bp: {DAY: ForceMajeure(DAY, bp, "暴雨闭园", "supervisor")}))
override_st = st.one_of(st.none(), st.integers(0, 10000).map(
    lambda bp: Override(bp, "就医", "YY-1")))


@given(facts_st, rules_st, override_st)
def test_refund_never_negative_never_above_paid(facts, rules, override):
    try:
        q = quote_ticket(facts, POLICY, rules, override)
    except ValidationError:  # an override of a special fee: refused, nothing to check
        assert facts.ticket_kind == "special" and override is not None and not rules
        return
    assert 0 <= q.refund_fen <= max(0, facts.paid_fen)
    assert 0 <= q.fee_fen <= max(0, facts.paid_fen)
    assert q.refund_fen + q.fee_fen + q.payment_fee_fen >= q.refund_fen
    if not q.refundable:
        assert (q.refund_fen, q.fee_fen, q.payment_fee_fen) == (0, 0, 0)


def test_force_majeure_wins_over_special_late_and_is_named():
    facts = RefundFacts("special", 6000, 6000, DAY, datetime(2026, 12, 10, 2, tzinfo=UTC),
                        "cash")
    q = quote_ticket(facts, POLICY, {DAY: ForceMajeure(DAY, 0, "暴雨闭园", "sup")}, None)
    assert (q.rule, q.fee_fen, q.refund_fen) == ("force_majeure", 0, 6000)
    assert "暴雨闭园" in q.message


def test_redeemed_stays_refused_under_any_rule():
    facts = RefundFacts("regular", 10000, 10000, DAY,
                        datetime(2026, 12, 9, tzinfo=UTC) - timedelta(days=3), "cash",
                        redeemed=True)
    q = quote_ticket(facts, POLICY, {DAY: ForceMajeure(DAY, 0, "x", "s")},
                     Override(0, "r", "e"))
    assert not q.refundable and q.rule == "already_redeemed"


@pytest.mark.parametrize("raw, field", [
    ({"fee_bp": -1, "reason": "r", "evidence_no": "e"}, "override.fee_bp"),
    ({"fee_bp": 10001, "reason": "r", "evidence_no": "e"}, "override.fee_bp"),
    ({"fee_bp": True, "reason": "r", "evidence_no": "e"}, "override.fee_bp"),
    ({"fee_bp": 0, "reason": " ", "evidence_no": "e"}, "override.reason"),
    ({"fee_bp": 0, "reason": "r", "evidence_no": ""}, "override.evidence_no"),
])
def test_override_needs_rate_reason_and_evidence(raw, field):
    with pytest.raises(ValidationError) as e:
        check_override(raw)
    assert e.value.detail["field"] == field

"""Judging a gate scan: table-driven over ticket facts and what the gate reports."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.redemption import Outcome, Scan, TicketFacts, judge, pass_validity

DAY = date(2026, 11, 21)
AT = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)


def facts(**kw):
    base = dict(status="valid", uses_total=1, uses_left=1, visit_date=DAY, order_paid=True,
                order_cancelled=False, redeemed_at=None)
    return TicketFacts(**(base | kw))


def scan(result=None, day=DAY, at=AT):
    return Scan(day, at, result)


CASES = [
    # facts, scan, outcome, admit, anomaly
    (facts(), scan(), Outcome.VALID, True, None),
    (facts(), scan("ok"), Outcome.VALID, True, None),
    (facts(), scan("failed"), Outcome.FAILED, False, "redeem_failed"),
    (facts(order_cancelled=True, status="void"), scan(), Outcome.INVALID, False, None),
    (facts(order_paid=False), scan(), Outcome.INVALID, False, None),
    (facts(order_paid=False), scan("ok"), Outcome.INVALID, False, None),
    (facts(status="refunded"), scan(), Outcome.REFUNDED, False, None),
    (facts(status="refunded"), scan("ok"), Outcome.REFUNDED, False, "redeemed_after_refund"),
    (facts(status="refunding"), scan(), Outcome.REFUNDED, False, None),
    (facts(status="redeemed", uses_left=0, redeemed_at=AT), scan(), Outcome.DUPLICATE, False,
     "duplicate_redemption"),
    (facts(status="redeemed", uses_left=0, redeemed_at=AT), scan("failed"), Outcome.DUPLICATE,
     False, None),
    (facts(status="redeemed", uses_left=0, redeemed_at=AT), scan(day=DAY + timedelta(1)),
     Outcome.DUPLICATE, False, "duplicate_redemption"),
    (facts(), scan(day=DAY + timedelta(1)), Outcome.INVALID, False, None),
    (facts(), scan("failed", day=DAY - timedelta(1)), Outcome.INVALID, False, None),
    (facts(uses_total=12, uses_left=3), scan(day=DAY + timedelta(100)), Outcome.VALID, True,
     None),
    (facts(uses_total=12, uses_left=3), scan(day=DAY + timedelta(365)), Outcome.INVALID, False,
     None),
    (facts(uses_total=12, uses_left=0), scan(), Outcome.DUPLICATE, False,
     "duplicate_redemption"),
    # a supervisor locked the order (the lock_order fix): nothing more is admitted
    (facts(order_locked=True), scan(), Outcome.INVALID, False, None),
    (facts(order_locked=True), scan("failed"), Outcome.INVALID, False, None),
    (facts(order_locked=True, uses_total=12, uses_left=3), scan(), Outcome.INVALID, False,
     None),
    (facts(order_locked=True, status="redeemed", uses_left=0, redeemed_at=AT), scan(),
     Outcome.DUPLICATE, False, "duplicate_redemption"),
    (facts(order_locked=True, status="refunded"), scan("ok"), Outcome.REFUNDED, False,
     "redeemed_after_refund"),
]


@pytest.mark.parametrize(("t", "s", "outcome", "admit", "anomaly"), CASES)
def test_judge(t, s, outcome, admit, anomaly):
    verdict = judge(t, s)
    assert (verdict.outcome, verdict.admit, verdict.anomaly) == (outcome, admit, anomaly)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in verdict.reason)


def test_an_offline_entry_older_than_the_recorded_one_comes_first():
    used = facts(status="redeemed", uses_left=0, redeemed_at=AT)
    older = judge(used, scan("ok", at=AT - timedelta(hours=1)))
    assert (older.outcome, older.admit, older.earlier_first_use) == (Outcome.VALID, True, True)
    assert older.anomaly == "duplicate_redemption"
    later = judge(used, scan("ok", at=AT + timedelta(hours=1)))
    assert later.outcome is Outcome.DUPLICATE and not later.earlier_first_use


def test_pass_validity_is_a_year_from_the_visit_date():
    assert pass_validity(DAY) == (DAY, DAY + timedelta(days=364))


@given(st.sampled_from(["valid", "redeemed", "refunded", "refunding", "void"]),
       st.booleans(), st.booleans(), st.sampled_from([None, "ok", "failed"]),
       st.integers(-3, 3), st.booleans())
def test_only_a_valid_paid_ticket_on_its_day_is_ever_admitted(status, paid, cancelled, result,
                                                              shift, locked):
    t = facts(status=status, order_paid=paid, order_cancelled=cancelled,
              uses_left=0 if status == "redeemed" else 1, order_locked=locked)
    verdict = judge(t, scan(result, day=DAY + timedelta(days=shift)))
    if verdict.admit:
        assert status == "valid" and paid and not cancelled and not locked
        assert shift == 0 and result != "failed"

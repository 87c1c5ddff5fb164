"""Who may fix which anomaly, the priority at a later time, and the labels of every fix."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.anomalies import (
    AGE_CAP,
    DISMISS,
    FIX_LABELS_ZH,
    KINDS,
    Category,
    current_priority,
    may_fix,
    priority,
)

NOW = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(("role", "allowed"), [
    ("supervisor", set(Category)), ("admin", set(Category)),
    ("finance", {Category.PAYMENT, Category.REFUND}),
    ("clerk", set()), ("gate", set()), ("nobody", set()),
])
def test_who_may_fix_which_category(role, allowed):
    assert {c for c in Category if may_fix(role, str(c))} == allowed


@pytest.mark.parametrize(("age", "bonus"), [
    (timedelta(0), 0), (timedelta(minutes=9, seconds=59), 0), (timedelta(minutes=10), 1),
    (timedelta(hours=10), 60), (timedelta(days=30), AGE_CAP), (-timedelta(hours=1), 0),
])
def test_current_priority_adds_the_age_earned_since_detection(age, bonus):
    stored = priority("refund_failed", 12345, NOW, NOW)
    assert current_priority(stored, NOW, NOW + age) == stored + bonus
    assert current_priority(stored, NOW, NOW + age) == priority("refund_failed", 12345, NOW,
                                                                max(NOW, NOW + age))


def test_every_fix_has_a_chinese_label():
    codes = {f for k in KINDS.values() for f in k.fixes} | {DISMISS}
    assert codes == set(FIX_LABELS_ZH)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label)
               for label in FIX_LABELS_ZH.values())

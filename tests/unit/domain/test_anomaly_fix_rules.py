"""Who may fix which anomaly, and the labels of every fix."""

import pytest

from app.domain.anomalies import DISMISS, FIX_LABELS_ZH, KINDS, Category, may_fix


@pytest.mark.parametrize(("role", "allowed"), [
    ("supervisor", set(Category)), ("admin", set(Category)),
    ("finance", {Category.PAYMENT, Category.REFUND}),
    ("clerk", set()), ("gate", set()), ("nobody", set()),
])
def test_who_may_fix_which_category(role, allowed):
    assert {c for c in Category if may_fix(role, str(c))} == allowed


def test_every_fix_has_a_chinese_label():
    codes = {f for k in KINDS.values() for f in k.fixes} | {DISMISS}
    assert codes == set(FIX_LABELS_ZH)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label)
               for label in FIX_LABELS_ZH.values())

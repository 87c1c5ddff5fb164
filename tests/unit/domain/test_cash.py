"""Drawer arithmetic: counts by denomination, expected cash, amount checks."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.cash import DENOMINATIONS_FEN, check_amount, counted_total, expected_cash
from app.domain.errors import ValidationError


def test_counted_total_sums_pieces():
    assert counted_total({10000: 3, 50: 2, 10: 1}) == 30110
    assert counted_total({}) == 0


@pytest.mark.parametrize("counted", [{200: 1}, {100: -1}, {100: 1.5}, {100: True},
                                     {100: 100_001}])
def test_bad_counts_are_refused(counted):
    with pytest.raises(ValidationError):
        counted_total(counted)


def test_expected_cash():
    assert expected_cash(float_fen=500, cash_sales_fen=1000, cash_refunds_fen=200,
                         cash_in_fen=300, cash_out_fen=100) == 1500


@pytest.mark.parametrize(("amount", "zero_ok", "ok"), [
    (0, True, True), (0, False, False), (-1, True, False), (1, False, True),
    (10_000_000_01, False, False), (1.0, False, False)])
def test_check_amount(amount, zero_ok, ok):
    if ok:
        assert check_amount(amount, "金额", allow_zero=zero_ok) == amount
    else:
        with pytest.raises(ValidationError):
            check_amount(amount, "金额", allow_zero=zero_ok)


@given(st.dictionaries(st.sampled_from(DENOMINATIONS_FEN), st.integers(0, 1000)))
def test_counted_total_is_the_sum_of_each_denomination(counted):
    assert counted_total(counted) == sum(d * n for d, n in counted.items())
    assert counted_total(counted) >= 0

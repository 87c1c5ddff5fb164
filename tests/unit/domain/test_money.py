from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import ValidationError
from app.domain.money import (
    apply_bp,
    div_half_up,
    format_fen,
    format_fen_paper,
    parse_yuan,
    split_proportionally,
)


@pytest.mark.parametrize(("n", "d", "expected"), [
    (0, 3, 0), (1, 2, 1), (3, 2, 2), (5, 10, 1), (4, 10, 0), (15, 10, 2), (14, 10, 1),
    (-15, 10, -2), (10_000, 10_000, 1),
])
def test_div_half_up(n, d, expected):
    assert div_half_up(n, d) == expected


@pytest.mark.parametrize(("amount", "bp", "expected"), [
    (10000, 3000, 3000), (10000, 0, 0), (15, 5000, 8), (5, 1000, 1), (4, 1000, 0),
    (6000, 60, 36), (8333, 60, 50), (1, 5000, 1),
])
def test_apply_bp_rounds_half_up(amount, bp, expected):
    assert apply_bp(amount, bp) == expected


@pytest.mark.parametrize(("fen", "screen", "paper"), [
    (0, "¥0.00", "￥0.00"), (5, "¥0.05", "￥0.05"), (123450, "¥1,234.50", "￥1,234.50"),
    (100000000, "¥1,000,000.00", "￥1,000,000.00"), (-250, "¥-2.50", "￥-2.50"),
])
def test_format(fen, screen, paper):
    assert format_fen(fen) == screen
    assert format_fen_paper(fen) == paper


@pytest.mark.parametrize(("text", "fen"), [
    ("200", 20000), ("199.5", 19950), ("¥1,000.00", 100000), ("￥0.005", 1), (" 50 ", 5000),
    ("0.004", 0),
])
def test_parse_yuan(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["", "abc", "-5", "1e99", "nan", "inf", "12.3.4"])
def test_parse_yuan_refuses_with_chinese(text):
    with pytest.raises(ValidationError) as err:
        parse_yuan(text)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.value.message)


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10_000))
def test_apply_bp_is_within_half_fen_of_exact(amount, bp):
    exact = amount * bp / 10_000
    assert abs(apply_bp(amount, bp) - exact) <= 0.5


@pytest.mark.parametrize(("total", "weights", "shares"), [
    (13000, [10000, 5000], [8667, 4333]),  # 亲子套票: remainder fen on the first component
    (30001, [10000, 10000, 8667, 4333], [9092, 9091, 7879, 3939]),
    (100, [1, 1, 1], [34, 33, 33]),
    (2, [1, 1, 1], [2, 0, 0]),  # the first takes every remainder fen
    (0, [10000, 5000], [0, 0]),
    (500, [0, 0], [500, 0]),  # nothing to weigh by: all on the first
    (500, [0, 3], [0, 500]),
    (700, [7], [700]),
    (0, [], []),
])
def test_split_proportionally(total, weights, shares):
    assert split_proportionally(total, weights) == shares


@pytest.mark.parametrize(("total", "weights"), [(1, []), (100, [5, -1])])
def test_split_proportionally_refuses_what_cannot_be_split(total, weights):
    with pytest.raises(ValueError):
        split_proportionally(total, weights)


@given(st.integers(0, 10**9), st.lists(st.integers(0, 10**7), min_size=1, max_size=8))
def test_split_adds_up_and_stays_proportional(total, weights):
    shares = split_proportionally(total, weights)
    assert sum(shares) == total and len(shares) == len(weights) and min(shares) >= 0
    assert split_proportionally(total, list(weights)) == shares  # deterministic
    whole = sum(weights)
    if not whole:
        assert shares == [total] + [0] * (len(weights) - 1)
        return
    exact = [Fraction(total * w, whole) for w in weights]
    for share, e in zip(shares[1:], exact[1:], strict=True):
        assert e - 1 < share <= e  # floored: within 1 fen below its exact share
    # the first takes the remainder fen: at least its share, less than one fen per other share
    assert exact[0] <= shares[0] < exact[0] + len(weights)
    if len(weights) <= 2:
        assert all(abs(s - e) < 1 for s, e in zip(shares, exact, strict=True))

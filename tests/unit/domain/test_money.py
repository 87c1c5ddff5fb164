import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import ValidationError
from app.domain.money import apply_bp, div_half_up, format_fen, format_fen_paper, parse_yuan


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

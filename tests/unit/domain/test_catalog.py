import pytest

from app.domain.catalog import (
    DEMO_CATALOG,
    MAX_LINE_QTY,
    expand_line,
    units_needed,
)
from app.domain.errors import ValidationError

CATALOG = {t.code: t for t in DEMO_CATALOG}


def test_family_package_splits_by_list_price_remainder_on_first():
    specs = expand_line(CATALOG, "FAMILY", 1)  # 130.00 over ADULT 100.00 and CHILD 50.00
    assert [s.price_fen for s in specs] == [8667, 4333]
    assert [s.list_price_fen for s in specs] == [8667, 4333]


def test_family_line_makes_one_ticket_per_component_per_person():
    specs = expand_line(CATALOG, "FAMILY", 2)
    assert [(s.ticket_type, s.person) for s in specs] == [
        ("ADULT", 1), ("CHILD", 1), ("ADULT", 2), ("CHILD", 2)]
    assert all(s.sold_as == "FAMILY" for s in specs)
    assert sum(s.price_fen for s in specs) == 26000
    assert units_needed(specs) == {"ADULT": 2, "CHILD": 2}


def test_pass_carries_uses():
    (spec,) = expand_line(CATALOG, "ANNUAL", 1)
    assert spec.uses_total == 12 and spec.price_fen == 50000


@pytest.mark.parametrize(("code", "qty", "words"), [
    ("NOPE", 1, "没有这种票"),
    ("ADULT", 0, "正整数"),
    ("ADULT", -3, "正整数"),
    ("ADULT", MAX_LINE_QTY + 1, "最多"),
    ("GROUP", 9, "至少 10 人"),
])
def test_bad_lines_refused_in_chinese(code, qty, words):
    with pytest.raises(ValidationError) as err:
        expand_line(CATALOG, code, qty)
    assert words in err.value.message


def test_group_of_ten_is_fine():
    assert len(expand_line(CATALOG, "GROUP", 10)) == 10

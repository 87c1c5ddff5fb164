"""What a ticket type may be (app.domain.catalog_rules), the days a capacity change covers
(app.domain.inventory.capacity_days), and a type taken off sale (expand_line)."""

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.catalog import DEMO_CATALOG, TicketKind, TicketType, expand_line
from app.domain.catalog_rules import check_type, normalize_code, parse_kind
from app.domain.errors import Conflict, ValidationError
from app.domain.inventory import MAX_RANGE_DAYS, capacity_days

CATALOG = {t.code: t for t in DEMO_CATALOG}
R, S, P, G = TicketKind.REGULAR, TicketKind.SPECIAL, TicketKind.PASS, TicketKind.GROUP


@pytest.mark.parametrize("tt", [
    TicketType("EVENING", "夜场票", R, 4000),
    TicketType("FLASH", "秒杀票", S, 0),
    TicketType("TEN", "十次卡", P, 30000, uses_total=10),
    TicketType("SCHOOL", "学校团队票", G, 3000, min_group_size=200),
    TicketType("DUO", "双人票", R, 18000, components=("ADULT", "ADULT")),
    TicketType("YEAR2", "双人年卡", S, 90000, components=("ANNUAL", "ANNUAL")),
    TicketType("FAMILY", "亲子套票", R, 14000, components=("ADULT", "CHILD")),  # its own change
])
def test_good_types_pass(tt):
    check_type(tt, CATALOG)


@pytest.mark.parametrize(("tt", "error", "words"), [
    (TicketType("A:B", "x", R, 1), ValidationError, "票种代码"),
    (TicketType("X", "", R, 1), ValidationError, "名称"),
    (TicketType("X", "x" * 65, R, 1), ValidationError, "名称"),
    (TicketType("X", "x", R, -1), ValidationError, "票价"),
    (TicketType("X", "x", R, 100_000_001), ValidationError, "票价"),
    (TicketType("X", "x", R, True), ValidationError, "票价"),  # type: ignore[arg-type]
    (TicketType("X", "x", P, 1, uses_total=0), ValidationError, "可用次数"),
    (TicketType("X", "x", R, 1, uses_total=2), ValidationError, "只有年卡"),
    (TicketType("X", "x", G, 1, min_group_size=0), ValidationError, "最少人数"),
    (TicketType("X", "x", G, 1, min_group_size=201), ValidationError, "最少人数"),
    (TicketType("X", "x", S, 1, min_group_size=5), ValidationError, "只有团队票"),
    (TicketType("X", "x", R, 1, components=("ADULT",)), ValidationError, "2–10"),
    (TicketType("X", "x", R, 1, components=("ADULT",) * 11), ValidationError, "2–10"),
    (TicketType("X", "x", R, 1, components=("ADULT", "NOPE")), ValidationError, "NOPE 不存在"),
    (TicketType("X", "x", R, 1, components=("ADULT", "FAMILY")), ValidationError, "本身是套票"),
    (TicketType("X", "x", R, 1, components=("ADULT", "GROUP")), ValidationError, "团队票"),
    (TicketType("X", "x", R, 1, components=("ADULT", "X")), ValidationError, "它自己"),
    (TicketType("X", "x", P, 1, components=("ADULT", "CHILD")), ValidationError, "年卡"),
    (TicketType("CHILD", "儿童票", R, 5000, components=("ADULT", "SPECIAL")),
     ValidationError, "不能改为套票"),
    (TicketType("CHILD", "儿童票", G, 5000, min_group_size=10), ValidationError, "团队票"),
    (TicketType("CHILD", "儿童票", R, 5000, active=False), Conflict, "请先停售该套票"),
])
def test_bad_types_are_refused_in_chinese(tt, error, words):
    with pytest.raises(error) as err:
        check_type(tt, CATALOG)
    assert words in err.value.message


def test_a_package_goes_on_sale_only_with_its_parts():
    off = CATALOG | {"CHILD": replace(CATALOG["CHILD"], active=False)}
    with pytest.raises(ValidationError, match="已停售"):
        check_type(CATALOG["FAMILY"], off)
    check_type(replace(CATALOG["FAMILY"], active=False), off)
    # once the package is off sale, its part may go too
    check_type(replace(CATALOG["CHILD"], active=False),
               CATALOG | {"FAMILY": replace(CATALOG["FAMILY"], active=False)})


def test_kinds_and_codes():
    assert parse_kind("pass") is P
    with pytest.raises(ValidationError, match="regular"):
        parse_kind("vip")
    assert normalize_code(" adult_2 ") == "ADULT_2"
    with pytest.raises(ValidationError):
        normalize_code("成人")


def test_a_type_off_sale_is_refused_unless_it_was_sold_already():
    off = CATALOG | {"SPECIAL": replace(CATALOG["SPECIAL"], active=False)}
    with pytest.raises(ValidationError, match="^特价票已停售$"):
        expand_line(off, "SPECIAL", 1)
    assert [s.price_fen for s in expand_line(off, "SPECIAL", 2, sold_already=True)] == [6000] * 2


SAT = date(2026, 11, 21)


@pytest.mark.parametrize(("first", "last", "weekdays", "days"), [
    (SAT, SAT, None, [SAT]),
    (SAT, date(2026, 11, 30), [6, 7], [SAT, date(2026, 11, 22), date(2026, 11, 28),
                                       date(2026, 11, 29)]),
    (date(2026, 11, 23), date(2026, 11, 24), [1], [date(2026, 11, 23)]),
])
def test_capacity_days(first, last, weekdays, days):
    assert capacity_days(first, last, weekdays) == days


@pytest.mark.parametrize(("first", "last", "weekdays", "words"), [
    (date(2026, 11, 22), SAT, None, "晚于"),
    (SAT, date(2027, 11, 22), None, "366"),
    (SAT, SAT, [1], "没有所选的星期"),
    (SAT, SAT, [], "星期"),
    (SAT, SAT, [6, 6], "不重复"),
    (SAT, SAT, [0], "星期"),
])
def test_bad_ranges(first, last, weekdays, words):
    with pytest.raises(ValidationError) as err:
        capacity_days(first, last, weekdays)
    assert words in err.value.message


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
       st.integers(0, MAX_RANGE_DAYS - 1),
       st.sets(st.integers(1, 7), min_size=1))
def test_capacity_days_are_the_range_on_those_weekdays(first, span, weekdays):
    last = date.fromordinal(first.toordinal() + span)
    try:
        days = capacity_days(first, last, sorted(weekdays))
    except ValidationError:  # a short range may hold none of the weekdays
        assert all(date.fromordinal(first.toordinal() + i).isoweekday() not in weekdays
                   for i in range(span + 1))
        return
    assert days == sorted(days) and first <= days[0] and days[-1] <= last
    assert all(d.isoweekday() in weekdays for d in days)
    assert len(days) == sum(1 for i in range(span + 1)
                            if date.fromordinal(first.toordinal() + i).isoweekday() in weekdays)

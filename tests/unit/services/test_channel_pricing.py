"""Channel orders: what the channel charged is split over the tickets by their window prices,
remainder fen on the first, and the parts always add up."""

from hypothesis import given
from hypothesis import strategies as st

from app.domain.catalog import DEMO_CATALOG, expand_line
from app.services.sales.channels import payment_method, price_tickets

CATALOG = {t.code: t for t in DEMO_CATALOG}


def test_discounted_family_and_adults():
    specs = expand_line(CATALOG, "ADULT", 2) + expand_line(CATALOG, "FAMILY", 1)
    assert [s.price_fen for s in specs] == [10000, 10000, 8667, 4333]
    assert price_tickets(30001, specs) == [9092, 9091, 7879, 3939]
    assert price_tickets(33000, specs) == [10000, 10000, 8667, 4333]  # no discount: list


def test_free_tickets_and_a_zero_amount():
    specs = expand_line(CATALOG, "CHILD", 3)
    assert price_tickets(0, specs) == [0, 0, 0]


@given(st.lists(st.sampled_from(["ADULT", "CHILD", "FAMILY", "SPECIAL", "ANNUAL"]),
                min_size=1, max_size=6),
       st.integers(0, 10_000_000))
def test_prices_sum_to_the_amount_and_are_never_negative(codes, amount):
    specs = [s for c in codes for s in expand_line(CATALOG, c, 1)]
    prices = price_tickets(amount, specs)
    assert sum(prices) == amount and min(prices) >= 0 and len(prices) == len(specs)


def test_payment_methods_by_channel():
    assert [payment_method(c) for c in ("ota_ctrip", "ota_meituan", "agency", "miniprogram",
                                        "website")] == ["ota", "ota", "ota", "wechat", "wechat"]

"""The void rule (撤销上一单, `app.domain.voids`): table-driven, plus the property that a void
is only ever the whole of what was paid, young enough, of an untouched window cash sale."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.voids import CODES, VOID_WINDOW, Sale, VoidAsk, refusal, window_refusal

SOLD = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
SALE = Sale("W01-20261121-0007", "window", "01", "clerk1", SOLD, 25000, 0, "cash",
            ("valid", "valid", "valid"))
ASK = VoidAsk(SOLD + timedelta(minutes=3), "01", "clerk1", "clerk", 25000)


@pytest.mark.parametrize("sale, ask, code, words", [
    (SALE, ASK, None, None),
    (SALE, replace(ASK, at=SOLD + VOID_WINDOW), None, None),  # ten minutes: still allowed
    (SALE, replace(ASK, clerk="super1", role="supervisor"), None, None),
    (replace(SALE, channel="ota_ctrip"), ASK, "not_window_sale", "不是窗口售票"),
    (replace(SALE, payment_method="wechat"), ASK, "not_cash", "不是现金收款"),
    (SALE, replace(ASK, terminal="02"), "other_terminal", "不是本窗口（02）售出的"),
    (SALE, replace(ASK, clerk="clerk2"), "other_clerk", "由 clerk1 售出，只能由本人或主管撤销"),
    (replace(SALE, refunded_fen=100), ASK, "refunded", "已退票或已撤销"),
    (replace(SALE, ticket_states=("valid", "refunded", "valid")), ASK, "refunded", "已退票"),
    (replace(SALE, ticket_states=("void", "void", "void")), ASK, "refunded", "已撤销"),
    (replace(SALE, ticket_states=("valid", "redeemed", "valid")), ASK, "redeemed", "核销入园"),
    (replace(SALE, ticket_states=("redeeming", "valid", "valid")), ASK, "redeemed", "核销"),
    (replace(SALE, uses_used=1), ASK, "redeemed", "核销入园"),  # a pass used once
    (SALE, replace(ASK, at=SOLD + VOID_WINDOW + timedelta(seconds=1)), "too_old",
     "售出已超过 10 分钟，不能撤销，请按退票办理"),
    (SALE, replace(ASK, amount_fen=25001), "amount", "应退还实收 ¥250.00，不是 ¥250.01"),
    (SALE, replace(ASK, amount_fen=0), "amount", "不是 ¥0.00"),
])
def test_the_rule(sale, ask, code, words):
    found = refusal(sale, ask)
    assert (found and found.code) == code
    if words:
        assert words in found.message and sale.order_no in found.message


def test_the_window_adds_its_shift_and_its_last_sale():
    opened = SOLD - timedelta(hours=1)
    assert window_refusal(SALE, ASK, shift_opened_at=opened, last_order_no=SALE.order_no) \
        is None
    other = window_refusal(SALE, ASK, shift_opened_at=SOLD + timedelta(seconds=1),
                           last_order_no=SALE.order_no)
    assert other.code == "other_shift" and "不是本班次售出的" in other.message
    later = window_refusal(SALE, ASK, shift_opened_at=opened,
                           last_order_no="W01-20261121-0008")
    assert later.code == "not_last" and "W01-20261121-0008" in later.message
    # and then the rule itself
    old = window_refusal(SALE, replace(ASK, at=SOLD + timedelta(hours=1)),
                         shift_opened_at=opened, last_order_no=SALE.order_no)
    assert old.code == "too_old"


def test_the_minutes_are_a_setting():
    ask = replace(ASK, at=SOLD + timedelta(minutes=20))
    assert refusal(SALE, ask).code == "too_old"
    assert refusal(SALE, ask, window=timedelta(minutes=30)) is None
    assert "超过 5 分钟" in refusal(SALE, replace(ASK, at=SOLD + timedelta(minutes=6)),
                                  window=timedelta(minutes=5)).message


STATES = st.sampled_from(["valid", "redeeming", "redeemed", "refunding", "refunded", "void"])


@given(states=st.lists(STATES, min_size=1, max_size=5), paid=st.integers(0, 10**7),
       refunded=st.integers(0, 10**7), amount=st.integers(0, 10**7),
       seconds=st.integers(-60, 3600), used=st.integers(0, 3),
       clerk=st.sampled_from(["clerk1", "clerk2"]),
       role=st.sampled_from(["clerk", "supervisor"]), terminal=st.sampled_from(["01", "02"]),
       method=st.sampled_from(["cash", "wechat"]))
def test_a_void_allowed_is_the_whole_of_an_untouched_young_cash_sale(
        states, paid, refunded, amount, seconds, used, clerk, role, terminal, method):
    sale = Sale("W01-1", "window", "01", "clerk1", SOLD, paid, refunded, method,
                tuple(states), used)
    ask = VoidAsk(SOLD + timedelta(seconds=seconds), terminal, clerk, role, amount)
    found = refusal(sale, ask)
    if found is None:
        assert set(states) == {"valid"} and used == 0 and refunded == 0
        assert amount == paid and method == "cash" and terminal == "01"
        assert seconds <= VOID_WINDOW.total_seconds()
        assert clerk == "clerk1" or role == "supervisor"
    else:
        assert found.code in CODES and found.message

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.ids import (
    channel_order_no,
    is_ticket_code,
    new_ticket_code,
    refund_no,
    window_order_no,
)


def test_window_order_no_format():
    assert window_order_no("01", date(2026, 11, 21), 7) == "W01-20261121-0007"
    assert window_order_no("a3", date(2026, 1, 2), 12345) == "WA3-20260102-12345"


@pytest.mark.parametrize("terminal", ["", "with space", "TOOLONGTERMINAL", "中文"])
def test_window_order_no_refuses_bad_terminal(terminal):
    with pytest.raises(ValueError):
        window_order_no(terminal, date(2026, 11, 21), 1)


def test_channel_and_refund_numbers():
    assert channel_order_no("ota_ctrip", "88123") == "CTRIP-88123"
    assert refund_no("W01-20261121-0007", 2) == "W01-20261121-0007-R2"


@given(st.binary(min_size=16, max_size=16))
def test_ticket_code_is_ascii_26_base32(raw):
    code = new_ticket_code(raw)
    assert code.startswith("MP1-") and len(code) == 30 and code.isascii()
    assert is_ticket_code(code)


def test_ticket_codes_are_unique_enough():
    codes = {new_ticket_code() for _ in range(2000)}
    assert len(codes) == 2000


def test_is_ticket_code_rejects_garbage():
    assert not is_ticket_code("MP1-SHORT")
    assert not is_ticket_code("XX1-" + "A" * 26)

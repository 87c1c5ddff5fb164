"""Where a refund asked for at the window goes: pure rules over the order JSON and the quote."""

from datetime import date
from types import SimpleNamespace

import pytest

from app.services.lookup.search import window_order_no_of_tail
from app.services.refunds.refund_routing import (
    APPROVAL,
    CASH_HERE,
    ORIGINAL_ROUTE,
    cash_payouts_waiting,
    order_method,
    route,
    tickable,
)

WITHIN_RULES = SimpleNamespace(needs_approval=False)
NEEDS_APPROVAL = SimpleNamespace(needs_approval=True)


def paid_by(*payments: tuple[str, str]) -> dict:
    return {"payments": [{"method": m, "status": s} for m, s in payments]}


@pytest.mark.parametrize(("order", "method"), [
    (paid_by(("cash", "succeeded")), "cash"),
    (paid_by(("wechat", "failed"), ("alipay", "succeeded")), "alipay"),  # the one that paid
    (paid_by(("ota", "pending")), "ota"),  # nothing paid yet: the first one tried
    ({"payments": []}, "cash"),
])
def test_the_refund_goes_back_the_way_the_order_was_paid(order, method):
    assert order_method(order) == method


@pytest.mark.parametrize(("order", "quote", "goes"), [
    (paid_by(("cash", "succeeded")), WITHIN_RULES, CASH_HERE),
    (paid_by(("cash", "succeeded")), NEEDS_APPROVAL, APPROVAL),
    (paid_by(("cash", "succeeded")), None, APPROVAL),  # not quoted: the store decides
    (paid_by(("wechat", "succeeded")), WITHIN_RULES, ORIGINAL_ROUTE),
    (paid_by(("ota", "succeeded")), NEEDS_APPROVAL, APPROVAL),
])
def test_only_cash_within_the_rules_is_settled_at_the_window(order, quote, goes):
    assert route(order, quote) == goes


def test_cash_payouts_waiting_for_this_window():
    refunds = [
        {"refund_no": "R1", "status": "approved", "method": "cash", "payout_terminal": None},
        {"refund_no": "R2", "status": "approved", "method": "cash", "payout_terminal": "01"},
        {"refund_no": "R3", "status": "approved", "method": "cash", "payout_terminal": "02"},
        {"refund_no": "R4", "status": "approved", "method": "wechat"},
        {"refund_no": "R5", "status": "awaiting_approval", "method": "cash"},
    ]
    waiting = cash_payouts_waiting({"refunds": refunds}, "01")
    assert [r["refund_no"] for r in waiting] == ["R1", "R2"]
    assert cash_payouts_waiting({}, "01") == []


@pytest.mark.parametrize(("ticket", "can"), [
    ({"status": "valid", "kind": "regular"}, True),
    ({"status": "redeemed", "kind": "regular"}, False),  # used: nothing to give back
    ({"status": "redeemed", "kind": "pass"}, True),  # a pass is quoted by its uses left
    ({"status": "refunded", "kind": "regular"}, False),
    ({"status": "refunding", "kind": "regular"}, False),
    ({"status": "void", "kind": "pass"}, False),
])
def test_select_all_ticks_only_what_a_refund_may_still_take(ticket, can):
    assert tickable(ticket) is can


@pytest.mark.parametrize(("typed", "order_no"), [
    ("0012", "W01-20261121-0012"), ("12", "W01-20261121-0012"), ("１２", "W01-20261121-0012"),
    (" 7 ", "W01-20261121-0007"), ("0", None), ("0000", None), ("12345", None),
    ("12a", None), ("", None), ("W01-20261121-0012", None),
])
def test_a_tail_of_digits_names_todays_order_of_this_window(typed, order_no):
    assert window_order_no_of_tail(typed, terminal="01", day=date(2026, 11, 21)) == order_no

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import IllegalTransition
from app.domain.lifecycle import (
    OrderStatus,
    PassUse,
    PaymentState,
    TicketState,
    derive_flags,
    derive_status,
    display_status,
    next_ticket_state,
    ticket_events,
)

V, RG, RD, RF, RFD, VOID = (TicketState.VALID, TicketState.REDEEMING, TicketState.REDEEMED,
                            TicketState.REFUNDING, TicketState.REFUNDED, TicketState.VOID)


@pytest.mark.parametrize(("payment", "cancelled", "tickets", "expected"), [
    ("none", False, [V], OrderStatus.PENDING_PAYMENT),
    ("failed", False, [V], OrderStatus.PENDING_PAYMENT),
    ("started", False, [V], OrderStatus.PAYING),
    ("none", True, [VOID], OrderStatus.CANCELLED),
    ("paid", True, [VOID, VOID], OrderStatus.CANCELLED),
    ("paid", False, [V, RF, RD], OrderStatus.REFUNDING),
    ("paid", False, [V, RG], OrderStatus.REDEEMING),
    ("paid", False, [RFD, RFD], OrderStatus.REFUNDED),
    ("paid", False, [RD, RFD], OrderStatus.REDEEMED),
    ("paid", False, [RD, RD], OrderStatus.REDEEMED),
    ("paid", False, [V, RD], OrderStatus.PAID),
    ("paid", False, [V], OrderStatus.PAID),
])
def test_derive_status_table(payment, cancelled, tickets, expected):
    assert derive_status(payment, cancelled, tickets) == expected


@given(
    st.sampled_from(list(PaymentState)), st.booleans(),
    st.lists(st.sampled_from(list(TicketState)), min_size=1, max_size=8),
)
def test_derive_status_properties(payment, cancelled, tickets):
    status = derive_status(payment, cancelled, tickets)
    if cancelled:
        assert status is OrderStatus.CANCELLED
    elif payment is not PaymentState.PAID:
        assert status in (OrderStatus.PENDING_PAYMENT, OrderStatus.PAYING)
    elif TicketState.REFUNDING in tickets:
        assert status is OrderStatus.REFUNDING
    else:
        # order of tickets never matters
        assert derive_status(payment, cancelled, list(reversed(tickets))) is status
        if status is OrderStatus.REFUNDED:
            assert set(tickets) == {RFD}
        if status is OrderStatus.PAID:
            assert any(t in (V, VOID) for t in tickets)


@pytest.mark.parametrize(("state", "event", "after"), [
    (V, "redeem_start", RG), (RG, "redeem_done", RD), (RG, "redeem_abort", V),
    (V, "refund_start", RF), (RF, "refund_done", RFD), (RF, "refund_abort", V), (V, "void", VOID),
])
def test_legal_transitions(state, event, after):
    assert next_ticket_state(state, event) is after


@given(st.sampled_from(list(TicketState)), st.sampled_from(ticket_events()))
def test_every_other_transition_is_refused(state, event):
    legal = {(V, "redeem_start"), (RG, "redeem_done"), (RG, "redeem_abort"), (V, "refund_start"),
             (RF, "refund_done"), (RF, "refund_abort"), (V, "void")}
    if (state, event) in legal:
        next_ticket_state(state, event)
    else:
        with pytest.raises(IllegalTransition) as err:
            next_ticket_state(state, event)
        assert "不能" in err.value.message


def test_refunded_ticket_cannot_be_redeemed_or_refunded_again():
    for event in ("redeem_start", "refund_start", "void"):
        with pytest.raises(IllegalTransition):
            next_ticket_state(RFD, event)


def test_pass_stays_valid_until_last_use():
    left, state = PassUse(2).use()
    assert (left, state) == (1, V)
    left, state = PassUse(left).use()
    assert (left, state) == (0, RD)
    with pytest.raises(IllegalTransition):
        PassUse(0).use()


def test_flags_and_display_status():
    assert derive_flags([V, RD]) == ["partially_redeemed"]
    assert derive_flags([RFD, V, RD]) == ["partially_redeemed", "partially_refunded"]
    assert derive_flags([RD, RD]) == []
    assert display_status(OrderStatus.PAID, 1) == "anomaly"
    assert display_status(OrderStatus.PAID, 0) == "paid"

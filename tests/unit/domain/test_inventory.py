"""The inventory invariant, as a Hypothesis state machine over the pure rules."""

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from app.domain.errors import SoldOut, ValidationError
from app.domain.inventory import (
    Lease,
    Stock,
    grant_lease,
    release_lease,
    restock_refund,
    sell_from_lease,
    sell_online,
    set_capacity,
)


def test_sell_online_refuses_past_capacity_in_chinese():
    stock = Stock(capacity=5, sold=3, held=1)
    with pytest.raises(SoldOut) as err:
        sell_online(stock, 2, "成人票")
    assert err.value.message == "成人票余票不足，仅剩 1 张"
    with pytest.raises(SoldOut, match="已售罄"):
        sell_online(Stock(capacity=1, sold=1), 1, "成人票")


def test_lease_sale_beyond_lease_takes_free_then_oversells():
    stock, lease = grant_lease(Stock(capacity=10), 4)
    assert stock.held == 4 and lease.granted == 4
    stock = sell_online(stock, 5)
    stock, lease, over = sell_from_lease(stock, lease, 7)  # 4 from lease, 1 free, 2 over
    assert (stock.sold, stock.held, stock.oversold, lease.used, over) == (10, 0, 2, 4, 2)
    stock.check()


def test_release_returns_unused_units():
    stock, lease = grant_lease(Stock(capacity=10), 6)
    stock, lease, _ = sell_from_lease(stock, lease, 2)
    stock, lease = release_lease(stock, lease)
    assert (stock.sold, stock.held, lease.active) == (2, 0, False)
    assert release_lease(stock, lease) == (stock, lease)  # idempotent


def test_refund_restocks_only_before_visit():
    stock = Stock(capacity=10, sold=4)
    assert restock_refund(stock, 2, visit_date_past=False).sold == 2
    assert restock_refund(stock, 2, visit_date_past=True).sold == 4


def test_capacity_cannot_drop_below_committed():
    with pytest.raises(ValidationError):
        set_capacity(Stock(capacity=10, sold=5, held=3), 7)
    assert set_capacity(Stock(capacity=10, sold=5, held=3), 8).capacity == 8


class InventoryMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.stock = Stock(capacity=50)
        self.leases: list[Lease] = []
        self.tickets = 0

    @rule(qty=st.integers(1, 20))
    def online_sale(self, qty):
        try:
            self.stock = sell_online(self.stock, qty)
            self.tickets += qty
        except SoldOut:
            assert qty > self.stock.available

    @rule(qty=st.integers(1, 20))
    def lease(self, qty):
        self.stock, lease = grant_lease(self.stock, qty)
        self.leases.append(lease)

    @precondition(lambda self: self.leases)
    @rule(i=st.integers(0, 100), qty=st.integers(1, 10))
    def offline_sale(self, i, qty):
        k = i % len(self.leases)
        self.stock, self.leases[k], _ = sell_from_lease(self.stock, self.leases[k], qty)
        self.tickets += qty

    @precondition(lambda self: self.leases)
    @rule(i=st.integers(0, 100))
    def release(self, i):
        k = i % len(self.leases)
        self.stock, self.leases[k] = release_lease(self.stock, self.leases[k])

    @invariant()
    def never_oversold_within_capacity(self):
        self.stock.check()
        assert self.stock.held == sum(lease.left for lease in self.leases)
        assert self.stock.sold + self.stock.oversold == self.tickets
        assert all(0 <= lease.used <= lease.granted for lease in self.leases)


TestInventoryMachine = InventoryMachine.TestCase

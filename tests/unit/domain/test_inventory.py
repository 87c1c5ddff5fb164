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
    return_units,
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
    sale = sell_from_lease(stock, lease, 7)  # 4 from lease, 1 free, 2 over
    stock, lease, over = sale.stock, sale.lease, sale.oversold
    assert (stock.sold, stock.held, stock.oversold, lease.used, over) == (10, 0, 2, 4, 2)
    assert sale.from_free == 1
    stock.check()


def test_sale_beyond_its_lease_takes_free_then_the_devices_other_leases():
    stock, mine = grant_lease(Stock(capacity=10), 2)
    stock, other = grant_lease(stock, 3)
    stock, spare = grant_lease(stock, 4)
    sale = sell_from_lease(stock, mine, 8, [other, spare])  # 2 lease, 1 free, 3 + 2 others
    assert (sale.lease.used, [o.used for o in sale.others], sale.from_free) == (2, [3, 2], 1)
    assert (sale.stock.sold, sale.stock.held, sale.stock.oversold, sale.oversold) == (8, 2, 0, 0)
    sale.stock.check()


def test_sale_on_a_dead_lease_or_none_skips_it_and_oversells_the_rest():
    stock, lease = grant_lease(Stock(capacity=3), 3)
    dead = release_lease(stock, lease)[1]
    sale = sell_from_lease(Stock(capacity=3, sold=3), dead, 2, [Lease(5, 5)])
    assert (sale.lease, sale.others, sale.stock.oversold, sale.oversold) == (
        dead, (Lease(5, 5),), 2, 2)
    sale = sell_from_lease(Stock(capacity=3, held=1), None, 3, [Lease(1)])
    assert (sale.from_free, sale.others[0].used, sale.stock.sold, sale.stock.held) == (2, 1, 3, 0)


def test_release_returns_unused_units():
    stock, lease = grant_lease(Stock(capacity=10), 6)
    sale = sell_from_lease(stock, lease, 2)
    stock, lease = release_lease(sale.stock, sale.lease)
    assert (stock.sold, stock.held, lease.active) == (2, 0, False)
    assert release_lease(stock, lease) == (stock, lease)  # idempotent


def test_refund_restocks_only_before_visit():
    stock = Stock(capacity=10, sold=4)
    assert restock_refund(stock, 2, visit_date_past=False).sold == 2
    assert restock_refund(stock, 2, visit_date_past=True).sold == 4


def test_units_given_back_leave_oversold_first_and_never_more_than_counted():
    stock = Stock(capacity=10, sold=10, oversold=2)
    assert return_units(stock, 3) == Stock(capacity=10, sold=9, oversold=0)
    assert return_units(stock, 1) == Stock(capacity=10, sold=10, oversold=1)  # frees no place
    assert return_units(stock, 13) == stock  # the row is already short: the sweep reports it
    assert restock_refund(stock, 2, visit_date_past=False).oversold == 0


def test_capacity_cannot_drop_below_committed():
    with pytest.raises(ValidationError):
        set_capacity(Stock(capacity=10, sold=5, held=3), 7)
    assert set_capacity(Stock(capacity=10, sold=5, held=3), 8).capacity == 8


class InventoryMachine(RuleBasedStateMachine):
    """Two devices hold leases; sales arrive online, on a lease (alive or dead) or on none,
    and take from the device's other leases as the store does; refunds come in time or late.
    The stock row always counts every ticket: sold + oversold = live + refunded late."""

    def __init__(self):
        super().__init__()
        self.stock = Stock(capacity=50)
        self.leases: list[tuple[int, Lease]] = []  # (device, lease)
        self.live = 0
        self.late = 0

    @rule(qty=st.integers(1, 20))
    def online_sale(self, qty):
        try:
            self.stock = sell_online(self.stock, qty)
            self.live += qty
        except SoldOut:
            assert qty > self.stock.available

    @rule(device=st.integers(0, 1), qty=st.integers(1, 20))
    def lease(self, device, qty):
        self.stock, lease = grant_lease(self.stock, qty)
        self.leases.append((device, lease))

    @rule(device=st.integers(0, 1), i=st.integers(0, 100), on_lease=st.booleans(),
          qty=st.integers(1, 10))
    def pushed_sale(self, device, i, on_lease, qty):
        mine = [k for k, (d, _) in enumerate(self.leases) if d == device]
        k = mine[i % len(mine)] if mine and on_lease else None
        others = [j for j in mine if j != k]
        before = self.stock
        sale = sell_from_lease(self.stock, None if k is None else self.leases[k][1], qty,
                               [self.leases[j][1] for j in others])
        taken = sum(o.used for o in sale.others) - sum(self.leases[j][1].used for j in others)
        if k is not None:
            taken += sale.lease.used - self.leases[k][1].used
            self.leases[k] = (device, sale.lease)
        for j, lease in zip(others, sale.others, strict=True):
            self.leases[j] = (device, lease)
        assert taken + sale.from_free + sale.oversold == qty
        assert sale.oversold == 0 or sale.stock.available == 0  # oversold only when full
        assert sale.stock.oversold - before.oversold == sale.oversold
        self.stock = sale.stock
        self.live += qty

    @precondition(lambda self: self.leases)
    @rule(i=st.integers(0, 100))
    def release(self, i):
        k = i % len(self.leases)
        device, lease = self.leases[k]
        self.stock, lease = release_lease(self.stock, lease)
        self.leases[k] = (device, lease)

    @precondition(lambda self: self.live)
    @rule(qty=st.integers(1, 10), past=st.booleans())
    def refund(self, qty, past):
        qty = min(qty, self.live)
        before = self.stock
        self.stock = restock_refund(self.stock, qty, visit_date_past=past)
        self.live -= qty
        if past:
            self.late += qty
            assert self.stock == before
        else:
            assert self.stock.oversold == max(0, before.oversold - qty)

    @invariant()
    def never_oversold_within_capacity(self):
        self.stock.check()
        assert self.stock.held == sum(lease.left for _, lease in self.leases)
        assert self.stock.sold + self.stock.oversold == self.live + self.late
        assert all(0 <= lease.used <= lease.granted for _, lease in self.leases)


TestInventoryMachine = InventoryMachine.TestCase

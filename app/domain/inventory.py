"""Inventory arithmetic and leases (DESIGN.md §4). Invariant: sold + held <= capacity.

The store applies the same arithmetic as a conditional UPDATE inside the write transaction;
these functions are the rules it implements and the model the property tests check.
"""

from dataclasses import dataclass, replace

from .errors import SoldOut, ValidationError


@dataclass(frozen=True)
class Stock:
    capacity: int
    sold: int = 0
    held: int = 0
    oversold: int = 0  # sales recorded on dead leases beyond capacity; outside the invariant

    @property
    def available(self) -> int:
        return max(0, self.capacity - self.sold - self.held)

    def check(self) -> None:
        if min(self.capacity, self.sold, self.held, self.oversold) < 0:
            raise ValueError(f"negative inventory: {self}")
        if self.sold + self.held > self.capacity:
            raise ValueError(f"invariant broken: {self}")


@dataclass(frozen=True)
class Lease:
    granted: int
    used: int = 0
    active: bool = True

    @property
    def left(self) -> int:
        return self.granted - self.used if self.active else 0


def sell_online(stock: Stock, qty: int, name: str = "") -> Stock:
    """Take `qty` units of free capacity or refuse with SoldOut."""
    _positive(qty)
    if qty > stock.available:
        raise SoldOut(_sold_out_message(name, stock.available), available=stock.available)
    return replace(stock, sold=stock.sold + qty)


def grant_lease(stock: Stock, qty: int) -> tuple[Stock, Lease]:
    """Reserve up to `qty` units for one device to sell offline (may grant fewer)."""
    _positive(qty)
    granted = min(qty, stock.available)
    return replace(stock, held=stock.held + granted), Lease(granted=granted)


def sell_from_lease(stock: Stock, lease: Lease, qty: int) -> tuple[Stock, Lease, int]:
    """An offline sale on a lease. Returns (stock, lease, oversold units).

    Units inside the lease move from held to sold. Units beyond a dead or exhausted lease were
    still sold (money changed hands): they take free capacity if any, else count as oversold.
    """
    _positive(qty)
    from_lease = min(qty, lease.left)
    stock = replace(stock, held=stock.held - from_lease, sold=stock.sold + from_lease)
    lease = replace(lease, used=lease.used + from_lease)
    rest = qty - from_lease
    from_free = min(rest, stock.available)
    over = rest - from_free
    stock = replace(stock, sold=stock.sold + from_free, oversold=stock.oversold + over)
    return stock, lease, over


def release_lease(stock: Stock, lease: Lease) -> tuple[Stock, Lease]:
    """Return or expire a lease: its unused units go back to free capacity."""
    if not lease.active:
        return stock, lease
    return replace(stock, held=stock.held - lease.left), replace(lease, active=False)


def restock_refund(stock: Stock, qty: int, visit_date_past: bool) -> Stock:
    """A refund gives its units back only while the visit date is not past."""
    _positive(qty)
    if visit_date_past:
        return stock
    return replace(stock, sold=max(0, stock.sold - qty))


def set_capacity(stock: Stock, capacity: int) -> Stock:
    if capacity < stock.sold + stock.held:
        raise ValidationError(
            f"容量不能小于已售加预留（{stock.sold + stock.held}）", field="capacity")
    return replace(stock, capacity=capacity)


def _positive(qty: int) -> None:
    if qty < 1:
        raise ValidationError("数量必须大于 0", field="qty")


def _sold_out_message(name: str, available: int) -> str:
    what = name or "该票种"
    if available <= 0:
        return f"{what}已售罄"
    return f"{what}余票不足，仅剩 {available} 张"

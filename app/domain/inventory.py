"""Inventory arithmetic and leases (DESIGN.md §4). Invariant: sold + held <= capacity.

The store applies the same arithmetic as a conditional UPDATE inside the write transaction;
these functions are the rules it implements and the model the property tests check.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

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


@dataclass(frozen=True)
class LeaseSale:
    """What a sale that already happened did to the stock and to the device's leases."""

    stock: Stock
    lease: Lease | None  # the lease the window sold on, updated (None: sold on no lease)
    others: tuple[Lease, ...]  # the device's other leases of that type and day, updated
    from_free: int  # units taken from free capacity
    oversold: int  # units beyond capacity, counted in `stock.oversold`


def sell_from_lease(stock: Stock, lease: Lease | None, qty: int,
                    others: Sequence[Lease] = ()) -> LeaseSale:
    """An offline sale on a lease (or on none): it happened, so it is never refused.

    Units come, in this order, from the lease it was sold on (while active: held → sold),
    from free capacity, from the device's `others` leases of the same type and day (oldest
    first; the free capacity goes first so the device keeps its holds for later sales);
    what is still missing is counted as oversold (outside the invariant).
    """
    _positive(qty)
    rest = qty
    if lease is not None:
        stock, lease, took = _use(stock, lease, rest)
        rest -= took
    from_free = min(rest, stock.available)
    stock = replace(stock, sold=stock.sold + from_free)
    rest -= from_free
    used_others = []
    for other in others:
        stock, other, took = _use(stock, other, rest)
        used_others.append(other)
        rest -= took
    stock = replace(stock, oversold=stock.oversold + rest)
    return LeaseSale(stock, lease, tuple(used_others), from_free, rest)


def _use(stock: Stock, lease: Lease, qty: int) -> tuple[Stock, Lease, int]:
    """Move up to `qty` of the lease's units from held to sold."""
    took = min(qty, lease.left)
    if took <= 0:
        return stock, lease, 0
    return (replace(stock, held=stock.held - took, sold=stock.sold + took),
            replace(lease, used=lease.used + took), took)


def release_lease(stock: Stock, lease: Lease) -> tuple[Stock, Lease]:
    """Return or expire a lease: its unused units go back to free capacity."""
    if not lease.active:
        return stock, lease
    return replace(stock, held=stock.held - lease.left), replace(lease, active=False)


def return_units(stock: Stock, qty: int) -> Stock:
    """Units of tickets that no longer count (refunded in time, voided) leave the row:
    out of `oversold` first — those never had a place, so giving them back frees none —
    then out of `sold`. A row counting fewer units than `qty` is left as it is: its count
    is already wrong, and the inventory sweep reports it rather than a guess moving it."""
    _positive(qty)
    if qty > stock.sold + stock.oversold:
        return stock
    from_over = min(qty, stock.oversold)
    return replace(stock, oversold=stock.oversold - from_over,
                   sold=stock.sold - (qty - from_over))


def restock_refund(stock: Stock, qty: int, visit_date_past: bool) -> Stock:
    """A refund gives its units back (`return_units`) only while the visit date is not past."""
    _positive(qty)
    if visit_date_past:
        return stock
    return return_units(stock, qty)


def set_capacity(stock: Stock, capacity: int) -> Stock:
    if capacity < stock.sold + stock.held:
        raise ValidationError(
            f"容量不能小于已售加预留（{stock.sold + stock.held}）", field="capacity")
    return replace(stock, capacity=capacity)


MAX_RANGE_DAYS = 366  # one capacity change covers at most a (leap) year


def capacity_days(first: date, last: date, weekdays: Sequence[int] | None = None) -> list[date]:
    """The days from `first` to `last` (both included) a capacity change covers, only those
    on ISO `weekdays` (1 Monday … 7 Sunday) when given. ValidationError for a range that is
    backwards, longer than MAX_RANGE_DAYS, or holds none of the weekdays."""
    if first > last:
        raise ValidationError("开始日期不能晚于结束日期", field="from")
    span = (last - first).days + 1
    if span > MAX_RANGE_DAYS:
        raise ValidationError(f"一次最多设置 {MAX_RANGE_DAYS} 天（所选 {span} 天）", field="to")
    days = [first + timedelta(days=i) for i in range(span)]
    if weekdays is None:
        return days
    chosen = set(weekdays)
    if not chosen or not chosen <= set(range(1, 8)) or len(chosen) != len(weekdays):
        raise ValidationError("星期必须是 1（周一）到 7（周日）中不重复的数字", field="weekdays")
    days = [d for d in days if d.isoweekday() in chosen]
    if not days:
        raise ValidationError("所选日期范围内没有所选的星期", field="weekdays")
    return days


def _positive(qty: int) -> None:
    if qty < 1:
        raise ValidationError("数量必须大于 0", field="qty")


def _sold_out_message(name: str, available: int) -> str:
    what = name or "该票种"
    if available <= 0:
        return f"{what}已售罄"
    return f"{what}余票不足，仅剩 {available} 张"

"""What a write changed (Anki's `OpChanges`): a small frozen record the client announces once
after every write, so the printer and the sync engine wake and each screen refreshes what it
shows — no screen tells another, no screen pokes a worker.

The window's use cases each have a record below (`SALE`, `CASH_REFUND`, ...); a service may also
return one as its result's `changes`. Records combine with `|`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class OpChanges:
    """Which kinds of thing changed. `sync`: the store should hear now (ops queued in the
    outbox) or has just changed (a request it answered), so the sync engine runs a round."""

    orders: bool = False
    stock: bool = False
    cash: bool = False  # the drawer: a shift, a cash movement, a shift's expected cash
    refunds: bool = False
    anomalies: bool = False
    print_jobs: bool = False
    sync: bool = False
    settings: bool = False
    order_ids: tuple[str, ...] = ()

    def __or__(self, other: OpChanges) -> OpChanges:
        values = {f.name: getattr(self, f.name) or getattr(other, f.name)
                  for f in fields(self) if f.name != "order_ids"}
        ids = tuple(dict.fromkeys(self.order_ids + other.order_ids))
        return OpChanges(**values, order_ids=ids)

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def for_orders(self, *order_ids: str) -> OpChanges:
        """The same record naming the orders it touched (the Orders view keeps its place)."""
        return self | OpChanges(orders=True, order_ids=tuple(i for i in order_ids if i))


NOTHING = OpChanges()
# A cash sale: the order, stock, the shift's cash, tickets to print, a `sale` op to push.
SALE = OpChanges(orders=True, stock=True, cash=True, print_jobs=True, sync=True)
# A cash refund settled at the window (or an approved one paid out): the same, plus the refund.
CASH_REFUND = SALE | OpChanges(refunds=True)
# A refund the central store took (approval or the original route): nothing local yet.
STORE_REFUND = OpChanges(refunds=True, sync=True)
# A refund approved or rejected on the store.
REFUND_DECIDED = OpChanges(refunds=True, orders=True, sync=True)
SHIFT_OPENED = OpChanges(cash=True, sync=True)
CASH_MOVED = OpChanges(cash=True)
SHIFT_CLOSED = OpChanges(cash=True, print_jobs=True, sync=True)  # the Z report prints
PRINT_RETRIED = OpChanges(print_jobs=True)
REPRINTED = OpChanges(print_jobs=True, sync=True)  # a `reprint` op for the store
SETTINGS_SAVED = OpChanges(settings=True)  # the printer may have changed: try it now
ANOMALY_FIXED = OpChanges(anomalies=True, orders=True, sync=True)
# An unpaid order cancelled on the store: the order and its released units.
ORDER_CANCELLED = OpChanges(orders=True, stock=True, sync=True)
# Orders flagged by hand on the store: new open anomalies on them.
ORDERS_FLAGGED = OpChanges(anomalies=True, orders=True, sync=True)


def changes_of(result: object) -> OpChanges:
    """The record a service put on its result (`result.changes`, or the result itself)."""
    if isinstance(result, OpChanges):
        return result
    found = getattr(result, "changes", None)
    return found if isinstance(found, OpChanges) else NOTHING

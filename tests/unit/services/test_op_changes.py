"""OpChanges: what a write changed, combined with `|`, read back from a result."""

from types import SimpleNamespace

import pytest

from app.services.journal import op_changes
from app.services.journal.op_changes import NOTHING, OpChanges, changes_of


def test_combining_keeps_every_kind_and_each_order_once():
    a = OpChanges(cash=True).for_orders("o1", "o2")
    b = OpChanges(print_jobs=True).for_orders("o2", "o3", "")
    both = a | b
    assert (both.cash, both.print_jobs, both.orders, both.sync) == (True, True, True, False)
    assert both.order_ids == ("o1", "o2", "o3")


def test_nothing_is_false_and_anything_is_true():
    assert not NOTHING and not OpChanges()
    assert OpChanges(settings=True)


@pytest.mark.parametrize(("name", "wakes_printer", "wakes_sync", "moves_cash"), [
    ("SALE", True, True, True), ("CASH_REFUND", True, True, True),
    ("STORE_REFUND", False, True, False), ("SHIFT_OPENED", False, True, True),
    ("CASH_MOVED", False, False, True), ("SHIFT_CLOSED", True, True, True),
    ("PRINT_RETRIED", True, False, False), ("REPRINTED", True, True, False),
])
def test_each_window_use_case_says_what_it_touches(name, wakes_printer, wakes_sync, moves_cash):
    changes = getattr(op_changes, name)
    assert (changes.print_jobs, changes.sync, changes.cash) == (
        wakes_printer, wakes_sync, moves_cash)


def test_a_result_may_carry_its_own_changes():
    assert changes_of(OpChanges(stock=True)) == OpChanges(stock=True)
    assert changes_of(SimpleNamespace(changes=OpChanges(refunds=True))).refunds
    assert changes_of(SimpleNamespace(changes="not a record")) is NOTHING
    assert changes_of(42) is NOTHING


def test_the_window_write_services_say_what_they_changed():
    """The results of the window's writes carry their own record: the views declare none."""
    from app.services.prints.reprint import ReprintResult
    from app.services.refunds.window_refunds import WindowRefund
    from app.services.sales.selling import SaleResult
    from app.services.shifts.shifts import MovementResult, ShiftReport

    sale = SaleResult("o-1", "W01-20261121-0001", 20000, 30000, 10000, (), ())
    assert changes_of(sale) == op_changes.SALE.for_orders("o-1")
    refund = WindowRefund("W01-20261121-0001-R1", "succeeded", 7000, 3000, 0, "op", ())
    assert changes_of(refund) == op_changes.CASH_REFUND
    assert changes_of(MovementResult("m", "s", "in", 100, "零钱", 600)) == op_changes.CASH_MOVED
    assert changes_of(ShiftReport("s", "01", "clerk1", 0, 0, 0, {}, ())) == op_changes.SHIFT_CLOSED
    assert changes_of(ReprintResult((), 1)) == op_changes.REPRINTED

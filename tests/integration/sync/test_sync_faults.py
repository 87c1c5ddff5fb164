"""Transport faults between a window and the real store (through the fault proxy), crashes of
the window, and ops the store refuses: every op is applied exactly once, none is lost."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from window import orders_of

from app.services.journal import outbox as queue
from app.store.models import AppliedOp, Order
from sync import outbox


def applied_ops(live):
    with live.db.session() as s:
        return dict(s.execute(sa.select(AppliedOp.op_id, AppliedOp.result)).all())


def store_orders(live):
    with live.db.session() as s:
        return set(s.execute(sa.select(Order.order_id)).scalars())


def run_until_settled(window, *, steps=12):
    """Step the engine, moving its clock to each retry, until nothing is left to push."""
    for _ in range(steps):
        delay = window.engine.step()
        if window.engine.status().pending == 0 and window.engine.online:
            return
        window.clock.at += timedelta(seconds=delay)
    raise AssertionError(f"still pending: {window.outbox_states()}")


@pytest.mark.parametrize("fault", [("drop_before", 0), ("drop_after", 0), ("status", 503),
                                   ("status", 429)])
def test_a_push_fault_is_retried_and_every_op_is_applied_exactly_once(
        live, proxy, make_window, fault):
    w = make_window(proxy.base)
    w.engine.sync_once()
    sales = [w.sell(("ADULT", 1)), w.sell(("CHILD", 2))]
    action, status = fault
    proxy.add("/sync/push", action, status=status)

    first = w.engine.step()

    assert not w.engine.online and w.engine.status().pending == 2
    assert 1.6 <= first <= 2.4  # the first retry of the schedule
    run_until_settled(w)
    assert set(w.outbox_states().values()) == {"acked"}
    assert store_orders(live) == {s.order_id for s in sales}
    assert all(r["status"] == "applied" for r in applied_ops(live).values())
    assert len(applied_ops(live)) == 2
    if action == "drop_after":  # the store had committed: the retry was a duplicate
        assert proxy.seen["/sync/push"] == 2


def test_a_flaky_link_loses_no_op_and_duplicates_none(live, proxy, make_window):
    w = make_window(proxy.base)
    w.engine.sync_once()
    sold = set()
    for i in range(8):
        sold.add(w.sell(("ADULT", 1 + i % 3)).order_id)
        proxy.add("/sync/push", ("drop_before", "drop_after", "status")[i % 3],
                  status=503 if i % 3 == 2 else 0)
        proxy.add("/sync/changes", "drop_after")
        w.engine.step()
    proxy.clear()
    run_until_settled(w, steps=30)

    assert store_orders(live) == sold
    assert len(applied_ops(live)) == 8
    w.engine.sync_once()
    assert orders_of(w.db) == orders_of(live.db)


def test_ops_left_inflight_by_a_crash_are_pushed_after_restart(live, make_window):
    w = make_window(live.base)
    w.engine.sync_once()
    sale = w.sell(("ADULT", 2))
    ops = outbox.claim(w.db.session(), now=w.clock())
    w.client.push(w.device_id, ops)  # the store committed; the window died before settling

    assert w.engine.recover() == 1
    status = w.engine.sync_once()

    assert status.pending == 0 and set(w.outbox_states().values()) == {"acked"}
    assert store_orders(live) == {sale.order_id}
    assert len(applied_ops(live)) == 1


def test_a_refused_op_is_rejected_and_the_order_is_replaced_by_the_stores_copy(
        live, make_window):
    w = make_window(live.base)
    w.engine.sync_once()
    sale = w.sell(("ADULT", 1))
    w.engine.sync_once()
    with w.db.session() as s, s.begin():  # a local change the store will refuse
        s.execute(sa.update(Order).where(Order.order_id == sale.order_id)
                  .values(status="refunding", version=Order.version + 1))
        queue.append(s, "refund", {"order_id": sale.order_id, "order_no": sale.order_no,
                                   "ticket_ids": []}, now=w.clock())

    status = w.engine.sync_once()

    assert (status.pending, status.rejected) == (0, 1)
    (refused,) = outbox.rejected_ops(w.db.session())
    assert refused.order_no == sale.order_no and refused.error.startswith("rejected ")
    assert orders_of(w.db)[sale.order_id] == orders_of(live.db)[sale.order_id]
    assert any(e.kind == "orders_changed" and sale.order_id in e.order_ids for e in w.events)

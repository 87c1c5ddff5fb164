"""Pushing the outbox to the real store over HTTP: applied once, replays are duplicates."""

import sqlalchemy as sa
from window import orders_of

from app.store.models import Order
from sync import outbox


def test_sale_is_pushed_applied_and_a_replay_is_a_duplicate(live, make_window):
    w = make_window(live.base)
    assert w.engine.sync_once().online  # the catalog and stock arrive through the feed
    sale = w.sell(("ADULT", 2))
    ops = outbox.claim(w.db.session(), now=w.clock())
    outbox.recover(w.db.session())

    status = w.engine.sync_once()

    assert (status.online, status.pending, status.rejected) == (True, 0, 0)
    assert set(w.outbox_states().values()) == {"acked"}
    with live.db.session() as s:
        order = s.execute(sa.select(Order).where(Order.order_id == sale.order_id)).scalar_one()
        assert order.order_no == sale.order_no
    again = w.client.push(w.device_id, ops)
    assert [r["status"] for r in again] == ["duplicate"]
    assert orders_of(w.db)[sale.order_id][:3] == orders_of(live.db)[sale.order_id][:3]

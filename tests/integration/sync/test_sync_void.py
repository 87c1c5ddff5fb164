"""撤销上一单 through the sync engine (issue 12), over real HTTP on SQLite and PostgreSQL: the
window's void reaches the store as a cash refund with rule `void`, and the window's cache ends
where the store is — also when the store refuses the void."""

import uuid
from datetime import timedelta

import requests
import sqlalchemy as sa
from window import orders_of

from app.services.refunds import window_voids
from app.services.shifts import shifts
from app.store.models import Refund


def on_shift(w):
    shifts.open_shift(w.db.session(), terminal=w.terminal, clerk=w.clerk, float_fen=0,
                      now=w.clock() - timedelta(hours=1))


def void(w, order_no):
    return window_voids.void_last_sale(w.db.session(), order_no, terminal=w.terminal,
                                       clerk=w.clerk, role="clerk", now=w.clock(),
                                       venue=w.venue)


def refunds_of(db, order_id):
    with db.session() as s:
        return [(r.refund_no, r.rule, r.fee_fen, r.amount_fen, r.status) for r in s.execute(
            sa.select(Refund).where(Refund.order_id == order_id)).scalars()]


def test_the_void_reaches_the_store_and_the_cache_agrees(live, make_window, client_clock):
    w = make_window(live.base)
    assert w.engine.sync_once().online
    on_shift(w)
    sale = w.sell(("ADULT", 2))
    client_clock.at += timedelta(minutes=2)
    live.clock.at += timedelta(minutes=2)
    void(w, sale.order_no)

    status = w.engine.sync_once()

    assert (status.online, status.pending, status.rejected) == (True, 0, 0)
    assert refunds_of(live.db, sale.order_id) == [
        (f"{sale.order_no}-R1", "void", 0, 20000, "succeeded")]
    assert refunds_of(w.db, sale.order_id) == refunds_of(live.db, sale.order_id)
    assert orders_of(w.db)[sale.order_id] == orders_of(live.db)[sale.order_id]
    assert orders_of(live.db)[sale.order_id][1] == "refunded"


def test_a_void_the_store_refuses_is_undone_in_the_cache(live, make_window, client_clock):
    """The order was refunded at the store (by the original route) before the window's void
    arrived: the store rejects the void, the supervisor sees it, and the window's cache shows
    the store's refund, not its own void."""
    w = make_window(live.base)
    assert w.engine.sync_once().online
    on_shift(w)
    sale = w.sell(("ADULT", 1))
    assert w.engine.sync_once().pending == 0
    clerk = live.login("clerk1")
    r = requests.post(live.url(f"/orders/{sale.order_no}/refunds"), timeout=20,
                      json={"ticket_ids": [sale.tickets[0].ticket_id], "method": "cash",
                            "reason": "游客临时有事"},
                      headers=clerk | {"Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    void(w, sale.order_no)  # the window had not heard of it yet

    status = w.engine.sync_once()

    assert status.rejected == 1
    [(_, rule, fee, amount, state)] = refunds_of(live.db, sale.order_id)
    assert (rule, state) == ("same_day", "succeeded") and fee == 3000 and amount == 7000
    assert refunds_of(w.db, sale.order_id) == refunds_of(live.db, sale.order_id)
    assert orders_of(w.db)[sale.order_id] == orders_of(live.db)[sale.order_id]

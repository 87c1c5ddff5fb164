"""A page of many orders is written to the cache in bulk (one upsert per table): the cache ends
exactly as when the same orders are written one by one (every row of every table compared), and
an order that collides with the cache is left out without stopping the others."""

from datetime import timedelta

import sqlalchemy as sa
from test_sync_void import on_shift, void

from app.store.db import Database
from sync import cache

TABLES = ("orders", "tickets", "payments", "refunds", "inventory", "ticket_types", "sync_state")


def cache_db(tmp_path, name):
    return Database.open(f"sqlite:///{tmp_path / f'{name}.sqlite3'}")


def everything(db):
    """Every row of the tables the feed writes, sorted (plain values)."""
    with db.engine.connect() as conn:
        return {t: sorted(tuple(map(repr, r)) for r in conn.execute(sa.text(f"SELECT * FROM {t}")))
                for t in TABLES}


def sold_and_voided(live, make_window, client_clock, n=12):
    """The store's feed (one page) after a window sold `n` orders and voided the last (which
    comes twice: sold, then refunded)."""
    w = make_window(live.base)
    assert w.engine.sync_once().online
    on_shift(w)
    sales = [w.sell(("ADULT", 1 + i % 3), ("CHILD", 1)) for i in range(n)]
    client_clock.at += timedelta(minutes=2)
    live.clock.at += timedelta(minutes=2)
    void(w, sales[-1].order_no)
    assert w.engine.sync_once().pending == 0
    page = w.client.changes(cache.START, limit=500)
    assert not page["has_more"]
    return page


def one_by_one(db, page, now):
    """The page written order by order: its other changes first, then one page per order."""
    orders = [c for c in page["changes"] if c["entity"] == "order"]
    rest = [c for c in page["changes"] if c["entity"] != "order"]
    cache.apply_page(db.session(), {**page, "changes": rest}, now=now)
    for change in orders:
        cache.apply_page(db.session(), {**page, "changes": [change]}, now=now)


def stale_copies(db, page):
    """Local rows the store's copies replace: a payment under the window's own id, a ticket
    whose state the window changed, a refund the store does not have."""
    orders = [c["data"] for c in page["changes"] if c["entity"] == "order"]
    with db.session() as s, s.begin():
        s.execute(sa.text("UPDATE payments SET payment_id = 'local-payment' WHERE order_id = :o"),
                  {"o": orders[0]["order_id"]})
        s.execute(sa.text("UPDATE tickets SET status = 'redeemed' WHERE order_id = :o"),
                  {"o": orders[1]["order_id"]})
        s.execute(sa.text("UPDATE refunds SET refund_id = 'local-refund' WHERE order_id = :o"),
                  {"o": orders[-1]["order_id"]})


def test_a_page_written_in_bulk_equals_the_orders_written_one_by_one(
        live, make_window, client_clock, tmp_path, caplog):
    page = sold_and_voided(live, make_window, client_clock)
    now = client_clock()
    bulk, single = cache_db(tmp_path, "bulk"), cache_db(tmp_path, "single")
    try:
        for db in (bulk, single):  # an older copy of the same orders, with local changes
            one_by_one(db, page, now)
            stale_copies(db, page)
        assert everything(bulk) == everything(single)

        caplog.clear()
        applied = cache.apply_page(bulk.session(), page, now=now)
        assert not [r for r in caplog.records if r.name == "sync.cache"]  # in bulk, no fallback
        one_by_one(single, page, now)

        orders = tuple(dict.fromkeys(c["id"] for c in page["changes"] if c["entity"] == "order"))
        assert len(orders) == 12 and applied.order_ids == orders
        rows = everything(bulk)
        assert rows == everything(single)
        assert not any("local-" in str(r) for t in ("payments", "refunds") for r in rows[t])
        assert len(rows["orders"]) == 12 and len(rows["refunds"]) == 1
    finally:
        bulk.dispose()
        single.dispose()


def test_an_order_colliding_with_the_cache_does_not_stop_the_rest_of_the_page(
        live, make_window, client_clock, tmp_path):
    page = sold_and_voided(live, make_window, client_clock)
    now = client_clock()
    orders = [c for c in page["changes"] if c["entity"] == "order"]
    clash = orders[4]
    db = cache_db(tmp_path, "w")
    try:  # the cache holds another order under the same order_no
        cache.apply_page(db.session(), {**page, "changes": [
            c for c in page["changes"] if c["entity"] != "order"] + [
            {**clash, "id": "local-order", "data": {
                **clash["data"], "order_id": "local-order", "tickets": [], "payments": [],
                "refunds": []}}]}, now=now)

        applied = cache.apply_page(db.session(), page, now=now)

        others = dict.fromkeys(c["id"] for c in orders if c is not clash)
        assert applied.order_ids == tuple(others)
        assert cache.cursor(db.session()) == page["next_cursor"]
        with db.engine.connect() as conn:
            cached = dict(conn.execute(sa.text("SELECT order_id, order_no FROM orders")).all())
        assert cached == {"local-order": clash["data"]["order_no"],
                          **{c["id"]: c["data"]["order_no"] for c in orders if c is not clash}}
    finally:
        db.dispose()

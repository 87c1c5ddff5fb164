"""Applying pages of the changes feed to a window's cache (real SQLite files): the store side is
a second database whose sessions write the feed, read with `changes.read` as the route does."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.domain.venue import Venue
from app.services.admin import seeding
from app.services.journal import changes
from app.services.sales import selling
from app.store.db import Database
from app.store.models import Inventory, Order, Payment, SyncState, Ticket
from sync import cache

VENUE = Venue()


@pytest.fixture
def store(tmp_path, now):
    db = Database.open(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    db.emit_changes = True
    seeding.seed_catalog(db.session(), now=now, venue=VENUE, days=2)
    yield db
    db.dispose()


@pytest.fixture
def window(tmp_path):
    db = Database.open(f"sqlite:///{tmp_path / 'window.sqlite3'}")
    yield db
    db.dispose()


def page(store, since=0, limit=500):
    with store.session() as s, s.begin():
        rows, cursor, more = changes.read(s, int(since), limit)
    return {"changes": [{"seq": c.seq, "entity": c.entity, "id": c.id, "version": c.version,
                         "data": c.data} for c in rows],
            "next_cursor": str(cursor), "has_more": more}


def store_sale(store, now, *lines, visit_date=None):
    request = selling.SaleRequest(
        terminal="01", clerk="clerk1", device_id="dev-9",
        visit_date=visit_date or VENUE.local_date(now),
        lines=tuple(selling.SaleLine(c, q) for c, q in lines), tendered_fen=10**7)
    return selling.sell(store.session(), request, now=now, venue=VENUE, local_effects=False)


def pull_all(window, store, now):
    applied = []
    while True:
        p = page(store, cache.cursor(window.session()))
        applied.append(cache.apply_page(window.session(), p, now=now))
        if not p["has_more"]:
            return applied


def rows(db, model, *cols):
    with db.session() as s:
        return sorted(tuple(getattr(r, c) for c in cols)
                      for r in s.execute(sa.select(model)).scalars())


def test_a_page_upserts_catalog_inventory_and_orders_and_stores_its_cursor(store, window, now):
    sale = store_sale(store, now, ("ADULT", 2), ("FAMILY", 1))

    (applied,) = pull_all(window, store, now)

    assert applied.order_ids == (sale.order_id,)
    assert "ADULT" in applied.catalog and f"ADULT:{VENUE.local_date(now)}" in applied.inventory
    assert cache.cursor(window.session()) == applied.cursor == page(store)["next_cursor"]
    for model, cols in ((Order, ("order_id", "order_no", "status", "version", "terminal",
                                 "clerk", "device_id", "total_fen", "paid_fen")),
                        (Ticket, ("ticket_id", "code", "ticket_type", "sold_as", "name",
                                  "kind", "list_price_fen", "position", "status", "version")),
                        (Payment, ("payment_id", "payment_no", "amount_fen", "tendered_fen")),
                        (Inventory, ("ticket_type", "visit_date", "capacity", "sold", "held",
                                     "oversold", "version"))):
        assert rows(window, model, *cols) == rows(store, model, *cols)


def test_replaying_a_page_changes_nothing(store, window, now):
    store_sale(store, now, ("ADULT", 1))
    p = page(store)
    cache.apply_page(window.session(), p, now=now)
    before = {m: rows(window, m, *[c.name for c in m.__table__.columns])
              for m in (Order, Ticket, Payment, Inventory)}

    cache.apply_page(window.session(), p, now=now)  # a crash before the cursor: replayed

    assert {m: rows(window, m, *[c.name for c in m.__table__.columns])
            for m in (Order, Ticket, Payment, Inventory)} == before


def test_a_lower_version_is_skipped_and_an_equal_one_overwrites(store, window, now):
    sale = store_sale(store, now, ("ADULT", 1))
    p = page(store)
    cache.apply_page(window.session(), p, now=now)
    with window.session() as s, s.begin():  # the window changed it since (its op on the way)
        s.execute(sa.update(Order).where(Order.order_id == sale.order_id)
                  .values(version=5, status="refunding"))

    order_change = next(c for c in p["changes"] if c["entity"] == "order")
    lower = {"changes": [order_change], "next_cursor": p["next_cursor"], "has_more": False}
    assert cache.apply_page(window.session(), lower, now=now).order_ids == ()
    assert rows(window, Order, "status", "version") == [("refunding", 5)]

    equal = {**lower, "changes": [{**order_change, "version": 5,
                                   "data": {**order_change["data"], "version": 5}}]}
    assert cache.apply_page(window.session(), equal, now=now).order_ids == (sale.order_id,)
    assert rows(window, Order, "status", "version") == [("paid", 5)]


def order_data(store, order_id):
    return next(c["data"] for c in reversed(page(store)["changes"])
                if c["entity"] == "order" and c["id"] == order_id)


def test_the_stores_payment_replaces_the_windows_own_copy(store, window, now):
    sale = store_sale(store, now, ("CHILD", 1))
    pull_all(window, store, now)
    with window.session() as s, s.begin():  # the window's sale: same order, its own payment id
        s.execute(sa.update(Payment).where(Payment.order_id == sale.order_id)
                  .values(payment_id="local-payment-id"))

    cache.force_order(window.session(), order_data(store, sale.order_id))

    assert rows(window, Payment, "payment_id", "payment_no") == rows(
        store, Payment, "payment_id", "payment_no")


def test_a_failing_change_leaves_neither_rows_nor_cursor(store, window, now):
    store_sale(store, now, ("ADULT", 1))
    p = page(store)
    broken = dict(p, changes=p["changes"] + [{"seq": 10**6, "entity": "order", "id": "x",
                                              "version": 1, "data": {"order_id": "x"}}])
    with pytest.raises(KeyError):
        cache.apply_page(window.session(), broken, now=now)
    assert rows(window, Order, "order_id") == []
    assert rows(window, SyncState, "cursor") == []
    assert cache.cursor(window.session()) == "0"


def test_an_anomaly_whose_order_is_not_cached_keeps_its_order_no(window, now):
    anomaly = {"id": "a-1", "kind": "oversold", "category": "inventory", "order_id": "o-404",
               "order_no": "W01-20261121-0001", "reason": "超售", "evidence": {},
               "priority": 5, "status": "open", "fixes": ["mark_resolved"],
               "detected_at": "2026-11-21T02:00:00Z", "resolved_at": None,
               "resolved_by": None, "resolution": None, "version": 1}
    p = {"changes": [{"seq": 1, "entity": "anomaly", "id": "a-1", "version": 1,
                      "data": anomaly}], "next_cursor": "1", "has_more": False}
    assert cache.apply_page(window.session(), p, now=now).anomalies == ("a-1",)
    with window.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT order_id, order_no FROM anomalies")).one() == (
            None, "W01-20261121-0001")


def test_paged_pull_converges_on_the_store(store, window, now):
    for i in range(6):
        store_sale(store, now, ("ADULT", 1 + i % 2),
                   visit_date=VENUE.local_date(now) + timedelta(days=i % 2))
    while True:
        p = page(store, cache.cursor(window.session()), limit=7)
        cache.apply_page(window.session(), p, now=now)
        if not p["has_more"]:
            break
    for model, cols in ((Order, ("order_id", "status", "version")),
                        (Ticket, ("ticket_id", "status", "version")),
                        (Inventory, ("ticket_type", "visit_date", "sold", "version"))):
        assert rows(window, model, *cols) == rows(store, model, *cols)
    assert isinstance(rows(window, Inventory, "visit_date")[0][0], date)


def test_a_window_sale_keeps_the_stores_stock_version_so_the_store_count_lands(
        store, window, now):
    p = page(store)
    cache.apply_page(window.session(), p, now=now)
    day = VENUE.local_date(now)

    def adult():
        with window.session() as s:
            return s.execute(sa.select(Inventory.sold, Inventory.version).where(
                Inventory.ticket_type == "ADULT", Inventory.visit_date == day)).one()

    before = adult()
    req = selling.SaleRequest("01", "clerk1", "w", day, (selling.SaleLine("ADULT", 2),), 20000)
    selling.sell(window.session(), req, now=now, venue=VENUE)  # a window sale, local effects
    assert tuple(adult()) == (before.sold + 2, before.version)  # counted, version untouched
    cache.apply_page(window.session(), p, now=now)  # the store's count (it never saw the sale)
    assert tuple(adult()) == tuple(before)


def test_rows_a_fix_answered_are_kept_without_moving_the_cursor(store, window, now):
    sale = store_sale(store, now, ("ADULT", 1))
    pull_all(window, store, now)
    cursor = cache.cursor(window.session())
    order = page(store)["changes"]
    data = next(c["data"] for c in order if c["entity"] == "order")
    fixed = dict(data, version=data["version"] + 1, status="refunded", refunded_fen=10000)
    anomaly = {"anomaly_id": "a-1", "kind": "duplicate_payment", "category": "payment",
               "order_id": sale.order_id, "order_no": sale.order_no, "reason": "重复支付",
               "evidence": {}, "priority": 4100, "status": "resolved",
               "fixes": ["refund_duplicate"], "detected_at": "2026-11-21T02:00:00Z",
               "resolved_at": "2026-11-21T02:05:00Z", "resolved_by": "supervisor",
               "resolution": "refund_duplicate", "version": 2}
    applied = cache.apply_fetched(window.session(), orders=[fixed], anomalies=[anomaly])
    assert applied.order_ids == (sale.order_id,) and applied.anomalies == ("a-1",)
    assert cache.cursor(window.session()) == cursor == applied.cursor
    assert rows(window, Order, "status", "version") == [("refunded", data["version"] + 1)]
    with window.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT status, order_id FROM anomalies")).one() == (
            "resolved", sale.order_id)
    stale = dict(anomaly, status="open", version=1)  # the feed's older copy comes later
    assert cache.apply_fetched(window.session(), anomalies=[stale]).anomalies == ()


def test_an_order_with_a_local_op_on_its_way_keeps_the_windows_copy(store, window, now):
    """A cash refund made here and not pushed yet: the store's copy of that order (even at a
    higher version: a gate scanned meanwhile) must not bring the refunded ticket back."""
    from app.services.journal import outbox
    from app.store.models import OutboxOp

    sale = store_sale(store, now, ("ADULT", 1))
    p = page(store)
    cache.apply_page(window.session(), p, now=now)
    with window.session() as s, s.begin():  # the window's refund, its op still pending
        s.execute(sa.update(Order).where(Order.order_id == sale.order_id)
                  .values(version=2, status="refunded"))
        op = outbox.append(s, "refund", {"order_id": sale.order_id}, now=now)
    order_change = next(c for c in p["changes"] if c["entity"] == "order")
    newer = {"changes": [{**order_change, "version": 7,
                          "data": {**order_change["data"], "version": 7}}],
             "next_cursor": p["next_cursor"], "has_more": False}
    assert cache.apply_page(window.session(), newer, now=now).order_ids == ()
    assert rows(window, Order, "status", "version") == [("refunded", 2)]
    with window.session() as s, s.begin():  # the store took the op: its copy is the truth
        s.execute(sa.update(OutboxOp).where(OutboxOp.op_id == op.op_id).values(state="acked"))
    assert cache.apply_page(window.session(), newer, now=now).order_ids == (sale.order_id,)
    assert rows(window, Order, "status", "version") == [("paid", 7)]

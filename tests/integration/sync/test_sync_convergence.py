"""Two windows and the real store: after syncing, both caches hold the store's orders and stock
(also when a window crashed between pages); a long-poll hears a change at once; leases are
kept topped up and mirrored."""

import time
from datetime import timedelta

import requests
import sqlalchemy as sa
from window import inventory_of, orders_of

from app.services.stock import catalog
from app.store.models import LeaseRow
from sync import cache


def test_two_windows_converge_on_the_store(live, make_window):
    w1 = make_window(live.base, "w1", device_id="dev-1", clerk="clerk1", terminal="01")
    w2 = make_window(live.base, "w2", device_id="dev-2", clerk="clerk2", terminal="02")
    for w in (w1, w2):
        w.engine.sync_once()
    for i in range(3):
        w1.sell(("ADULT", 1 + i))
        w2.sell(("CHILD", 1), ("FAMILY", 1))
    headers = live.login("clerk1", device_id="dev-3", terminal="03")
    r = requests.post(live.url("/orders"), headers={**headers, "Idempotency-Key": "k-1"},
                      json={"channel": "window", "visit_date": "2026-11-21",
                            "lines": [{"ticket_type": "ADULT", "qty": 2}],
                            "payment": {"method": "cash", "amount_fen": 20000}}, timeout=10)
    assert r.status_code == 201, r.text

    for w in (w1, w2, w1):  # w1 again: it hears of w2's sales (the stock they took)
        assert w.engine.sync_once().pending == 0

    expected_orders, expected_stock = orders_of(live.db), inventory_of(live.db)
    assert len(expected_orders) == 7
    for w, terminal in ((w1, "01"), (w2, "02")):  # each window its own orders (DESIGN §14)
        own = {k: v for k, v in expected_orders.items() if v[0].startswith(f"W{terminal}-")}
        assert len(own) == 3
        assert orders_of(w.db) == own
        assert inventory_of(w.db) == expected_stock


def test_a_crash_between_pages_replays_the_last_page_and_still_converges(live, make_window):
    w = make_window(live.base, page_size=20)
    for i in range(12):
        catalog.set_capacity(live.db.session(), "ADULT", live.venue.local_date(live.clock()),
                             900 + i, now=live.clock())
    since = cache.cursor(w.db.session())
    first = w.client.changes(since, limit=20)
    cache.apply_page(w.db.session(), first, now=w.clock())
    second = w.client.changes(first["next_cursor"], limit=20)
    cache.apply_page(w.db.session(), second, now=w.clock())
    # the crash: the second page's rows were lost with its cursor (one transaction), so the
    # window restarts from the first page's cursor and the second page comes again
    with w.db.session() as s, s.begin():
        s.execute(sa.text("UPDATE sync_state SET cursor = :c"), {"c": first["next_cursor"]})
    w.engine.sync_once()

    cache.apply_page(w.db.session(), first, now=w.clock())  # replaying is harmless too
    w.engine.sync_once()
    assert inventory_of(w.db) == inventory_of(live.db)
    assert w.client.changes(cache.cursor(w.db.session()))["changes"] == []


def heard_of(window, order_id, within_s):
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if any(order_id in e.order_ids for e in list(window.events)
               if e.kind == "orders_changed"):
            return True
        time.sleep(0.05)
    return False


def test_a_long_poll_hears_a_store_change_at_once(live, make_window):
    """A change to this window's order made elsewhere (a supervisor's refund at the office)
    wakes its long-poll; another window's sales are not its business (DESIGN.md §14)."""
    w = make_window(live.base, long_poll_wait=25, idle_interval=600)
    w.engine.sync_once()  # the catalog
    sale = w.sell(("ADULT", 1))
    w.engine.sync_once()
    w.engine.start()
    time.sleep(0.5)  # let the poll thread sit in its long-poll
    w.events.clear()
    w2 = make_window(live.base, "w2", device_id="dev-2", clerk="clerk2", terminal="02")
    w2.engine.sync_once()
    other = w2.sell(("ADULT", 1))
    w2.engine.sync_once()
    ticket = w.client.get_order(sale.order_no)["tickets"][0]["ticket_id"]
    r = requests.post(live.url(f"/orders/{sale.order_no}/refunds"), timeout=10,
                      json={"ticket_ids": [ticket], "method": "cash", "reason": "游客要求"},
                      headers=live.login("supervisor", terminal=None) | {
                          "Idempotency-Key": "office-refund"})
    assert r.status_code == 201, r.text

    # far below the 25 s hold and the 600 s idle cycle: only the long-poll explains it
    assert heard_of(w, sale.order_id, within_s=10)
    assert not heard_of(w, other.order_id, within_s=0.5)


def test_leases_are_topped_up_mirrored_and_refilled_after_offline_sales(live, make_window):
    w = make_window(live.base, leases=True)
    w.engine.sync_once()

    with w.db.session() as s:
        leases = {r.ticket_type: (r.granted, r.used, r.status)
                  for r in s.execute(sa.select(LeaseRow)).scalars()}
    assert leases == {code: (30, 0, "active") for code in ("ADULT", "CHILD", "SPECIAL",
                                                           "ANNUAL", "GROUP")}
    assert inventory_of(live.db)[("ADULT", "2026-11-21")][2] == 30  # held on the store

    w.sell(("ADULT", 21), from_leases=True)  # offline: 9 left, below the low-water mark
    w.engine.sync_once()

    with w.db.session() as s:
        adult = s.execute(sa.select(LeaseRow).where(LeaseRow.ticket_type == "ADULT")).scalar_one()
    assert (adult.granted, adult.used) == (51, 21)  # topped up to 30 left
    assert w.engine.status().pending == 0


def test_a_sold_out_day_is_no_error_and_not_asked_again_at_once(live, make_window):
    day = live.venue.local_date(live.clock())
    catalog.set_capacity(live.db.session(), "SPECIAL", day, 0, now=live.clock())
    w = make_window(live.base, leases=True)

    status = w.engine.sync_once()

    assert status.online and status.alert is None
    with w.db.session() as s:
        codes = set(s.execute(sa.select(LeaseRow.ticket_type)).scalars())
    assert "SPECIAL" not in codes and "ADULT" in codes


def test_an_online_window_renews_its_hours_long_leases_before_they_lapse(live, make_window,
                                                                         client_clock, now):
    # DESIGN.md §14: the store's leases live 4 h; the keeper renews one due within 30 min
    w = make_window(live.base, leases=True)
    w.engine.sync_once()
    later = now + timedelta(hours=3, minutes=45)
    live.clock.at = client_clock.at = later
    w.engine.sync_once()
    with live.db.session() as s:
        adult = s.execute(sa.select(LeaseRow).where(LeaseRow.ticket_type == "ADULT")).scalar_one()
    assert adult.status == "active" and adult.expires_at == later + timedelta(hours=4)
    assert (adult.granted, adult.used) == (31, 0)  # renewed with one more unit
    with w.db.session() as s:
        mine = s.execute(sa.select(LeaseRow).where(LeaseRow.ticket_type == "ADULT")).scalar_one()
    assert mine.status == "active" and mine.expires_at == adult.expires_at

"""The admin's catalog reaches the windows through the changes feed (DESIGN.md §9, §15): a new
type, its capacity, a new price and its end of sale land in a window's cache (sync/cache.py)
and change what the window sells; a sale made before the window heard of the end is still
recorded by the store (money changed hands)."""

import pytest
import requests
import sqlalchemy as sa

from app.domain.errors import ValidationError
from app.services.stock import catalog
from app.store.models import Order, Ticket
from sync import cache


def _admin(live):
    return live.login("admin", terminal=None)


def _prices(db, order_no):
    with db.session() as s:
        return s.execute(sa.select(Ticket.price_fen).join(Order)
                         .where(Order.order_no == order_no).order_by(Ticket.position)
                         ).scalars().all()


def _on_sale(window):
    return {t.code: t.price_fen for t in catalog.ticket_types(window.db.session())}


def test_a_new_type_its_price_and_its_end_reach_the_window(live, make_window):
    w = make_window(live.base)
    w.engine.sync_once()
    admin, day = _admin(live), live.venue.local_date(live.clock())
    r = requests.post(live.url("/catalog/ticket-types"), headers=admin, timeout=10, json={
        "code": "EVENING", "name": "夜场票", "kind": "regular", "price_fen": 4000})
    assert r.status_code == 201, r.text
    r = requests.put(live.url("/inventory/EVENING"), headers=admin, timeout=10, json={
        "from": day.isoformat(), "to": day.isoformat(), "capacity": 50})
    assert r.status_code == 200, r.text

    page = w.client.changes(cache.cursor(w.db.session()))
    applied = cache.apply_page(w.db.session(), page, now=w.clock())
    assert applied.catalog == ("EVENING",)
    assert applied.inventory == (f"EVENING:{day}",)
    assert _on_sale(w)["EVENING"] == 4000
    assert catalog.availability(w.db.session(), day)["EVENING"] == 50
    first = w.sell(("EVENING", 2))
    assert first.total_fen == 8000
    assert w.engine.sync_once().pending == 0
    assert _prices(live.db, first.order_no) == [4000, 4000]  # the store took the sale

    r = requests.put(live.url("/catalog/ticket-types/EVENING"), headers=admin, timeout=10,
                     json={"price_fen": 4500})
    assert r.status_code == 200, r.text
    w.engine.sync_once()
    assert _on_sale(w)["EVENING"] == 4500
    assert w.sell(("EVENING", 1)).total_fen == 4500
    for db in (w.db, live.db):  # the earlier sale keeps its price, here and at the store
        assert _prices(db, first.order_no) == [4000, 4000]

    r = requests.put(live.url("/catalog/ticket-types/EVENING"), headers=admin, timeout=10,
                     json={"active": False})
    assert r.status_code == 200, r.text
    w.engine.sync_once()
    assert "EVENING" not in _on_sale(w)
    with pytest.raises(ValidationError, match="夜场票已停售"):
        w.sell(("EVENING", 1))


def test_a_sale_made_before_the_window_heard_of_the_end_is_still_recorded(live, make_window):
    w = make_window(live.base)
    w.engine.sync_once()
    sale = w.sell(("SPECIAL", 1))  # not pushed yet: the window is about to sync
    r = requests.put(live.url("/catalog/ticket-types/SPECIAL"), headers=_admin(live),
                     timeout=10, json={"active": False})
    assert r.status_code == 200, r.text
    assert w.engine.sync_once().pending == 0
    assert set(w.outbox_states().values()) == {"acked"}
    assert _prices(live.db, sale.order_no) == [6000]
    assert "SPECIAL" not in _on_sale(w)

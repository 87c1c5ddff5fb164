"""A real deployment from nothing (issue 13, README): a store started without demo data, its
first admin made on the command line's service, everything else through the §15 API — a
ticket type, a week of capacity, a clerk, a registered window — and then a clerk at that new
window signs in with its secret, sells from the catalog the feed brought, and refunds; the
store has it all, on SQLite and PostgreSQL."""

import random
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa
from live_store import running_store

from app.domain.venue import Venue
from app.services.admin import accounts
from app.services.refunds import window_refunds
from app.services.sales import selling
from app.services.shifts import shifts
from app.store.db import Database
from app.store.models import Order, Refund, Ticket, TicketTypeRow, User
from sync.engine import SyncEngine
from sync.leases import LeaseKeeper
from sync.sign_in import Window, sign_in
from sync.transport import StoreClient


@pytest.fixture
def bare(empty_db_url, now):
    with running_store(empty_db_url, now, demo=False) as store:
        yield store


def _ok(r, status=200):
    assert r.status_code == status, r.text
    return r.json()


def test_a_store_set_up_from_nothing_sells_and_refunds_at_its_new_window(bare, now,
                                                                        tmp_path):
    with bare.db.session() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(User)).scalar() == 0
        assert s.execute(sa.select(sa.func.count()).select_from(TicketTypeRow)).scalar() == 0
    # `main.py users add boss --role admin` (the service it runs)
    accounts.add_account(bare.db.session(), "boss", "boss-password-1", "admin", "老板",
                         now=now, actor="cli")
    admin = {"Authorization": "Bearer " + _ok(requests.post(bare.url("/auth/login"), json={
        "username": "boss", "password": "boss-password-1"}, timeout=10))["token"]}
    post = lambda path, body, status=201: _ok(  # noqa: E731
        requests.post(bare.url(path), json=body, headers=admin, timeout=10), status)
    post("/catalog/ticket-types", {"code": "ADULT", "name": "成人票", "kind": "regular",
                                   "price_fen": 12000, "active": True})
    today = Venue().local_date(now)
    _ok(requests.put(bare.url("/inventory/ADULT"), headers=admin, timeout=10, json={
        "from": today.isoformat(), "to": (today + timedelta(days=6)).isoformat(),
        "capacity": 50}))
    post("/users", {"username": "li", "display_name": "李售票", "role": "clerk",
                    "password": "li-password-1"})
    secret = post("/devices", {"device_id": "window-05", "kind": "window", "terminal": "05",
                               "location": "北门5号窗口"})["device_secret"]

    # the clerk at the new window: its own SQLite, signed in with the device's secret
    db = Database.open(f"sqlite:///{tmp_path / 'window-05.sqlite3'}")
    client = StoreClient(bare.base, timeout=10)
    try:
        at_store = Window(db, "window-05", "05", bare.base, secret)
        assert sign_in(at_store, "li", "li-password-1", now=now).role == "clerk"
        client.login("li", "li-password-1", "window-05", secret)
        engine = SyncEngine(db, client, device_id="window-05", clock=lambda: now,
                            on_event=lambda e: None, rng=random.Random(5), long_poll_wait=0,
                            lease_keeper=LeaseKeeper(db, client, device_id="window-05",
                                                     clock=lambda: now))
        engine.sync_once()  # the catalog and stock the admin set up reach the window
        shifts.open_shift(db.session(), terminal="05", clerk="li", float_fen=50_000, now=now)
        visit = today + timedelta(days=3)
        sale = selling.sell(db.session(), selling.SaleRequest(
            terminal="05", clerk="li", device_id="window-05", visit_date=visit,
            lines=(selling.SaleLine("ADULT", 2),), tendered_fen=30_000), now=now,
            venue=Venue())
        assert sale.total_fen == 24_000
        engine.sync_once()
        with db.session() as s:
            ticket_ids = s.execute(sa.select(Ticket.ticket_id).where(
                Ticket.order_id == sale.order_id)).scalars().all()
        refund = window_refunds.refund_cash(
            db.session(), sale.order_no, ticket_ids[:1], "游客行程有变", terminal="05",
            clerk="li", role="clerk", now=now + timedelta(minutes=30), venue=Venue())
        engine.sync_once()
    finally:
        client.close()
        db.dispose()
    with bare.db.session() as s:
        order = s.execute(sa.select(Order).where(Order.order_no == sale.order_no)).scalar_one()
        refunds = s.execute(sa.select(Refund).where(Refund.order_id == order.order_id)
                            ).scalars().all()
        assert (order.terminal, order.clerk, order.total_fen) == ("05", "li", 24_000)
        assert order.order_no.startswith("W05-")
        assert [(r.status, r.amount_fen) for r in refunds] == [("succeeded", refund.amount_fen)]
        assert 0 < refund.amount_fen <= 12_000
    anomalies = _ok(requests.get(bare.url("/anomalies"), headers=admin, timeout=10))
    assert anomalies["anomalies"] == []  # nothing the store had to flag

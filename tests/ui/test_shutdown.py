"""Closing the window ends the client (issue 12: with the embedded store the process lingered
11–25 s). The sync engine's long-poll was held open by the store, and uvicorn's shutdown waits
for every request in flight: the store now answers a held poll at once when it stops. Nothing
is lost: an op not pushed yet stays in the window's outbox for the next start (or, pushed
just before, is at the store)."""

import argparse
import threading

import sqlalchemy as sa
from test_login import sign_in

from app.domain.venue import Venue
from app.services.sales import selling
from app.store.db import Database
from ui.sync_runner import StoreHandle


def started_threads(before: set[threading.Thread]) -> list[str]:
    """Python threads started since `before` that still run (Qt's own pool threads aside)."""
    return sorted(t.name for t in threading.enumerate()
                  if t not in before and t.is_alive()
                  and not isinstance(t, threading._DummyThread))


def test_closing_with_a_long_poll_held_ends_every_thread_and_keeps_the_outbox(home, now, qtbot):
    from server import embedded
    from ui.app import ClientApp

    before = set(threading.enumerate())
    stores: list[embedded.EmbeddedStore] = []

    def store_starter(ctx):
        store = embedded.start(ctx.home, ctx.clock)
        stores.append(store)
        return StoreHandle(store.base_url, stop=store.stop, enroll=store.enroll_window)

    args = argparse.Namespace(home=str(home), lang=None, terminal=None, printer=None,
                              store=None)
    client = ClientApp(args, clock=lambda: now, store_starter=store_starter)
    closed = False
    try:
        client.start()
        qtbot.waitUntil(lambda: client.backend_ready and client.store is not None,
                        timeout=30_000)
        sign_in(qtbot, client.login, "clerk1", "clerk1")
        qtbot.waitUntil(lambda: client.ctx.sync.online, timeout=30_000)
        store = stores[0]
        qtbot.waitUntil(lambda: store.notifier.waiting >= 1, timeout=10_000)  # poll held
        sale = selling.sell(client.ctx.db.session(), selling.SaleRequest(
            terminal="01", clerk="clerk1", device_id="window-01",
            visit_date=Venue().local_date(now), lines=(selling.SaleLine("ADULT", 1),),
            tendered_fen=10_000), now=now, venue=Venue())  # queued; the engine not woken

        client.window.close()  # what the clerk does; the app quits and shuts down
        client.shutdown()
        closed = True

        assert not store.thread.is_alive()  # uvicorn did not wait out the poll's 25 s
        qtbot.waitUntil(lambda: started_threads(before) == [], timeout=5_000)
    finally:
        if not closed:
            client.shutdown()
    db = Database.open(f"sqlite:///{home / 'client.sqlite3'}")
    try:
        with db.engine.connect() as conn:
            ops = conn.execute(sa.text("SELECT kind, state, payload FROM outbox")).all()
    finally:
        db.dispose()
    [(kind, state, payload)] = ops
    assert kind == "sale" and sale.order_no in payload
    if state != "pending":  # a wake-up from the store made the engine push it before closing
        assert state == "acked"
        central = Database.open(f"sqlite:///{home / 'store.sqlite3'}")
        try:
            with central.engine.connect() as conn:
                assert conn.execute(sa.text("SELECT count(*) FROM orders WHERE order_no = :n"),
                                    {"n": sale.order_no}).scalar() == 1
        finally:
            central.dispose()


def test_a_held_long_poll_is_answered_when_the_store_stops(tmp_path, now):
    """The store's side alone: a poll waiting 60 s gets an ordinary (empty) page the moment
    the store stops, and uvicorn's thread ends."""
    from server import embedded
    from sync.transport import StoreClient

    store = embedded.start(tmp_path / "store", lambda: now)
    client = StoreClient(store.base_url)
    client.login("supervisor", "supervisor", None)
    answers: list[object] = []
    cursor = client.changes(None, limit=500)["next_cursor"]
    poll = threading.Thread(target=lambda: answers.append(client.changes(cursor, limit=1,
                                                                         wait=60)))
    poll.start()
    try:
        pause = threading.Event()
        for _ in range(1000):  # until the poll waits at the store (a few ms)
            if store.notifier.waiting or pause.wait(0.01):
                break
        assert store.notifier.waiting == 1
        store.stop()
        assert not store.thread.is_alive()
        poll.join(10)
        assert not poll.is_alive()
        assert len(answers) == 1 and answers[0]["changes"] == []  # answered, not cut off
    finally:
        client.close()

"""`make run` (DESIGN.md §12, §14): the desktop client on the embedded store signs clerk1 in
as today — the store registers the window the client runs as (`window-01`, or the window of
`--terminal`), the client signs in to it with that device's secret, and the sync engine comes
online with a token bound to the device and its terminal from the record."""

import argparse

import pytest
import sqlalchemy as sa
from test_login import sign_in

from app.store.db import Database
from app.store.models import ApiToken, Device


@pytest.mark.parametrize("terminal", [None, "03"])
def test_the_embedded_default_signs_the_window_in_at_its_registered_device(
        home, now, qtbot, terminal):
    from main import _quiet_store
    from ui.app import ClientApp

    args = argparse.Namespace(home=str(home), lang=None, terminal=terminal, printer=None,
                              store=None)
    client = ClientApp(args, clock=lambda: now, store_starter=_quiet_store)
    try:
        client.start()
        qtbot.waitUntil(lambda: client.backend_ready and client.store is not None,
                        timeout=30_000)
        sign_in(qtbot, client.login, "clerk1", "clerk1")
        assert client.window is not None  # signed in as today
        qtbot.waitUntil(lambda: client.ctx.sync.online, timeout=30_000)
        device_id = f"window-{terminal or '01'}"
        assert client.ctx.device_id == device_id and client.ctx.device_secret
        db = Database.open(f"sqlite:///{home / 'store.sqlite3'}")
        try:
            with db.session() as s:
                device = s.get(Device, device_id)
                tokens = s.execute(sa.select(ApiToken.device_id, ApiToken.terminal)
                                   .where(ApiToken.username == "clerk1")).all()
        finally:
            db.dispose()
        assert device.kind == "window" and device.secret_sha256 and device.active
        assert device.terminal == (terminal or "01")
        assert tokens and set(tokens) == {(device_id, terminal or "01")}
    finally:
        client.shutdown()


def test_signing_out_hands_the_clerks_unsent_ops_to_the_store_as_his(home, now, qtbot):
    """A sale the engine has not pushed yet when clerk1 signs out goes to the store as
    clerk1's before the next clerk's engine starts (the embedded store gives no op keys: the
    window has no other way to upload it as his), and clerk1's tokens are revoked."""
    from app.domain.venue import Venue
    from app.services.sales import selling
    from app.store.models import Order
    from main import _quiet_store
    from ui.app import ClientApp

    args = argparse.Namespace(home=str(home), lang=None, terminal=None, printer=None,
                              store=None)
    client = ClientApp(args, clock=lambda: now, store_starter=_quiet_store)
    try:
        client.start()
        qtbot.waitUntil(lambda: client.backend_ready and client.store is not None,
                        timeout=30_000)
        sign_in(qtbot, client.login, "clerk1", "clerk1")
        qtbot.waitUntil(lambda: client.ctx.sync.online, timeout=30_000)
        sale = selling.sell(client.ctx.db.session(), selling.SaleRequest(
            terminal="01", clerk="clerk1", device_id="window-01",
            visit_date=Venue().local_date(now), lines=(selling.SaleLine("ADULT", 1),),
            tendered_fen=10_000), now=now, venue=Venue())  # queued, the engine not woken
        client.sign_out()
        qtbot.waitUntil(lambda: client.leaving is None, timeout=30_000)
        db = Database.open(f"sqlite:///{home / 'store.sqlite3'}")
        try:
            with db.session() as s:
                clerk = s.execute(sa.select(Order.clerk)
                                  .where(Order.order_no == sale.order_no)).scalar()
                live_tokens = s.execute(sa.select(ApiToken.token_sha256).where(
                    ApiToken.username == "clerk1", ApiToken.revoked_at.is_(None))).all()
        finally:
            db.dispose()
        assert clerk == "clerk1"
        assert live_tokens == []  # the engine's and the screens' tokens both revoked
        sign_in(qtbot, client.login, "clerk2", "clerk2")
        qtbot.waitUntil(lambda: client.ctx.sync.online, timeout=30_000)
        with client.ctx.db.engine.connect() as conn:
            states = conn.execute(sa.text("SELECT state FROM outbox")).scalars().all()
        assert states == ["acked"]
    finally:
        client.shutdown()

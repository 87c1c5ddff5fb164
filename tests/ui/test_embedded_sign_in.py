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

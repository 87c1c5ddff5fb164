"""Connecting the client to a central store: the store handle (embedded or `--store URL`), the
sign-in to it with the clerk's own credentials, and the sync engine's thread.

Nothing here blocks the GUI thread: the store is started on the pool while the login dialog
shows, the engine signs in on its own thread, and every event reaches the UI through
`ui.sync_bridge.SyncBridge`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ui.context import ClientContext

log = logging.getLogger(__name__)


@dataclass
class StoreHandle:
    """Where the store is and how to stop it (the embedded one; a remote one has no stop)."""

    base_url: str
    stop: Callable[[], None] | None = None
    simulator_stop: Callable[[], None] | None = None
    # the embedded store registers the window it serves: (device_id, terminal) → its secret
    enroll: Callable[[str, str], str] | None = None

    def close(self) -> None:
        for fn in (self.simulator_stop, self.stop):
            if fn is not None:
                try:
                    fn()
                except Exception:  # noqa: BLE001 - shutting down: log and go on
                    log.exception("stopping the store failed")


def start_engine(ctx: ClientContext, base_url: str, username: str, password: str,
                 publish: Callable[[Any], None]) -> Any:
    """The sync engine for the signed-in clerk, started; its first round signs in."""
    from sync import cache
    from sync.engine import SyncEngine
    from sync.leases import LeaseKeeper
    from sync.transport import StoreClient, api_base

    client = StoreClient(api_base(base_url))
    client.remember(username, password, ctx.device_id, ctx.device_secret)
    keeper = LeaseKeeper(ctx.db, client, device_id=ctx.device_id, clock=ctx.clock,
                         venue=ctx.venue())
    engine = SyncEngine(ctx.db, client, device_id=ctx.device_id, clock=ctx.clock,
                        on_event=publish, lease_keeper=keeper,
                        stream=cache.stream_for(ctx.user.role))
    engine.start()
    return engine


def store_client(ctx: ClientContext, base_url: str, username: str, password: str) -> Any:
    """The signed-in user's own client of the store, for what screens ask it directly (anomaly
    fixes, timelines, revealing a customer): it signs in on first use, on a worker thread."""
    from sync.transport import StoreClient, api_base

    client = StoreClient(api_base(base_url))
    client.remember(username, password, ctx.device_id, ctx.device_secret)
    return client


def hand_over(engine: Any, store: Any) -> None:
    """The clerk signing out (on the pool): one last sync as him, so the ops he made reach the
    store under his own name while it can be reached, then his tokens are revoked. Ops that
    stay (offline) are signed as his and go with the next clerk's pushes."""
    engine.stop(timeout=1.0)
    try:
        engine.sync_once()  # never raises; waits for a cycle under way
    finally:
        for client in (engine.client, store):
            if client is not None:
                client.logout()
                client.close()


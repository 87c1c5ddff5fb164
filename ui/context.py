"""What every screen needs, built once by `ui.app`: the database, the clock, settings, the user.

Plain attributes, no Qt: workers may read them (never write). The clock is injected here at the
composition root only; views ask `ctx.now()` and pass the value to services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any


@dataclass
class ClientContext:
    home: Path
    clock: Callable[[], datetime]
    lang: str = "zh_CN"
    terminal_override: str | None = None
    device_secret_override: str | None = None  # the embedded store's answer to enrolling
    printer_override: str | None = None
    db: Any = None  # app.store.db.Database, once opened
    settings: Any = None  # app.services.prints.settings.ClientSettings
    user: Any = None  # app.services.admin.auth.UserInfo, after login
    printer: Any = None  # ui.printer_bridge.PrinterBridge, when the print worker runs
    sync: Any = None  # ui.sync_bridge.SyncBridge: store status, orders changed, wake()
    store_url: str | None = None  # a remote central store (`--store`); None: the embedded one
    store: Any = None  # sync.transport.StoreClient of the signed-in user (fixes, timelines)
    extras: dict[str, Any] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.clock()

    @property
    def terminal(self) -> str:
        if self.terminal_override:
            return self.terminal_override
        return getattr(self.settings, "terminal_id", None) or "01"

    @property
    def device_id(self) -> str:
        """The window as a device in timelines and leases: stable per terminal id."""
        return f"window-{self.terminal}"

    @property
    def device_secret(self) -> str | None:
        """What this window signs in to the store with (DESIGN.md §14): the embedded store's
        registration, else the secret an admin gave this window (its settings, else
        `$MENPIAO_DEVICE_SECRET` for a window set up from the command line)."""
        import os

        return (self.device_secret_override
                or getattr(self.settings, "device_secret", None)
                or os.environ.get("MENPIAO_DEVICE_SECRET") or None)

    @property
    def default_printer_uri(self) -> str:
        return f"preview:{self.home / 'preview'}"

    def printer_uri(self) -> str:
        """--printer wins over settings; an empty setting means the preview printer."""
        if self.printer_override:
            return self.printer_override
        return getattr(self.settings, "printer_uri", "") or self.default_printer_uri

    def venue(self) -> Any:
        from app.domain.venue import Venue

        name = getattr(self.settings, "venue_name", None)
        return Venue(name=name) if name else Venue()

    def today(self) -> date:
        return self.venue().local_date(self.now())

    def session(self) -> Any:
        return self.db.session()

    def actor(self) -> str:
        from app.domain.actors import user

        return user(self.user.username) if self.user is not None else "system"

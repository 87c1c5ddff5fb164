"""What the screens read from the central store itself (not the cache): an order's verified
timeline and the devices. Workers (run off the GUI thread, touch no widget); offline they fall
back to what this window's database holds and say so in a note.

`store_online(ctx)` is read on the GUI thread: a store client is known (`ctx.store`, set after
sign-in) and the sync engine last reached the store.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication

from ui.context import ClientContext

translate = QCoreApplication.translate
log = logging.getLogger(__name__)


def store_online(ctx: ClientContext) -> bool:
    return ctx.store is not None and ctx.sync is not None and bool(ctx.sync.online)


def offline_reason() -> str:
    return translate("StoreReads", "Offline: fixing anomalies needs the central store")


@dataclass(frozen=True)
class TimelineResult:
    events: list[dict[str, Any]]
    verified: bool | None  # None: no events to judge
    from_store: bool
    note: str = ""
    devices: dict[str, dict[str, Any]] = field(default_factory=dict)


def load_devices(ctx: ClientContext) -> dict[str, dict[str, Any]]:
    """device_id → device (location, status, last heartbeat); {} when the store cannot say."""
    from sync.transport import PermanentError, TransientError

    if ctx.store is None:
        return {}
    try:
        return {str(d.get("device_id")): d for d in ctx.store.devices()}
    except (PermanentError, TransientError, KeyError, TypeError) as exc:
        log.info("devices not read from the store: %s", exc)
        return {}


def load_timeline(ctx: ClientContext, order_no: str, online: bool) -> TimelineResult:
    """The store's timeline (hash-checked there) and the devices, online; else this window's
    own events of the order, checked here."""
    from sync.transport import PermanentError, TransientError

    note = ""
    if online and ctx.store is not None:
        try:
            body = ctx.store.timeline(order_no)
            events = list(body.get("events") or [])
            return TimelineResult(events, bool(body.get("verified")) if events else None, True,
                                  devices=load_devices(ctx))
        except (PermanentError, TransientError) as exc:
            log.info("timeline of %s not read from the store: %s", order_no, exc)
            note = translate("StoreReads", "The central store could not give the timeline "
                                           "({why}); showing this window's records.").format(
                why=exc.message)
    return _local_timeline(ctx, order_no, note)


def _local_timeline(ctx: ClientContext, order_no: str, note: str) -> TimelineResult:
    from app.domain.errors import NotFound
    from app.services.journal import orders

    try:
        with ctx.session() as session:
            events, verified = orders.timeline(session, order_no)
    except NotFound:
        events, verified = [], True
    if not note and ctx.store is not None:
        note = translate("StoreReads", "Offline: the full timeline is kept by the central "
                                       "store; showing this window's records.")
    if not events and not note:
        note = translate("StoreReads", "No events recorded in this window.")
    return TimelineResult(events, verified if events else None, False, note)

"""A ticket window for the sync tests: its own SQLite cache file, a StoreClient signed in to the
store (directly or through the fault proxy), a SyncEngine, and the events it published."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from app.domain.venue import Venue
from app.services.sales import selling
from app.store.db import Database
from sync.engine import SyncEngine
from sync.events import SyncEvent
from sync.leases import LeaseKeeper
from sync.transport import StoreClient


@dataclass
class Window:
    db: Database
    client: StoreClient
    engine: SyncEngine
    clock: Any
    device_id: str
    clerk: str
    terminal: str
    events: list[SyncEvent] = field(default_factory=list)
    venue: Venue = field(default_factory=Venue)

    @classmethod
    def open(cls, base: str, path: Path, clock: Any, *, device_id: str = "dev-1",
             clerk: str = "clerk1", terminal: str = "01", leases: bool = False,
             long_poll_wait: float = 0, rng_seed: int = 7, device_secret: str | None = None,
             **engine_kw: Any) -> Window:
        db = Database.open(f"sqlite:///{path}")
        client = StoreClient(base, timeout=5)
        client.login(clerk, clerk, device_id, device_secret)
        events: list[SyncEvent] = []
        keeper = LeaseKeeper(db, client, device_id=device_id) if leases else None
        engine = SyncEngine(db, client, device_id=device_id, clock=clock,
                            on_event=events.append, rng=random.Random(rng_seed),
                            long_poll_wait=long_poll_wait, lease_keeper=keeper, **engine_kw)
        return cls(db, client, engine, clock, device_id, clerk, terminal, events)

    def sell(self, *lines: tuple[str, int], visit_date: date | None = None,
             from_leases: bool = False) -> selling.SaleResult:
        """A cash sale at this window, written to its cache and outbox."""
        now = self.clock()
        total = 10**8
        request = selling.SaleRequest(
            terminal=self.terminal, clerk=self.clerk, device_id=self.device_id,
            visit_date=visit_date or self.venue.local_date(now),
            lines=tuple(selling.SaleLine(code, qty) for code, qty in lines),
            tendered_fen=total, from_leases=from_leases)
        return selling.sell(self.db.session(), request, now=now, venue=self.venue)

    def outbox_states(self) -> dict[str, str]:
        with self.db.engine.connect() as conn:
            return dict(conn.execute(sa.text("SELECT op_id, state FROM outbox")).all())

    def close(self) -> None:
        self.engine.stop(timeout=5)
        self.client.close()
        self.db.dispose()


def orders_of(db: Database) -> dict[str, tuple]:
    """order_id → (order_no, status, version, ticket ids and states) of a database."""
    with db.engine.connect() as conn:
        orders = conn.execute(sa.text(
            "SELECT order_id, order_no, status, version FROM orders")).all()
        tickets = conn.execute(sa.text(
            "SELECT order_id, ticket_id, status, version FROM tickets ORDER BY ticket_id")).all()
    by_order: dict[str, list] = {}
    for t in tickets:
        by_order.setdefault(t.order_id, []).append((t.ticket_id, t.status, t.version))
    return {o.order_id: (o.order_no, o.status, o.version, tuple(by_order.get(o.order_id, ())))
            for o in orders}


def inventory_of(db: Database) -> dict[tuple[str, str], tuple]:
    """(ticket_type, visit_date) → (capacity, sold, held, oversold, version) of a database."""
    with db.engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT ticket_type, visit_date, capacity, sold, held, oversold, version "
            "FROM inventory")).all()
    return {(r.ticket_type, str(r.visit_date)): (r.capacity, r.sold, r.held, r.oversold,
                                                 r.version) for r in rows}

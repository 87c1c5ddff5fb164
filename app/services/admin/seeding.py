"""Demo data (`--demo`, the embedded default store): DESIGN.md §8 users, the demo catalog and
30 days of capacity, the demo gates and windows. Idempotent: what exists is left alone, what
is missing is added.

Packages (套票) get no inventory rows: selling one takes units from its components' rows.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.catalog import DEMO_CAPACITY, DEMO_CATALOG, DEMO_DAYS
from app.domain.venue import Venue
from app.services.admin.auth import create_user
from app.services.admin.devices import provision
from app.services.journal import changes
from app.store.models import Device, Inventory, TicketTypeRow, User

DEMO_USERS = (  # username (= password), role, display name
    ("admin", "admin", "管理员"),
    ("supervisor", "supervisor", "值班主管"),
    ("finance", "finance", "财务"),
    ("clerk1", "clerk", "售票员1"),
    ("clerk2", "clerk", "售票员2"),
    ("gate1", "gate", "闸机1"),
)


DEMO_DEVICES = (  # device id (= its secret), kind, location, terminal — the simulator's gates
    # and the windows (DESIGN.md §14)
    ("gate-1", "gate", "南门闸机1号", None),
    ("gate-2", "gate", "北门闸机1号", None),
    ("gate-3", "gate", "南门闸机2号", None),
    ("window-01", "window", "南门售票厅1号窗口", "01"),
    ("window-02", "window", "南门售票厅2号窗口", "02"),
)


@dataclass(frozen=True)
class SeedResult:
    users_added: int
    ticket_types_added: int
    inventory_rows_added: int


def _seed_users(session: Session, now: datetime) -> int:
    have = set(session.execute(sa.select(User.username)).scalars())
    missing = [u for u in DEMO_USERS if u[0] not in have]
    for name, role, display in missing:
        create_user(session, name, name, role, display, now=now, strict=False)
    return len(missing)


def _seed_devices(session: Session, now: datetime) -> int:
    """The demo devices, registered with their id as secret; one that exists unregistered (a
    store from before registration) is registered, a registered one left alone."""
    registered = set(session.execute(sa.select(Device.device_id).where(
        Device.secret_sha256.is_not(None))).scalars())
    missing = [d for d in DEMO_DEVICES if d[0] not in registered]
    for device_id, kind, location, terminal in missing:
        provision(session, device_id, kind=kind, terminal=terminal, location=location,
                  secret=device_id, now=now)
    return len(missing)


def register_window(session: Session, device_id: str, terminal: str, *,
                    now: datetime) -> str:
    """The embedded store's own window (DESIGN.md §14), registered like the demo windows (its
    id is its secret) unless it is registered already; returns the secret it signs in with."""
    with session.begin():
        device = session.get(Device, device_id)
        if device is None or device.secret_sha256 is None:
            provision(session, device_id, kind="window", terminal=terminal,
                      location=f"本机窗口 {terminal}", secret=device_id, now=now)
    return device_id


def _seed_types(session: Session, now: datetime) -> int:
    have = set(session.execute(sa.select(TicketTypeRow.code)).scalars())
    added = 0
    for order, t in enumerate(DEMO_CATALOG):
        if t.code in have:
            continue
        changes.touch(session, "catalog", t.code, now=now)
        session.add(TicketTypeRow(
            code=t.code, name=t.name, kind=str(t.kind), price_fen=t.price_fen,
            components=list(t.components), uses_total=t.uses_total,
            min_group_size=t.min_group_size, active=t.active, sort_order=order, updated_at=now))
        added += 1
    session.flush()
    return added


def _seed_inventory(session: Session, now: datetime, venue: Venue, days: int,
                    capacity: int) -> int:
    today = venue.local_date(now)
    dates = [today + timedelta(days=i) for i in range(days)]
    codes = session.execute(sa.select(TicketTypeRow.code, TicketTypeRow.components)).all()
    have = {tuple(r) for r in session.execute(
        sa.select(Inventory.ticket_type, Inventory.visit_date)
        .where(Inventory.visit_date.between(dates[0], dates[-1])))}
    rows = [{"ticket_type": code, "visit_date": d, "capacity": capacity, "sold": 0, "held": 0,
             "oversold": 0, "version": 1, "updated_at": now}
            for code, components in codes if not components
            for d in dates if (code, d) not in have]
    if rows:
        session.execute(sa.insert(Inventory.__table__), rows)
    for row in rows:
        changes.touch(session, "inventory",
                      changes.inventory_id(row["ticket_type"], row["visit_date"]), now=now)
    return len(rows)


def seed_catalog(session: Session, *, now: datetime, venue: Venue, days: int = DEMO_DAYS,
                 capacity: int = DEMO_CAPACITY) -> SeedResult:
    """Demo ticket types and `capacity` per non-package type per day from today (venue zone)."""
    with session.begin():
        types = _seed_types(session, now)
        rows = _seed_inventory(session, now, venue, days, capacity)
    return SeedResult(0, types, rows)


def seed_demo(session: Session, *, now: datetime, venue: Venue) -> SeedResult:
    """Everything `--demo` promises: users, catalog, 30 days of capacity; and the demo gates
    and windows with their locations (`DEMO_DEVICES`)."""
    with session.begin():
        users = _seed_users(session, now)
        _seed_devices(session, now)
        types = _seed_types(session, now)
        rows = _seed_inventory(session, now, venue, DEMO_DAYS, DEMO_CAPACITY)
    return SeedResult(users, types, rows)

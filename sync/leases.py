"""Keeping leases topped up while online (DESIGN.md §4), so the window can sell offline.

For each non-package ticket type and each visit date of the window (its selling day — today
until closing, then the next day — plus `extra_days`), the device keeps one active lease with
at least `low_water` units left (granted − used), topping it up to `target` with POST /leases.
The store tops up the device's active lease of that type and day and grants what is free; 409
`sold_out` means nothing is free, which is normal: that type and day are left alone for
`pause` before asking again.

The store's leases live hours, not days (DESIGN.md §14): each top-up renews one. A lease due
to expire within `renew_before` (and before the day's closing time, which no renewal passes)
is topped up too — by at least one unit — so a window that stays online keeps its leases.

Leases are mirrored into the local `leases` table, which offline selling draws on. Offline
sales bump the local `used` before the store hears of them, so the local `used` is the larger
of the two. Local leases past their `expires_at` are marked `expired`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.venue import Venue
from app.store.db import Database, read_transaction
from app.store.models import LeaseRow, TicketTypeRow

from .transport import PermanentError, StoreClient

log = logging.getLogger(__name__)

ACTIVE = "active"
_leases, _types = LeaseRow.__table__, TicketTypeRow.__table__


@dataclass(frozen=True)
class Need:
    """A lease that should be topped up: `qty` more units of one type and day."""

    ticket_type: str
    visit_date: date
    qty: int


def expire_local(session: Session, *, now: datetime) -> int:
    """Mark active local leases past `expires_at` as expired. Returns how many."""
    with session.begin():
        return session.execute(
            sa.update(_leases).where(_leases.c.status == ACTIVE, _leases.c.expires_at <= now)
            .values(status="expired", updated_at=now)).rowcount


def needs(session: Session, device_id: str, days: list[date], *, low_water: int,
          target: int, renew: Callable[[date, datetime], bool] | None = None) -> list[Need]:
    """What to ask for: per leasable type and day, `target - left` when `left < low_water`,
    and at least one unit when `renew(day, soonest expiry)` says the lease is due."""
    with read_transaction(session):
        codes = session.execute(
            sa.select(_types.c.code, _types.c.components).where(_types.c.active)
            .order_by(_types.c.sort_order, _types.c.code)).all()
        held = {(r.ticket_type, r.visit_date): (int(r.left or 0), r.soonest)
                for r in session.execute(
            sa.select(_leases.c.ticket_type, _leases.c.visit_date,
                      sa.func.sum(_leases.c.granted - _leases.c.used).label("left"),
                      sa.func.min(_leases.c.expires_at).label("soonest"))
            .where(_leases.c.device_id == device_id, _leases.c.status == ACTIVE,
                   _leases.c.visit_date.in_(days))
            .group_by(_leases.c.ticket_type, _leases.c.visit_date))}
    out = []
    for day in days:
        for code, components in codes:
            if components:
                continue  # packages draw on their components' leases
            have, soonest = held.get((code, day), (0, None))
            if have < low_water:
                out.append(Need(code, day, target - have))
            elif soonest is not None and renew is not None and renew(day, _aware(soonest)):
                out.append(Need(code, day, max(1, target - have)))
    return out


def _aware(at: datetime) -> datetime:
    """min() over the column comes back raw on SQLite: stored as UTC."""
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def mirror(session: Session, device_id: str, ticket_type: str, visit_date: date,
           lease: dict[str, Any], *, now: datetime) -> None:
    """Store the store's answer for a lease. `used` is the larger of the local and the
    store's count; other active local leases of the same type and day are expired (the
    store keeps one active lease per device, type and day)."""
    expires_at = datetime.fromisoformat(lease["expires_at"])
    status = ACTIVE if expires_at > now else "expired"
    with session.begin():
        row = session.get(LeaseRow, lease["lease_id"])
        session.execute(
            sa.update(_leases).where(_leases.c.device_id == device_id,
                                     _leases.c.ticket_type == ticket_type,
                                     _leases.c.visit_date == visit_date,
                                     _leases.c.status == ACTIVE,
                                     _leases.c.lease_id != lease["lease_id"])
            .values(status="expired", updated_at=now))
        granted = int(lease["granted"])
        if row is None:
            session.add(LeaseRow(
                lease_id=lease["lease_id"], device_id=device_id, ticket_type=ticket_type,
                visit_date=visit_date, granted=granted, used=min(int(lease["used"]), granted),
                status=status, expires_at=expires_at, created_at=now, updated_at=now,
                version=1))
            return
        row.granted = max(granted, row.used)
        row.used = min(max(row.used, int(lease["used"])), row.granted)
        row.status = status
        row.expires_at = expires_at
        row.updated_at = now
        row.version += 1


@dataclass
class LeaseKeeper:
    """Tops up the device's leases through `client`; `keep(now)` is called by the engine after
    each pull while online. Transient errors propagate (the engine goes offline)."""

    db: Database
    client: StoreClient
    device_id: str
    venue: Venue = field(default_factory=Venue)
    low_water: int = 10
    target: int = 30
    extra_days: int = 0
    pause: timedelta = timedelta(seconds=60)  # after sold_out / refused, per type and day
    renew_before: timedelta = timedelta(minutes=30)  # top up a lease this close to expiry
    clock: Callable[[], datetime] | None = None  # for keep() without `now`
    _paused: dict[tuple[str, date], datetime] = field(default_factory=dict)

    def days(self, now: datetime) -> list[date]:
        """Visit dates to keep leases for: the selling day — today until its closing time,
        then the next day (an evening window sells tomorrow's tickets, offline too) — and
        `extra_days` after it."""
        return [self.selling_day(now) + timedelta(days=i) for i in range(self.extra_days + 1)]

    def selling_day(self, now: datetime) -> date:
        """The visit date a window sells at `now` by default: today, or tomorrow once today
        has closed (`Venue.check_visit_date` refuses today then)."""
        today = self.venue.local_date(now)
        return today if now < self.venue.closing_at(today) else today + timedelta(days=1)

    def keep(self, now: datetime | None = None) -> int:
        """Expire old local leases and top up the low ones. Returns how many were topped up."""
        if now is None:
            if self.clock is None:
                raise ValueError("LeaseKeeper.keep needs `now` or a clock")
            now = self.clock()
        expire_local(self.db.session(), now=now)
        def due(day: date, soonest: datetime) -> bool:
            return soonest < now + self.renew_before and soonest < self.venue.closing_at(day)

        wanted = needs(self.db.session(), self.device_id, self.days(now),
                       low_water=self.low_water, target=self.target, renew=due)
        done = 0
        for need in wanted:
            key = (need.ticket_type, need.visit_date)
            if self._paused.get(key, now) > now:
                continue
            try:
                lease = self.client.grant_lease(need.ticket_type, need.visit_date.isoformat(),
                                                need.qty)
            except PermanentError as exc:  # sold_out: nothing free; fine, ask again later
                if exc.code != "sold_out":
                    log.warning("lease %s %s refused: %s", *key, exc)
                self._paused[key] = now + self.pause
                continue
            mirror(self.db.session(), self.device_id, need.ticket_type, need.visit_date, lease,
                   now=now)
            done += 1
        return done

"""Leases (DESIGN.md §4): units of one ticket type and day held for one device to sell
offline. Granting adds to `held`; offline sales move units from `held` to `sold`
(`pushed.sales`); returning or expiry releases `granted - used`.

A lease is bounded (DESIGN.md §14, `LeasePolicy`): one device holds at most `cap` unused units
of a ticket type and visit date (a larger request is cut to the cap), and a lease lives
`lifetime` (default 4 h, never past the day's closing time). Each top-up renews it, so a
window that keeps its leases topped up while online keeps them; one that stops asking lets
them lapse within hours instead of holding the day's stock until closing.

Every writer locks the inventory row first, then the lease (one lock order for all); the
stock rows are written through `stock_writes`, by the rules of `app.domain.inventory`.
"""

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain import inventory as inv_rules
from app.domain.errors import Conflict, Forbidden, NotFound, SoldOut, ValidationError
from app.domain.ids import new_id
from app.domain.venue import Venue
from app.services.journal import changes
from app.services.stock.stock_writes import lock_stock, put_stock, stock_of
from app.store.db import read_transaction
from app.store.models import LeaseRow, TicketTypeRow

MAX_LEASE_QTY = 1000
ACTIVE = "active"
CAP_ENV, HOURS_ENV = "MENPIAO_LEASE_CAP", "MENPIAO_LEASE_HOURS"


@dataclass(frozen=True)
class LeasePolicy:
    """The store's lease settings: at most `cap` unused units per device, ticket type and
    visit date; a lease (and each top-up) lives `lifetime`, never past closing time."""

    cap: int = 50
    lifetime: timedelta = timedelta(hours=4)

    @classmethod
    def from_env(cls, env: "os._Environ[str] | dict[str, str] | None" = None) -> "LeasePolicy":
        """`MENPIAO_LEASE_CAP` (units) and `MENPIAO_LEASE_HOURS` (may be fractional), else
        the defaults; a value that is not a positive number is refused at start."""
        env = os.environ if env is None else env
        cap, hours = env.get(CAP_ENV, "").strip(), env.get(HOURS_ENV, "").strip()
        try:
            policy = cls(cap=int(cap) if cap else cls.cap,
                         lifetime=timedelta(hours=float(hours)) if hours else cls.lifetime)
        except ValueError:
            raise ValueError(f"{CAP_ENV} must be a whole number and {HOURS_ENV} a number") \
                from None
        if policy.cap < 1 or policy.lifetime <= timedelta(0):
            raise ValueError(f"{CAP_ENV} and {HOURS_ENV} must be positive")
        return policy


DEFAULT_POLICY = LeasePolicy()


@dataclass(frozen=True)
class LeaseInfo:
    lease_id: str
    device_id: str
    ticket_type: str
    visit_date: date
    granted: int
    used: int
    status: str
    expires_at: datetime

    @property
    def left(self) -> int:
        return self.granted - self.used if self.status == ACTIVE else 0


def info(row: LeaseRow) -> LeaseInfo:
    return LeaseInfo(row.lease_id, row.device_id, row.ticket_type, row.visit_date, row.granted,
                     row.used, row.status, row.expires_at)


def _check_grant(session: Session, ticket_type: str, visit_date: date, qty: int,
                 now: datetime, venue: Venue) -> TicketTypeRow:
    if not isinstance(qty, int) or isinstance(qty, bool) or not 1 <= qty <= MAX_LEASE_QTY:
        raise ValidationError(f"预留数量须在 1 到 {MAX_LEASE_QTY} 之间", field="qty")
    tt = session.get(TicketTypeRow, ticket_type)
    if tt is None or not tt.active:
        raise ValidationError(f"没有这种票：{ticket_type}", field="ticket_type")
    if tt.components:
        raise ValidationError(f"{tt.name}是套票，请预留其组成票种", field="ticket_type")
    if now >= venue.closing_at(visit_date):
        raise ValidationError(f"{visit_date:%Y-%m-%d} 已闭园，不能预留", field="visit_date")
    return tt


def _active_lease(session: Session, device_id: str, ticket_type: str,
                  visit_date: date) -> LeaseRow | None:
    return session.execute(
        sa.select(LeaseRow).where(
            LeaseRow.device_id == device_id, LeaseRow.ticket_type == ticket_type,
            LeaseRow.visit_date == visit_date, LeaseRow.status == ACTIVE)
        .order_by(LeaseRow.created_at).limit(1).with_for_update()).scalar_one_or_none()


def _room(lease: LeaseRow | None, qty: int, cap: int, name: str) -> int:
    """`qty` cut to what the device may still hold; Conflict when it holds the cap."""
    held = 0 if lease is None else lease.granted - lease.used
    if held >= cap:
        raise Conflict(f"本设备的{name}预留已达上限（未售 {held} 张，上限 {cap} 张），"
                       "请先售出或归还", cap=cap)
    return min(qty, cap - held)


def grant(session: Session, *, device_id: str, ticket_type: str, visit_date: date, qty: int,
          now: datetime, venue: Venue, policy: LeasePolicy = DEFAULT_POLICY) -> LeaseInfo:
    """Hold up to `qty` free units for `device_id`: tops up its active lease of that type and
    day (renewing it for `policy.lifetime`), or opens one. A request beyond `policy.cap`
    unused units is cut to the cap; Conflict when the device holds the cap already, SoldOut
    when nothing is free."""
    if not device_id:
        raise ValidationError("缺少设备编号", field="device_id")
    with session.begin():
        tt = _check_grant(session, ticket_type, visit_date, qty, now, venue)
        row = lock_stock(session, ticket_type, visit_date)
        if row is None:
            raise SoldOut(f"{tt.name} {visit_date:%Y-%m-%d} 未开放售票", available=0,
                          ticket_type=ticket_type)
        lease = _active_lease(session, device_id, ticket_type, visit_date)
        stock, part = inv_rules.grant_lease(stock_of(row), _room(lease, qty, policy.cap,
                                                                 tt.name))
        if part.granted == 0:
            raise SoldOut(f"{tt.name}已售罄，无法预留", available=0, ticket_type=ticket_type)
        put_stock(row, stock, now)
        if lease is None:
            lease = LeaseRow(lease_id=new_id(), device_id=device_id, ticket_type=ticket_type,
                             visit_date=visit_date, granted=0, used=0, status=ACTIVE,
                             expires_at=now, created_at=now, updated_at=now, version=0)
            session.add(lease)
        lease.granted += part.granted
        lease.expires_at = min(now + policy.lifetime, venue.closing_at(visit_date))
        lease.version += 1
        lease.updated_at = now
        changes.touch_inventory(session, [ticket_type], visit_date, now=now)
        session.flush()
        return info(lease)


def _release(session: Session, lease: LeaseRow, status: str, now: datetime) -> None:
    row = lock_stock(session, lease.ticket_type, lease.visit_date)
    if row is not None:
        stock, _ = inv_rules.release_lease(
            stock_of(row), inv_rules.Lease(lease.granted, lease.used))
        put_stock(row, stock, now)
        changes.touch_inventory(session, [lease.ticket_type], lease.visit_date, now=now)
    lease.status = status
    lease.version += 1
    lease.updated_at = now


def return_lease(session: Session, lease_id: str, *, device_id: str | None,
                 now: datetime) -> LeaseInfo:
    """Give the unused units back. Only the holding device may (`device_id=None`: anyone,
    for supervisors); returning twice returns the same lease."""
    with session.begin():
        lease = session.get(LeaseRow, lease_id)
        if lease is None:
            raise NotFound(f"没有这个预留：{lease_id}")
        if device_id is not None and lease.device_id != device_id:
            raise Forbidden("只能归还本设备的预留")
        if lease.status == ACTIVE:
            # the inventory row is locked before the lease, as every writer does
            lock_stock(session, lease.ticket_type, lease.visit_date)
            session.refresh(lease, with_for_update=True)
            if lease.status == ACTIVE:
                _release(session, lease, "returned", now)
        return info(lease)


def expire(session: Session, *, now: datetime) -> int:
    """Release every active lease past its `expires_at` (its lifetime or the day's closing
    time, whichever came first): the periodic sweep."""
    with session.begin():
        due = session.execute(
            sa.select(LeaseRow).where(LeaseRow.status == ACTIVE, LeaseRow.expires_at <= now)
            .order_by(LeaseRow.ticket_type, LeaseRow.visit_date)).scalars().all()
        for lease in due:
            lock_stock(session, lease.ticket_type, lease.visit_date)
            session.refresh(lease, with_for_update=True)
            if lease.status == ACTIVE:
                _release(session, lease, "expired", now)
        return len(due)


def device_leases(session: Session, device_id: str) -> list[LeaseInfo]:
    """Active leases of one device."""
    with read_transaction(session):
        rows = session.execute(
            sa.select(LeaseRow).where(LeaseRow.device_id == device_id,
                                      LeaseRow.status == ACTIVE)
            .order_by(LeaseRow.visit_date, LeaseRow.ticket_type)).scalars().all()
        return [info(r) for r in rows]

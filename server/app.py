"""The central order store's FastAPI app (DESIGN.md §8): routes under /api/v1, the §8 error
format for every failure, the OpenAPI document at /api/v1/openapi.json. While it runs, the
changes feed wakes long-polls (in-process and, on PostgreSQL, through LISTEN/NOTIFY) and a
sweeper does the time-based work every 30 s (on PostgreSQL in one worker: the advisory-lock
leader). `server.workers.app_from_env` builds it in each of `main.py server --workers N`."""

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI
from sqlalchemy.orm import Session

from app.domain.venue import Venue
from app.services.anomalies import anomaly_sweep
from app.services.journal import audit, changes
from app.services.refunds import refund_processing
from app.services.refunds.refund_providers import RefundProvider, SandboxProvider
from app.services.sales import orders_expiry
from app.services.stock import leases
from app.store.db import Database

from . import access_log
from .errors import install_error_handlers
from .feed import ChangeNotifier, PgListener, pg_conninfo
from .leader import PgLeader
from .routes import (
    admin_log as admin_log_routes,
)
from .routes import (
    anomalies,
    auth,
    catalog,
    channels,
    devices,
    exports,
    health,
    orders,
    payments,
    redemptions,
    refund_rules,
    refunds,
    reports,
    users,
)
from .routes import (
    audit as audit_routes,
)
from .routes import leases as lease_routes
from .routes import sync as sync_routes
from .sweeper import Sweeper, Task

API = "/api/v1"
SWEEP_INTERVAL = 30.0


def _utc_now() -> datetime:
    return datetime.now(UTC)


def sweep_tasks(venue: Venue, provider: RefundProvider | None = None,
                audit_key: Callable[[], str | None] = lambda: None) -> list[Task]:
    """The periodic work of the store, in order (the anomaly sweep last, so it sees what the
    others left); `provider` pays wechat/alipay refunds out (default: a SandboxProvider);
    `audit_key` gives the key that signs yesterday's checkpoint after midnight (none: the
    checkpoint is left to an admin's POST /audit/checkpoint)."""
    refunder: RefundProvider = provider or SandboxProvider()

    def seal_yesterday(s: Session, now: datetime) -> bool:
        return audit.seal_yesterday(s, key=audit_key(), venue=venue, now=now)

    def expire_leases(s: Session, now: datetime) -> int:
        return leases.expire(s, now=now)

    def expire_unpaid(s: Session, now: datetime) -> int:
        return orders_expiry.expire_unpaid(s, now=now)

    def process_refunds(s: Session, now: datetime) -> int:
        return refund_processing.process_due(s, refunder, now=now, today=venue.local_date(now))

    def detect_anomalies(s: Session, now: datetime) -> anomaly_sweep.SweepResult:
        return anomaly_sweep.sweep_anomalies(s, now=now, venue=venue)

    return [expire_leases, expire_unpaid, process_refunds, detect_anomalies, seal_yesterday]


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    db: Database = app.state.db
    notifier: ChangeNotifier = app.state.notifier
    changes.add_listener(notifier.notify)
    listener = leader = None
    if db.dialect == "postgresql":  # several workers: wake-ups across them, one sweeper
        listener = PgListener(pg_conninfo(db.engine.url), notifier)
        listener.start()
        leader = PgLeader(pg_conninfo(db.engine.url))
    key = lambda: app.state.audit_key or os.environ.get(audit.KEY_ENV)  # noqa: E731
    tasks = sweep_tasks(app.state.venue, app.state.refund_provider, key)
    sweeper = Sweeper(db, app.state.clock, tasks, interval=app.state.sweep_interval,
                      leader=leader)
    sweeper.start()
    try:
        yield
    finally:
        changes.remove_listener(notifier.notify)
        notifier.notify()  # let waiting long-polls answer now
        sweeper.stop()
        if listener is not None:
            listener.stop()
            listener.join(3.0)


def create_app(db: Database, *, clock: Callable[[], datetime] | None = None,
               webhook_secret: str | None = None, venue: Venue | None = None,
               sweep_interval: float = SWEEP_INTERVAL,
               refund_provider: RefundProvider | None = None,
               lease_policy: leases.LeasePolicy | None = None,
               audit_key: str | None = None) -> FastAPI:
    """The store over `db` (already migrated). `clock` returns aware UTC datetimes (default:
    the system clock); `webhook_secret` signs channel and provider webhooks;
    `refund_provider` pays wechat/alipay refunds out (default: a SandboxProvider);
    `lease_policy` caps leases (default: `MENPIAO_LEASE_CAP` / `MENPIAO_LEASE_HOURS`);
    `audit_key` signs the daily checkpoints (default: env `MENPIAO_AUDIT_KEY`, read when
    used; demo mode and the embedded store pass `app.domain.audit.DEMO_KEY`)."""
    app = FastAPI(title="Menpiao central order store", version="1", lifespan=_lifespan,
                  openapi_url=f"{API}/openapi.json", docs_url=f"{API}/docs", redoc_url=None)
    db.emit_changes = True  # every commit through the store writes the changes feed
    app.state.db = db
    app.state.clock = clock or _utc_now
    app.state.webhook_secret = webhook_secret
    app.state.venue = venue or Venue()
    app.state.notifier = ChangeNotifier()
    app.state.sweep_interval = sweep_interval
    app.state.refund_provider = refund_provider or SandboxProvider()
    app.state.lease_policy = lease_policy or leases.LeasePolicy.from_env()
    app.state.audit_key = audit_key
    install_error_handlers(app)
    access_log.install()  # no phone or ID number in the access log
    # exports before orders: GET /orders/export is not GET /orders/{order_no}
    for module in (health, auth, users, catalog, exports, orders, sync_routes, lease_routes,
                   channels, payments, redemptions, refunds, devices, anomalies, refund_rules,
                   audit_routes, admin_log_routes, reports):
        app.include_router(module.router, prefix=API)
    return app

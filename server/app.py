"""The central order store's FastAPI app (DESIGN.md §8): routes under /api/v1, the §8 error
format for every failure, the OpenAPI document at /api/v1/openapi.json."""

from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import FastAPI

from app.domain.venue import Venue
from app.store.db import Database

from .errors import install_error_handlers
from .routes import auth, catalog, orders

API = "/api/v1"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(db: Database, *, clock: Callable[[], datetime] | None = None,
               webhook_secret: str | None = None, venue: Venue | None = None) -> FastAPI:
    """The store over `db` (already migrated). `clock` returns aware UTC datetimes (default:
    the system clock); `webhook_secret` signs channel and provider webhooks."""
    app = FastAPI(title="Menpiao central order store", version="1",
                  openapi_url=f"{API}/openapi.json", docs_url=f"{API}/docs", redoc_url=None)
    db.emit_changes = True  # every commit through the store writes the changes feed
    app.state.db = db
    app.state.clock = clock or _utc_now
    app.state.webhook_secret = webhook_secret
    app.state.venue = venue or Venue()
    install_error_handlers(app)
    for module in (auth, catalog, orders):
        app.include_router(module.router, prefix=API)
    return app

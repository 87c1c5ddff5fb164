"""`main.py server --workers N` (DESIGN.md §12, §13): uvicorn worker processes over one app
factory. The parent migrates (and seeds `--demo`) once, puts the configuration in the
environment and hands uvicorn the factory's import string; each worker builds its own store
(`app_from_env`) with its own connections, LISTEN thread and sweeper, of which only the
advisory-lock leader sweeps (server.leader). SQLite is one process only: its single writer is
the file lock, and the in-process notifier cannot reach another process.
"""

import os
from datetime import UTC, datetime

from fastapi import FastAPI

DATABASE_ENV = "MENPIAO_SERVER_DATABASE"  # the store's database URL, for the workers
FACTORY = "server.workers:app_from_env"


def default_workers(database_url: str) -> int:
    """The cores on PostgreSQL; one on SQLite."""
    return (os.cpu_count() or 1) if is_postgres(database_url) else 1


def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgresql")


def app_from_env() -> FastAPI:
    """One worker's store over `$MENPIAO_SERVER_DATABASE` (already migrated by the parent);
    the webhook secret and audit key from `MENPIAO_WEBHOOK_SECRET` / `MENPIAO_AUDIT_KEY`."""
    from app.store.db import Database

    from .app import create_app

    db = Database.open(os.environ[DATABASE_ENV], migrate=False)
    clock = lambda: datetime.now(UTC)  # noqa: E731 - the one real clock of the server
    return create_app(db, clock=clock, webhook_secret=os.environ.get("MENPIAO_WEBHOOK_SECRET"),
                      audit_key=os.environ.get("MENPIAO_AUDIT_KEY"))


GRACEFUL_SECONDS = 5  # on stop, requests still running after this are cut (long-polls)


def serve(database_url: str, *, host: str, port: int, workers: int) -> None:
    """Run `workers` uvicorn processes (one: in this process) until stopped. uvicorn's
    supervisor starts a new worker when one dies. A stop waits `GRACEFUL_SECONDS` for the
    requests in flight, not for every held long-poll's `wait` (the windows poll again)."""
    import uvicorn

    os.environ[DATABASE_ENV] = database_url
    uvicorn.run(FACTORY, factory=True, host=host, port=port, workers=workers,
                log_level="info", log_config=log_config(),
                timeout_graceful_shutdown=GRACEFUL_SECONDS, **fast_stack())


def fast_stack() -> dict[str, str]:
    """uvicorn's compiled stack: httptools parses HTTP and uvloop runs the event loop (project
    dependencies), which costs a worker less CPU per request than the pure-Python h11 and
    asyncio loop (issue 16). Either one missing (a platform without its wheel), that part
    falls back to the pure-Python one: slower, the same behaviour."""
    return {"http": "httptools" if _importable("httptools") else "h11",
            "loop": "uvloop" if _importable("uvloop") else "asyncio"}


def _importable(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def log_config() -> dict:
    """uvicorn's logging, with the store's own `server.*` loggers (who leads the sweep, a lost
    LISTEN connection) written beside uvicorn's lines in every worker."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["server"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config

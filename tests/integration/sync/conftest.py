"""Sync over real HTTP: the central store of tests/integration/live_store.py (SQLite and
PostgreSQL), windows with their own SQLite cache files, and a fault-injecting proxy."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/integration: live_store

from fault_proxy import FaultProxy  # noqa: E402
from live_store import Clock, running_store  # noqa: E402
from window import Window  # noqa: E402


@pytest.fixture
def live(store_db_url, now):
    """A running store with the demo users, catalog and 30 days of capacity."""
    with running_store(store_db_url, now) as store:
        yield store


@pytest.fixture
def proxy(live):
    """A fault-injecting proxy in front of `live`."""
    p = FaultProxy(live.base).start()
    try:
        yield p
    finally:
        p.stop()


@pytest.fixture
def client_clock(now):
    return Clock(now)


@pytest.fixture
def make_window(tmp_path, client_clock, request):
    """`make_window(base, name="w1", device_id="dev-1", clerk="clerk1", terminal="01")`: a
    window with its own cache file, a signed-in StoreClient and an engine (not started); its
    device registered at `live` as an admin would (DESIGN.md §14)."""
    made: list[Window] = []

    def make(base: str, name: str = "w1", **kw) -> Window:
        if "device_secret" not in kw:
            kw["device_secret"] = request.getfixturevalue("live").device(
                kw.get("device_id", "dev-1"), "window", kw.get("terminal", "01"))
        window = Window.open(base, tmp_path / f"{name}.sqlite3", client_clock, **kw)
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()

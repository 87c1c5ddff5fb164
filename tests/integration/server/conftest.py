"""The central store over real HTTP (see tests/integration/live_store.py, shared with the sync
tests). Test modules import `Clock, Live, free_port, snapshot, assert_error` from here."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/integration: live_store

from live_store import (  # noqa: E402
    Clock,
    Live,
    assert_error,
    free_port,
    running_store,
    snapshot,
)

__all__ = ["Clock", "Live", "assert_error", "free_port", "snapshot"]


@pytest.fixture
def live(store_db_url, now):
    """A running store with the demo users, catalog and 30 days of capacity."""
    with running_store(store_db_url, now) as store:
        yield store


@pytest.fixture
def quiet_live(store_db_url, now):
    """`live` whose own sweep never runs during a test: the test sweeps by hand."""
    with running_store(store_db_url, now, sweep_interval=3600.0) as store:
        yield store

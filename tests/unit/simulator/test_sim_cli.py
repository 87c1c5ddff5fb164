"""`simulate --start`: the simulated clock begins at a given instant and runs at real speed,
so a store on an injected clock and the simulator agree whatever the hour the suite runs at."""

import argparse
from datetime import UTC, datetime, timedelta

import pytest

from simulator import cli


def _parse(*argv):
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(["--store", "http://127.0.0.1:9", *argv])


def test_start_is_an_aware_instant():
    args = _parse("--start", "2026-11-21T10:00+08:00")
    assert args.start == datetime(2026, 11, 21, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2026-11-21T10:00", "tomorrow", "2026-13-01T10:00+08:00"])
def test_start_refuses_what_is_not_an_aware_instant(text, capsys):
    with pytest.raises(SystemExit):
        _parse("--start", text)
    assert "--start" in capsys.readouterr().err


def test_running_clock_starts_at_start_and_follows_the_monotonic_clock():
    ticks = iter([100.0, 100.0, 102.5])
    start = datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
    clock = cli.running_clock(start, lambda: next(ticks))
    assert clock() == start
    assert clock() == start + timedelta(seconds=2.5)

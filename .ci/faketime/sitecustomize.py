"""Loaded by Python only under `.ci/anyhour` (on PYTHONPATH there): libfaketime 0.9.10 with a
real monotonic clock (FAKETIME_DONT_FAKE_MONOTONIC=1, without which every timed lock wait hangs)
makes `time.sleep` fail with EINVAL, because it shifts the absolute monotonic deadline that
CPython's `clock_nanosleep` gets. A timed wait on an Event sleeps on the real monotonic clock."""

import os
import threading
import time

if os.environ.get("FAKETIME"):
    def _sleep(seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        threading.Event().wait(seconds)

    time.sleep = _sleep

"""Cold start of the desktop client to its login window, beside a bare Qt dialog.

Each run spawns a fresh `python -c` (offscreen) and times, from the parent, the moment the child
reports its window shown (the first event-loop turn after `show()`). Reported as medians:

- `baseline_ms`: `import PySide6.QtWidgets`, QApplication, a QDialog shown — the floor.
- `login_shown_ms`: the real client (`ui.app.ClientApp`) up to the login dialog shown.
- `ready_ms`: until the local database is open and a sign-in can go through (existing data
  folder: the usual morning start); `first_run_ready_ms` on an empty folder (migrations and the
  demo seed). The dialog is usable while this happens; a sign-in typed earlier waits for it.

`python -m bench.startup [RUNS]` prints the dict; `run()` returns it (see bench/__main__.py).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 2000

BASELINE = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog
app = QApplication([])
dialog = QDialog()
dialog.show()
QTimer.singleShot(0, lambda: (print("SHOWN", flush=True), app.quit()))
app.exec()
"""

CLIENT = """
import argparse, sys
from PySide6.QtCore import QTimer
from ui.app import ClientApp
client = ClientApp(argparse.Namespace(home=sys.argv[1], lang=None, terminal=None,
                                      printer=None, store=None))
client.start()
def ready():
    if client.backend_ready or client.backend_error is not None:
        print("READY" if client.backend_ready else "FAILED", flush=True)
        client.qt.quit()
    else:
        QTimer.singleShot(5, ready)
QTimer.singleShot(0, lambda: (print("SHOWN", flush=True), ready()))
client.qt.exec()
client.shutdown()
"""


def _spawn(code: str, *args: str) -> dict[str, float]:
    """Milliseconds from spawn to each line the child prints."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    env.pop("MENPIAO_HOME", None)
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    marks: dict[str, float] = {}
    assert child.stdout is not None
    for line in child.stdout:
        marks[line.strip()] = (time.perf_counter() - start) * 1000
    if child.wait(timeout=120) != 0 or "SHOWN" not in marks:
        raise RuntimeError(f"start-up run failed (exit {child.returncode}): {marks}")
    if "FAILED" in marks:
        raise RuntimeError("the client could not open its database")
    return marks


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 1)


def run(runs: int = 5) -> dict:
    _spawn(BASELINE)  # warm the OS file cache and .pyc files for both sides alike
    with tempfile.TemporaryDirectory(prefix="menpiao-bench-") as tmp:
        existing = Path(tmp) / "existing"
        _spawn(CLIENT, str(existing))  # a data folder as after the first day
        baseline, shown, ready, first = [], [], [], []
        for n in range(runs):
            baseline.append(_spawn(BASELINE)["SHOWN"])
            marks = _spawn(CLIENT, str(existing))
            shown.append(marks["SHOWN"])
            ready.append(marks["READY"])
            first.append(_spawn(CLIENT, str(Path(tmp) / f"fresh{n}"))["READY"])
    result = {
        "runs": runs,
        "baseline_ms": _median(baseline),
        "login_shown_ms": _median(shown),
        "overhead_ms": round(_median(shown) - _median(baseline), 1),
        "ready_ms": _median(ready),
        "first_run_ready_ms": _median(first),
        "target_ms": TARGET_MS,
        "login_under_target": _median(shown) < TARGET_MS,
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 5)

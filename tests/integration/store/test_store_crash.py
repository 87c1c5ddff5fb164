"""Crash safety of a window sale (the issue's acceptance): a real process selling on a real
SQLite file is SIGKILLed at random moments and parked inside the transaction before each of
its statements; after every kill the reopened database holds whole sales only."""

import os
import random
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from store_checks import check_store_whole

from app.domain.venue import Venue
from app.services.admin import seeding
from app.store.db import Database

CHILD = Path(__file__).with_name("crash_seller.py")
ROOT = Path(__file__).resolve().parents[3]
ROUNDS, SELLERS = 11, 3  # 33 random kills

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")


def _spawn(path: Path, terminal: str, seed: int, stmt: str = "") -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MENPIAO_CRASH_STMT": stmt}
    return subprocess.Popen([sys.executable, str(CHILD), str(path), terminal, str(seed)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=ROOT)


def _expect(proc: subprocess.Popen, prefix: str) -> str:
    watchdog = threading.Timer(30, proc.kill)  # a child that never says it must not hang us
    watchdog.start()
    try:
        line = proc.stdout.readline()
    finally:
        watchdog.cancel()
    if not line.startswith(prefix):
        proc.kill()
        raise AssertionError(f"child said {line!r}; stderr: {proc.stderr.read()[-2000:]}")
    return line.strip()


def _kill(proc: subprocess.Popen) -> list[str]:
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    return [line for line in out.splitlines() if line.startswith("sold ")]


def _fresh_db(path: Path, now) -> None:
    db = Database.open(f"sqlite:///{path}")
    seeding.seed_catalog(db.session(), now=now, venue=Venue())
    db.dispose()


def _reopen_and_check(path: Path) -> int:
    db = Database.open(f"sqlite:///{path}")  # recovery from the WAL happens here
    try:
        return check_store_whole(db.engine)
    finally:
        db.dispose()


def test_sigkill_at_random_moments_leaves_only_whole_sales(tmp_path, now):
    path = tmp_path / "window.sqlite3"
    _fresh_db(path, now)
    rnd, reported = random.Random(20261121), 0
    for round_no in range(ROUNDS):
        procs = [_spawn(path, f"0{i + 1}", round_no * SELLERS + i) for i in range(SELLERS)]
        for p in procs:
            _expect(p, "ready")
        for p in procs:
            delay = rnd.uniform(0.0, 0.25)
            try:
                p.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                pass
            reported += len(_kill(p))
        orders = _reopen_and_check(path)
        assert orders >= reported  # every reported commit survived the kill
    assert reported > 0, "the sellers never got to sell anything"


def _statements_per_sale(tmp_path: Path, now) -> int:
    path = tmp_path / "count.sqlite3"
    _fresh_db(path, now)
    counter = _spawn(path, "01", 7, "count")
    for prefix in ("ready", "sold ", "sold "):
        _expect(counter, prefix)
    statements = int(_expect(counter, "statements ").split()[1])
    counter.wait(timeout=10)
    return statements


def test_sigkill_inside_the_transaction_before_each_statement(tmp_path, now):
    statements = _statements_per_sale(tmp_path, now)
    assert statements >= 8  # order, tickets, payment, stock, counters, timeline, outbox, jobs
    points = [str(k) for k in range(1, statements + 1)] + ["commit"]
    paths = {k: tmp_path / f"parked-{k}.sqlite3" for k in points}
    for path in paths.values():
        _fresh_db(path, now)
    procs = {k: _spawn(paths[k], "01", 7, k) for k in points}  # start-up in parallel
    for k, proc in procs.items():
        _expect(proc, "ready")
        sold = [_expect(proc, "sold ") for _ in range(2)]
        _expect(proc, f"parked {k}")
        sold += _kill(proc)
        assert _reopen_and_check(paths[k]) == len(sold) == 2, f"parked before {k}"

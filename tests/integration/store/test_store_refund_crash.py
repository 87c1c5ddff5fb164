"""Crash safety of a cash refund at the window (issue 4): a real process refunding on a real
SQLite file is parked inside one refund's transaction before each of its statements and
before COMMIT, and SIGKILLed at random moments; after every kill the reopened database holds
whole refunds only (row, tickets, order, stock, timeline, outbox op, slip — or none of them)
and the drawer's expected cash is the float plus the cash sales minus the cash refunds."""

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import crash_refunder
import pytest
import sqlalchemy as sa
from crash_refunder import ARM_AT_REFUND, FLOAT_FEN, NOW, REFUNDS, SALES
from store_checks import check_refunds_whole, check_store_whole

from app.domain.venue import Venue
from app.services.admin import seeding
from app.services.shifts import shifts
from app.store.db import Database

CHILD = Path(__file__).with_name("crash_refunder.py")
ROOT = Path(__file__).resolve().parents[3]
LATER = NOW + timedelta(days=60)  # after everything the children do: the tally's end
ROUNDS, REFUNDERS = 8, 2  # 16 random kills, two windows refunding at once

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")


def _spawn(path: Path, terminal: str, seed: int, stmt: str = "") -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MENPIAO_CRASH_STMT": stmt,
           "MENPIAO_CRASH_REFUND": str(ARM_AT_REFUND)}
    return subprocess.Popen([sys.executable, str(CHILD), str(path), terminal, str(seed)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=ROOT, start_new_session=True)


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the child and whatever it forked (its own process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _line(proc: subprocess.Popen) -> str:
    watchdog = threading.Timer(60, _kill_group, (proc,))  # a silent child must not hang us
    watchdog.start()
    try:
        return proc.stdout.readline()
    finally:
        watchdog.cancel()


def _fail(proc: subprocess.Popen, line: str, wanted: str) -> None:
    _kill_group(proc)
    raise AssertionError(f"child said {line!r}, not {wanted!r}; "
                         f"stderr: {proc.stderr.read()[-2000:]}")


def _expect(proc: subprocess.Popen, prefix: str) -> str:
    """The next line, which must start with `prefix`; returns what follows the first word."""
    line = _line(proc)
    if not line.startswith(prefix):
        _fail(proc, line, prefix)
    words = line.split(maxsplit=1)
    return words[1].strip() if len(words) > 1 else ""


def _kill(proc: subprocess.Popen) -> tuple[set[str], set[str]]:
    """SIGKILL; the order numbers and refund numbers the child reported as committed."""
    proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL, f"child ended by itself: {err[-2000:]}"
    lines = [line.split() for line in out.splitlines()]
    return ({w[1] for w in lines if w[0] == "sold"},
            {w[1] for w in lines if w[0] == "refunded"})


def _template(tmp_path: Path) -> Path:
    """A migrated, seeded database file to copy (migrating one per child is slow)."""
    path = tmp_path / "template.sqlite3"
    db = Database.open(f"sqlite:///{path}")
    seeding.seed_catalog(db.session(), now=NOW, venue=Venue())
    db.dispose()  # checkpoints the WAL into the file: a plain copy is the whole database
    return path


def _copy(template: Path, path: Path) -> Path:
    shutil.copyfile(template, path)
    return path


def _check_drawer_and_versions(db: Database, terminals: set[str]) -> None:
    """Expected cash of each open shift = float + cash sales − cash refunds, read from the
    orders; each refund bumped its order's version once and its tickets' twice."""
    with db.engine.connect() as conn:
        for terminal in terminals:
            sales, back = conn.execute(sa.text(
                "SELECT coalesce(sum(total_fen), 0), coalesce(sum(refunded_fen), 0) "
                "FROM orders WHERE terminal = :t"), {"t": terminal}).one()
            with db.session() as session:
                expected = shifts.expected_now(session, terminal, now=LATER)
            assert expected == FLOAT_FEN + sales - back, f"drawer of {terminal}"
        bad = conn.execute(sa.text(
            "SELECT order_no FROM orders o WHERE version != 1 + "
            "(SELECT count(*) FROM refunds r WHERE r.order_id = o.order_id)")).scalars().all()
        assert not bad, f"order versions disagree with their refunds: {bad}"
        bad = conn.execute(sa.text(
            "SELECT code FROM tickets WHERE version != "
            "CASE status WHEN 'refunded' THEN 3 ELSE 1 END")).scalars().all()
        assert not bad, f"ticket versions disagree with their status: {bad}"


def _reopen_and_check(path: Path, terminals: set[str]) -> tuple[set[str], set[str]]:
    """Every sale and refund whole; the order numbers and refund numbers in the database."""
    db = Database.open(f"sqlite:///{path}")  # recovery from the WAL happens here
    try:
        orders, refunds = check_store_whole(db.engine), check_refunds_whole(db.engine)
        _check_drawer_and_versions(db, terminals)
        with db.engine.connect() as conn:
            order_nos = set(conn.execute(sa.text("SELECT order_no FROM orders")).scalars())
            refund_nos = set(conn.execute(sa.text("SELECT refund_no FROM refunds")).scalars())
        assert (len(order_nos), len(refund_nos)) == (orders, refunds)
        return order_nos, refund_nos
    finally:
        db.dispose()


def _count_statements(template: Path, tmp_path: Path) -> int:
    """One whole cycle with the armed refund's statements counted; the result checked."""
    path = _copy(template, tmp_path / "count.sqlite3")
    counter = _spawn(path, "01", 0, "count")
    _expect(counter, "ready")
    sold = {_expect(counter, "sold ") for _ in SALES}
    refunded = {_expect(counter, "refunded ") for _ in range(ARM_AT_REFUND)}
    statements = int(_expect(counter, "statements "))
    assert _expect(counter, "transactions ") == "1"  # the whole refund is one transaction
    refunded |= {_expect(counter, "refunded ") for _ in REFUNDS[ARM_AT_REFUND:]}
    _expect(counter, "cycle done")
    assert counter.wait(timeout=10) == 0
    assert _reopen_and_check(path, {"01"}) == (sold, refunded)
    with closing(sqlite3.connect(path)) as conn:  # the pass refunded the day after: no units back
        kept = conn.execute("SELECT count(*) FROM timeline_events WHERE action = "
                            "'refund.succeeded' AND detail LIKE '%\"stock_returned\": false%'"
                            ).fetchone()[0]
    assert kept == 1
    return statements


def _park_all(server: subprocess.Popen, points: list[str]) -> dict[str, list[list[str]]]:
    """Each forked refunder's lines, up to and including its `parked POINT PID`."""
    said: dict[str, list[list[str]]] = {k: [] for k in points}
    while sum(bool(w) and w[-1][0] == "parked" for w in said.values()) < len(points):
        line = _line(server)
        point, _, rest = line.partition(": ")
        if point not in said or rest.startswith("ended"):
            _fail(server, line, "POINT: ...")
        said[point].append(rest.split())
    return said


def test_sigkill_inside_a_refund_before_each_statement(tmp_path):
    template = _template(tmp_path)
    statements = _count_statements(template, tmp_path)
    # refund, tickets, order, two stock rows, timeline, outbox op and its counter, slip job
    assert statements >= 10
    points = [str(k) for k in range(1, statements + 1)] + ["commit"]
    paths = {k: _copy(template, tmp_path / f"parked-{k}.sqlite3") for k in points}
    server = _spawn(tmp_path / "parked-{}.sqlite3", "01", 0, ",".join(points))
    try:
        said = _park_all(server, points)
        pids = {k: int(words[-1][2]) for k, words in said.items()}
        for k in points:
            assert [w[0] for w in said[k]] == \
                ["ready", *["sold"] * len(SALES), *["refunded"] * (ARM_AT_REFUND - 1),
                 "parked"], f"point {k}: {said[k]}"
            assert said[k][-1][1] == k
            os.kill(pids.pop(k), signal.SIGKILL)
            assert _line(server) == f"{k}: ended -9\n"
            sold = {w[1] for w in said[k] if w[0] == "sold"}
            refunded = {w[1] for w in said[k] if w[0] == "refunded"}
            assert _reopen_and_check(paths[k], {"01"}) == (sold, refunded), f"parked before {k}"
        assert server.wait(timeout=10) == 0
    finally:
        _kill_group(server)  # a failure must not leave parked refunders behind


def test_sigkill_at_random_moments_leaves_only_whole_refunds(tmp_path):
    path = _copy(_template(tmp_path), tmp_path / "windows.sqlite3")
    terminals = {f"0{i + 1}" for i in range(REFUNDERS)}
    rnd, sold, refunded = random.Random(20261121), set(), set()
    for round_no in range(ROUNDS):
        procs = [_spawn(path, t, round_no * REFUNDERS + i)
                 for i, t in enumerate(sorted(terminals))]
        for p in procs:
            _expect(p, "ready")
        for p in procs:
            try:
                p.wait(timeout=rnd.uniform(0.0, 0.6))
            except subprocess.TimeoutExpired:
                pass
            more_sold, more_refunded = _kill(p)
            sold |= more_sold
            refunded |= more_refunded
        order_nos, refund_nos = _reopen_and_check(path, terminals)
        assert sold <= order_nos, f"reported sales lost: {sold - order_nos}"
        assert refunded <= refund_nos, f"reported refunds lost: {refunded - refund_nos}"
    assert refunded, "the windows never got to refund anything"


# Half refunds the checks must see, each on its own copy of a whole cycle's database:
# the statements that make it, and what the checks say.
HALVES = {
    "slip lost": (["DELETE FROM print_jobs WHERE id = (SELECT id FROM print_jobs "
                   "WHERE kind = 'refund_slip' LIMIT 1)"], "not one refund slip"),
    "op lost": (["DELETE FROM outbox WHERE kind = 'refund' AND seq = (SELECT max(seq) "
                 "FROM outbox)", "UPDATE counters SET value = value - 1 WHERE name = 'outbox'"],
                "not one refund op"),
    "amounts differ": (["UPDATE refunds SET amount_fen = amount_fen + 1 WHERE refund_id = "
                        "(SELECT refund_id FROM refunds LIMIT 1)"], "op says"),
    "ticket still valid": (["UPDATE tickets SET status = 'valid' WHERE ticket_id = (SELECT "
                            "ticket_id FROM tickets WHERE status = 'refunded' LIMIT 1)"],
                           "tickets not refunded"),
    "stock not back": (["UPDATE inventory SET sold = sold + 1 WHERE id = (SELECT min(id) "
                        "FROM inventory WHERE ticket_type = 'CHILD')"], "inventory sold"),
    "stock back twice": (["UPDATE inventory SET sold = sold - 1 WHERE id = (SELECT min(id) "
                          "FROM inventory WHERE ticket_type = 'ADULT' AND sold > 0)"],
                         "inventory sold"),
    "order not refunded": (["UPDATE orders SET refunded_fen = 0 WHERE order_id = (SELECT "
                            "order_id FROM refunds LIMIT 1)"], "refunded_fen"),
    "event lost": (["DELETE FROM timeline_events WHERE id = (SELECT max(id) "
                    "FROM timeline_events WHERE action = 'ticket.refunded')"], "timeline"),
    "refund row lost": (["DELETE FROM refunds WHERE refund_no LIKE '%-0003-R1'"],
                        "inventory sold"),  # the whole package order: its units came back
    "pass refund row lost": (["DELETE FROM refunds WHERE refund_no LIKE '%-0004-R1'"],
                             "refund op without its refund"),  # no units came back
}


@pytest.fixture(scope="module")
def whole_cycle(tmp_path_factory) -> Path:
    """One cycle of the child (4 sales, 5 refunds) run in this process: all whole."""
    tmp = tmp_path_factory.mktemp("cycle")
    path = _copy(_template(tmp), tmp / "cycle.sqlite3")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MENPIAO_CRASH_STMT", "count")
        crash_refunder.main(str(path), "01", 0)
    assert len(_reopen_and_check(path, {"01"})[1]) == len(REFUNDS)
    return path


@pytest.mark.parametrize("half", sorted(HALVES))
def test_the_checks_see_a_half_refund(whole_cycle, tmp_path, half):
    path = _copy(whole_cycle, tmp_path / "half.sqlite3")
    statements, says = HALVES[half]
    with closing(sqlite3.connect(path)) as conn, conn:
        for sql in statements:
            assert conn.execute(sql).rowcount == 1, sql
    with pytest.raises(AssertionError, match=says):
        _reopen_and_check(path, {"01"})

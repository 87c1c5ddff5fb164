"""`main.py server --workers 2` on PostgreSQL (DESIGN.md §13): two worker processes race on
one store and keep every guarantee — one order per Idempotency-Key, one apply per op, no
oversell, a feed in commit order with no gap — a long-poll held by one worker wakes on a
commit made through the other (LISTEN/NOTIFY), and a worker killed mid-burst loses no
acknowledged order while another worker takes over the sweep. One store serves the module
(starting two workers costs seconds); the kill comes last."""

import os
import random
import signal
import threading
import time
import uuid
from datetime import UTC, datetime

import pytest
import requests
import sqlalchemy as sa
from test_server_sync import sale_op
from workers_store import fresh_pg, running_workers

from app.store.models import AppliedOp, IdempotencyKey, Inventory, Order, Ticket

CAPACITY = 40


@pytest.fixture(scope="module")
def store(tmp_path_factory, pg_store_template):
    """The demo store's template (migrated, users seeded) served by two workers."""
    log = tmp_path_factory.mktemp("wk") / "store.log"
    with fresh_pg(pg_store_template) as url, running_workers(url, log) as s:
        yield s


def _order(store, session, headers, day, qty, key, ticket_type="ADULT", price=10000):
    return session.post(store.url("/orders"), timeout=30, headers=headers | {
        "Idempotency-Key": key}, json={
        "channel": "window", "visit_date": day.isoformat(),
        "lines": [{"ticket_type": ticket_type, "qty": qty}],
        "payment": {"method": "cash", "amount_fen": qty * price, "tendered_fen": qty * price}})


def _sessions_on_both(store, per_worker):
    pinned = store.pinned(per_worker)
    assert len(pinned) == 2
    return [s for group in zip(*pinned.values(), strict=True) for s in group]  # A, B, A, B…


def test_racing_orders_on_two_workers_one_order_per_key_no_oversell_feed_in_order(store):
    day = store.day(2)
    admin = store.login("admin")
    assert requests.put(store.url(f"/inventory/{day}/ADULT"), json={"capacity": CAPACITY},
                        headers=admin, timeout=30).status_code == 200
    shared = store.login("clerk1", "wk-shared", "20")  # one clerk's key, sent by every thread
    seed = random.randrange(1 << 30)
    answers: list[tuple[str, requests.Response]] = []
    sessions = _sessions_on_both(store, 2)

    def window(n: int) -> None:
        rng, session = random.Random(seed + n), sessions[n]
        h = store.login("clerk1", f"wk-{n}", f"2{n + 1}")
        for i in range(10):
            key = f"race-{n}-{i}"
            r = _order(store, session, h, day, rng.randint(1, 3), key)
            answers.append((key, r))
            if i == 4:
                answers.append(("shared", _order(store, session, shared, day, 1, "shared")))

    threads = [threading.Thread(target=window, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert {r.status_code for _, r in answers} <= {201, 409}, [
        (seed, r.text[:200]) for _, r in answers if r.status_code not in (201, 409)][:3]
    made = {k: r.json()["order_id"] for k, r in answers if r.status_code == 201}
    codes = [r.status_code for _, r in answers]
    assert 409 in codes, (seed, "the race never reached the last units")
    assert len({r.json()["order_id"] for k, r in answers
                if k == "shared" and r.status_code == 201}) <= 1
    with store.db.session() as s:
        inv = s.execute(sa.select(Inventory).where(Inventory.ticket_type == "ADULT",
                                                   Inventory.visit_date == day)).scalar_one()
        orders = s.execute(sa.select(Order.order_id).where(Order.visit_date == day)).scalars()
        tickets = s.execute(sa.select(sa.func.count()).select_from(Ticket).join(Order).where(
            Order.visit_date == day, Ticket.ticket_type == "ADULT")).scalar_one()
        assert sorted(orders) == sorted(set(made.values())), seed  # one order per key, no more
    assert inv.sold + inv.held <= CAPACITY and tickets == inv.sold, (seed, inv.sold, tickets)
    # the feed: every order, numbered in commit order with no gap (§9)
    seqs, seen, since = [], set(), "0"
    while True:
        page = requests.get(store.url("/sync/changes"), params={"since": since, "limit": 500},
                            headers=admin, timeout=30).json()
        seqs += [c["seq"] for c in page["changes"]]
        seen |= {c["id"] for c in page["changes"] if c["entity"] == "order"}
        since = page["next_cursor"]
        if not page["has_more"]:
            break
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    assert set(made.values()) <= seen


def test_twin_pushes_through_two_workers_apply_once(store):
    day = store.day(3)
    h = store.login("clerk1", "wk-push", "30")
    op = sale_op(day=day, qty=2, terminal="30", seq=1)
    sold_at = datetime.now(UTC).isoformat().replace("+00:00", "Z")  # the store's real clock
    op["payload"] |= {"device_id": "wk-push", "clerk": "clerk1", "created_at": sold_at}
    op["device_time"] = sold_at
    results: list[str] = []
    sessions = _sessions_on_both(store, 3)

    def send(session) -> None:
        r = session.post(store.url("/sync/push"), json={"device_id": "wk-push", "ops": [op]},
                         headers=h, timeout=60)
        results.append(r.json()["results"][0]["status"] if r.status_code == 200 else r.text)

    threads = [threading.Thread(target=send, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == ["applied"] + ["duplicate"] * 5, results
    with store.db.session() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(AppliedOp).where(
            AppliedOp.op_id == op["op_id"])).scalar_one() == 1
        assert s.execute(sa.select(sa.func.count()).select_from(Order).where(
            Order.order_id == op["payload"]["order_id"])).scalar_one() == 1


def test_a_long_poll_on_one_worker_wakes_on_an_order_through_the_other(store):
    (pid_a, (a,)), (pid_b, (b,)) = store.pinned(1).items()
    assert pid_a != pid_b
    h = store.login("clerk1", "wk-poll", "40")
    cursor = {"next_cursor": "0", "has_more": True}
    while cursor["has_more"]:  # to the end of the feed
        cursor = a.get(store.url("/sync/changes"), params={
            "since": cursor["next_cursor"], "limit": 500}, headers=h, timeout=30).json()
    got = {}

    def poll() -> None:
        started = time.monotonic()
        got["page"] = a.get(store.url("/sync/changes"), params={
            "since": cursor["next_cursor"], "wait": 20}, headers=h, timeout=60).json()
        got["took"] = time.monotonic() - started

    t = threading.Thread(target=poll)
    t.start()
    time.sleep(1.0)
    assert t.is_alive()  # held by worker A: nothing new yet
    r = _order(store, b, h, store.day(4), 1, uuid.uuid4().hex, "CHILD", 5000)
    assert r.status_code == 201, r.text
    t.join(30)
    ids = {c["id"] for c in got["page"]["changes"] if c["entity"] == "order"}
    assert r.json()["order_id"] in ids
    assert got["took"] < 15  # woken through NOTIFY, not by the 20 s wait running out


def test_a_worker_killed_mid_burst_loses_no_acknowledged_order_and_the_sweep_moves(store):
    day = store.day(5)
    leader = _wait_for(store.sweep_leader, lambda pid: pid in store.worker_pids())
    assert f"sweeper: this worker (pid {leader}) leads" in store.log.read_text()
    bodies: dict[str, tuple[dict, int]] = {}
    acked: dict[str, str] = {}
    lock = threading.Lock()

    def clerk(n: int) -> None:
        h = store.login("clerk1", f"wk-kill-{n}", f"5{n}")
        for i in range(15):
            key = f"kill-{n}-{i}"
            bodies[key] = (h, 1 + i % 2)
            deadline = time.monotonic() + 45
            while True:  # retry the same key until the store answers, as a window does
                try:
                    r = _order(store, requests, h, day, bodies[key][1], key)
                    if r.status_code == 201:
                        with lock:
                            acked[key] = r.json()["order_id"]
                        break
                    assert r.status_code >= 500, r.text
                except requests.RequestException:  # the worker died under this request
                    pass
                assert time.monotonic() < deadline, key
                time.sleep(0.2)

    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    _wait_for(lambda: len(acked), lambda n: n >= 12)
    os.kill(leader, signal.SIGKILL)  # mid-burst: the sweep's leader dies with its requests
    for t in threads:
        t.join(90)
    assert len(acked) == 60
    with store.db.session() as s:
        orders = s.execute(sa.select(Order.order_id).where(Order.visit_date == day)).scalars()
        assert sorted(orders) == sorted(acked.values())  # each acknowledged order, once
        assert s.execute(sa.select(sa.func.count()).select_from(IdempotencyKey).where(
            IdempotencyKey.key.like("kill-%"))).scalar_one() == 60
    for key in random.sample(sorted(acked), 10):  # a retry gives the same order
        r = _order(store, requests, bodies[key][0], day, bodies[key][1], key)
        assert r.status_code == 201 and r.json()["order_id"] == acked[key]
    new = _wait_for(store.sweep_leader, lambda pid: pid not in (None, leader))
    assert new in store.worker_pids()  # a live worker took the sweep over


def _wait_for(probe, ok, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while not ok(value := probe()):
        assert time.monotonic() < deadline, value
        time.sleep(0.2)
    return value


def test_sqlite_refuses_more_than_one_worker(tmp_path):
    import subprocess
    import sys

    from workers_store import ROOT

    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "server", "--database", url,
                           "--workers", "2", "--port", "9"], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 2 and "SQLite" in done.stderr and "PostgreSQL" in done.stderr
    assert not (tmp_path / "store.sqlite3").exists()  # refused before touching a database


def test_one_sweep_leader_per_database_and_the_next_takes_over(pg_url):
    from server.feed import pg_conninfo
    from server.leader import PgLeader

    info = pg_conninfo(sa.make_url(pg_url))
    with fresh_pg() as other_url:
        first, second = PgLeader(info), PgLeader(info)
        elsewhere = PgLeader(pg_conninfo(sa.make_url(other_url)))
        try:
            assert first.try_lead() and first.try_lead()  # leads, and keeps leading
            assert not second.try_lead()  # one leader per database…
            assert elsewhere.try_lead()  # …another store's database has its own
            first.release()  # its session ends, as when its process dies
            _wait_for(second.try_lead, bool, timeout=10)  # once the server has ended it
            assert not first.try_lead()
        finally:
            for leader in (first, second, elsewhere):
                leader.release()

"""The client outbox over a real SQLite file: claim order, settle, retry schedule, recovery."""

import random
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.services.journal import outbox as queue
from app.store.db import Database
from app.store.models import OutboxOp
from sync import outbox


@pytest.fixture
def db(sqlite_url):
    database = Database.open(sqlite_url)
    yield database
    database.dispose()


def add_ops(db, n, now, kind="sale"):
    with db.session() as s, s.begin():
        return [queue.append(s, kind, {"order_no": f"W01-20261121-{i:04d}", "n": i}, now=now)
                for i in range(n)]


def states(db):
    with db.session() as s:
        return {row.op_id: (row.state, row.attempts, row.next_attempt_at, row.last_error)
                for row in s.execute(sa.select(OutboxOp)).scalars()}


def test_claim_returns_due_ops_in_seq_order_as_op_dicts_and_marks_them_inflight(db, now):
    queued = add_ops(db, 3, now)

    ops = outbox.claim(db.session(), now=now)

    assert [op["op_id"] for op in ops] == [q.op_id for q in queued]
    assert [op["seq"] for op in ops] == sorted(op["seq"] for op in ops)
    assert set(ops[0]) == {"op_id", "seq", "kind", "device_time", "payload"}
    assert ops[0]["device_time"] == "2026-11-21T02:00:00Z"
    assert ops[0]["payload"] == {"order_no": "W01-20261121-0000", "n": 0}
    assert {s for s, *_ in states(db).values()} == {"inflight"}
    assert outbox.claim(db.session(), now=now) == []
    assert outbox.counts(db.session()) == {"pending": 0, "inflight": 3, "rejected": 0,
                                           "acked": 0}


def test_claim_takes_at_most_the_limit(db, now):
    add_ops(db, 5, now)
    assert len(outbox.claim(db.session(), now=now, limit=2)) == 2
    assert len(outbox.claim(db.session(), now=now, limit=200)) == 3


def test_settle_acks_applied_and_duplicate_and_rejects_refusals_with_the_error(db, now):
    a, b, c, d = add_ops(db, 4, now)
    outbox.claim(db.session(), now=now)

    rejected = outbox.settle(db.session(), [
        {"op_id": a.op_id, "status": "applied", "server_version": 1},
        {"op_id": b.op_id, "status": "duplicate"},
        {"op_id": c.op_id, "status": "rejected",
         "error": {"code": "validation_error", "message": "游玩日期不正确"}},
        {"op_id": d.op_id, "status": "conflict",
         "error": {"code": "conflict", "message": "编号重复"}}], now=now)

    assert rejected == [c.op_id, d.op_id]
    got = states(db)
    assert got[a.op_id][0] == got[b.op_id][0] == "acked"
    assert got[c.op_id][0] == got[d.op_id][0] == "rejected"
    assert "validation_error: 游玩日期不正确" in got[c.op_id][3]
    listed = outbox.rejected_ops(db.session())
    assert [(r.op_id, r.kind, r.order_no) for r in listed] == [
        (c.op_id, "sale", "W01-20261121-0002"), (d.op_id, "sale", "W01-20261121-0003")]


@pytest.mark.parametrize("attempt, base", [(1, 2), (2, 8), (3, 30), (4, 300), (9, 300)])
def test_retry_delay_follows_the_schedule_with_jitter(attempt, base):
    delays = [outbox.retry_delay(attempt, random.Random(seed)) for seed in range(200)]
    assert all(base * 0.8 <= d <= base * 1.2 for d in delays)
    assert max(delays) - min(delays) > base * 0.2  # really jittered


def test_retry_later_reschedules_each_failure_and_never_drops_the_op(db, now):
    (op,) = add_ops(db, 1, now)
    rng = random.Random(3)
    at = now
    for expected in (2, 8, 30, 300, 300, 300):
        assert [o["op_id"] for o in outbox.claim(db.session(), now=at)] == [op.op_id]
        due = outbox.retry_later(db.session(), [op.op_id], "无法连接", now=at, rng=rng)
        assert expected * 0.8 <= (due - at).total_seconds() <= expected * 1.2
        assert outbox.claim(db.session(), now=due - timedelta(milliseconds=1)) == []
        assert outbox.next_due(db.session(), now=at) == due
        at = due
    state, attempts, next_at, error = states(db)[op.op_id]
    assert (state, attempts, next_at, error) == ("pending", 6, at, "无法连接")


def test_a_later_op_never_overtakes_an_earlier_one_waiting_for_its_retry(db, now):
    (first,) = add_ops(db, 1, now)
    outbox.claim(db.session(), now=now)
    due = outbox.retry_later(db.session(), [first.op_id], "timeout", now=now,
                             rng=random.Random(1))
    add_ops(db, 1, now)  # sold meanwhile: due at once, but after `first`

    assert outbox.claim(db.session(), now=now) == []
    assert len(outbox.claim(db.session(), now=due)) == 2


def test_due_now_makes_waiting_ops_due_at_once(db, now):
    (op,) = add_ops(db, 1, now)
    outbox.claim(db.session(), now=now)
    outbox.retry_later(db.session(), [op.op_id], "timeout", now=now, rng=random.Random(1))
    assert outbox.due_now(db.session()) == 1
    assert [o["op_id"] for o in outbox.claim(db.session(), now=now)] == [op.op_id]


def test_retry_later_leaves_settled_ops_alone(db, now):
    a, b = add_ops(db, 2, now)
    outbox.claim(db.session(), now=now)
    outbox.settle(db.session(), [{"op_id": a.op_id, "status": "applied"}], now=now)
    outbox.retry_later(db.session(), [a.op_id, b.op_id], "cut", now=now, rng=random.Random(1))
    got = states(db)
    assert got[a.op_id][:2] == ("acked", 0) and got[b.op_id][:2] == ("pending", 1)


def test_recover_puts_ops_a_crash_left_inflight_back_to_pending(sqlite_url, now):
    first = Database.open(sqlite_url)
    add_ops(first, 3, now)
    outbox.claim(first.session(), now=now, limit=2)
    first.dispose()  # the process died with two ops in flight

    again = Database.open(sqlite_url)
    try:
        assert outbox.recover(again.session()) == 2
        assert outbox.counts(again.session())["pending"] == 3
        assert len(outbox.claim(again.session(), now=now)) == 3
    finally:
        again.dispose()


def test_two_processes_flushing_one_outbox_claim_disjoint_ops(sqlite_url, now):
    dbs = [Database.open(sqlite_url) for _ in range(2)]
    add_ops(dbs[0], 60, now)
    claimed: list[list[str]] = [[], []]
    start = threading.Barrier(2)

    def flush(i):
        start.wait()
        while ops := outbox.claim(dbs[i].session(), now=now, limit=3):
            claimed[i].extend(op["op_id"] for op in ops)

    threads = [threading.Thread(target=flush, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        everything = claimed[0] + claimed[1]
        assert len(everything) == len(set(everything)) == 60
    finally:
        for d in dbs:
            d.dispose()

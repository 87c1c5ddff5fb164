"""The engine's decisions over a scripted store and a real SQLite cache, with an injected
clock and rng: retry schedule, alert, reconnect, refusals, never raising."""

import random
import time
from datetime import timedelta

import pytest

from app.services.journal import outbox as queue
from app.store.db import Database
from sync import outbox
from sync.engine import SyncEngine
from sync.transport import PermanentError, TransientError


class FakeStore:
    """Stands in for StoreClient. `fail` is None (works), "unreachable" or an HTTP status."""

    def __init__(self):
        self.fail = None
        self.pushed: list[list[str]] = []
        self.refuse_batches_with: str | None = None  # op_id the store chokes on
        self.health_calls = 0
        self.clock_offset, self.clock_skewed = 0.0, False

    def _check(self):
        if self.fail == "unreachable":
            raise TransientError("无法连接中心服务器")
        if self.fail:
            raise TransientError(f"中心服务器暂时不可用（{self.fail}）", self.fail)

    def health(self):
        self.health_calls += 1
        self._check()
        return True

    def push(self, device_id, ops):
        self._check()
        ids = [op["op_id"] for op in ops]
        if self.refuse_batches_with in ids:
            raise PermanentError(422, "validation_error", "操作内容不正确")
        self.pushed.append(ids)
        return [{"op_id": i, "status": "applied", "server_version": 1} for i in ids]

    def changes(self, since, limit=500, wait=0):
        self._check()
        return {"changes": [], "next_cursor": str(since), "has_more": False}

    def get_order(self, order_no):
        raise PermanentError(404, "not_found", "没有找到订单")


class Clock:
    def __init__(self, at):
        self.at = at

    def __call__(self):
        return self.at

    def advance(self, seconds):
        self.at += timedelta(seconds=seconds)


@pytest.fixture
def db(sqlite_url):
    database = Database.open(sqlite_url)
    yield database
    database.dispose()


@pytest.fixture
def setup(db, now):
    store, clock, events = FakeStore(), Clock(now), []
    engine = SyncEngine(db, store, device_id="dev-1", clock=clock, on_event=events.append,
                        rng=random.Random(5), long_poll_wait=0, probe_interval=15)
    return engine, store, clock, events


def add_ops(db, n, now):
    with db.session() as s, s.begin():
        return [queue.append(s, "sale", {"order_no": f"W01-20261121-{i:04d}"}, now=now).op_id
                for i in range(n)]


def kinds(events):
    return [e.kind for e in events]


def test_transient_failures_back_off_2_8_30_then_300_seconds_and_alert_on_the_third(
        setup, db, now):
    engine, store, clock, events = setup
    (op,) = add_ops(db, 1, now)
    store.fail = 503
    delays = []
    for _ in range(6):
        delays.append(engine.step())
        clock.advance(delays[-1])
    for delay, base in zip(delays, (2, 8, 30, 300, 300, 300), strict=True):
        assert base * 0.8 <= delay <= base * 1.2
    assert kinds(events).count("alert") == 1
    assert events[0].kind == "status" and not events[0].status.online
    assert kinds(events).index("alert") > 0 and events[-1].status.alert
    status = engine.status()
    assert not status.online and status.pending == 1 and "连续失败 3 次" in status.alert
    assert outbox.counts(db.session())["pending"] == 1  # never dropped


def test_nothing_is_tried_before_the_retry_is_due(setup, db, now):
    engine, store, clock, _ = setup
    add_ops(db, 1, now)
    store.fail = 503
    first = engine.step()
    store.fail = None
    clock.advance(first / 2)
    assert engine.step() == pytest.approx(first / 2)
    assert store.pushed == []
    clock.advance(first / 2)
    engine.step()
    assert len(store.pushed) == 1


def test_when_the_store_comes_back_a_probe_finds_it_and_pushes_at_once(setup, db, now):
    engine, store, clock, events = setup
    store.fail = "unreachable"
    for _ in range(3):
        clock.advance(engine.step())
    assert engine.step() > 200  # offline for a while: the next retry is minutes away
    (op,) = add_ops(db, 1, now)
    clock.advance(1)
    engine.wake()  # a sale while offline: probe now
    engine.step()
    assert store.pushed == [] and store.health_calls >= 1

    store.fail = None
    clock.advance(15)  # the next probe is due long before the 300 s retry
    engine.step()

    assert store.pushed == [[op]]
    status = engine.status()
    assert status.online and status.pending == 0 and status.alert is None
    assert events[-1].kind == "status" and events[-1].status.online


def test_a_batch_refused_as_a_whole_is_sent_op_by_op_and_only_the_culprit_is_rejected(
        setup, db, now):
    engine, store, _, _ = setup
    a, b, c = add_ops(db, 3, now)
    store.refuse_batches_with = b

    status = engine.sync_once()

    assert store.pushed == [[a], [c]]
    assert (status.online, status.pending, status.rejected) == (True, 0, 1)
    (refused,) = outbox.rejected_ops(db.session())
    assert refused.op_id == b and "validation_error" in refused.error


def test_an_auth_refusal_keeps_the_ops_and_counts_as_a_failure(setup, db, now):
    engine, store, _, _ = setup
    add_ops(db, 2, now)

    def refuse(device_id, ops):
        raise PermanentError(401, "unauthorized", "用户名或密码错误")

    store.push = refuse
    status = engine.sync_once()
    assert not status.online and status.pending == 2 and status.rejected == 0


def test_the_engine_never_raises_and_a_broken_handler_does_not_stop_it(db, now):
    store = FakeStore()

    def broken_changes(*a, **kw):
        raise RuntimeError("bug")

    def broken_handler(event):
        raise ValueError("ui bug")

    store.changes = broken_changes
    engine = SyncEngine(db, store, device_id="dev-1", clock=Clock(now),
                        on_event=broken_handler, rng=random.Random(1), long_poll_wait=0)
    assert engine.step() > 0
    assert not engine.sync_once().online


def test_the_thread_pushes_when_woken_and_stops(setup, db, now):
    engine, store, _, events = setup
    engine.start()
    threads = list(engine._threads)
    try:
        add_ops(db, 1, now)
        engine.wake()
        for _ in range(200):
            if store.pushed:
                break
            time.sleep(0.05)
        assert len(store.pushed) == 1
    finally:
        engine.stop(timeout=5)
    assert [t.name for t in threads] == ["sync-engine"]  # no long-poll thread: wait 0
    assert not threads[0].is_alive()


def test_applied_anomalies_are_announced_with_their_ids(setup, now):
    engine, store, _, events = setup
    anomaly = {"id": "a-1", "kind": "oversold", "category": "inventory", "order_id": None,
               "order_no": None, "reason": "超售", "evidence": {}, "priority": 1000,
               "status": "open", "fixes": ["mark_resolved"],
               "detected_at": "2026-11-21T02:00:00Z", "version": 1}
    pages = [{"changes": [{"seq": 1, "entity": "anomaly", "id": "a-1", "version": 1,
                           "data": anomaly}], "next_cursor": "1", "has_more": False}]
    store.changes = lambda since, limit=500, wait=0: (
        pages.pop(0) if pages else {"changes": [], "next_cursor": str(since),
                                    "has_more": False})
    engine.sync_once()
    announced = [e for e in events if e.kind == "anomalies_changed"]
    assert [e.anomaly_ids for e in announced] == [("a-1",)]
    assert "orders_changed" not in kinds(events)
    engine.sync_once()  # nothing new: nothing announced
    assert len([e for e in events if e.kind == "anomalies_changed"]) == 1

"""The client sync engine (DESIGN.md §9): push the outbox, pull the changes feed into the cache,
keep leases topped up, long-poll for what other devices do.

Two daemon threads. The engine thread runs cycles — push every due op in batches of ≤ 200 in
seq order, pull pages until `has_more` is false (each page applied with its cursor in one
transaction), fetch the store's copy of orders whose op was refused, top up leases — whenever
it is woken (`wake()` after every local sale), an op falls due or `idle_interval` passes. The
poll thread holds a long-poll open while online and wakes the engine when the feed moves, so a
sale is never queued behind a 25-second poll.

Failures: a transient error (timeout, connection, 5xx, 429) puts the batch back with its retry
schedule (2 s, 8 s, 30 s, then every 5 min, jittered), marks the engine offline and retries the
cycle on the same schedule; the third failure in a row raises an alert (status and log) but
nothing is dropped. While the store is unreachable a cheap probe runs every `probe_interval`
(and at once on `wake()`): any successful request makes every op due again and pushes at once.
A refused op (4xx) is `rejected`, counted in the status for the supervisor. Nothing raises into
the caller: exceptions are logged and treated as a failed cycle.

Events are delivered on the engine thread (or the `sync_once()` caller's).
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from app.store.db import Database

from . import cache, outbox
from .events import ALERT, ANOMALIES_CHANGED, ORDERS_CHANGED, STATUS, SyncEvent, SyncStatus
from .leases import LeaseKeeper
from .transport import PermanentError, StoreClient, TransientError

log = logging.getLogger(__name__)

ALERT_AFTER = 3
PAGE_SIZE = 500
AUTH_STATUSES = (401, 403)  # the device cannot push at all: keep the ops, alert


class SyncEngine:
    """See the module docstring. `clock()` returns aware UTC; `on_event(SyncEvent)`; `stream`
    the cursor of the feed the signed-in role is given (`cache.stream_for`)."""

    def __init__(self, db: Database, client: StoreClient, *, device_id: str,
                 clock: Callable[[], datetime], on_event: Callable[[SyncEvent], None],
                 rng: random.Random | None = None, long_poll_wait: float = 25,
                 lease_keeper: LeaseKeeper | None = None, probe_interval: float = 15,
                 idle_interval: float = 30, page_size: int = PAGE_SIZE,
                 stream: str = cache.STREAM) -> None:
        self._db, self._client, self._device_id = db, client, device_id
        self._stream = stream
        self._clock, self._on_event = clock, on_event
        self._rng = rng or random.Random()
        self._long_poll_wait, self._lease_keeper = long_poll_wait, lease_keeper
        self._probe_interval, self._idle_interval = probe_interval, idle_interval
        self._page_size = page_size
        self._online = False
        self._failures = 0
        self._unreachable = False  # the last failure never reached the store: probe
        self._retry_at: datetime | None = None
        self._next_probe: datetime | None = None
        self._alert: str | None = None
        self._last_sync_at: datetime | None = None
        self._last_status: SyncStatus | None = None
        self._refetch: set[str] = set()
        self._cursor: str | None = None
        self._cycle_lock = threading.Lock()
        self._wake, self._stop, self._online_evt = (threading.Event(), threading.Event(),
                                                    threading.Event())
        self._kicked = False
        self._threads: list[threading.Thread] = []

    # -- public ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the engine (and poll) threads; ops left inflight by a crash go back first."""
        if self._threads:
            return
        self._stop.clear()
        targets = [(self._run, "sync-engine")]
        if self._long_poll_wait > 0:
            targets.append((self._poll, "sync-poll"))
        for target, name in targets:
            thread = threading.Thread(target=target, name=name, daemon=True)
            self._threads.append(thread)
            thread.start()

    def wake(self) -> None:
        """Push now (call after every local sale)."""
        self._kicked = True
        self._wake.set()

    def stop(self, timeout: float | None = 5) -> None:
        """Stop the threads (a long-poll in flight is abandoned: its thread is a daemon)."""
        self._stop.set()
        self._wake.set()
        self._online_evt.set()
        for thread in self._threads:
            thread.join(timeout if thread.name == "sync-engine" else 0.1)
        self._threads = []

    def sync_once(self) -> SyncStatus:
        """One cycle now on the caller's thread: push, pull, refetch, leases; no long-poll.
        Never raises; the status says how it went."""
        with self._cycle_lock:
            self._cycle_guarded(self._clock(), force=True)
        return self.status()

    def step(self) -> float:
        """What the engine thread does once: a cycle if one is due (respecting the retry
        schedule and probing while the store is unreachable); seconds until the next."""
        with self._cycle_lock:
            return self._cycle_guarded(self._clock(), force=False)

    def recover(self) -> int:
        """Inflight ops left by a crash → pending."""
        return outbox.recover(self._db.session())

    def status(self) -> SyncStatus:
        counts = outbox.counts(self._db.session())
        return SyncStatus(
            online=self._online, pending=counts["pending"] + counts["inflight"],
            rejected=counts["rejected"], last_sync_at=self._last_sync_at, alert=self._alert,
            clock_offset_s=self._client.clock_offset, clock_skewed=self._client.clock_skewed)

    @property
    def online(self) -> bool:
        return self._online

    @property
    def client(self) -> StoreClient:
        """The store client the engine pushes and pulls with (the signed-in user's)."""
        return self._client

    # -- threads --------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self.recover()
        except Exception:
            log.exception("outbox recovery failed")
        while not self._stop.is_set():
            self._wake.clear()
            delay = self.step()
            if self._stop.is_set():
                break
            self._wake.wait(max(delay, 0.0))

    def _poll(self) -> None:
        while not self._stop.is_set():
            if not self._online_evt.wait(1.0) or self._stop.is_set():
                continue
            try:
                page = self._client.changes(self._cursor_value(), limit=1,
                                            wait=self._long_poll_wait)
            except Exception as exc:  # the engine thread finds out what is wrong
                log.debug("long-poll failed: %s", exc)
                self._wake.set()
                self._stop.wait(2.0)
                continue
            if page.get("changes"):
                self._wake.set()

    # -- one cycle ------------------------------------------------------------------------

    def _cycle_guarded(self, now: datetime, *, force: bool) -> float:
        """Run a cycle if one is due; seconds until the next. Never raises."""
        try:
            return self._cycle(now, force=force)
        except Exception as exc:
            log.exception("sync cycle failed")
            # status 0: not a transport failure, so no probing: the retry schedule applies
            return self._failed(now, TransientError(f"同步出错：{exc}", 0))

    def _cycle(self, now: datetime, *, force: bool) -> float:
        kicked, self._kicked = self._kicked, False
        if not force and self._retry_at is not None and now < self._retry_at:
            if not self._unreachable:
                return self._seconds_until(self._retry_at, now)
            if not kicked and self._next_probe is not None and now < self._next_probe:
                return self._seconds_until(min(self._retry_at, self._next_probe), now)
            if not self._probe(now):
                return self._seconds_until(min(self._retry_at, self._next_probe), now)
        try:
            self._sync(now)
        except TransientError as exc:
            return self._failed(now, exc)
        return self._succeeded(now)

    def _sync(self, now: datetime) -> None:
        was_offline = not self._online
        self._push(now)
        self._pull(now)
        if was_offline:
            self._set_online(True)
            if outbox.due_now(self._db.session()):
                self._push(now)
        self._refetch_refused()
        if self._lease_keeper is not None:
            self._lease_keeper.keep(now)

    def _probe(self, now: datetime) -> bool:
        try:
            self._client.health()
        except (TransientError, PermanentError) as exc:
            log.info("store still unreachable: %s", exc)
            self._next_probe = now + timedelta(seconds=self._probe_interval)
            return False
        log.info("store reachable again")
        self._retry_at = None
        return True

    # -- push -----------------------------------------------------------------------------

    def _push(self, now: datetime) -> None:
        while True:
            ops = outbox.claim(self._db.session(), now=now)
            if not ops:
                return
            try:
                self._send(ops, now)
            except BaseException as exc:
                outbox.retry_later(self._db.session(), [op["op_id"] for op in ops], str(exc),
                                   now=now, rng=self._rng)
                raise

    def _send(self, ops: list[dict[str, Any]], now: datetime) -> None:
        """Push a claimed batch and settle it. A batch the store refused as a whole is sent
        op by op, so only the op at fault is rejected."""
        try:
            results = self._client.push(self._device_id, ops)
        except PermanentError as exc:
            if exc.status in AUTH_STATUSES:  # not the ops' fault: keep them, alert
                raise TransientError(f"中心服务器拒绝了本设备（{exc.status}）：{exc.message}",
                                     exc.status) from exc
            if len(ops) > 1:
                for op in ops:
                    self._send([op], now)
                return
            log.warning("op %s refused: %s", ops[0]["op_id"], exc)
            outbox.reject(self._db.session(), [ops[0]["op_id"]], f"{exc.code}: {exc.message}")
            self._note_refused([ops[0]["op_id"]])
            return
        rejected = outbox.settle(self._db.session(), results, now=now)
        self._note_refused(rejected)
        answered = {r.get("op_id") for r in results}
        missing = [op["op_id"] for op in ops if op["op_id"] not in answered]
        if missing:
            outbox.retry_later(self._db.session(), missing, "中心服务器未返回结果", now=now,
                               rng=self._rng)

    def _note_refused(self, op_ids: list[str]) -> None:
        if op_ids:
            self._refetch.update(outbox.op_order_nos(self._db.session(), op_ids))

    def _refetch_refused(self) -> None:
        """Replace cached orders whose op was refused by the store's copy."""
        for order_no in sorted(self._refetch):
            try:
                data = self._client.get_order(order_no)
            except PermanentError as exc:  # e.g. 404: the store never had it
                log.info("refused order %s not fetched: %s", order_no, exc)
                self._refetch.discard(order_no)
                continue
            cache.force_order(self._db.session(), data)
            self._refetch.discard(order_no)
            self._emit(ORDERS_CHANGED, (data["order_id"],))

    # -- pull -----------------------------------------------------------------------------

    def _cursor_value(self) -> str:
        if self._cursor is None:
            self._cursor = cache.cursor(self._db.session(), self._stream)
        return self._cursor

    def _pull(self, now: datetime) -> None:
        changed: dict[str, None] = {}  # ordered sets
        anomalies: dict[str, None] = {}
        while True:
            since = self._cursor_value()
            page = self._client.changes(since, limit=self._page_size, wait=0)
            applied = cache.apply_page(self._db.session(), page, now=now, stream=self._stream)
            self._cursor = applied.cursor
            changed.update(dict.fromkeys(applied.order_ids))
            anomalies.update(dict.fromkeys(applied.anomalies))
            if not page.get("has_more") or applied.cursor == since:
                break
        if changed:
            self._emit(ORDERS_CHANGED, tuple(changed))
        if anomalies:
            self._emit(ANOMALIES_CHANGED, anomaly_ids=tuple(anomalies))

    # -- state ----------------------------------------------------------------------------

    def _set_online(self, online: bool) -> None:
        self._online = online
        (self._online_evt.set if online else self._online_evt.clear)()

    def _succeeded(self, now: datetime) -> float:
        self._failures, self._retry_at, self._unreachable, self._alert = 0, None, False, None
        self._set_online(True)
        self._last_sync_at = now
        self._emit(STATUS)
        due = outbox.next_due(self._db.session(), now=now)
        idle = now + timedelta(seconds=self._idle_interval)
        return self._seconds_until(min(due, idle) if due else idle, now)

    def _failed(self, now: datetime, exc: TransientError) -> float:
        self._failures += 1
        self._set_online(False)
        self._unreachable = exc.status is None
        delay = outbox.retry_delay(self._failures, self._rng)
        self._retry_at = now + timedelta(seconds=delay)
        self._next_probe = now + timedelta(seconds=self._probe_interval)
        log.info("sync failed (%d in a row), retry in %.0f s: %s", self._failures, delay,
                 exc.message)
        if self._failures >= ALERT_AFTER and self._alert is None:
            pending = self.status().pending
            self._alert = (f"与中心服务器同步已连续失败 {self._failures} 次（{exc.message}），"
                           f"{pending} 笔待上传，已保留并每 5 分钟重试")
            log.warning("sync alert: %s", self._alert)
            self._emit(ALERT)
        self._emit(STATUS)
        return delay

    @staticmethod
    def _seconds_until(at: datetime, now: datetime) -> float:
        return max((at - now).total_seconds(), 0.0)

    def _emit(self, kind: str, order_ids: tuple[str, ...] = (), *,
              anomaly_ids: tuple[str, ...] = ()) -> None:
        try:
            status = self.status()
            if kind == STATUS:
                if status == self._last_status:
                    return
                self._last_status = status
            self._on_event(SyncEvent(kind, status, order_ids, anomaly_ids))
        except Exception:
            log.exception("sync event handler failed")

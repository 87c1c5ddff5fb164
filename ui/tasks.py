"""The one background-task helper of the client (Anki's CollectionOp, Picard's run_task).

    tasks.run(catalog.availability_for, day).on_success(show).on_failure(report)
    tasks.write(sell_now, request).on_success(done).on_failure(report)

`run` uses a shared QThreadPool (reads, printing tests, anything slow); `write` uses one dedicated
thread so the local SQLite database has a single writer and writes happen in submission order.
Results and errors are always delivered on the GUI thread through a queued signal; the work
function must never touch a widget. Pass `owner=` (a widget) to drop the delivery silently when
that widget has been destroyed meanwhile.

A task that changes something says what (`changes=`, an `app.services.journal.op_changes.OpChanges`;
a result carrying its own `changes` adds to it): after its success callbacks, the module's one
`operations().operation_did_execute(changes, origin)` fires on the GUI thread — the app wakes
the printer and the sync engine from it, every screen refreshes from it. `origin` is the
`owner` that asked (None once destroyed), so a screen can skip its own writes.

`set_inline(True)` (UI tests) runs the work synchronously in the calling thread; callbacks then
fire as soon as they are attached, so a test reads straight through without waiting.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

log = logging.getLogger(__name__)

_PENDING, _OK, _FAILED = range(3)


class Task:
    """A unit of work whose outcome arrives on the GUI thread. Callbacks chain like a promise."""

    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict,
                 owner: QObject | None, name: str, changes: Any = None) -> None:
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.name = name
        self.changes = changes
        self._owner = owner
        self._state = _PENDING
        self._value: Any = None
        self._success: list[Callable[[Any], None]] = []
        self._failure: list[Callable[[BaseException], None]] = []
        self._finally: list[Callable[[], None]] = []

    # -- chaining (GUI thread) ------------------------------------------------------------------
    def on_success(self, cb: Callable[[Any], None]) -> Task:
        self._success.append(cb)
        if self._state == _OK and self._alive():
            cb(self._value)
        return self

    def on_failure(self, cb: Callable[[BaseException], None]) -> Task:
        self._failure.append(cb)
        if self._state == _FAILED and self._alive():
            cb(self._value)
        return self

    def on_done(self, cb: Callable[[], None]) -> Task:
        """Runs after success or failure (re-enable a button, hide a spinner)."""
        self._finally.append(cb)
        if self._state != _PENDING and self._alive():
            cb()
        return self

    @property
    def done(self) -> bool:
        return self._state != _PENDING

    # -- execution ------------------------------------------------------------------------------
    def _execute(self) -> tuple[int, Any]:
        try:
            return _OK, self.fn(*self.args, **self.kwargs)
        except BaseException as exc:  # delivered to the GUI thread, never lost in a worker
            return _FAILED, exc

    def _deliver(self, state: int, value: Any) -> None:
        self._state, self._value = state, value
        alive = self._alive()
        if not alive:
            log.debug("task %s finished after its owner was destroyed", self.name)
        else:
            self._call_back(state, value)
        if state == _OK:  # the write happened: the other screens hear it even so
            self._announce(value, self._owner if alive else None)

    def _call_back(self, state: int, value: Any) -> None:
        if state == _FAILED:
            _log_failure(self.name, value)
            if not self._failure:
                QTimer.singleShot(0, lambda: self._unhandled(value))
        for cb in self._success if state == _OK else self._failure:
            cb(value)
        for cb in self._finally:
            cb()

    def _announce(self, value: Any, origin: QObject | None) -> None:
        if self.changes is None and not hasattr(value, "changes"):
            return
        from app.services.journal.op_changes import NOTHING, changes_of

        changes = (self.changes or NOTHING) | changes_of(value)
        if changes:
            operations().operation_did_execute.emit(changes, origin)

    def _unhandled(self, exc: BaseException) -> None:
        if not self._failure and _runner.unhandled is not None:
            _runner.unhandled(exc)

    def _alive(self) -> bool:
        if self._owner is None:
            return True
        return shiboken6.isValid(self._owner)


def _log_failure(name: str, exc: BaseException) -> None:
    from app.domain.errors import DomainError

    if isinstance(exc, DomainError):  # a refusal the clerk reads, not a bug
        log.info("task %s refused: %s", name, exc)
    else:
        log.error("task %s failed", name, exc_info=(type(exc), exc, exc.__traceback__))


class _Job(QRunnable):
    def __init__(self, task: Task, relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task, self._relay = task, relay

    def run(self) -> None:  # worker thread: compute, then hand the outcome to the GUI thread
        state, value = self._task._execute()
        self._relay.finished.emit(self._task, state, value)


class _Relay(QObject):
    """Lives in the GUI thread; emitting from a worker makes the connection queued."""

    finished = Signal(object, int, object)

    def __init__(self) -> None:
        super().__init__()
        self.finished.connect(self._on_finished)
        self.pending: set[Task] = set()

    @Slot(object, int, object)
    def _on_finished(self, task: Task, state: int, value: Any) -> None:
        self.pending.discard(task)
        task._deliver(state, value)


class Operations(QObject):
    """The one "operation did execute" signal (Anki's hook of that name): `(changes, origin)`
    after every task that changed something, on the GUI thread."""

    operation_did_execute = Signal(object, object)


class _Runner:
    def __init__(self) -> None:
        self.inline = False
        self.unhandled: Callable[[BaseException], None] | None = None
        self._relay: _Relay | None = None
        self._pool: QThreadPool | None = None
        self._writer: QThreadPool | None = None
        self._operations: Operations | None = None

    def operations(self) -> Operations:
        if self._operations is None:
            self._operations = Operations()
        return self._operations

    def relay(self) -> _Relay:
        if self._relay is None:
            self._relay = _Relay()
        return self._relay

    def pool(self) -> QThreadPool:
        if self._pool is None:
            self._pool = QThreadPool()
            self._pool.setMaxThreadCount(4)
        return self._pool

    def writer(self) -> QThreadPool:
        if self._writer is None:
            self._writer = QThreadPool()
            self._writer.setMaxThreadCount(1)  # the single writer of the local database
            self._writer.setExpiryTimeout(-1)  # ... and always the same thread
        return self._writer

    def submit(self, pool_getter: Callable[[], QThreadPool], fn: Callable[..., Any],
               args: tuple, kwargs: dict, owner: QObject | None, changes: Any) -> Task:
        task = Task(fn, args, kwargs, owner, getattr(fn, "__qualname__", repr(fn)), changes)
        if self.inline:
            task._deliver(*task._execute())
            return task
        relay = self.relay()
        relay.pending.add(task)
        pool_getter().start(_Job(task, relay))
        return task

    def wait(self, msecs: int) -> bool:
        ok = True
        for pool in (self._pool, self._writer):
            if pool is not None:
                ok = pool.waitForDone(msecs) and ok
        return ok


_runner = _Runner()


def run(fn: Callable[..., Any], *args: Any, owner: QObject | None = None, changes: Any = None,
        **kwargs: Any) -> Task:
    """Run `fn(*args, **kwargs)` on the thread pool; the outcome arrives on the GUI thread.
    `changes`: what a call to the central store changed, announced after its success."""
    return _runner.submit(_runner.pool, fn, args, kwargs, owner, changes)


def write(fn: Callable[..., Any], *args: Any, owner: QObject | None = None,
          changes: Any = None, **kwargs: Any) -> Task:
    """Run `fn` on the single database-writer thread (writes happen one at a time, in order);
    after its success, `operation_did_execute(changes, owner)` tells the app and the screens."""
    return _runner.submit(_runner.writer, fn, args, kwargs, owner, changes)


def operations() -> Operations:
    """The object carrying `operation_did_execute(changes, origin)` (created on first use,
    from the GUI thread)."""
    return _runner.operations()


def set_inline(inline: bool) -> None:
    """Run every task synchronously in the caller (UI tests)."""
    _runner.inline = inline


def is_inline() -> bool:
    return _runner.inline


def set_unhandled_failure(handler: Callable[[BaseException], None] | None) -> None:
    """Who hears about a failure no caller handled (the app shows a Chinese message)."""
    _runner.unhandled = handler


def wait_for_all(msecs: int = 10_000) -> bool:
    """Block until queued work is done (shutdown and tests only; never from a click)."""
    return _runner.wait(msecs)


def pending_count() -> int:
    return len(_runner.relay().pending) if _runner._relay is not None else 0

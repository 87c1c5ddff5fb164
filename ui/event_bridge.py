"""Events from a worker thread into Qt, coalesced (Electrum's need_update pattern): the worker
calls `publish` from its own thread; the bridge takes each event on the GUI thread
(`take(event)`) and emits one `changed` at most every `interval_ms`. `wake()` pokes the
worker (its `waker`, once it runs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot


class EventBridge(QObject):
    changed = Signal()
    _arrived = Signal(object)

    def __init__(self, parent: QObject | None = None, interval_ms: int = 150) -> None:
        super().__init__(parent)
        self.waker: Callable[[], None] | None = None
        self.events_seen = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush)
        self._arrived.connect(self._on_event)

    def publish(self, event: Any) -> None:
        """Any thread. Never touches widgets: the emit is queued to the GUI thread."""
        self._arrived.emit(event)

    def wake(self) -> None:
        if self.waker is not None:
            self.waker()

    def take(self, event: Any) -> None:
        """GUI thread: note one event (subclasses keep what they need)."""

    def flush(self) -> None:
        """GUI thread, once per burst: tell the listeners."""
        self.changed.emit()

    @Slot(object)
    def _on_event(self, event: Any) -> None:
        self.events_seen += 1
        self.take(event)
        if not self._timer.isActive():
            self._timer.start()

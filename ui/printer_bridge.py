"""Printer events into Qt: the print worker calls `publish` from its own thread; the UI hears one
coalesced `changed` signal on the GUI thread (Electrum's need_update pattern)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

translate = QCoreApplication.translate

COALESCE_MS = 150


def state_label(state: str) -> str:
    return {
        "ready": translate("PrinterBridge", "Ready"),
        "offline": translate("PrinterBridge", "Offline"),
        "paper_out": translate("PrinterBridge", "Out of paper"),
        "cover_open": translate("PrinterBridge", "Cover open"),
        "error": translate("PrinterBridge", "Error"),
        "unknown": translate("PrinterBridge", "Unknown"),
        "printing": translate("PrinterBridge", "Printing"),
    }.get(state, state)


def _value(obj: Any, name: str) -> Any:
    value = getattr(obj, name, None)
    return getattr(value, "value", value)  # enums by their code


class PrinterBridge(QObject):
    """Latest printer state plus "jobs changed", delivered at most every COALESCE_MS."""

    changed = Signal()
    _arrived = Signal(object)

    def __init__(self, parent: QObject | None = None, interval_ms: int = COALESCE_MS) -> None:
        super().__init__(parent)
        self.state = "unknown"
        self.detail = ""
        self.events_seen = 0
        self.waker: Callable[[], None] | None = None  # the print worker's wake(), once running
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.changed)
        self._arrived.connect(self._on_event)

    def publish(self, event: Any) -> None:
        """Any thread. Never touches widgets: the emit is queued to the GUI thread."""
        self._arrived.emit(event)

    def wake(self) -> None:
        """New jobs were enqueued: let the worker look now rather than at its next poll."""
        if self.waker is not None:
            self.waker()

    @property
    def label(self) -> str:
        return state_label(self.state)

    @Slot(object)
    def _on_event(self, event: Any) -> None:
        self.events_seen += 1
        state = _value(event, "state")
        if state:
            self.state = str(state)
            self.detail = str(getattr(event, "message", "") or "")
        if not self._timer.isActive():
            self._timer.start()

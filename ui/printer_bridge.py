"""Printer events into Qt: the print worker calls `publish` from its own thread; the UI hears one
coalesced `changed` signal on the GUI thread (Electrum's need_update pattern)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QObject

from ui.event_bridge import EventBridge

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


class PrinterBridge(EventBridge):
    """Latest printer state plus "jobs changed", delivered at most every COALESCE_MS.
    `wake()` after enqueuing jobs lets the worker look now rather than at its next poll."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = COALESCE_MS) -> None:
        super().__init__(parent, interval_ms)
        self.state = "unknown"
        self.detail = ""

    @property
    def label(self) -> str:
        return state_label(self.state)

    def take(self, event: Any) -> None:
        state = _value(event, "state")
        if state:
            self.state = str(state)
            self.detail = str(getattr(event, "message", "") or "")

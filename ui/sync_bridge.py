"""Sync events into Qt: the sync engine calls `publish` from its own thread; the UI hears a
coalesced `changed` (status bar), `orders_changed(ids)` (Orders view), `anomalies_changed(ids)`
(Anomalies view, the status bar's counter) and `alert(text)` on the GUI thread. Before a central store is connected the bridge says "local mode"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from ui.event_bridge import EventBridge

translate = QCoreApplication.translate
COALESCE_MS = 200


class SyncBridge(EventBridge):
    """`wake()` after a sale or another op was queued: the engine pushes now."""

    orders_changed = Signal(list)
    anomalies_changed = Signal(list)
    alert = Signal(str)

    def __init__(self, parent: QObject | None = None, interval_ms: int = COALESCE_MS) -> None:
        super().__init__(parent, interval_ms)
        self.status: Any = None  # sync.engine.SyncStatus, once the engine reports
        self.connecting = False  # a store is being started or reached
        self.problem = ""  # why there is no engine (store did not start, login refused)
        self._order_ids: set[str] = set()
        self._anomaly_ids: set[str] = set()

    @property
    def online(self) -> bool:
        return bool(self.status is not None and self.status.online)

    @property
    def active(self) -> bool:
        return self.status is not None

    def set_problem(self, text: str) -> None:
        self.problem, self.connecting = text, False
        self.changed.emit()

    def set_connecting(self) -> None:
        self.connecting, self.problem = True, ""
        self.changed.emit()

    def take(self, event: Any) -> None:
        status = getattr(event, "status", None)
        if status is not None:
            self.status = status
            self.connecting = False
        kind = getattr(event, "kind", "")
        if kind == "orders_changed":
            self._order_ids.update(getattr(event, "order_ids", ()) or ())
        if kind == "anomalies_changed":
            self._anomaly_ids.update(getattr(event, "anomaly_ids", ()) or ())
        if kind == "alert" and getattr(status, "alert", None):
            self.alert.emit(str(status.alert))

    def flush(self) -> None:
        if self._order_ids:
            ids, self._order_ids = sorted(self._order_ids), set()
            self.orders_changed.emit(ids)
        if self._anomaly_ids:
            ids, self._anomaly_ids = sorted(self._anomaly_ids), set()
            self.anomalies_changed.emit(ids)
        super().flush()

    # -- what the status bar shows ---------------------------------------------------------
    def label(self, local: Callable[[datetime], datetime]) -> tuple[str, str]:
        """(text, state) for the status bar; state is online | offline | alert | local."""
        s = self.status
        if s is None:
            if self.problem:
                return translate("SyncBridge", "Store: not connected"), "alert"
            if self.connecting:
                return translate("SyncBridge", "Store: connecting…"), "offline"
            return translate("SyncBridge", "Local mode"), "local"
        parts = [translate("SyncBridge", "Online") if s.online
                 else translate("SyncBridge", "Offline")]
        parts.append(translate("SyncBridge", "{n} to upload").format(n=s.pending))
        if s.last_sync_at is not None:
            parts.append(translate("SyncBridge", "synced {time}").format(
                time=local(s.last_sync_at).strftime("%H:%M:%S")))
        if s.rejected:
            parts.append(translate("SyncBridge", "{n} refused").format(n=s.rejected))
        if getattr(s, "clock_skewed", False):
            parts.append(translate("SyncBridge", "clock off"))
        state = "online" if s.online else "offline"
        if s.alert or s.rejected or getattr(s, "clock_skewed", False):
            state = "alert"
        return translate("SyncBridge", "Store: {status}").format(status=" · ".join(parts)), state

    def tooltip(self) -> str:
        s = self.status
        if s is None:
            return self.problem or translate(
                "SyncBridge", "No central store is connected; sales are kept in this "
                              "window's database.")
        lines = []
        if s.alert:
            lines.append(str(s.alert))
        if s.rejected:
            lines.append(translate("SyncBridge", "{n} operations were refused by the store: "
                                                 "a supervisor must check them.").format(
                n=s.rejected))
        if getattr(s, "clock_skewed", False):
            lines.append(translate("SyncBridge", "This computer's clock is {s:+.0f} s off the "
                                                 "store's.").format(s=s.clock_offset_s))
        return "\n".join(lines) or translate("SyncBridge", "Connected to the central store.")

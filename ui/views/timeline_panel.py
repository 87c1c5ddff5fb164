"""An order's timeline (DESIGN.md §7) on screen, with its hash-chain verdict: a green mark when
every event verifies; a red 校验失败 and red rows from the first event that does not (each
event carries `intact` from the store or the local reader). Used by the order detail and the
Anomalies view."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.anomaly_labels import action_label, field_label, local_text, value_text
from ui.anomaly_values import actor_text as _actor_text
from ui.anomaly_values import source_text
from ui.models.table_model import Column, TableModel
from ui.views.page import make_table

BROKEN_COLOR = "#c62828"
BROKEN_BACKGROUND = "#ffebee"
VERIFIED_COLOR = "#1b7a34"
_SKIPPED = {"ticket_id", "payment_id", "refund_id", "nonce", "anomaly_id", "evidence",
            "ticket_ids", "order_id", "sealed"}


def actor_text(actor: str, devices: Mapping[str, Mapping[str, Any]]) -> str:
    """`device:gate-1` with its location when known (`gate-1（南门闸机1号）`), channels and
    providers by name, `system` in words."""
    return _actor_text(actor, devices)


def detail_text(detail: Mapping[str, Any], local: Callable[[datetime], datetime]) -> str:
    parts = [f"{field_label(k)}：{value_text(k, v, local)}" for k, v in sorted(detail.items())
             if k not in _SKIPPED and v not in (None, "", [], {})]
    return " · ".join(parts)


class TimelineModel(TableModel):
    TIME, ACTOR, ACTION, DETAIL, SOURCE = range(5)

    def __init__(self, local: Callable[[datetime], datetime], parent: Any = None) -> None:
        self._local = local
        self._devices: Mapping[str, Mapping[str, Any]] = {}
        super().__init__(parent)

    def columns(self) -> dict[int, Column]:
        return {
            self.TIME: Column(self.tr("Time"), lambda e: local_text(e.get("at"), self._local)),
            self.ACTOR: Column(self.tr("By"),
                               lambda e: actor_text(str(e.get("actor", "")), self._devices)),
            self.ACTION: Column(self.tr("Event"), self.action_text),
            self.DETAIL: Column(self.tr("Details"), self.detail_text, tooltip=self.detail_text),
            self.SOURCE: Column(self.tr("Source"), lambda e: source_text(e.get("source", ""))),
        }

    def row_data(self, e: dict[str, Any], column: int, role: int) -> Any:
        if e.get("intact") is not False:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(BROKEN_COLOR)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(BROKEN_BACKGROUND)
        return None

    def action_text(self, e: Mapping[str, Any]) -> str:
        text = action_label(str(e.get("action", "")))
        return text + ("  " + self.tr("(check failed)") if e.get("intact") is False else "")

    def detail_text(self, e: Mapping[str, Any]) -> str:
        return detail_text(e.get("detail") or {}, self._local)

    def set_events(self, events: Sequence[Mapping[str, Any]],
                   devices: Mapping[str, Mapping[str, Any]]) -> None:
        self._devices = devices
        self.set_rows([dict(e) for e in events])

    def events(self) -> list[dict[str, Any]]:
        return self.rows()


class TimelinePanel(QWidget):
    """The verdict line, a note (where the events came from) and the events."""

    def __init__(self, local: Callable[[datetime], datetime],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelinePanel")
        self.verdict = QLabel()
        self.verdict.setObjectName("timelineVerdict")
        self.note = QLabel()
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        self.model = TimelineModel(local, self)
        self.table = make_table("timelineTable", self.model, stretch=TimelineModel.DETAIL)
        self.table.setWordWrap(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.verdict)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        self.verified: bool | None = None
        self.show_events([], None)

    def show_events(self, events: Sequence[Mapping[str, Any]], verified: bool | None,
                    note: str = "",
                    devices: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        """`verified` None: nothing to judge (no events, or not loaded)."""
        self.verified = verified
        self.model.set_events(events, devices or {})
        if verified is None:
            text, color = "", ""
        elif verified:
            text = self.tr("✓ Hash chain verified ({n} events)").format(n=len(events))
            color = VERIFIED_COLOR
        else:
            first = next((e.get("seq") for e in events if e.get("intact") is False), "?")
            text = self.tr("✗ Check failed: the log was altered from event {seq} on").format(
                seq=first)
            color = BROKEN_COLOR
        self.verdict.setText(text)
        self.verdict.setProperty("verified", "" if verified is None else str(verified).lower())
        self.verdict.setStyleSheet(f"color: {color}; font-weight: bold;" if color else "")
        self.note.setText(note)
        self.note.setVisible(bool(note))

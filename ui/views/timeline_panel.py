"""An order's timeline (DESIGN.md §7) on screen, with its hash-chain verdict: a green mark when
every event verifies; a red 校验失败 and red rows from the first event that does not (each
event carries `intact` from the store or the local reader). Used by the order detail and the
Anomalies view."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.anomaly_labels import action_label, field_label, local_text, value_text

Index = QModelIndex | QPersistentModelIndex
BROKEN_COLOR = "#c62828"
BROKEN_BACKGROUND = "#ffebee"
VERIFIED_COLOR = "#1b7a34"
_SKIPPED = {"ticket_id", "payment_id", "refund_id", "nonce", "anomaly_id", "evidence"}


def actor_text(actor: str, devices: Mapping[str, Mapping[str, Any]]) -> str:
    """`device:gate-1` with its location when known: `gate-1（南门闸机1号）`."""
    kind, _, name = actor.partition(":")
    if kind == "device" and name:
        where = (devices.get(name) or {}).get("location")
        return f"{name}（{where}）" if where else name
    return name or actor


def detail_text(detail: Mapping[str, Any], local: Callable[[datetime], datetime]) -> str:
    parts = [f"{field_label(k)}：{value_text(k, v, local)}" for k, v in sorted(detail.items())
             if k not in _SKIPPED and v not in (None, "", [], {})]
    return " · ".join(parts)


class TimelineModel(QAbstractTableModel):
    TIME, ACTOR, ACTION, DETAIL, SOURCE = range(5)

    def __init__(self, local: Callable[[datetime], datetime], parent: Any = None) -> None:
        super().__init__(parent)
        self._local = local
        self._events: list[dict[str, Any]] = []
        self._devices: Mapping[str, Mapping[str, Any]] = {}

    def set_events(self, events: Sequence[Mapping[str, Any]],
                   devices: Mapping[str, Mapping[str, Any]]) -> None:
        self.beginResetModel()
        self._events, self._devices = [dict(e) for e in events], devices
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Time"), self.tr("By"), self.tr("Event"), self.tr("Details"),
                    self.tr("Source"))[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self._events[index.row()]
        broken = e.get("intact") is False
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(e, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.DETAIL:
            return self._text(e, self.DETAIL)
        if role == Qt.ItemDataRole.ForegroundRole and broken:
            return QColor(BROKEN_COLOR)
        if role == Qt.ItemDataRole.BackgroundRole and broken:
            return QColor(BROKEN_BACKGROUND)
        return None

    def _text(self, e: Mapping[str, Any], col: int) -> str:
        if col == self.TIME:
            return local_text(e.get("at"), self._local)
        if col == self.ACTOR:
            return actor_text(str(e.get("actor", "")), self._devices)
        if col == self.ACTION:
            text = action_label(str(e.get("action", "")))
            return text + ("  " + self.tr("(check failed)") if e.get("intact") is False else "")
        if col == self.DETAIL:
            return detail_text(e.get("detail") or {}, self._local)
        return str(e.get("source", ""))

    def events(self) -> list[dict[str, Any]]:
        return list(self._events)


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
        self.table = QTableView()
        self.table.setObjectName("timelineTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TimelineModel.DETAIL, QHeaderView.ResizeMode.Stretch)
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

"""The anomaly queue (异常订单) as a table model: highest priority first, a page at a
time, with the open count per category for the view's tabs.

The model never touches the database: its `loader(category, cursor, want)` runs on the thread
pool (ui.tasks) and returns a page as `app.services.anomalies.anomaly_queue.list_anomalies` gives it
(`anomalies`, `counts`, `next_cursor`). `show` starts a category over, `refresh` loads again
as many rows as are shown (a live update), `fetchMore` follows the cursor and appends the next
page below the rows shown (the selection stays).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from app.domain.anomalies import device_ids
from app.domain.money import format_fen
from ui.anomaly_labels import age_text, kind_label
from ui.anomaly_values import method_text
from ui.models.table_model import RIGHT, ROW_ROLE, AsyncTableModel, Column

Index = QModelIndex | QPersistentModelIndex
Loader = Callable[[str | None, str | None, int], Any]  # -> anomaly_queue.QueuePage

PAGE = 100
MAX_WANT = 500  # anomaly_queue.MAX_LIMIT
HIGH_PRIORITY = 3000  # payment and refund problems always; redemption ones when big and old
MID_PRIORITY = 2000
HIGH_COLOR = "#c62828"
GONE_COLOR = "#9e9e9e"
ANOMALY_ROLE = ROW_ROLE


def is_high(anomaly: dict[str, Any]) -> bool:
    return int(anomaly.get("priority", 0)) >= HIGH_PRIORITY


class AnomalyQueueModel(AsyncTableModel):
    PRIORITY, KIND, ORDER_NO, AMOUNT, AGE, DEVICE = range(6)

    loaded = Signal()  # rows (and counts) replaced
    appended = Signal()  # a further page below the rows (and fresh counts)
    merged = Signal()  # a live update merged in place (see `update`); `pending` may have grown

    def __init__(self, loader: Loader, clock: Callable[[], datetime],
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._loader, self._clock = loader, clock
        self.counts: dict[str, int] = {}
        self.category: str | None = None
        self._cursor: str | None = None
        self.pending: list[dict[str, Any]] = []  # arrived while the supervisor works
        self.keep_id: str | None = None  # the selected anomaly: never leaves under the cursor

    def columns(self) -> dict[int, Column]:
        return {
            self.PRIORITY: Column(self.tr("Priority"), self.priority_text,
                                  foreground=_high_color, font=_high_font),
            self.KIND: Column(self.tr("Anomaly"), lambda a: kind_label(a["kind"]),
                              foreground=_high_color, font=_high_font),
            self.ORDER_NO: Column(self.tr("Order no."), lambda a: a.get("order_no") or (
                a.get("evidence") or {}).get("order_no") or "—"),
            self.AMOUNT: Column(self.tr("Amount"),
                                lambda a: format_fen(int(a.get("amount_fen") or 0)), align=RIGHT),
            self.AGE: Column(self.tr("Age"), self.age_text),
            self.DEVICE: Column(self.tr("Device / source"), self.source_text),
        }

    def row_data(self, a: dict[str, Any], column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return a.get("reason")
        if role == Qt.ItemDataRole.ForegroundRole and a.get("gone"):
            return QColor(GONE_COLOR)
        return None

    def priority_text(self, a: dict[str, Any]) -> str:
        if a.get("gone"):
            return self.tr("Handled")
        priority = int(a.get("priority", 0))
        if priority >= HIGH_PRIORITY:
            return "● " + self.tr("High")
        return self.tr("Medium") if priority >= MID_PRIORITY else self.tr("Low")

    def age_text(self, a: dict[str, Any]) -> str:
        detected = datetime.fromisoformat(a["detected_at"].replace("Z", "+00:00"))
        return age_text((self._clock() - detected).total_seconds())

    def source_text(self, a: dict[str, Any]) -> str:
        evidence = a.get("evidence") or {}
        devices = device_ids(evidence)
        if devices:
            return devices[0]
        provider = evidence.get("provider")
        if not provider:
            return "—"
        return {"wechat": self.tr("WeChat Pay"), "alipay": self.tr("Alipay")}.get(
            provider) or method_text(provider)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._cursor is not None and not self.loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._load(self._cursor, PAGE, replace=False)

    # -- loading --------------------------------------------------------------------------------
    def show(self, category: str | None) -> None:
        """Start over with one category (None: all)."""
        self.category = category
        self._cursor = None
        self.pending = []
        self.set_rows([])
        self._load(None, PAGE, replace=True)

    def refresh(self) -> None:
        """Load again as many rows as are shown (at least a page); a list that was complete
        stays complete (up to a page of newcomers)."""
        want = len(self._rows) + (0 if self._cursor else PAGE)
        self._load(None, max(PAGE, want), replace=True)

    def update(self) -> None:
        """A live update that never re-sorts under the supervisor: rows still open are
        refreshed where they stand, closed ones leave (the selected one stays, greyed:
        `keep_id`), newcomers wait in `pending` until `insert_pending`."""
        self.request(self._loader, self.category, None,
                     min(len(self._rows) + PAGE, MAX_WANT), done=self._merge)

    def _merge(self, page: Any) -> None:
        self.counts = dict(page.counts)
        self.counts["all"] = sum(page.counts.values())
        order = [a["id"] for a in page.anomalies]
        fresh = {a["id"]: a for a in page.anomalies}
        shown = {a["id"] for a in self._rows}
        for row in reversed(range(len(self._rows))):
            a = self._rows[row]
            if a["id"] in fresh:
                self._rows[row] = fresh[a["id"]]
            elif a["id"] == self.keep_id:
                self._rows[row] = a | {"gone": True}
            else:
                self.remove_row(row)
        self.rows_changed()
        # newcomers: above the last row shown (below it, an incomplete list just goes on)
        last = max((i for i, x in enumerate(order) if x in shown), default=len(order) - 1)
        reach = len(order) if self._cursor is None else last + 1
        self.pending = [fresh[x] for x in order[:reach] if x not in shown]
        self.merged.emit()

    def insert_pending(self) -> list[int]:
        """Put the waiting anomalies in the list, each where its priority puts it among the
        rows shown (these keep their order); the rows they went to."""
        rows = []
        for a in sorted(self.pending, key=lambda a: -int(a.get("priority", 0))):
            at = next((i for i, r in enumerate(self._rows)
                       if int(r.get("priority", 0)) < int(a.get("priority", 0))),
                      len(self._rows))
            self.beginInsertRows(QModelIndex(), at, at)
            self._rows.insert(at, a)
            self.endInsertRows()
            rows.append(at)
        self.pending = []
        return rows

    def drop_gone(self) -> None:
        """Closed rows kept under the cursor leave once it moved on."""
        for row in reversed(range(len(self._rows))):
            if self._rows[row].get("gone") and self._rows[row]["id"] != self.keep_id:
                self.remove_row(row)

    def _load(self, cursor: str | None, want: int, *, replace: bool) -> None:
        self.request(self._loader, self.category, cursor, want,
                     done=lambda page: self._loaded(page, replace))

    def _loaded(self, page: Any, replace: bool) -> None:
        self._cursor, self.counts = page.next_cursor, dict(page.counts)
        self.counts["all"] = sum(page.counts.values())
        if replace:
            self.set_rows(page.anomalies)
            self.loaded.emit()
            return
        # priorities change between pages (the sweep ages them): show each anomaly once
        shown = {a["id"] for a in self.rows()}
        self.append_rows([a for a in page.anomalies if a["id"] not in shown])
        self.appended.emit()

    # -- reading --------------------------------------------------------------------------------
    def anomaly(self, row: int) -> dict[str, Any] | None:
        return self.row(row)

    def anomalies(self) -> list[dict[str, Any]]:
        return self.rows()

    def row_of(self, anomaly_id: str | None) -> int:
        return self.find(lambda a: a["id"] == anomaly_id)

    @property
    def has_more(self) -> bool:
        return self._cursor is not None


def _high_color(a: dict[str, Any]) -> QColor | None:
    return QColor(HIGH_COLOR) if is_high(a) else None


def _high_font(a: dict[str, Any]) -> QFont | None:
    if not is_high(a):
        return None
    font = QFont()
    font.setBold(True)
    return font

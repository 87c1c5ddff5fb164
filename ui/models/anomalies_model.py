"""The anomaly queue (异常订单) as a table model: highest priority first, a page at a
time, with the open count per category for the view's tabs.

The model never touches the database: its `loader(category, want)` runs on the thread pool
(ui.tasks) and returns `(anomalies, counts)` — `anomalies` as
`app.services.anomaly_list.list_anomalies` gives them, `counts` as `open_counts`. `show`
starts a category over, `refresh` loads again as many rows as are shown (a live update),
`fetchMore` the next page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from app.domain.money import format_fen
from ui.anomaly_labels import age_text, kind_label
from ui.models.table_model import RIGHT, ROW_ROLE, AsyncTableModel, Column

Index = QModelIndex | QPersistentModelIndex
Loader = Callable[[str | None, int], tuple[list[dict[str, Any]], dict[str, int]]]

PAGE = 100
HIGH_PRIORITY = 3000  # payment and refund problems always; redemption ones when big and old
MID_PRIORITY = 2000
HIGH_COLOR = "#c62828"
ANOMALY_ROLE = ROW_ROLE


def is_high(anomaly: dict[str, Any]) -> bool:
    return int(anomaly.get("priority", 0)) >= HIGH_PRIORITY


class AnomalyQueueModel(AsyncTableModel):
    PRIORITY, KIND, ORDER_NO, AMOUNT, AGE, DEVICE = range(6)

    loaded = Signal()  # rows (and counts) replaced or extended

    def __init__(self, loader: Loader, clock: Callable[[], datetime],
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._loader, self._clock = loader, clock
        self.counts: dict[str, int] = {}
        self.category: str | None = None
        self._more = False

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
        return a.get("reason") if role == Qt.ItemDataRole.ToolTipRole else None

    def priority_text(self, a: dict[str, Any]) -> str:
        priority = int(a.get("priority", 0))
        if priority >= HIGH_PRIORITY:
            return "● " + self.tr("High")
        return self.tr("Medium") if priority >= MID_PRIORITY else self.tr("Low")

    def age_text(self, a: dict[str, Any]) -> str:
        detected = datetime.fromisoformat(a["detected_at"].replace("Z", "+00:00"))
        return age_text((self._clock() - detected).total_seconds())

    def source_text(self, a: dict[str, Any]) -> str:
        evidence = a.get("evidence") or {}
        if a.get("device_id"):
            return str(a["device_id"])
        provider = evidence.get("provider")
        return {"wechat": self.tr("WeChat Pay"), "alipay": self.tr("Alipay")}.get(
            provider, provider or "—")

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self.loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._load(len(self._rows) + PAGE)

    # -- loading --------------------------------------------------------------------------------
    def show(self, category: str | None) -> None:
        """Start over with one category (None: all)."""
        self.category = category
        self._more = False
        self.set_rows([])
        self._load(PAGE)

    def refresh(self) -> None:
        """Load again as many rows as are shown (at least a page)."""
        self._load(max(PAGE, len(self._rows)))

    def _load(self, want: int) -> None:
        # the queue moves (new anomalies on top): a longer page replaces the rows, it is
        # not appended below them
        self.request(self._loader, self.category, want,
                     done=lambda page: self._loaded(want, page))

    def _loaded(self, want: int, page: tuple[list[dict[str, Any]], dict[str, int]]) -> None:
        rows, counts = page
        self.counts, self._more = dict(counts), len(rows) >= want
        self.set_rows(rows)
        self.loaded.emit()

    # -- reading --------------------------------------------------------------------------------
    def anomaly(self, row: int) -> dict[str, Any] | None:
        return self.row(row)

    def anomalies(self) -> list[dict[str, Any]]:
        return self.rows()

    def row_of(self, anomaly_id: str | None) -> int:
        return self.find(lambda a: a["id"] == anomaly_id)


def _high_color(a: dict[str, Any]) -> QColor | None:
    return QColor(HIGH_COLOR) if is_high(a) else None


def _high_font(a: dict[str, Any]) -> QFont | None:
    if not is_high(a):
        return None
    font = QFont()
    font.setBold(True)
    return font

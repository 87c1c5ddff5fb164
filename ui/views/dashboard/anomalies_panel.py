"""异常分析: the period's anomalies by kind — opened, share, still open, resolved, dismissed,
median minutes to resolve, came back (opened again on an order that had the same kind) — and
the orders they came back on. Tables: a chart adds nothing to these numbers."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.models.table_model import RowsModel
from ui.views.page import make_table


def share(bp: int) -> str:
    return f"{bp / 100:.1f}%"


class AnomaliesPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashAnomalies")
        self.summary = QLabel()
        self.summary.setObjectName("anomalySummary")
        self.kinds = RowsModel([self.tr("Kind"), self.tr("Opened"), self.tr("Share"),
                                self.tr("Still open"), self.tr("Resolved"),
                                self.tr("Dismissed"), self.tr("Median minutes to resolve"),
                                self.tr("Came back")], [], self)
        self.came_back = RowsModel([self.tr("Order no."), self.tr("Kind"), self.tr("Times")],
                                   [], self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(make_table("anomalyKinds", self.kinds), 2)
        layout.addWidget(QLabel(self.tr("Came back on the same order")))
        layout.addWidget(make_table("anomalyCameBack", self.came_back), 1)

    def show_report(self, r: dict[str, Any]) -> None:
        self.summary.setText(self.tr("{first} to {last}: {opened} opened, {resolved} "
                                     "resolved").format(first=r["from"], last=r["to"],
                                                        opened=r["opened"],
                                                        resolved=r["resolved"]))
        labels = {}
        rows = []
        for k in r["by_kind"]:
            labels[k["kind"]] = k.get("label") or k["kind"]
            median = k["median_minutes_to_resolve"]
            rows.append([labels[k["kind"]], str(k["opened"]), share(k["share_bp"]),
                         str(k["still_open"]), str(k["resolved"]), str(k["dismissed"]),
                         "—" if median is None else f"{median:g}", str(k["came_back"])])
        self.kinds.set_rows(rows)
        self.came_back.set_rows([[c["order_no"], labels.get(c["kind"], c["kind"]),
                                  str(c["times"])] for c in r["came_back"]])

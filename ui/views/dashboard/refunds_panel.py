"""退票分析 (seed 003): the period's refund requests — their peaks by hour (a chart), and
tables by ticket kind, by rule and of the interventions with their reasons (where a person
stepped in: a fee set by hand, an approval, a force-majeure day)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from app.domain.money import format_fen
from app.domain.refunds import RULE_LABELS_ZH
from ui.admin_labels import ticket_kind_label
from ui.models.table_model import RowsModel
from ui.views.dashboard.charts import BarChart
from ui.views.page import make_table

EXTRA_RULES_ZH = {"override": "手工调整手续费", "force_majeure": "不可抗力"}


def rule_text(rule: str) -> str:
    """A rule code (several joined by commas) in words; the code itself when unknown."""
    labels = RULE_LABELS_ZH | EXTRA_RULES_ZH
    return "；".join(labels.get(r.strip(), r.strip()) for r in rule.split(",") if r.strip()) \
        or "—"


class RefundsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashRefunds")
        self.summary = QLabel()
        self.summary.setObjectName("refundSummary")
        self.by_hour = BarChart("refundHourChart", self.tr("Refund requests by hour"))
        money = [self.tr("Requests"), self.tr("Refunded"), self.tr("Fees kept")]
        self.kinds = RowsModel([self.tr("Ticket kind"), money[0], self.tr("Tickets"),
                                *money[1:]], [], self)
        self.rules = RowsModel([self.tr("Rule"), *money], [], self)
        self.interventions = RowsModel([self.tr("Intervention"), self.tr("Reason"),
                                        self.tr("Requests"), self.tr("Amount")], [], self)
        grid = QGridLayout()
        for n, (name, model) in enumerate((("refundKinds", self.kinds),
                                           ("refundRules", self.rules),
                                           ("refundInterventions", self.interventions))):
            grid.addWidget(make_table(name, model), 0, n)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.by_hour, 1)
        layout.addLayout(grid, 1)

    def show_report(self, r: dict[str, Any]) -> None:
        total = r["total"]
        self.summary.setText(self.tr(
            "{first} to {last}: {n} refund requests, {paid} paid back, {fee} in fees").format(
            first=r["from"], last=r["to"], n=r["requests"],
            paid=format_fen(total["amount_fen"]), fee=format_fen(total["fee_fen"])))
        self.by_hour.show_bars([(str(h["hour"]), h["count"]) for h in r["by_hour"]])
        self.kinds.set_rows([[self._kind(k["kind"]), str(k["refunds"]), str(k["tickets"]),
                              format_fen(k["amount_fen"]), format_fen(k["fee_fen"])]
                             for k in r["by_kind"]])
        self.rules.set_rows([[rule_text(x["rule"]), str(x["count"]),
                              format_fen(x["amount_fen"]), format_fen(x["fee_fen"])]
                             for x in r["by_rule"]])
        names = {"overrides": self.tr("Fee set by hand"),
                 "approvals": self.tr("Approval"),
                 "force_majeure": self.tr("Force majeure")}
        rows = []
        for key, name in names.items():
            for reason in r["interventions"][key]["reasons"]:
                rows.append([name, reason["reason"], str(reason["count"]),
                             format_fen(reason["amount_fen"])])
        self.interventions.set_rows(rows)

    def _kind(self, kind: str) -> str:
        return self.tr("Whole payment") if kind == "payment" else ticket_kind_label(kind)

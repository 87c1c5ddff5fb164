"""Force-majeure days (DESIGN.md §5, §14): "visits of that date refund at this fee", declared by
two people — one supervisor or admin proposes, a different one confirms the same date, fee and
reason (`PUT /refund-rules/force-majeure/{date}`); only then does every quote use it. Choosing
a proposal fills the form, so the second person confirms it with Enter."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.context import ClientContext
from ui.models.admin_models import ForceMajeureModel
from ui.views.admin.tab import AdminTab
from ui.views.page import make_table

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class ForceMajeurePanel(AdminTab):
    writers = ("supervisor", "admin")

    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "forceMajeurePanel", parent)
        self.model = ForceMajeureModel(self)
        self.table = make_table("forceMajeureTable", self.model,
                                stretch=ForceMajeureModel.LABEL,
                                selection=QAbstractItemView.SelectionMode.SingleSelection)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._chosen())
        self.day = QDateEdit(QDate(ctx.today()))
        self.day.setObjectName("forceMajeureDate")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.fee = QDoubleSpinBox()
        self.fee.setObjectName("forceMajeureFee")
        self.fee.setRange(0, 100)
        self.fee.setDecimals(2)
        self.fee.setSuffix(" %")
        self.label = QLineEdit()
        self.label.setObjectName("forceMajeureLabel")
        self.label.setMaxLength(200)
        self.label.setPlaceholderText(self.tr("e.g. 暴雨闭园，全额退票"))
        for edit in (self.day, self.fee, self.label):
            edit.installEventFilter(self)
        self.submit_button = QPushButton(self.tr("Propose or confirm (Enter)"))
        self.submit_button.setObjectName("submitForceMajeure")
        self.submit_button.clicked.connect(self.submit)
        how = QLabel(self.tr("Two people: a supervisor or admin proposes; another one enters "
                             "the same date, fee and reason to put it in force."))
        how.setObjectName("hint")
        how.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Visit date"), self.day)
        form.addRow(self.tr("Refund fee"), self.fee)
        form.addRow(self.tr("Reason"), self.label)
        form.addRow("", self.submit_button)
        box = QGroupBox(self.tr("Force-majeure days"))
        inner = QVBoxLayout(box)
        inner.addWidget(self.message)
        inner.addWidget(self.table, 1)
        inner.addWidget(how)
        inner.addLayout(form)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(box)
        self.update_actions()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in _ENTER:  # type: ignore
            self.submit()
            return True
        return super().eventFilter(watched, event)

    def update_actions(self) -> None:
        self.submit_button.setEnabled(self.writable)
        for edit in (self.day, self.fee, self.label):
            edit.setReadOnly(not self.writable)

    def reload(self) -> None:
        self.ask("force_majeure_rules", done=self._loaded)

    def _loaded(self, rules: list[dict[str, Any]]) -> None:
        self.loaded = True
        self.model.set_rows(rules)
        self.table.resizeColumnsToContents()

    def _chosen(self) -> None:
        index = self.table.currentIndex()
        rule = self.model.row(index.row()) if index.isValid() else None
        if rule is None:
            return
        self.day.setDate(QDate.fromString(rule["visit_date"], "yyyy-MM-dd"))
        self.fee.setValue(rule["fee_bp"] / 100)
        self.label.setText(rule.get("label", ""))

    def submit(self) -> None:
        if not self.writable:
            return
        if not self.label.text().strip():
            self.show_error(self.tr("Please give the reason (it is shown on every refund of "
                                    "that day)."))
            self.label.setFocus()
            return
        self.ask("set_force_majeure", self.day.date().toString("yyyy-MM-dd"),
                 round(self.fee.value() * 100), self.label.text().strip(),
                 done=self._submitted, write=True)

    def _submitted(self, rule: dict[str, Any]) -> None:
        if rule["status"] == "active":
            text = self.tr("{day}: in force from now on, confirmed by {who}.").format(
                day=rule["visit_date"], who=rule.get("confirmed_by") or "—")
        else:
            text = self.tr("{day}: proposed; another supervisor or admin must confirm it."
                           ).format(day=rule["visit_date"])
        self.show_success(text)
        self.reload()

"""退票规则: the refund policy every quote uses (DESIGN.md §5, §15 `GET/PUT /refund-policy`) —
holidays with their same-day fee, the line from which a refund needs two approvers, the
payment processing fees kept on a refund — and, beside it, the force-majeure days. Admins
save the policy (Ctrl+S); supervisors read it. The store refuses overlapping holidays or a
rate outside 0–100 % in words, and writes nothing then."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import ValidationError
from app.domain.money import format_fen, parse_yuan
from ui import admin_labels as labels
from ui.context import ClientContext
from ui.models.admin_models import HolidaysModel
from ui.views.admin.force_majeure_panel import ForceMajeurePanel
from ui.views.admin.tab import AdminTab
from ui.views.page import key_hints, make_table

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def rate_box(name: str, bp: int = 0) -> QDoubleSpinBox:
    """A rate in percent with two decimals (basis points underneath)."""
    box = QDoubleSpinBox()
    box.setObjectName(name)
    box.setRange(0, 100)
    box.setDecimals(2)
    box.setSuffix(" %")
    box.setValue(bp / 100)
    return box


def bp_of(box: QDoubleSpinBox) -> int:
    return round(box.value() * 100)


def date_edit(name: str, day: QDate) -> QDateEdit:
    edit = QDateEdit(day)
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


class RefundPolicyTab(AdminTab):
    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "refundPolicyTab", parent)
        self.holidays = HolidaysModel(self)
        self.force_majeure = ForceMajeurePanel(ctx, self)
        self.force_majeure.reached.connect(self.reached)
        self.force_majeure.unreachable.connect(self.unreachable)
        policy = self._policy_box()
        row = QHBoxLayout()
        row.addWidget(policy, 5)
        row.addWidget(self.force_majeure, 6)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 8, 0, 0)
        column.addWidget(self.message)
        column.addLayout(row, 1)
        column.addWidget(key_hints(self.tr(
            "Tab moves through the form · Enter in the holiday dates adds the holiday · Del "
            "removes the chosen holiday · Ctrl+S saves the policy · F5 reload")))
        self.shortcut("Ctrl+S", self.save)
        self.setFocusProxy(self.dual_line)
        self.update_actions()

    def _policy_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Refund policy"))
        self.dual_line = QLineEdit()
        self.dual_line.setObjectName("dualApproval")
        self.dual_line.setPlaceholderText(self.tr("yuan, e.g. 5000"))
        self.fees = {m: rate_box(f"fee_{m}") for m in labels.PAYMENT_METHODS}
        fees = QGridLayout()
        for i, (method, fee) in enumerate(self.fees.items()):
            fees.addWidget(QLabel(labels.method_label(method)), i // 3, (i % 3) * 2)
            fees.addWidget(fee, i // 3, (i % 3) * 2 + 1)
        form = QFormLayout()
        form.addRow(self.tr("Two approvers from (yuan)"), self.dual_line)
        form.addRow(self.tr("Payment fees kept"), fees)
        self.holiday_table = make_table(
            "holidayTable", self.holidays, stretch=None,
            selection=QAbstractItemView.SelectionMode.SingleSelection)
        self.holiday_table.installEventFilter(self)
        today = QDate(self.ctx.today())
        self.holiday_from = date_edit("holidayFrom", today)
        self.holiday_to = date_edit("holidayTo", today)
        self.holiday_rate = rate_box("holidayRate", 4000)
        for edit in (self.holiday_from, self.holiday_to, self.holiday_rate):
            edit.installEventFilter(self)
        self.add_button = QPushButton(self.tr("Add holiday"))
        self.add_button.clicked.connect(self.add_holiday)
        self.remove_button = QPushButton(self.tr("Remove (Del)"))
        self.remove_button.clicked.connect(self.remove_holiday)
        adder = QHBoxLayout()
        for widget in (self.holiday_from, QLabel("～"), self.holiday_to, self.holiday_rate,
                       self.add_button, self.remove_button):
            adder.addWidget(widget)
        self.save_button = QPushButton(self.tr("Save policy (Ctrl+S)"))
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        holidays_title = QLabel(self.tr("Holidays: a same-day refund costs the holiday's rate"))
        holidays_title.setObjectName("sectionTitle")
        column = QVBoxLayout(box)
        column.addLayout(form)
        column.addWidget(holidays_title)
        column.addWidget(self.holiday_table, 1)
        column.addLayout(adder)
        column.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        return box

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if watched is self.holiday_table and key == Qt.Key.Key_Delete:
                self.remove_holiday()
                return True
            if watched is not self.holiday_table and key in _ENTER:
                self.add_holiday()
                return True
        return super().eventFilter(watched, event)

    # -- access and loading ---------------------------------------------------------------
    def set_access(self, role: str, online: bool) -> None:
        super().set_access(role, online)
        self.force_majeure.set_access(role, online)

    def update_actions(self) -> None:
        for widget in (self.save_button, self.add_button, self.remove_button):
            widget.setEnabled(self.writable)
        for widget in (self.dual_line, *self.fees.values(), self.holiday_from,
                       self.holiday_to, self.holiday_rate):
            widget.setReadOnly(not self.writable)  # supervisors read it

    def reload(self) -> None:
        self.ask("refund_policy", done=self.show_policy)
        self.force_majeure.reload()

    def show_policy(self, policy: dict[str, Any]) -> None:
        self.loaded = True
        self.dual_line.setText(format_fen(int(policy.get("dual_approval_fen", 0)))[1:])
        fees = policy.get("payment_fee_bp") or {}
        for method, box in self.fees.items():
            box.setValue(int(fees.get(method, 0)) / 100)
        self.holidays.set_rows(sorted(policy.get("holidays") or [],
                                      key=lambda h: h["start"]))
        self.holiday_table.resizeColumnsToContents()
        self.update_actions()

    # -- editing --------------------------------------------------------------------------
    def add_holiday(self) -> None:
        if not self.writable:
            return
        start, end = self.holiday_from.date(), self.holiday_to.date()
        if end < start:
            self.show_error(self.tr("The holiday ends before it starts."))
            self.holiday_to.setFocus()
            return
        rows = self.holidays.rows() + [{"start": start.toString("yyyy-MM-dd"),
                                        "end": end.toString("yyyy-MM-dd"),
                                        "same_day_fee_bp": bp_of(self.holiday_rate)}]
        self.holidays.set_rows(sorted(rows, key=lambda h: h["start"]))
        self.holiday_table.resizeColumnsToContents()
        self.show_info(self.tr("Holiday added; Ctrl+S saves the policy."))

    def remove_holiday(self) -> None:
        index = self.holiday_table.currentIndex()
        if not self.writable or not index.isValid():
            return
        self.holidays.remove_row(index.row())
        self.show_info(self.tr("Holiday removed; Ctrl+S saves the policy."))

    def body(self) -> dict[str, Any]:
        return {"holidays": self.holidays.rows(),
                "dual_approval_fen": parse_yuan(self.dual_line.text()),
                "payment_fee_bp": {m: bp_of(box) for m, box in self.fees.items()}}

    def save(self) -> None:
        if not self.writable:
            return
        try:
            body = self.body()
        except ValidationError as exc:
            self.show_error(exc.message)
            self.dual_line.setFocus()
            return
        self.ask("set_refund_policy", body, done=self._saved, write=True)

    def _saved(self, policy: dict[str, Any]) -> None:
        self.show_policy(policy)
        self.show_success(self.tr("Refund policy saved: refunds asked from now on use it."))

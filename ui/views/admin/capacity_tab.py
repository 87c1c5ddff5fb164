"""库存日历: a month of daily capacity per ticket type with what is sold and held (PgUp/PgDn
change the month), and one capacity set over a date range and weekdays at once (DESIGN.md §15
`PUT /inventory/{ticket_type} {from, to, capacity, weekdays?}`). Choosing cells in one
column fills the form with that type and those days. The store refuses a capacity below what
is already sold or held, in words; nothing is written then."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui import admin_labels as labels
from ui.context import ClientContext
from ui.models.capacity_model import CapacityCalendarModel
from ui.views.admin.requests import Month, load_month
from ui.views.admin.tab import AdminTab
from ui.views.page import key_hints, make_table

MAX_CAPACITY = 1_000_000


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _month_after(first: date, months: int) -> date:
    n = first.year * 12 + first.month - 1 + months
    return date(n // 12, n % 12 + 1, 1)


class CapacityTab(AdminTab):
    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "capacityTab", parent)
        self.first = ctx.today().replace(day=1)
        self.model = CapacityCalendarModel(self)
        self._build()
        self.shortcut("PgUp", lambda: self.show_month(_month_after(self.first, -1)))
        self.shortcut("PgDown", lambda: self.show_month(_month_after(self.first, 1)))
        self.shortcut("Ctrl+S", self.apply)
        self.update_actions()

    def _build(self) -> None:
        self.previous = QPushButton(self.tr("◀ Previous month (PgUp)"))
        self.previous.clicked.connect(lambda: self.show_month(_month_after(self.first, -1)))
        self.next = QPushButton(self.tr("Next month (PgDn) ▶"))
        self.next.clicked.connect(lambda: self.show_month(_month_after(self.first, 1)))
        self.month_label = QLabel()
        self.month_label.setObjectName("sectionTitle")
        for button in (self.previous, self.next):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        top = QHBoxLayout()
        top.addWidget(self.previous)
        top.addWidget(self.month_label, 1, Qt.AlignmentFlag.AlignCenter)
        top.addWidget(self.next)
        self.table = make_table("capacityTable", self.model,
                                selection=QAbstractItemView.SelectionMode.ContiguousSelection,
                                resize=QHeaderView.ResizeMode.ResizeToContents, stretch=None)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setTabKeyNavigation(False)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._cells_chosen())
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 8, 0, 0)
        column.addWidget(self.message)
        column.addLayout(top)
        column.addWidget(self.table, 1)
        column.addWidget(self._bulk_form())
        column.addWidget(key_hints(self.tr(
            "PgUp/PgDn month · arrows and Shift choose days of one type · Tab to the form · "
            "Enter or Ctrl+S sets the capacity · F5 reload")))
        self.setFocusProxy(self.table)

    def _bulk_form(self) -> QGroupBox:
        box = QGroupBox(self.tr("Set capacity for a date range"))
        self.type_box = QComboBox()
        self.type_box.setObjectName("capacityType")
        self.from_date = _date_edit("fromDate")
        self.to_date = _date_edit("toDate")
        today = QDate(self.ctx.today())
        self.from_date.setDate(today)
        self.to_date.setDate(today.addDays(29))
        self.capacity = QSpinBox()
        self.capacity.setObjectName("capacity")
        self.capacity.setRange(0, MAX_CAPACITY)
        self.capacity.setValue(1000)
        self.capacity.setGroupSeparatorShown(True)
        self.weekdays = {}
        days = QHBoxLayout()
        for iso in labels.ISO_WEEKDAYS:
            check = QCheckBox(labels.weekday_label(iso))
            check.setObjectName(f"weekday{iso}")
            check.setChecked(True)
            self.weekdays[iso] = check
            days.addWidget(check)
        days.addStretch(1)
        self.apply_button = QPushButton(self.tr("Set (Ctrl+S)"))
        self.apply_button.setObjectName("primary")
        self.apply_button.clicked.connect(self.apply)
        for edit in (self.from_date, self.to_date, self.capacity):
            edit.installEventFilter(self)
        grid = QGridLayout(box)
        grid.addWidget(QLabel(self.tr("Ticket type")), 0, 0)
        grid.addWidget(self.type_box, 0, 1)
        grid.addWidget(QLabel(self.tr("From")), 0, 2)
        grid.addWidget(self.from_date, 0, 3)
        grid.addWidget(QLabel(self.tr("To")), 0, 4)
        grid.addWidget(self.to_date, 0, 5)
        grid.addWidget(QLabel(self.tr("Capacity per day")), 0, 6)
        grid.addWidget(self.capacity, 0, 7)
        grid.addWidget(QLabel(self.tr("Weekdays")), 1, 0)
        grid.addLayout(days, 1, 1, 1, 5)
        grid.addWidget(self.apply_button, 1, 7)
        grid.setColumnStretch(8, 1)  # the fields keep their width, the room goes right
        return box

    def eventFilter(self, watched: Any, event: Any) -> bool:
        from PySide6.QtCore import QEvent

        if (event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self.apply()
            return True
        return super().eventFilter(watched, event)

    # -- the month ------------------------------------------------------------------------
    def update_actions(self) -> None:
        self.apply_button.setEnabled(self.writable and self.type_box.count() > 0)

    def reload(self) -> None:
        self.show_month(self.first)

    def show_month(self, first: date) -> None:
        self.first = first
        self.month_label.setText(self.tr("{month}/{year}").format(
            year=first.year, month=first.month))
        self.ask("month", first, done=self._month_loaded, worker=_month)

    def _month_loaded(self, month: Month) -> None:
        if month.first != self.first:
            return  # an older month answered late
        self.model.set_month(month)
        self.loaded = True
        chosen = self.type_box.currentData()
        self.type_box.clear()
        for t in month.types:
            self.type_box.addItem(f"{t['name']}（{t['code']}）", t["code"])
        self.type_box.setCurrentIndex(max(0, self.type_box.findData(chosen)))
        self.table.resizeColumnsToContents()
        self.update_actions()

    def _cells_chosen(self) -> None:
        """Cells of one type chosen: the form takes that type and those days."""
        cells = self.table.selectionModel().selectedIndexes()
        columns = {i.column() for i in cells}
        if not cells or len(columns) != 1 or 0 in columns:
            return
        code = self.model.code_of(columns.pop())
        rows = sorted(i.row() for i in cells)
        self.type_box.setCurrentIndex(max(0, self.type_box.findData(code)))
        self.from_date.setDate(QDate(self.model.day_of(rows[0])))
        self.to_date.setDate(QDate(self.model.day_of(rows[-1])))

    # -- setting --------------------------------------------------------------------------
    def chosen_weekdays(self) -> list[int] | None:
        """None when every day is ticked (the whole range)."""
        days = [iso for iso, check in self.weekdays.items() if check.isChecked()]
        return None if len(days) == 7 else days

    def apply(self) -> None:
        first, last = self.from_date.date().toPython(), self.to_date.date().toPython()
        if last < first:
            self.show_error(self.tr("The end date is before the start date."))
            self.to_date.setFocus()
            return
        if last - first > timedelta(days=366):
            self.show_error(self.tr("At most one year at a time."))
            return
        days = self.chosen_weekdays()
        if days == []:
            self.show_error(self.tr("Tick at least one weekday."))
            return
        code, capacity = self.type_box.currentData(), self.capacity.value()
        if code is None:
            return
        self.ask("set_capacity_range", code, first.isoformat(), last.isoformat(), capacity,
                 days, done=lambda answer: self._applied(answer, code, capacity), write=True)

    def _applied(self, answer: dict[str, Any], code: str, capacity: int) -> None:
        n = len(answer.get("items") or [])
        self.show_success(self.tr("{name}: capacity {capacity} set on {n} days.").format(
            name=self.type_box.currentText(), capacity=capacity, n=n))
        self.reload()


def _month(ctx: ClientContext, _method: str, first: date) -> Month:
    """The month's stock (worker)."""
    return load_month(ctx, first)

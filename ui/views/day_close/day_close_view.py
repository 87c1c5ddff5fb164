"""日结对账 (DESIGN.md §15): finance's day. A day picker (today by default; Alt+←/Alt+→ a day
before/after), the day's figures as the central store computes them (`GET /reports/day-close`,
read off the GUI thread with the signed-in user's client): a totals strip, the windows and
their shifts, money by payment method and by channel, the discrepancies with the action that
resolves each, and — once the day is closed — who closed it, when, and the late entries.

Drill-down: a channel row opens that channel's orders of the day, an order its detail; a shift
row its Z report (重打 prints it again); a discrepancy row runs its action (`kinds.kind`).
Paper: 打印日报 queues the day report for this PC's printer. 关账 (finance only) asks once
more with the totals and the discrepancies still open."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QItemSelectionModel, Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui import tasks
from ui.context import ClientContext
from ui.views.day_close import requests
from ui.views.day_close.actions import DayCloseActions
from ui.views.day_close.models import (
    DiscrepanciesModel,
    LateEntriesModel,
    MoneyModel,
    ShiftsModel,
    local_minutes,
)
from ui.views.day_close.totals_strip import TotalsStrip
from ui.views.page import Page, make_table

WINDOWS_TAB, MONEY_TAB, DISCREPANCY_TAB, LATE_TAB = range(4)
ALERT = QColor("#c62828")


def _column(*parts: QWidget | QHBoxLayout) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 6, 0, 0)
    for n, part in enumerate(parts):  # the first part (a table) takes the room
        if isinstance(part, QWidget):
            layout.addWidget(part, 1 if n == 0 else 0)
        else:
            layout.addLayout(part)
    return box


def _bar(*buttons: QWidget) -> QHBoxLayout:
    bar = QHBoxLayout()
    bar.addStretch(1)
    for b in buttons:
        bar.addWidget(b)
    return bar


class DayCloseView(DayCloseActions, Page):
    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "dayCloseView", parent)
        self._ctx = ctx
        self.report: dict[str, Any] | None = None
        self.loads = 0
        self.dialog: Any = None
        self.local = local_minutes(ctx.venue())
        self._waiting_for_store = False
        self._build()
        if ctx.sync is not None:
            ctx.sync.changed.connect(self._sync_changed)
        self.reload()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        today = self.ctx.today()
        self.date_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.date_edit.setObjectName("dayPicker")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.dateChanged.connect(lambda _d: self.reload())
        day_label = QLabel(self.tr("Business &day"))
        day_label.setBuddy(self.date_edit)
        self.before = QPushButton("◀")
        self.after = QPushButton("▶")
        self.before.setToolTip(self.tr("The day before (Alt+←)"))
        self.after.setToolTip(self.tr("The day after (Alt+→)"))
        self.before.clicked.connect(lambda: self.step(-1))
        self.after.clicked.connect(lambda: self.step(1))
        for b in (self.before, self.after):
            b.setFixedWidth(36)
        self.state_label = QLabel()
        self.state_label.setObjectName("dayState")
        self.import_button = QPushButton(self.tr("&Import settlement…"))
        self.import_button.clicked.connect(lambda: self.choose_settlement_file(None))
        self.print_button = QPushButton(self.tr("&Print day report"))
        self.print_button.setToolTip("Ctrl+P")
        self.print_button.clicked.connect(self.print_report)
        self.export_button = QPushButton(self.tr("E&xport Excel"))
        self.export_button.setObjectName("exportDayClose")
        self.export_button.clicked.connect(self._export)
        self.close_button = QPushButton(self.tr("&Close the day"))
        self.close_button.setObjectName("closeDay")
        self.close_button.clicked.connect(self.ask_close)
        top = QHBoxLayout()
        for w in (day_label, self.before, self.date_edit, self.after, self.state_label):
            top.addWidget(w)
        top.addStretch(1)
        for w in (self.import_button, self.print_button, self.export_button, self.close_button):
            top.addWidget(w)
        self.totals = TotalsStrip()
        self.shifts = ShiftsModel(self.local, self)
        self.shift_table = self._table("dayShifts", self.shifts, self.show_z_report)
        self.z_button = QPushButton(self.tr("&Z report…"))
        self.z_button.clicked.connect(lambda: self.show_z_report(None))
        self.reprint_button = QPushButton(self.tr("&Reprint Z report"))
        self.reprint_button.setObjectName("dayReprintZ")
        self.reprint_button.clicked.connect(lambda: self.reprint_shift(self.current_shift()))
        self.methods = MoneyModel("method", self)
        self.method_table = self._table("dayMethods", self.methods, None)
        self.channels = MoneyModel("channel", self)
        self.channel_table = self._table("dayChannels", self.channels,
                                         self.open_channel_orders)
        money = QSplitter()
        money.addWidget(self.method_table)
        money.addWidget(self.channel_table)
        money.setStretchFactor(0, 4)
        money.setStretchFactor(1, 5)
        self.discrepancies = DiscrepanciesModel(self)
        self.discrepancy_table = self._table("dayDiscrepancies", self.discrepancies,
                                             self.run_action, stretch=True)
        self.action_button = QPushButton(self.tr("&Resolve"))
        self.action_button.setObjectName("discrepancyAction")
        self.action_button.clicked.connect(lambda: self.run_action(None))
        self.discrepancy_table.selectionModel().selectionChanged.connect(
            lambda *_: self._action_moved())
        self.late = LateEntriesModel(self.local, self)
        self.late_table = self._table("dayLate", self.late, self.open_late, stretch=True)
        self.late_totals = QLabel()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("dayCloseTabs")
        self.tabs.addTab(_column(self.shift_table, _bar(self.z_button, self.reprint_button)), "")
        self.tabs.addTab(_column(money), "")
        self.tabs.addTab(_column(self.discrepancy_table, _bar(self.action_button)), "")
        self.tabs.addTab(_column(self.late_table, self.late_totals), "")
        self._tab_titles()
        self.lay_out([top, self.message, self.totals, (self.tabs, 1)], spacing=8,
                     keys=self.tr("Alt+←/→ the day before/after · F5 reloads · Alt+1…4 a tab · "
                                  "Enter opens the row (a channel's orders, a shift's Z report, "
                                  "a discrepancy's action) · Ctrl+P prints the day report"))
        keys = [("F5", lambda: self.reload()), ("Alt+Left", lambda: self.step(-1)),
                ("Alt+Right", lambda: self.step(1)), ("Ctrl+P", self.print_report)]
        keys += [(f"Alt+{n + 1}", lambda i=n: self.tabs.setCurrentIndex(i)) for n in range(4)]
        for key, slot in keys:
            QShortcut(QKeySequence(key), self, slot,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.setFocusProxy(self.shift_table)

    def _table(self, name: str, model: Any, opener: Any, stretch: bool = False) -> Any:
        """A table whose last column (a reason) takes the room left — or, for the tables of
        figures, whose columns share the width."""
        resize = QHeaderView.ResizeMode.ResizeToContents if stretch else \
            QHeaderView.ResizeMode.Stretch
        table = make_table(name, model, selection=QAbstractItemView.SelectionMode.SingleSelection,
                           stretch=model.columnCount() - 1 if stretch else None, resize=resize)
        if opener is not None:
            table.activated.connect(lambda index: opener(index.row()))
        return table

    def _tab_titles(self) -> None:
        report = self.report or {}
        open_items = len(report.get("discrepancies") or [])
        late = len(report.get("late_entries") or [])
        titles = (self.tr("Windows and shifts"), self.tr("Methods and channels"),
                  self.tr("Discrepancies ({n})").format(n=open_items),
                  self.tr("Late entries ({n})").format(n=late))
        for n, title in enumerate(titles):
            self.tabs.setTabText(n, title)
            self.tabs.setTabToolTip(n, f"Alt+{n + 1}")
        bar = self.tabs.tabBar()
        bar.setTabTextColor(DISCREPANCY_TAB, ALERT if open_items else QColor())
        bar.setTabTextColor(LATE_TAB, ALERT if late else QColor())

    # -- the day --------------------------------------------------------------------------
    def day(self) -> date:
        return self.date_edit.date().toPython()

    def step(self, days: int) -> None:
        self.date_edit.setDate(self.date_edit.date().addDays(days))

    def set_day(self, day: date) -> None:
        self.date_edit.setDate(QDate(day.year, day.month, day.day))

    def reload(self, then: Callable[[], None] | None = None) -> None:
        """Read the chosen day again; `then` runs after it is shown (a message to keep)."""
        day = self.day()
        self.loads += 1
        self.after.setEnabled(day < self.ctx.today())
        (tasks.run(requests.load_day, self.ctx, day, owner=self)
            .on_success(lambda report: self._loaded(day, report, then))
            .on_failure(lambda exc: self._failed(day, exc)))

    def _loaded(self, day: date, report: dict[str, Any],
                then: Callable[[], None] | None = None) -> None:
        if day != self.day():  # an answer for a day no longer chosen
            return
        self.clear_message()
        self.show_report(report)
        if then is not None:
            then()

    def _failed(self, day: date, exc: BaseException) -> None:
        from sync.transport import TransientError

        # the landing screen is built before sign-in hands it the store's client: read the
        # day as soon as the store is there (or back) instead of waiting for F5
        self._waiting_for_store = isinstance(exc, requests.NotConnected | TransientError)
        if day == self.day():
            self.show_failure(exc)

    def _sync_changed(self) -> None:
        if self._waiting_for_store and self.ctx.store is not None and self.ctx.sync.online:
            self._waiting_for_store = False
            self.reload()

    def show_report(self, report: dict[str, Any]) -> None:
        self.report = report
        self.totals.show_totals(report["totals"])
        self.shifts.set_windows(report["windows"])
        self.methods.set_rows(report["methods"])
        self.channels.set_rows(report["channels"])
        self.discrepancies.set_rows(report["discrepancies"])
        self.late.set_rows(report.get("late_entries") or [])
        for table in (self.shift_table, self.discrepancy_table, self.channel_table):
            if table.model().rowCount():  # the keys start on the first row; a shift's row is
                # not painted selected, so its red shortfall reads red
                flag = (QItemSelectionModel.SelectionFlag.NoUpdate if table is self.shift_table
                        else QItemSelectionModel.SelectionFlag.ClearAndSelect
                        | QItemSelectionModel.SelectionFlag.Rows)
                table.selectionModel().setCurrentIndex(table.model().index(0, 0), flag)
        lt = report.get("late_totals") or {}
        self.late_totals.setText(self.tr("Late entries: paid {p}, refunded {r}, net {n} — not in "
                                         "the closed figures").format(
            p=_fen(lt.get("paid_fen", 0)), r=_fen(lt.get("refunded_fen", 0)),
            n=_fen(lt.get("net_fen", 0))))
        self._show_state()
        self._tab_titles()
        self._action_moved()

    def _show_state(self) -> None:
        report = self.report or {}
        closed = bool(report.get("closed_by"))
        if closed:
            text = self.tr("Closed by {who} at {when}").format(
                who=report["closed_by"], when=self.local(report["closed_at"]))
        else:
            text = self.tr("Open: not closed yet")
        self.state_label.setText(text)
        self.state_label.setProperty("closed", closed)
        self.state_label.style().unpolish(self.state_label)
        self.state_label.style().polish(self.state_label)
        finance = getattr(self.ctx.user, "role", None) == "finance"
        self.close_button.setEnabled(finance and not closed and self.report is not None)
        self.close_button.setToolTip("" if finance else self.tr("Only finance closes a day."))
        self.close_button.setText(self.tr("Closed") if closed else self.tr("&Close the day"))
        has_shift = self.shifts.rowCount() > 0
        self.z_button.setEnabled(has_shift)
        self.reprint_button.setEnabled(has_shift)


def _fen(fen: int) -> str:
    from app.domain.money import format_fen

    return format_fen(int(fen))

"""The Shift view (交接班): open a cash shift with a float, move cash in or out with a reason,
follow what the drawer should hold, and close by counting it → expected, counted and the
variance, confirmed, Z report printed. A shift another clerk left open is shown for what it
is: a supervisor takes it over (count + reason), a clerk is told to ask one. The window's past
shifts are on the second tab, with their Z report printed again on demand.

Live: every write in this window (`operation_did_execute` — a sale, a refund, a payout, a cash
movement, on any screen) and every page the sync engine applies re-read the tally off the GUI
thread; coming back to the screen does too. An answer older than the last question is dropped.

Keys: on the open page type the float, Enter opens. On the shift page Tab walks the cash
movement (kind, amount, reason; Enter records it) and then the count; Enter in a count field
moves on, Enter on 交班 asks to close — and Enter there goes back (Tab, Enter closes).
Ctrl+Tab shows the past shifts; Enter on one prints its Z report again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import ValidationError
from app.domain.money import format_fen, parse_yuan
from app.services.journal import op_changes
from ui import tasks
from ui.context import ClientContext
from ui.models.cash_movements_model import CashMovementsModel
from ui.views import shift_actions as actions
from ui.views.page import Page, make_table
from ui.views.past_shifts_panel import PastShiftsPanel
from ui.views.shift_actions import BLOCKED, OWN, TAKE_OVER, ShiftState
from ui.views.shift_confirm import CloseConfirmDialog, CloseFigures
from ui.views.shift_count_box import CountBox
from ui.views.shift_report_form import ShiftReportForm
from ui.views.shift_summary import ShiftSummary

OPEN_PAGE, SHIFT_PAGE, REPORT_PAGE = range(3)
SYNC_COALESCE_MS = 200  # a burst of pulled pages makes one re-read


class ShiftView(Page):
    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "shiftView", parent)
        self.state = ShiftState(None, None, None)
        self.report: Any = None
        self.confirm_box: CloseConfirmDialog | None = None  # the question on screen
        self._last_box: CloseConfirmDialog | None = None
        self._busy = False
        self._asked = 0  # the newest re-read asked for; older answers are dropped
        self._mode: str | None = None
        self._focus_pending = True  # put the cursor where the work is, once loaded
        self.movements = CashMovementsModel(self)
        self._sync_timer = QTimer(self)
        self._sync_timer.setSingleShot(True)
        self._sync_timer.setInterval(SYNC_COALESCE_MS)
        self._sync_timer.timeout.connect(self.reload)
        self._build()
        self.reload()

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_open_page())
        self.pages.addWidget(self._build_shift_page())
        self.pages.addWidget(self._build_report_page())
        self.past = PastShiftsPanel(self.ctx)
        self.past.reprinted.connect(self._reprinted)
        self.past.refused.connect(self.show_failure)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.pages, self.tr("This shift"))
        self.tabs.addTab(self.past, self.tr("Past shifts"))
        self.lay_out([self.message, (self.tabs, 1)],
                     keys=self.tr("Enter opens the shift · Tab walks the fields · Enter in a "
                                  "count moves on · Enter on Close shift asks, Tab then Enter "
                                  "closes · Ctrl+Tab past shifts, Enter reprints a Z report"))

    def _build_open_page(self) -> QWidget:
        page = QWidget()
        self.float_edit = QLineEdit()
        self.float_edit.setObjectName("floatEntry")
        self.float_edit.setPlaceholderText("0.00")
        self.float_edit.setMaximumWidth(200)
        self.float_edit.returnPressed.connect(self.open_shift)
        self.open_button = QPushButton(self.tr("Open shift"))
        self.open_button.setObjectName("primary")
        self.open_button.clicked.connect(self.open_shift)
        label = QLabel(self.tr("Opening &float (yuan)"))
        label.setBuddy(self.float_edit)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.float_edit)
        row.addWidget(self.open_button)
        row.addStretch(1)
        box = QVBoxLayout(page)
        box.addWidget(QLabel(self.tr("No shift is open at this window. Count the float into "
                                     "the drawer and open a shift.")))
        box.addLayout(row)
        box.addStretch(1)
        return page

    def _build_shift_page(self) -> QWidget:
        page = QWidget()
        self.kind_box = QComboBox()
        self.kind_box.addItem(self.tr("Cash in"), "in")
        self.kind_box.addItem(self.tr("Cash out"), "out")
        self.amount_edit = QLineEdit()
        self.amount_edit.setObjectName("movementAmount")
        self.amount_edit.setPlaceholderText(self.tr("Amount (yuan)"))
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("movementReason")
        self.reason_edit.setPlaceholderText(self.tr("Reason (required)"))
        self.amount_edit.returnPressed.connect(self.reason_edit.setFocus)
        self.reason_edit.returnPressed.connect(self.record_movement)
        self.move_button = QPushButton(self.tr("Record"))
        self.move_button.clicked.connect(self.record_movement)
        self.move_row = QWidget()
        move_row = QHBoxLayout(self.move_row)
        move_row.setContentsMargins(0, 0, 0, 0)
        for w, stretch in ((self.kind_box, 0), (self.amount_edit, 1), (self.reason_edit, 2),
                           (self.move_button, 0)):
            move_row.addWidget(w, stretch)
        self.table = make_table("movements", self.movements, focus=Qt.FocusPolicy.ClickFocus,
                                tab_keys=True)  # the details column takes the room left
        self.summary = ShiftSummary()
        summary = self.summary  # the figures the tests and the other screens' tests read
        self.float_label, self.sales_label = summary.float_label, summary.sales_label
        self.refunds_label, self.payouts_label = summary.refunds_label, summary.payouts_label
        self.cash_in_label, self.cash_out_label = summary.cash_in_label, summary.cash_out_label
        self.expected_label = summary.expected_label
        left = QVBoxLayout()
        left.addWidget(self.summary)
        moves = QGroupBox(self.tr("Drawer: cash in / out, refunds, payouts"))
        moves_box = QVBoxLayout(moves)
        moves_box.addWidget(self.move_row)
        moves_box.addWidget(self.table, 1)
        left.addWidget(moves, 1)

        self.count_box = CountBox()
        self.count_box.close_requested.connect(self.close_shift)
        self.count_edits = self.count_box.edits
        self.counted_label, self.variance_label = (self.count_box.counted_label,
                                                   self.count_box.variance_label)
        self.close_button, self.takeover_reason = (self.count_box.close_button,
                                                   self.count_box.reason_edit)
        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(left, 3)
        row.addWidget(self.count_box, 2)
        QWidget.setTabOrder(self.kind_box, self.amount_edit)
        QWidget.setTabOrder(self.amount_edit, self.reason_edit)
        QWidget.setTabOrder(self.reason_edit, self.count_edits[0])
        return page

    def _build_report_page(self) -> QWidget:
        page = QWidget()
        self.report_form = ShiftReportForm()
        self.report_labels = self.report_form.labels
        self.new_shift_button = QPushButton(self.tr("Open a new shift"))
        self.new_shift_button.clicked.connect(self._new_shift)
        box = QVBoxLayout(page)
        box.addWidget(QLabel(self.tr("Shift closed. The Z report has been sent to the "
                                     "printer.")))
        box.addWidget(self.report_form)
        box.addWidget(self.new_shift_button, 0, Qt.AlignmentFlag.AlignLeft)
        box.addStretch(1)
        return page

    # -- live state -----------------------------------------------------------------------------
    def reload(self) -> None:
        """Re-read the shift off the GUI thread; only the newest answer is shown."""
        self._asked += 1
        asked = self._asked
        (tasks.run(actions.load_state, self.ctx, owner=self)
            .on_success(lambda state: self._loaded(asked, state))
            .on_failure(self.show_failure))

    def _loaded(self, asked: int, state: ShiftState) -> None:
        if asked != self._asked:  # a newer re-read is on its way
            return
        self.state = state
        self.past.set_shifts(state.past)
        if state.info is None:
            self._mode = None
            if self.pages.currentIndex() == SHIFT_PAGE:  # closed meanwhile (taken over)
                self.pages.setCurrentIndex(OPEN_PAGE)
                self._focus_pending = True
        else:
            self._show_shift(state)
        if self._focus_pending:
            self._focus_pending = False
            self._place_focus()

    def _place_focus(self) -> None:
        """The cursor where the work is on the page shown (on the first tab)."""
        if self.tabs.currentIndex() != 0:
            return
        page = self.pages.currentIndex()
        if page == OPEN_PAGE:
            self.float_edit.setFocus()
        elif page == REPORT_PAGE:
            self.new_shift_button.setFocus()
        elif self._mode == OWN:
            self.amount_edit.setFocus()
        elif self._mode == TAKE_OVER:
            self.count_edits[0].setFocus()

    def _show_shift(self, state: ShiftState) -> None:
        t = state.tally
        self.summary.show_shift(state.info, t, state.expected_fen or 0, self.local)
        self.movements.set_lines(t, self._line_time)
        self.count_box.set_expected(state.expected_fen)
        first = self.pages.currentIndex() != SHIFT_PAGE
        if first:
            self.pages.setCurrentIndex(SHIFT_PAGE)
        if first or state.mode != self._mode:
            self._enter_mode(state)
            self._focus_pending = True

    def _enter_mode(self, state: ShiftState) -> None:
        """Who is looking decides what the page offers (the service decides what it allows)."""
        self._mode, clerk = state.mode, state.info.clerk
        self.move_row.setEnabled(state.mode == OWN)
        self.count_box.set_mode(state.mode)
        if state.mode == TAKE_OVER:
            self.show_info(self.tr("{clerk} has not closed this shift. Count the drawer, give "
                                   "the reason and take it over.").format(clerk=clerk))
        elif state.mode == BLOCKED:
            self.show_error(self.tr("This shift is {clerk}'s and is still open. Only {clerk} or "
                                    "a supervisor can close it: ask a supervisor to take it "
                                    "over.").format(clerk=clerk))

    def local(self, at: datetime) -> str:
        return self.ctx.venue().local(at).strftime("%Y-%m-%d %H:%M")

    def _line_time(self, iso: str) -> str:
        return self.ctx.venue().local(datetime.fromisoformat(iso)).strftime("%H:%M")

    def operation_did_execute(self, changes: Any, origin: Any) -> None:
        """A sale, a refund, a payout or a cash movement anywhere in this window moved the
        drawer's cash: show it now (this screen's own writes reload when they finish)."""
        if origin is not self and (changes.cash or changes.refunds or changes.orders):
            self.reload()

    @Slot(list)
    def orders_changed(self, _order_ids: list) -> None:
        """The sync engine applied orders (a refund settled elsewhere…): re-read once the
        burst is over."""
        self._sync_timer.start()

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._focus_pending = True
        self.reload()

    # -- open, move -----------------------------------------------------------------------------
    def open_shift(self) -> None:
        try:
            float_fen = parse_yuan(self.float_edit.text() or "0")
        except ValidationError as exc:
            self.show_error(exc.message)
            return
        self._write(actions.open_shift, float_fen, done=self._opened,
                    changes=op_changes.SHIFT_OPENED)

    def _opened(self, info: Any) -> None:
        self.float_edit.clear()
        self.show_success(self.tr("Shift opened with a float of {amount}").format(
            amount=format_fen(info.float_fen)))
        self.reload()

    def record_movement(self) -> None:
        kind = self.kind_box.currentData()
        try:
            amount = parse_yuan(self.amount_edit.text())
        except ValidationError as exc:
            self.show_error(exc.message)
            self.amount_edit.setFocus()
            return
        self._write(actions.move_cash, kind, amount, self.reason_edit.text(), done=self._moved)

    def _moved(self, result: Any) -> None:
        self.amount_edit.clear()
        self.reason_edit.clear()
        self.amount_edit.setFocus()
        what = self.tr("Cash in") if result.kind == "in" else self.tr("Cash out")
        self.show_success(self.tr("{what} {amount} recorded; expected cash {expected}").format(
            what=what, amount=format_fen(result.amount_fen),
            expected=format_fen(result.expected_fen)))
        self.reload()

    # -- close: fresh figures, the question, then the write --------------------------------------
    def close_shift(self) -> None:
        """Enter on 交班: re-read the tally, then ask with counted, expected and variance."""
        if self._busy or self.confirm_box is not None or self.state.info is None:
            return
        if self.state.mode == TAKE_OVER and not self.count_box.reason():
            self.show_error(self.tr("Give the reason for taking this shift over."))
            self.takeover_reason.setFocus()
            return
        self._busy = True
        (tasks.run(actions.load_state, self.ctx, owner=self)
            .on_success(self._ask_to_close)
            .on_failure(self.show_failure)
            .on_done(self._idle))

    def _ask_to_close(self, state: ShiftState) -> None:
        self._asked += 1  # this answer is the newest: drop any re-read still on its way
        self._loaded(self._asked, state)
        if state.info is None or state.mode == BLOCKED:
            return
        taking_over, counted = state.mode == TAKE_OVER, self.count_box.counted()
        figures = CloseFigures(
            state.info.clerk, self.count_box.counted_fen(), state.expected_fen or 0,
            self.ctx.user.username if taking_over else "",
            self.count_box.reason() if taking_over else "")
        if self._last_box is not None:  # the last question, long answered
            self._last_box.deleteLater()
        self.confirm_box = self._last_box = CloseConfirmDialog(figures, self)
        self.confirm_box.accepted.connect(lambda: self._close_confirmed(figures, counted))
        self.confirm_box.finished.connect(self._confirm_done)
        self.confirm_box.open()

    def _confirm_done(self, _result: int) -> None:
        self.confirm_box = None
        self.window().activateWindow()  # the keys come back to the count
        if self.pages.currentIndex() == SHIFT_PAGE:
            self.close_button.setFocus()

    def _close_confirmed(self, figures: CloseFigures, counted: dict[int, int]) -> None:
        if figures.taken_over_by:
            self._write(actions.take_over, counted, figures.expected_fen, figures.reason,
                        done=self._closed, failed=self._close_refused)
        else:
            self._write(actions.close_shift, counted, figures.expected_fen, done=self._closed,
                        failed=self._close_refused)

    def _close_refused(self, exc: BaseException) -> None:
        self.show_failure(exc)  # e.g. the expected cash moved: the new figures, ask again
        self.reload()

    def _closed(self, report: Any) -> None:
        self.report = report
        self.report_form.show_report(report.report)
        self.count_box.clear()
        self.state = ShiftState(None, None, None, self.state.past)
        self._mode = None
        self.pages.setCurrentIndex(REPORT_PAGE)
        self.new_shift_button.setFocus()
        self.show_success(self.tr("Shift closed; Z report queued for printing."))
        self.reload()  # the past shifts list it now

    def _new_shift(self) -> None:
        self.pages.setCurrentIndex(OPEN_PAGE)
        self.float_edit.setFocus()
        self.clear_message()
        self.reload()

    def _reprinted(self, shift: Any, result: Any) -> None:
        self.show_success(self.tr("Z report of {clerk}'s shift closed {closed} printed again "
                                  "(reprint {n}).").format(
            clerk=shift.clerk, closed=self.local(shift.closed_at), n=result.reprint_no))

    # -- writes ---------------------------------------------------------------------------------
    def _write(self, fn: Any, *args: Any, done: Any, changes: Any = None,
               failed: Any = None) -> None:
        """A shift write; what it changed comes with its result (`changes` for those whose
        result is a plain record: opening a shift)."""
        if self._busy:  # a second Enter while the first write is running
            return
        self._busy = True
        (tasks.write(fn, self.ctx, *args, self.ctx.now(), owner=self, changes=changes)
            .on_success(done)
            .on_failure(failed or self.show_failure)
            .on_done(self._idle))

    def _idle(self) -> None:
        self._busy = False

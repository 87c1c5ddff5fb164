"""The Shift view (交接班): open a cash shift with a float, move cash in or out with a reason,
and close it by counting the drawer → expected, counted and the variance, Z report printed.

Keys: on the open page type the float, Enter opens. On the shift page Tab walks the cash
movement (kind, amount, reason; Enter records it) and then the count grid; Enter in a count
field moves to the next one, on the last one to 交班, and Enter on 交班 closes the shift.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.cash import DENOMINATIONS_FEN
from app.domain.errors import ValidationError
from app.domain.money import format_fen, parse_yuan
from app.services.journal import op_changes
from ui import tasks
from ui.context import ClientContext
from ui.models.cash_movements_model import CashMovementsModel
from ui.views.page import Page, make_table
from ui.views.shift_actions import ShiftState, close_shift, load_state, move_cash, open_shift

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def signed_fen(fen: int) -> str:
    return format_fen(fen).replace("¥", "¥+") if fen > 0 else format_fen(fen)


class ShiftView(Page):
    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "shiftView", parent)
        self.state = ShiftState(None, None, None)
        self.report: Any = None
        self._busy = False
        self.movements = CashMovementsModel(self)
        self._build()
        self.reload()

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_open_page())
        self.pages.addWidget(self._build_shift_page())
        self.pages.addWidget(self._build_report_page())
        self.lay_out([self.message, (self.pages, 1)],
                     keys=self.tr("Enter opens the shift · Tab walks the fields · Enter in a "
                                  "count moves on · Enter on Close shift confirms"))

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
        self.who_label, self.float_label = QLabel(), QLabel()
        self.sales_label, self.expected_label = QLabel(), QLabel()
        self.expected_label.setObjectName("total")
        summary = QFormLayout()
        summary.addRow(self.tr("Shift"), self.who_label)
        summary.addRow(self.tr("Float"), self.float_label)
        summary.addRow(self.tr("Cash sales"), self.sales_label)
        summary.addRow(self.tr("Expected cash now"), self.expected_label)

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
        move_row = QHBoxLayout()
        for w, stretch in ((self.kind_box, 0), (self.amount_edit, 1), (self.reason_edit, 2),
                           (self.move_button, 0)):
            move_row.addWidget(w, stretch)
        self.table = make_table("movements", self.movements, resize=QHeaderView.ResizeMode.Stretch,
                                stretch=None, focus=Qt.FocusPolicy.ClickFocus, tab_keys=True)
        left = QVBoxLayout()
        left.addLayout(summary)
        moves = QGroupBox(self.tr("Cash in / out"))
        moves_box = QVBoxLayout(moves)
        moves_box.addLayout(move_row)
        moves_box.addWidget(self.table, 1)
        left.addWidget(moves, 1)

        row = QHBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(left, 3)
        row.addWidget(self._build_count_box(), 2)
        QWidget.setTabOrder(self.kind_box, self.amount_edit)
        QWidget.setTabOrder(self.amount_edit, self.reason_edit)
        QWidget.setTabOrder(self.reason_edit, self.count_edits[0])
        for a, b in zip(self.count_edits, self.count_edits[1:], strict=False):
            QWidget.setTabOrder(a, b)
        QWidget.setTabOrder(self.count_edits[-1], self.close_button)
        return page

    def _build_count_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Count the drawer and close"))
        grid = QGridLayout(box)
        self.count_edits: list[QLineEdit] = []
        for i, fen in enumerate(DENOMINATIONS_FEN):
            edit = QLineEdit()
            edit.setObjectName(f"count{fen}")
            edit.setValidator(QIntValidator(0, 100_000, self))
            edit.setPlaceholderText("0")
            edit.setMaximumWidth(100)
            edit.textChanged.connect(self._count_changed)
            edit.installEventFilter(self)
            label = QLabel(self.denomination_label(fen))
            label.setBuddy(edit)
            grid.addWidget(label, i, 0)
            grid.addWidget(edit, i, 1)
            grid.addWidget(QLabel(self.tr("pcs")), i, 2)
            self.count_edits.append(edit)
        n = len(DENOMINATIONS_FEN)
        self.counted_label, self.close_expected_label = QLabel(), QLabel()
        self.variance_label = QLabel()
        self.variance_label.setObjectName("variance")
        for offset, (title, value) in enumerate((
                (self.tr("Counted"), self.counted_label),
                (self.tr("Expected"), self.close_expected_label),
                (self.tr("Variance"), self.variance_label))):
            grid.addWidget(QLabel(title), n + offset, 0)
            grid.addWidget(value, n + offset, 1, 1, 2)
        self.close_button = QPushButton(self.tr("Close shift"))
        self.close_button.setObjectName("primary")
        self.close_button.clicked.connect(self.close_shift)
        self.close_button.installEventFilter(self)
        grid.addWidget(self.close_button, n + 3, 0, 1, 3)
        return box

    def _build_report_page(self) -> QWidget:
        page = QWidget()
        self.report_labels: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, title in (("clerk", self.tr("Clerk")), ("opened", self.tr("Opened")),
                           ("closed", self.tr("Closed")), ("float", self.tr("Float")),
                           ("sales", self.tr("Cash sales")), ("refunds", self.tr("Cash refunds")),
                           ("in", self.tr("Cash in")), ("out", self.tr("Cash out")),
                           ("expected", self.tr("Expected")), ("counted", self.tr("Counted")),
                           ("variance", self.tr("Variance"))):
            self.report_labels[key] = QLabel()
            form.addRow(title, self.report_labels[key])
        self.report_labels["variance"].setObjectName("variance")
        self.new_shift_button = QPushButton(self.tr("Open a new shift"))
        self.new_shift_button.clicked.connect(self.reload)
        box = QVBoxLayout(page)
        box.addWidget(QLabel(self.tr("Shift closed. The Z report has been sent to the "
                                     "printer.")))
        box.addLayout(form)
        box.addWidget(self.new_shift_button, 0, Qt.AlignmentFlag.AlignLeft)
        box.addStretch(1)
        return page

    def denomination_label(self, fen: int) -> str:
        if fen >= 100:
            return self.tr("{n} yuan").format(n=fen // 100)
        return self.tr("{n} jiao").format(n=fen // 10)

    # -- keyboard -------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in _ENTER:  # type: ignore[attr-defined]
            if watched is self.close_button:
                self.close_shift()
                return True
            if watched in self.count_edits:
                i = self.count_edits.index(watched)  # type: ignore[arg-type]
                nxt = self.count_edits[i + 1] if i + 1 < len(self.count_edits) else None
                (nxt or self.close_button).setFocus()
                return True
        return super().eventFilter(watched, event)

    # -- state ----------------------------------------------------------------------------------
    def reload(self) -> None:
        (tasks.run(load_state, self.ctx, owner=self)
            .on_success(self._loaded)
            .on_failure(self.show_failure))

    def _loaded(self, state: ShiftState) -> None:
        self.state = state
        if state.info is None:
            self.pages.setCurrentIndex(0)
            self.float_edit.setFocus()
            return
        info, t = state.info, state.tally
        self.who_label.setText(self.tr("{clerk} · terminal {terminal} · since {at}").format(
            clerk=info.clerk, terminal=info.terminal, at=self.local(info.opened_at)))
        self.float_label.setText(format_fen(info.float_fen))
        self.sales_label.setText(self.tr("{n} sales, {amount}").format(
            n=t.cash_sales_count, amount=format_fen(t.cash_sales_fen)))
        self.expected_label.setText(format_fen(state.expected_fen or 0))
        self.movements.set_movements(list(t.movements), self._movement_time)
        self._count_changed()
        if self.pages.currentIndex() != 1:
            self.pages.setCurrentIndex(1)
            self.amount_edit.setFocus()

    def local(self, at: datetime) -> str:
        return self.ctx.venue().local(at).strftime("%Y-%m-%d %H:%M")

    def _movement_time(self, iso: str) -> str:
        return self.ctx.venue().local(datetime.fromisoformat(iso)).strftime("%H:%M")

    # -- open, move, close ----------------------------------------------------------------------
    def open_shift(self) -> None:
        try:
            float_fen = parse_yuan(self.float_edit.text() or "0")
        except ValidationError as exc:
            self.show_error(exc.message)
            return
        self._write(open_shift, float_fen, done=self._opened, changes=op_changes.SHIFT_OPENED)

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
        self._write(move_cash, kind, amount, self.reason_edit.text(), done=self._moved)

    def _moved(self, result: Any) -> None:
        self.amount_edit.clear()
        self.reason_edit.clear()
        self.amount_edit.setFocus()
        what = self.tr("Cash in") if result.kind == "in" else self.tr("Cash out")
        self.show_success(self.tr("{what} {amount} recorded; expected cash {expected}").format(
            what=what, amount=format_fen(result.amount_fen),
            expected=format_fen(result.expected_fen)))
        self.reload()

    def counted(self) -> dict[int, int]:
        return {fen: int(edit.text()) for fen, edit in zip(DENOMINATIONS_FEN, self.count_edits,
                                                             strict=True) if edit.text()}

    def counted_fen(self) -> int:
        return sum(fen * n for fen, n in self.counted().items())

    def _count_changed(self, *_args: Any) -> None:
        counted = self.counted_fen()
        self.counted_label.setText(format_fen(counted))
        expected = self.state.expected_fen
        self.close_expected_label.setText(format_fen(expected or 0))
        if not self.counted():  # nothing counted yet: no "short ¥500" before the count
            self.variance_label.setText("—")
            self.variance_label.setProperty("kind", "none")
            self.variance_label.style().polish(self.variance_label)
            return
        self.set_variance(self.variance_label, counted - (expected or 0))

    def set_variance(self, label: QLabel, variance: int) -> None:
        word = (self.tr("Over") if variance > 0 else self.tr("Short") if variance < 0
                else self.tr("Even"))
        label.setText(f"{word} {signed_fen(variance)}")
        label.setProperty("kind", "error" if variance else "success")
        label.style().unpolish(label)
        label.style().polish(label)

    def close_shift(self) -> None:
        self._write(close_shift, self.counted(), done=self._closed)

    def _closed(self, report: Any) -> None:
        self.report = report
        r, labels = report.report, self.report_labels
        for key, text in (
                ("clerk", report.clerk), ("opened", r.get("opened_at", "")),
                ("closed", r.get("closed_at", "")),
                ("float", format_fen(r.get("opening_float_fen", 0))),
                ("sales", format_fen(r.get("cash_sales_fen", 0))),
                ("refunds", format_fen(r.get("refunds_fen", 0))),
                ("in", format_fen(r.get("cash_in_fen", 0))),
                ("out", format_fen(r.get("cash_out_fen", 0))),
                ("expected", format_fen(report.expected_fen)),
                ("counted", format_fen(report.counted_fen))):
            labels[key].setText(str(text))
        self.set_variance(labels["variance"], report.variance_fen)
        for edit in self.count_edits:
            edit.clear()
        self.state = ShiftState(None, None, None)
        self.pages.setCurrentIndex(2)
        self.new_shift_button.setFocus()
        self.show_success(self.tr("Shift closed; Z report queued for printing."))

    def _write(self, fn: Any, *args: Any, done: Any, changes: Any = None) -> None:
        """A shift write; what it changed comes with its result (`changes` for those whose
        result is a plain record: opening a shift)."""
        if self._busy:  # a second Enter while the first write is running
            return
        self._busy = True
        (tasks.write(fn, self.ctx, *args, self.ctx.now(), owner=self, changes=changes)
            .on_success(done)
            .on_failure(self.show_failure)
            .on_done(self._idle))

    def _idle(self) -> None:
        self._busy = False

    def operation_did_execute(self, changes: Any, origin: Any) -> None:
        """A sale or a refund on another screen moved this drawer's cash: show it now."""
        if origin is not self and changes.cash and self.state.info is not None:
            self.reload()

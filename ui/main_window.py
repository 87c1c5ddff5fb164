"""The main window: left navigation by role, one page per screen, and the status bar."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from printing.uris import parse_printer_uri
from ui import navigation, tasks
from ui.anomaly_counter import AnomalyCounter
from ui.clickable_label import ClickableLabel
from ui.context import ClientContext
from ui.payout_notices import PayoutCounter
from ui.scanner import ScanRecogniser


class MainWindow(QMainWindow):
    sign_out_requested = Signal()
    closed = Signal()

    def __init__(self, ctx: ClientContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("Menpiao Box Office — {venue}").format(
            venue=ctx.venue().name))
        self.keys = navigation.screens_for(ctx.user.role)
        self.pages: dict[str, QWidget] = {}
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.stack = QStackedWidget()
        for n, key in enumerate(self.keys, start=1):
            item = QListWidgetItem(navigation.screen_title(key))
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"Ctrl+{n}")
            self.nav.addItem(item)
            QShortcut(QKeySequence(f"Ctrl+{n}"), self, lambda k=key: self.show_screen(k))
        self.nav.currentRowChanged.connect(lambda row: self.show_screen(self.keys[row]))
        self.setCentralWidget(self._body())
        self._build_status_bar()
        if ctx.printer is not None:
            ctx.printer.changed.connect(self.refresh_status)
        if ctx.sync is not None:
            ctx.sync.changed.connect(self.refresh_status)
        tasks.operations().operation_did_execute.connect(self.operation_did_execute)
        self._listening = True
        self.scanner = ScanRecogniser(self)  # a scan from any screen opens its order
        self.scanner.scanned.connect(self.open_scanned)
        QApplication.instance().installEventFilter(self.scanner)
        self.resize(1280, 760)  # what un-maximizing gives back
        self.setWindowState(Qt.WindowState.WindowMaximized)
        landing = navigation.landing_for(ctx.user.role)
        if landing is not None:
            self.show_screen(landing)

    def _body(self) -> QWidget:
        side = QFrame()
        side.setObjectName("sidebar")
        brand = QLabel(self.tr("Menpiao"))
        brand.setObjectName("brand")
        sign_out = QPushButton(self.tr("Sign out"))
        sign_out.setObjectName("flat")
        sign_out.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        sign_out.clicked.connect(self.sign_out_requested)
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 12, 0, 12)
        column.addWidget(brand)
        column.addWidget(self.nav, 1)
        column.addWidget(sign_out)
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the page, Ctrl+N switches
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(side)
        row.addWidget(self.stack, 1)
        return body

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        self.user_label = QLabel()
        self.terminal_label = QLabel()
        self.printer_label = QLabel()
        self.printer_label.setObjectName("printerState")
        self.sync_label = ClickableLabel()
        self.sync_label.setObjectName("syncState")
        self.sync_label.clicked.connect(self.show_sync_issues)
        self.anomaly_counter: AnomalyCounter | None = None
        if "anomalies" in self.keys:  # supervisor and admin
            self.anomaly_counter = AnomalyCounter(self.ctx)
            self.anomaly_counter.clicked.connect(lambda: self.show_screen("anomalies"))
            self.anomaly_counter.arrived.connect(self._anomalies_arrived)
            bar.addPermanentWidget(self.anomaly_counter)
            if self.ctx.sync is not None:
                self.ctx.sync.anomalies_changed.connect(self.anomaly_counter.refresh)
            self.anomaly_counter.refresh()
        self.payout_counter: PayoutCounter | None = None
        if "refund" in self.keys:  # an approval for this window: told on every screen
            self.payout_counter = PayoutCounter(self.ctx)
            self.payout_counter.clicked.connect(lambda: self.show_screen("refund"))
            self.payout_counter.arrived.connect(self._payouts_arrived)
            bar.addPermanentWidget(self.payout_counter)
            if self.ctx.sync is not None:
                self.ctx.sync.orders_changed.connect(self.payout_counter.refresh)
            self.payout_counter.refresh()
        for label in (self.user_label, self.terminal_label, self.printer_label, self.sync_label):
            bar.addPermanentWidget(label)
        self.refresh_status()

    def _anomalies_arrived(self, n: int) -> None:
        self.statusBar().showMessage(self.tr("{n} new anomalies — click the counter to see "
                                             "them").format(n=n), 8000)

    def _payouts_arrived(self, rows: list) -> None:
        self.statusBar().showMessage(self.tr("{n} refunds approved: pay them out on the Refund "
                                             "screen").format(n=len(rows)), 15000)

    def refresh_status(self) -> None:
        user = self.ctx.user
        if user is None:  # signed out: this window is on its way out
            return
        role = navigation.role_title(user.role)
        name = user.display_name or user.username
        if name in (role, user.username) or name.startswith(role):
            name = user.username  # "售票员：售票员1 (clerk1)" says the role twice
        else:
            name = f"{name} ({user.username})"
        self.user_label.setText(self.tr("{role}: {name}").format(role=role, name=name))
        self.terminal_label.setText(self.tr("Window {terminal}").format(
            terminal=self.ctx.terminal))
        printer = self.ctx.printer
        state = printer.state if printer is not None else "unknown"
        label = printer.label if printer is not None else self.tr("Not started")
        if _prints_nothing(self.ctx.printer_uri()):  # `none` answers ready: it is not
            state, label = "none", self.tr("None set (nothing prints)")
        self.printer_label.setText(self.tr("Printer: {state}").format(state=label))
        self.printer_label.setProperty("state", state)
        self.printer_label.setToolTip(getattr(printer, "detail", "") or self.ctx.printer_uri())
        self.printer_label.style().unpolish(self.printer_label)
        self.printer_label.style().polish(self.printer_label)
        self._refresh_sync()

    def show_sync_issues(self) -> QWidget:
        from ui.views.sync_issues_dialog import SyncIssuesDialog

        dialog = SyncIssuesDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _refresh_sync(self) -> None:
        bridge = self.ctx.sync
        if bridge is None:
            text, state, tip = self.tr("Local mode"), "local", ""
        else:
            text, state = bridge.label(self.ctx.venue().local)
            tip = bridge.tooltip()
        self.sync_label.setText(text)
        self.sync_label.setProperty("state", state)
        self.sync_label.setToolTip(tip)
        self.sync_label.style().unpolish(self.sync_label)
        self.sync_label.style().polish(self.sync_label)

    def show_screen(self, key: str) -> QWidget:
        page = self.pages.get(key)
        if page is None:
            page = navigation.SCREENS[key].build(self.ctx)
            page.setObjectName(page.objectName() or f"{key}Page")
            self.pages[key] = page
            self.stack.addWidget(page)
            if hasattr(page, "settings_saved"):
                page.settings_saved.connect(self.refresh_status)
            if hasattr(page, "orders_changed") and self.ctx.sync is not None:
                self.ctx.sync.orders_changed.connect(page.orders_changed)  # live from sync
            if hasattr(page, "anomalies_changed") and self.ctx.sync is not None:
                self.ctx.sync.anomalies_changed.connect(page.anomalies_changed)
        self.stack.setCurrentWidget(page)
        row = self.keys.index(key)
        if self.nav.currentRow() != row:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(row)
            self.nav.blockSignals(False)
        page.setFocus()
        return page

    def open_scanned(self, code: str) -> None:
        """A ticket code scanned anywhere: its order on the Refund screen (on Orders when that
        is the screen in front, or the role has no Refund), never keys for the screen that had
        the focus (DESIGN §11)."""
        if QApplication.activeModalWidget() is not None:
            self.statusBar().showMessage(self.tr("Scan ignored: close the dialog first."), 8000)
            return
        here = self.keys[self.nav.currentRow()] if self.nav.currentRow() >= 0 else None
        key = here if here in ("refund", "orders") else next(
            (k for k in ("refund", "orders") if k in self.keys), None)
        if key is None:
            return
        page = self.show_screen(key)
        page.search_box.setText(code)  # type: ignore[attr-defined]
        page.search()  # type: ignore[attr-defined]

    def operation_did_execute(self, changes: object, origin: object) -> None:
        """A write anywhere in this window (or a store request it made): every screen built so
        far that shows something of it refreshes (the Shift screen's cash after a sale)."""
        if getattr(changes, "anomalies", False) and self.anomaly_counter is not None:
            self.anomaly_counter.refresh()
        if getattr(changes, "refunds", False) and self.payout_counter is not None:
            self.payout_counter.refresh()
        for page in self.pages.values():
            hook = getattr(page, "operation_did_execute", None)
            if hook is not None:
                hook(changes, origin)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._listening:  # the signal outlives this window (sign-out builds a new one)
            tasks.operations().operation_did_execute.disconnect(self.operation_did_execute)
            QApplication.instance().removeEventFilter(self.scanner)
            self._listening = False
        self.closed.emit()
        super().closeEvent(event)

    def nav_titles(self) -> list[str]:
        return [self.nav.item(i).text() for i in range(self.nav.count())]


def _prints_nothing(uri: str) -> bool:
    """The printer URI is `none` (a URI that is no printer is the worker's 故障 to show)."""
    try:
        return parse_printer_uri(uri).scheme == "none"
    except ValueError:
        return False

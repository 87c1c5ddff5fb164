"""The Anomalies view (异常订单, supervisor and admin): the anomaly queue by category with live
counts in the tab titles, highest priority first (red: high), and the selected anomaly in
detail — reason, evidence, devices, stock, the order's verified timeline — with one button per
fix, the recommended one first.

The list reads this window's database (the changes feed keeps every anomaly there): fast, and
it works offline. Fixes run on the central store (DESIGN.md §6): offline the buttons are
disabled and say why. A fix that moves money asks first; `mark_resolved` and
`change_refund_method` need a note. The store's answer is written to the cache at once and the
feed brings the same rows again later. Several rows selected (Shift/Ctrl) can be marked
resolved or dismissed together, with a note.

Keys: ↑/↓ walk the list, Enter runs the recommended fix, Ctrl+PgUp/PgDn change the category,
Ctrl+N goes to the note. The sync engine calls `anomalies_changed(ids)` (new or changed
anomalies) and `orders_changed(ids)`; bursts make one re-query that keeps the selection.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from app.domain.anomalies import MONEY_MOVING_FIXES, NOTE_REQUIRED_FIXES, categories_for
from app.services.journal import op_changes
from ui import tasks
from ui.anomaly_labels import category_label, fix_label
from ui.anomaly_requests import (
    AnomalyDetail,
    keep_answer,
    load_detail,
    load_queue,
    send_fix,
)
from ui.context import ClientContext
from ui.models.anomalies_model import AnomalyQueueModel
from ui.store_reads import offline_reason, store_online
from ui.views.anomalies_batch import AnomalyBatch
from ui.views.anomalies_keys import AnomalyKeys
from ui.views.anomaly_detail_pane import AnomalyDetailPane
from ui.views.fix_confirm import money_fix_box
from ui.views.order_detail import OrderDetailDialog
from ui.views.page import Page, make_table

log = logging.getLogger(__name__)

REFRESH_DELAY_MS = 0  # the sync bridge coalesces bursts already; this merges one turn's signals
CATEGORIES = (None, "payment", "redemption", "refund", "inventory")


class AnomaliesView(AnomalyBatch, AnomalyKeys, Page):
    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "anomaliesView", parent)
        self.order_dialog: OrderDetailDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self.last_answer: dict[str, Any] | None = None
        self._busy = False
        self._restoring = False
        self._place: tuple[str | None, int] = (None, 0)
        self._changed_ids: set[str] = set()
        allowed = categories_for(ctx.user.role if ctx.user else "")
        # finance works the payment and refund anomalies only (the store says the same)
        self.categories = tuple(c for c in CATEGORIES if c is None or allowed is None
                                or c in allowed)
        self.model = AnomalyQueueModel(lambda c, at, n: load_queue(ctx, c, at, n, allowed),
                                       ctx.now, self)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self._build()
        self.model.loaded.connect(self._loaded)
        self.model.merged.connect(self._merged)
        self.model.failed.connect(self.show_failure)
        self.model.appended.connect(self._show_counts)
        if ctx.sync is not None:
            ctx.sync.changed.connect(self.update_online)
        self.update_online()
        self.model.show(None)

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.tabs = QTabBar()
        self.tabs.setObjectName("anomalyTabs")
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for category in self.categories:
            self.tabs.setTabData(self.tabs.addTab(""), category)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.table = make_table("anomalyTable", self.model,
                                selection=QAbstractItemView.SelectionMode.ExtendedSelection,
                                stretch=AnomalyQueueModel.KIND, alternate=True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._current_moved())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_moved())
        self.table.doubleClicked.connect(lambda _i: self.open_order())
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.horizontalHeader().setSectionResizeMode(
            AnomalyQueueModel.KIND, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            AnomalyQueueModel.ORDER_NO, QHeaderView.ResizeMode.ResizeToContents)
        self.pane = AnomalyDetailPane(self.ctx.venue().local)
        self.pane.fix_requested.connect(self.request_fix)
        self.pane.order_requested.connect(self.open_order)
        self.pane.note.returnPressed.connect(self.fix_from_note)
        self.new_button = QPushButton()
        self.new_button.setObjectName("newAnomalies")
        self.new_button.clicked.connect(self.insert_new)
        self.new_button.hide()
        self.count = QLabel()
        self.count.setObjectName("hint")
        self._build_batch_buttons()
        batch = QHBoxLayout()
        batch.addWidget(self.count, 1)
        batch.addWidget(self.new_button)
        batch.addWidget(self.resolve_button)
        batch.addWidget(self.dismiss_button)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table, 1)
        column.addLayout(batch)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.pane)
        split.setStretchFactor(0, 6)
        split.setStretchFactor(1, 5)
        self.lay_out([self.message, self.tabs, (split, 1)], spacing=10,
                     keys=self.tr("↑/↓ choose · Enter runs the recommended fix · Shift/Ctrl "
                                  "select several to mark resolved or dismiss · "
                                  "Ctrl+PgUp/PgDn category · Ctrl+N note, Enter there runs "
                                  "the fix · F5 shows new ones"))
        self.message.hide()
        self._install_keys()
        self.setFocusProxy(self.table)
        self._update_tabs()

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.table.setFocus()

    # -- the list -------------------------------------------------------------------------------
    def _tab_changed(self, index: int) -> None:
        self._place = (None, 0)
        self.new_button.hide()
        self.model.show(self.tabs.tabData(index))

    def _update_tabs(self) -> None:
        counts = self.model.counts
        for i, category in enumerate(self.categories):
            name = self.tr("All") if category is None else category_label(category)
            n = counts.get(category or "all", 0)
            self.tabs.setTabText(i, f"{name} ({n})")
            self.tabs.setTabTextColor(i, Qt.GlobalColor.darkRed if n else Qt.GlobalColor.gray)

    @Slot(list)
    def anomalies_changed(self, anomaly_ids: list) -> None:
        """Anomalies changed in the cache (the sync engine applied a page): re-query once the
        burst is over."""
        self._changed_ids.update(anomaly_ids)
        self._refresh_timer.start()

    @Slot(list)
    def orders_changed(self, order_ids: list) -> None:
        current = self.current()
        if current is not None and current.get("order_id") in set(order_ids):
            self._changed_ids.add(current["id"])
            self._refresh_timer.start()

    def operation_did_execute(self, changes: Any, origin: Any) -> None:
        """Anomalies changed by another screen's write (this screen refreshes its own)."""
        if origin is not self and changes.anomalies:
            self.anomalies_changed([])

    def refresh(self) -> None:
        """Live: rows stay where they are (the model merges in place, newcomers wait for
        `insert_new`); an empty list, or one with nothing selected, simply loads again."""
        current = self.current()
        self._place = (current["id"] if current else None, max(self.current_row(), 0))
        if current is None:
            self.model.refresh()
            return
        self.model.keep_id = current["id"]
        self.model.update()

    def _merged(self) -> None:
        self._show_counts()
        n = len(self.model.pending)
        self.new_button.setText(self.tr("{n} new (F5)").format(n=n))
        self.new_button.setVisible(n > 0)
        changed, self._changed_ids = self._changed_ids, set()
        current = self.current()
        if current is not None and (current["id"] in changed or current.get("gone")):
            self.load_current()
        self._selection_moved()

    def insert_new(self) -> None:
        """The anomalies that arrived meanwhile, into the list: the selected row stays
        selected and where it was on screen."""
        if not self.model.pending:
            return
        row = self.current_row()
        before = self.table.rowViewportPosition(row) if row >= 0 else None
        self.model.insert_pending()
        self.new_button.hide()
        self._show_counts()
        row = self.current_row()
        if before is not None and row >= 0:
            bar = self.table.verticalScrollBar()
            bar.setValue(bar.value() + self.table.rowViewportPosition(row) - before)

    def fix_from_note(self) -> None:
        """Enter in the note: the recommended fix (money moves ask first, as ever)."""
        fix = self.pane.recommended()
        if fix is not None:
            self.request_fix(fix)

    def _show_counts(self) -> None:
        self._update_tabs()
        n = self.model.rowCount()
        self.count.setText(self.tr("{n} anomalies").format(n=n) if n
                           else self.tr("No open anomalies here."))

    def _loaded(self) -> None:
        self._show_counts()
        n = self.model.rowCount()
        anomaly_id, row = self._place
        found = self.model.row_of(anomaly_id)
        row = found if found >= 0 else min(row, n - 1)
        changed, self._changed_ids = self._changed_ids, set()
        if row < 0:
            self.pane.show_detail(None)
            return
        self._restoring = True  # the same anomaly, unchanged, keeps its pane as it is
        self.table.selectRow(row)
        self._restoring = False
        if found < 0 or anomaly_id in changed:
            self.load_current()
        self._selection_moved()

    def current_row(self) -> int:
        index = self.table.selectionModel().currentIndex()
        return index.row() if index.isValid() else -1

    def current(self) -> dict[str, Any] | None:
        return self.model.anomaly(self.current_row())

    # -- detail ---------------------------------------------------------------------------------
    def _current_moved(self) -> None:
        current = self.current()
        self.model.keep_id = current["id"] if current else None
        if any(a.get("gone") for a in self.model.rows()):
            QTimer.singleShot(0, self.model.drop_gone)  # not while Qt moves the cursor
        if not self._restoring:
            self.load_current()

    def load_current(self) -> None:
        current = self.current()
        if current is None:
            self.pane.show_detail(None)
            return
        anomaly_id = current["id"]
        self._place = (anomaly_id, self.current_row())
        (tasks.run(load_detail, self.ctx, anomaly_id, store_online(self.ctx), owner=self)
            .on_success(lambda d: self._detail_loaded(anomaly_id, d))
            .on_failure(self.show_failure))

    def _detail_loaded(self, anomaly_id: str, detail: AnomalyDetail) -> None:
        current = self.current()
        if current is not None and current["id"] == anomaly_id:  # not an older answer
            self.pane.show_detail(detail)

    def update_online(self) -> None:
        self.pane.set_online(store_online(self.ctx), offline_reason())
        self._selection_moved()

    def open_order(self) -> None:
        detail = self.pane.detail
        order = detail.anomaly.get("order") if detail else None
        if order is None:
            return
        if self.order_dialog is not None:
            self.order_dialog.close()
        self.order_dialog = OrderDetailDialog(
            order, lambda iso: _local_minutes(self.ctx, iso), self, ctx=self.ctx)
        self.order_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.order_dialog.finished.connect(self._order_closed)
        self.order_dialog.open()

    def show_anomaly(self, anomaly_id: str) -> None:
        """Select `anomaly_id` on the All tab (an order's 查看异常)."""
        if self.tabs.currentIndex() != 0:
            self.tabs.setCurrentIndex(0)
        self._place = (anomaly_id, 0)
        self._changed_ids.add(anomaly_id)
        self.model.refresh()

    def _order_closed(self, _result: int) -> None:
        self.order_dialog = None
        self.table.setFocus()

    # -- fixing ---------------------------------------------------------------------------------
    def request_fix(self, fix: str) -> None:
        """A fix button (or Enter): check what the window can, confirm money, then send."""
        detail = self.pane.detail
        if detail is None or self._busy or fix not in (detail.anomaly.get("fixes") or []):
            return
        if not store_online(self.ctx):
            self.show_error(offline_reason())
            return
        note = self.pane.note.text().strip()
        if fix in NOTE_REQUIRED_FIXES and not note:
            self.show_error(self.tr("“{fix}” needs a note: write what was checked.").format(
                fix=fix_label(fix)))
            self.pane.note.setFocus()
            return
        if fix in MONEY_MOVING_FIXES:
            self._confirm(detail.anomaly, fix, note)
        else:
            self._send(detail.anomaly, fix, note)

    def _confirm(self, anomaly: dict[str, Any], fix: str, note: str) -> None:
        box = money_fix_box(self, anomaly, fix)
        box.finished.connect(lambda result: self._confirmed(box, result, anomaly, fix, note))
        self.confirm_box = box
        box.open()

    def _confirmed(self, box: QMessageBox, result: int, anomaly: dict[str, Any], fix: str,
                   note: str) -> None:
        self.confirm_box = None
        box.deleteLater()
        if result == QMessageBox.StandardButton.Yes:
            self._send(anomaly, fix, note)
        else:
            self.show_info(self.tr("Not done: {fix}").format(fix=fix_label(fix)))
            self.table.setFocus()

    def _send(self, anomaly: dict[str, Any], fix: str, note: str) -> None:
        order = anomaly.get("order") or {}
        self._busy = True
        (tasks.run(send_fix, self.ctx, anomaly["id"], fix, note, order.get("version"),
                   owner=self)
            .on_success(lambda answer: self._fixed(answer, fix))
            .on_failure(self._refused)
            .on_done(self._idle))

    def _idle(self) -> None:
        self._busy = False

    def _fixed(self, answer: dict[str, Any], fix: str) -> None:
        self.last_answer = answer
        message = str(answer.get("message") or "")
        if answer.get("already_fixed"):
            done = self.tr("Already handled")
            text = (self.tr("Already handled: {message}").format(message=message)
                    if message and not message.startswith(done) else message or done)
        else:
            text = message or self.tr("Done: {fix}").format(fix=fix_label(fix))
        anomaly = answer.get("anomaly") or {}
        if anomaly.get("id"):
            self._changed_ids.add(anomaly["id"])  # the pane shows what it is now
        if anomaly.get("status") == "open":  # it learned something (查询支付结果): still open
            self.show_info(text)
        else:
            self.show_success(text)
        self.pane.note.clear()
        self._keep(answer)

    def _keep(self, answer: dict[str, Any]) -> None:
        """The answer into the cache, then the list again; the feed confirms later."""
        (tasks.write(keep_answer, self.ctx, answer, owner=self,
                     changes=op_changes.ANOMALY_FIXED)
            .on_failure(lambda exc: log.info("fix answer not cached: %s", exc))
            .on_done(self.refresh))
        self.table.setFocus()

    def _refused(self, exc: BaseException) -> None:
        self.show_failure(exc)
        self.load_current()  # the anomaly may have moved on: show what it is now

    def _show(self, text: str, kind: str) -> None:
        super()._show(text, kind)
        self.message.setVisible(bool(text))  # no empty band above the tabs


def _local_minutes(ctx: ClientContext, iso: str | None) -> str:
    from ui.anomaly_labels import local_text

    return local_text(iso, ctx.venue().local, "%Y-%m-%d %H:%M")

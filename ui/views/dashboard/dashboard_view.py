"""数据看板 (DESIGN.md §15): the KPI strip with its period picker above three tabs — 今日看板,
退票分析, 异常分析 — all read from the central store's reports with the signed-in user's
StoreClient (`ctx.store`), off the GUI thread, one snapshot per reload.

Live: the changes feed (`orders_changed`, `anomalies_changed` of the sync bridge, and this
window's own writes) asks for a reload through a `Coalescer`: at most one reload per couple of
seconds. Offline — no client, the sync engine offline, or a request that did not get through —
a banner says so and what was shown stays. Keys: F5 reloads, Alt+P the period, Alt+1…3 a tab.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QTabWidget, QWidget

from ui import tasks
from ui.context import ClientContext
from ui.views.dashboard.anomalies_panel import AnomaliesPanel
from ui.views.dashboard.coalescer import Coalescer
from ui.views.dashboard.kpi_strip import KpiStrip
from ui.views.dashboard.loads import Snapshot, load_snapshot
from ui.views.dashboard.refunds_panel import RefundsPanel
from ui.views.dashboard.today_panel import TodayPanel
from ui.views.page import Page


def _scrolling(panel: QWidget) -> QScrollArea:
    """The panel in a scroll area: charts keep their height on a small screen."""
    area = QScrollArea()
    area.setWidget(panel)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area

class DashboardView(Page):
    def __init__(self, ctx: ClientContext, parent: QWidget | None = None,
                 timer: QTimer | None = None) -> None:
        super().__init__(ctx, "dashboardView", parent)
        self.snapshot: Snapshot | None = None
        self.loads = 0  # reloads started (the tests count them)
        self._loading = False
        self._again = False
        self._unreachable = False
        self.live = Coalescer(self.reload, timer, self)
        self.offline_label = QLabel()
        self.offline_label.setObjectName("offlineHint")
        self.offline_label.setWordWrap(True)
        self.offline_label.hide()
        self.kpis = KpiStrip(ctx.today())
        self.today = TodayPanel()
        self.refunds = RefundsPanel()
        self.anomalies = AnomaliesPanel()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("dashboardTabs")
        for n, (panel, title) in enumerate(((self.today, self.tr("Today")),
                                            (self.refunds, self.tr("Refund analytics")),
                                            (self.anomalies, self.tr("Anomaly analytics")))):
            self.tabs.addTab(_scrolling(panel), title)  # a 1366×768 desk sees all of it
            self.tabs.setTabToolTip(n, f"Alt+{n + 1}")
            QShortcut(QKeySequence(f"Alt+{n + 1}"), self,
                      lambda i=n: self.tabs.setCurrentIndex(i),
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.lay_out([self.offline_label, self.message, self.kpis, (self.tabs, 1)], spacing=8,
                     keys=self.tr("F5 reloads · Alt+P chooses the period · Alt+1…3 choose a "
                                  "tab · the numbers follow the sales live"))
        QShortcut(QKeySequence("F5"), self, self.reload,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.kpis.period_changed.connect(self.reload)
        if ctx.sync is not None:
            ctx.sync.changed.connect(self.update_online)
        self.reload()

    # -- the changes feed (MainWindow connects these by name) -----------------------------
    def orders_changed(self, _ids: list) -> None:
        self.live.notice()

    def anomalies_changed(self, _ids: list) -> None:
        self.live.notice()

    def operation_did_execute(self, changes: Any, origin: Any) -> None:
        if changes:
            self.live.notice()

    # -- reading --------------------------------------------------------------------------
    def reload(self) -> None:
        if self._loading:  # one request at a time: the newest wish runs after it
            self._again = True
            return
        if self.ctx.store is None:
            self._set_unreachable(True)
            return
        self._loading, self._again = True, False
        self.loads += 1
        first, last = self.kpis.chosen()
        tasks.run(load_snapshot, self.ctx, self.ctx.today(), first, last, owner=self) \
            .on_success(self._show_snapshot).on_failure(self._failed).on_done(self._loaded)

    def _loaded(self) -> None:
        self._loading = False
        if self._again:
            self.reload()

    def _show_snapshot(self, snap: Snapshot) -> None:
        self.snapshot = snap
        self._set_unreachable(False)
        self.clear_message()
        self.today.show_snapshot(snap)
        self.kpis.show_kpis(snap.kpis)
        self.refunds.show_report(snap.refunds)
        self.anomalies.show_report(snap.anomalies)

    def _failed(self, exc: BaseException) -> None:
        from sync.transport import TransientError

        if isinstance(exc, TransientError):
            self._set_unreachable(True)
        else:
            self.show_failure(exc)

    # -- online / offline -----------------------------------------------------------------
    def online(self) -> bool:
        sync = self.ctx.sync
        if self.ctx.store is None or self._unreachable:
            return False
        return not (sync is not None and sync.active and not sync.online)

    def _set_unreachable(self, unreachable: bool) -> None:
        self._unreachable = unreachable
        self.update_online()

    def update_online(self) -> None:
        online = self.online()
        if online:
            if self.offline_label.isVisible() and self.ctx.sync is not None:
                self.live.notice()  # the store is back: read again what is shown
            self.offline_label.hide()
            return
        if self.snapshot is None:
            text = self.tr("Not connected to the central store: the reports are made there. "
                           "F5 tries again.")
        else:
            text = self.tr("Not connected to the central store: the numbers below were read "
                           "at {time} and are not live. F5 tries again.").format(
                time=self.ctx.venue().local(self.snapshot.read_at).strftime("%H:%M:%S"))
        self.offline_label.setText(text)
        self.offline_label.show()

"""The 管理 screen (DESIGN.md §11, §15): the admin runs the business from the client — users,
devices, ticket types, the capacity calendar, the refund policy with its holidays and
force-majeure days, and the log of every change. Everything is read from and written to the
central store with the signed-in user's own StoreClient (`ctx.store`), off the GUI thread.

Admins write; supervisors read (and may propose or confirm a force-majeure day, as the store
allows); users are the admin's only. Without the store — no client, the sync engine offline,
or a request that did not get through — a banner says so and every write is off; what was
read stays on screen. Keys: Alt+1…6 choose a tab, F5 reloads it; each tab shows its own keys.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

from ui.context import ClientContext
from ui.views.admin.capacity_tab import CapacityTab
from ui.views.admin.changes_tab import ChangesTab
from ui.views.admin.devices_tab import DevicesTab
from ui.views.admin.refund_policy_tab import RefundPolicyTab
from ui.views.admin.tab import AdminTab
from ui.views.admin.ticket_types_tab import TicketTypesTab
from ui.views.admin.users_tab import UsersTab
from ui.views.page import Page


class AdminView(Page):
    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "adminView", parent)
        self._unreachable = False
        self.role = getattr(ctx.user, "role", "")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("adminTabs")
        self.tabs.tabBar().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pages: dict[str, AdminTab] = {}
        self.users: UsersTab | None = None
        if self.role == "admin":  # the store shows its users to admins only
            self.users = self._add("users", UsersTab(ctx), self.tr("Users"))
        self.devices = self._add("devices", DevicesTab(ctx), self.tr("Devices"))
        self.ticket_types = self._add("ticket_types", TicketTypesTab(ctx),
                                      self.tr("Ticket types"))
        self.capacity = self._add("capacity", CapacityTab(ctx), self.tr("Capacity calendar"))
        self.refund_policy = self._add("refund_policy", RefundPolicyTab(ctx),
                                       self.tr("Refund rules"))
        self.changes = self._add("changes", ChangesTab(ctx), self.tr("Change log"))
        self.tabs.currentChanged.connect(lambda _i: self._tab_shown())
        self.offline_label = QLabel()
        self.offline_label.setObjectName("offlineHint")
        self.offline_label.setWordWrap(True)
        self.read_only_label = QLabel(self.tr(
            "Read only: administrators change users, devices, ticket types, capacity and the "
            "refund policy. Supervisors may propose and confirm force-majeure days."))
        self.read_only_label.setObjectName("hint")
        self.read_only_label.setWordWrap(True)
        self.read_only_label.setVisible(self.role != "admin")
        self.lay_out([self.offline_label, self.read_only_label, (self.tabs, 1)], spacing=8,
                     keys=self.tr("Alt+1…{n} choose a tab · F5 reloads it").format(
                         n=self.tabs.count()))
        for n in range(self.tabs.count()):
            QShortcut(QKeySequence(f"Alt+{n + 1}"), self, lambda i=n: self.show_tab(i),
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("F5"), self, self.reload,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        if ctx.sync is not None:
            ctx.sync.changed.connect(self.update_online)
        self.update_online()

    def _add(self, key: str, tab: AdminTab, title: Any) -> Any:
        self.pages[key] = tab
        index = self.tabs.addTab(tab, title)
        self.tabs.setTabToolTip(index, f"Alt+{index + 1}")
        tab.reached.connect(self._reached)
        tab.unreachable.connect(self._lost)
        return tab

    # -- showing --------------------------------------------------------------------------
    def current_tab(self) -> AdminTab:
        return self.tabs.currentWidget()  # type: ignore[return-value]

    def show_tab(self, index: int) -> AdminTab:
        self.tabs.setCurrentIndex(index)
        tab = self.current_tab()
        tab.setFocus()
        return tab

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._tab_shown()

    def _tab_shown(self) -> None:
        tab = self.current_tab()
        if not tab.loaded and self.ctx.store is not None:
            tab.reload()
        tab.setFocus()

    def reload(self) -> None:
        if self.ctx.store is not None:
            self.current_tab().reload()

    def focusInEvent(self, event: Any) -> None:  # noqa: N802
        super().focusInEvent(event)
        self.current_tab().setFocus()

    # -- the store ------------------------------------------------------------------------
    def online(self) -> bool:
        sync = self.ctx.sync
        if self.ctx.store is None or self._unreachable:
            return False
        return not (sync is not None and sync.active and not sync.online)

    def update_online(self) -> None:
        online = self.online()
        if online and not self.offline_label.isHidden():  # back: read again what is shown
            for tab in self.pages.values():
                tab.loaded = False
            if self.isVisible():
                self._tab_shown()
        self.offline_label.setText("" if online else self.tr(
            "Not connected to the central store: users, devices, catalog, capacity and the "
            "refund policy are kept there, so nothing can be changed now. What is shown was "
            "read before."))
        self.offline_label.setVisible(not online)
        for tab in self.pages.values():
            tab.set_access(self.role, online)

    def _reached(self) -> None:
        if self._unreachable:
            self._unreachable = False
            self.update_online()

    def _lost(self) -> None:
        if not self._unreachable:
            self._unreachable = True
            self.update_online()

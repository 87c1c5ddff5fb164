"""The Orders list's 导出 Excel… (Ctrl+E): every order matching the filters on screen, as the
central store exports it (`GET /orders/export`, DESIGN.md §15), through the export dialog
(progress, cancel). Supervisor, finance and admin; a clerk does not see the button."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QPushButton

from ui.export_dialog import ExportRunner, export_orders
from ui.views import orders_source

translate = QCoreApplication.translate
EXPORTERS = ("supervisor", "finance", "admin")


class OrdersExport:
    def __init__(self, view: Any) -> None:
        self.view = view
        self.runner: ExportRunner | None = None
        self.allowed = getattr(view.ctx.user, "role", "") in EXPORTERS
        self.button = QPushButton(translate("OrdersExport", "Export to Excel… (Ctrl+E)"))
        self.button.setObjectName("exportOrders")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.setVisible(self.allowed)
        self.button.clicked.connect(self.start)
        QShortcut(QKeySequence("Ctrl+E"), view, self.start)

    def start(self) -> None:
        if self.allowed:
            params = orders_source.params_of(self.view.filters())
            self.runner = export_orders(self.view, self.view.ctx, params)

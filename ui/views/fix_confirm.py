"""The question a supervisor answers before a fix that moves money (DESIGN §6): what, for
which order, how much — Yes runs the fix. Strings keep the Anomalies view's translation context."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.domain.money import format_fen
from ui.anomaly_labels import fix_label, kind_label


def _tr(text: str) -> str:
    return QCoreApplication.translate("AnomaliesView", text)


def money_fix_box(parent: QWidget, anomaly: dict[str, Any], fix: str) -> QMessageBox:
    """A window-modal question (open it with `open()`), Yes named after the fix and default."""
    box = QMessageBox(QMessageBox.Icon.Question, _tr("Confirm: money moves"),
                      _tr("{fix} for {kind} of order {no}: {amount}. Money goes back "
                          "to the visitor and this cannot be undone. Go ahead?").format(
                          fix=fix_label(fix), kind=kind_label(anomaly["kind"]),
                          no=anomaly.get("order_no") or "—",
                          amount=format_fen(int(anomaly.get("amount_fen") or 0))),
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                      parent)
    box.setObjectName("confirmFix")
    box.button(QMessageBox.StandardButton.Yes).setText(fix_label(fix))
    box.setDefaultButton(QMessageBox.StandardButton.Yes)
    return box

"""The question before approving a large refund (at or above the refund policy's
dual-approval amount): which refund, how much, of which order; only a click on the button
that names the amount approves — Enter and Esc answer Cancel. Strings keep the Approvals
view's translation context."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.domain.money import format_fen


def _tr(text: str) -> str:
    return QCoreApplication.translate("ApprovalsView", text)


def large_refund_box(parent: QWidget, refund: dict[str, Any], order_text: str) -> QMessageBox:
    """A window-modal question (open it with `open()`); the approve button is kept as
    `box.approve_button`."""
    amount = format_fen(int(refund["amount_fen"]))
    box = QMessageBox(QMessageBox.Icon.Warning, _tr("Confirm: a large refund"),
                      _tr("Refund {no}: {amount} goes back to the visitor.\n{order}\n"
                          "Approve it?").format(no=refund["refund_no"], amount=amount,
                                                order=order_text),
                      QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("confirmLargeRefund")
    approve = box.addButton(_tr("Approve {amount}").format(amount=amount),
                            QMessageBox.ButtonRole.AcceptRole)
    approve.setObjectName("approveLarge")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    box.approve_button = approve  # type: ignore[attr-defined]
    return box

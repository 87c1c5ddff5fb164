"""The question before an approved refund's cash leaves the drawer: which refund, how much,
what the drawer holds before and after. Cancel is the default, so a stray Enter (or Escape)
pays nothing; the clerk picks 确认付现 on purpose. Strings keep the Refund view's context."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.domain.money import format_fen

PAY, CANCEL = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Cancel


def _tr(text: str) -> str:
    return QCoreApplication.translate("RefundView", text)


def payout_box(parent: QWidget, check: Any) -> QMessageBox:
    """A window-modal question (open it with `open()`) for a `window_refunds.PayoutCheck`;
    it finishes with PAY or CANCEL."""
    amount = format_fen(check.amount_fen)
    box = QMessageBox(QMessageBox.Icon.Question, _tr("Confirm: cash out of the drawer"),
                      _tr("Pay out {amount} in cash for refund {no} (order {order}), approved "
                          "by the central store?\nThe drawer should hold {before}; after the "
                          "payout {after}. Count the notes out to the visitor.").format(
                          amount=amount, no=check.refund_no, order=check.order_no,
                          before=format_fen(check.expected_fen),
                          after=format_fen(check.expected_fen - check.amount_fen)),
                      PAY | CANCEL, parent)
    box.setObjectName("confirmPayout")
    box.button(PAY).setText(_tr("Pay out {amount}").format(amount=amount))
    box.setDefaultButton(CANCEL)
    box.setEscapeButton(CANCEL)
    return box

"""The Refund view's approved cash payouts (付现): a refund the approvers let through on the
central store, waiting for this window to hand the cash over.

The pay-out button of the order on screen asks first (`payout_confirm`: amount, the drawer
before and after; Cancel is the default) after `window_refunds.check_payout` said the drawer
can cover it — the service checks again when it pays. Above the search box the screen lists
every approved refund waiting here (`PayoutWatch`, re-read on the sync engine's order changes
and after refund writes) and says when one arrives. Strings keep the Refund view's context.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QPushButton

from app.domain.money import format_fen
from app.services.refunds import refund_routing
from ui import tasks
from ui.clickable_label import ClickableLabel
from ui.payout_notices import PayoutWatch
from ui.views import refund_actions as actions
from ui.views.payout_confirm import PAY, payout_box


def _tr(text: str) -> str:
    return QCoreApplication.translate("RefundView", text)


class PaysOutApproved:
    """Mixed into RefundView (before Page): uses its ctx, order, message slots, search box,
    `_load`, `search`, `_refunded`, `_idle` and `_busy`."""

    ctx: Any
    order: dict[str, Any] | None
    search_box: Any
    _busy: bool
    _keep_message: bool
    show_failure: Any
    show_info: Any
    show_success: Any
    search: Any
    _load: Any
    checked_ids: Any
    _refunded: Any
    _idle: Any

    def _build_payouts(self) -> None:
        self.payout_confirm: QMessageBox | None = None
        self.payout_button = QPushButton()
        self.payout_button.setObjectName("payout")
        self.payout_button.clicked.connect(self.pay_out)
        self.payout_button.hide()
        self.payout_notice = ClickableLabel()
        self.payout_notice.setObjectName("payoutNotice")
        self.payout_notice.setWordWrap(True)
        self.payout_notice.clicked.connect(self.open_waiting)
        self.payout_notice.hide()
        self.payouts = PayoutWatch(self.ctx, self)  # type: ignore[arg-type]
        self.payouts.changed.connect(self._show_waiting)
        self.payouts.arrived.connect(self._payouts_arrived)
        if self.ctx.sync is not None:  # approvals come from the store as order changes
            self.ctx.sync.orders_changed.connect(self.payouts.refresh)

    def _show_payouts(self) -> None:
        waiting = refund_routing.cash_payouts_waiting(self.order or {}, self.ctx.terminal)
        self.payout_button.setVisible(bool(waiting))
        if waiting:
            r = waiting[0]
            self.payout_button.setText(_tr("Pay out {amount} ({no} approved)").format(
                amount=format_fen(r["amount_fen"]), no=r["refund_no"]))

    def pay_out(self) -> None:
        """Ask first (amount, the drawer's cash); a drawer that cannot cover it is refused
        before the question, and again by the service when it pays."""
        waiting = refund_routing.cash_payouts_waiting(self.order or {}, self.ctx.terminal)
        if not waiting or self._busy or self.payout_confirm is not None:
            return
        (tasks.run(actions.check_payout, self.ctx, waiting[0]["refund_no"], self.ctx.now(),
                   owner=self)
            .on_success(self._ask_payout)
            .on_failure(self.show_failure))

    def _ask_payout(self, check: Any) -> None:
        box = payout_box(self, check)
        box.finished.connect(lambda result: self._payout_answered(box, result, check))
        self.payout_confirm = box
        box.open()

    def _payout_answered(self, box: QMessageBox, result: int, check: Any) -> None:
        self.payout_confirm = None
        box.deleteLater()
        if result != PAY:
            self.show_info(_tr("Not paid out: {no}").format(no=check.refund_no))
            return
        self._busy = True
        (tasks.write(actions.pay_out, self.ctx, check.refund_no, self.ctx.now(), owner=self)
            .on_success(self._refunded)
            .on_failure(self.show_failure)
            .on_done(self._idle))

    def _show_waiting(self, rows: list[dict[str, Any]]) -> None:
        """The approved refunds this window still has to pay out, above the search box."""
        self.payout_notice.setVisible(bool(rows))
        listed = "；".join(f"{r['refund_no']} {format_fen(r['amount_fen'])}" for r in rows)
        self.payout_notice.setText(_tr("Approved, to pay out here: {list} — click to open")
                                   .format(list=listed))

    def _payouts_arrived(self, rows: list[dict[str, Any]]) -> None:
        first = rows[0]
        self.show_success(_tr("Refund {no} ({amount}) approved: pay it out at this window.")
                          .format(no=first["refund_no"], amount=format_fen(first["amount_fen"]))
                          if len(rows) == 1 else
                          _tr("{n} refunds approved: pay them out at this window.")
                          .format(n=len(rows)))
        if self.order is not None and any(r["order_no"] == self.order["order_no"]
                                          for r in rows):
            self._keep_message = True  # the order on screen gets its pay-out button
            self._load(self.order["order_no"], False, tuple(self.checked_ids()))

    def open_waiting(self) -> None:
        """The order of the oldest approved refund waiting here."""
        if self.payouts.waiting:
            self.search_box.setText(self.payouts.waiting[0]["order_no"])
            self.search()

    def operation_did_execute(self, changes: Any, origin: Any) -> None:
        """A refund taken or decided anywhere in this window: the waiting list follows."""
        if changes.refunds:
            self.payouts.refresh()


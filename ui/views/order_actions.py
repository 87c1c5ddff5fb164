"""The actions under an order's detail: 退票 (the Refund screen with the order loaded), 重打
(its valid tickets again, marked 重打 N), 取消订单 (an unpaid order, on the store), 查看异常
(the Anomalies screen on its open anomaly) and 标记异常… (a manual flag with a reason).

A button is enabled only when its action applies to the order and the role may take it;
a disabled one says why in its tooltip (offline: the store-only actions say they need the
store). `why_not` decides; the bar only shows. Keys: Alt+R, Alt+P, Alt+X, Alt+A, Alt+M.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QWidget

from app.domain.anomalies import FIXERS
from app.services.journal import op_changes
from ui import navigation, tasks
from ui.errors import user_message
from ui.order_requests import (
    cached_order,
    cancel_key,
    cancel_unpaid,
    keep_orders,
    open_anomaly_of,
    reprint_tickets,
)
from ui.store_reads import store_online

translate = QCoreApplication.translate
ACTIONS = ("refund", "reprint", "cancel", "anomaly", "flag")
STORE_ONLY = frozenset({"cancel", "flag"})
_PAID = frozenset({"paid", "redeeming", "redeemed", "refunding", "refunded"})


def _why_order(action: str, order: Mapping[str, Any]) -> str | None:
    status = order.get("status")
    valid = any(t.get("status") == "valid" for t in order.get("tickets", []))
    if action in ("refund", "reprint"):
        if status == "cancelled":
            return translate("OrderActions", "The order is cancelled")
        if status not in _PAID:
            return translate("OrderActions", "The order is not paid")
        if not valid:
            return (translate("OrderActions", "No valid ticket left to refund")
                    if action == "refund"
                    else translate("OrderActions", "No valid ticket to reprint"))
    if action == "cancel" and status != "pending_payment":
        if status == "paying":
            return translate("OrderActions", "A payment has started: wait for its result, or "
                                             "fix the order's payment anomaly")
        return translate("OrderActions", "Only an unpaid order can be cancelled")
    if action == "anomaly" and not order.get("open_anomalies"):
        return translate("OrderActions", "The order has no open anomaly")
    return None


def _why_role(action: str, role: str) -> str | None:
    screens = navigation.screens_for(role)
    if action == "refund" and "refund" not in screens:
        return translate("OrderActions", "Your role does not refund")
    if action == "reprint" and "sell" not in screens:
        return translate("OrderActions", "Your role does not print tickets")
    if action == "anomaly" and "anomalies" not in screens:
        return translate("OrderActions", "Your role does not work the anomaly queue")
    if action in ("cancel", "flag") and role not in FIXERS:
        return translate("OrderActions", "Only a supervisor may do this")
    return None


def why_not(action: str, order: Mapping[str, Any], role: str, online: bool) -> str | None:
    """Why `action` cannot be taken on `order` by `role` now (None: it can)."""
    reason = _why_role(action, role) or _why_order(action, order)
    if reason is None and action in STORE_ONLY and not online:
        reason = translate("OrderActions", "Needs the central store (offline now)")
    return reason


def main_window_of(widget: QWidget) -> Any:
    """The main window this widget (or the dialog it sits in) belongs to, None if none."""
    w: QWidget | None = widget
    while w is not None:
        top = w.window()
        if hasattr(top, "show_screen"):
            return top
        w = top.parentWidget()
    return None


class OrderActionsBar(QWidget):
    """One row of buttons under the detail. `order_changed(order)`: an action changed the
    order (it comes from the cache, as the lists show it); `leaving()`: the detail should
    close (the app went to another screen)."""

    order_changed = Signal(dict)
    leaving = Signal()
    message = Signal(str, str)  # (text, kind: success | error)

    def __init__(self, ctx: Any, order: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderActions")
        self.ctx, self.order = ctx, order
        self.busy = False
        self.flag_dialog: Any = None
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for action, text in zip(ACTIONS, (
                self.tr("&Refund…"), self.tr("Re&print tickets"), self.tr("Cancel order (&X)"),
                self.tr("See &anomaly"), self.tr("Flag anomalous (&M)…")), strict=True):
            button = QPushButton(text)
            button.setObjectName(f"action_{action}")
            button.clicked.connect(getattr(self, f"do_{action}"))
            self.buttons[action] = button
            row.addWidget(button)
        row.addStretch(1)
        if ctx is not None and ctx.sync is not None:
            ctx.sync.changed.connect(self.update_states)
        self.update_states()

    def _role(self) -> str:
        return getattr(getattr(self.ctx, "user", None), "role", "") or ""

    def update_states(self) -> None:
        online = self.ctx is not None and store_online(self.ctx)
        for action, button in self.buttons.items():
            reason = why_not(action, self.order, self._role(), online)
            if reason is None and action in ("refund", "anomaly") \
                    and main_window_of(self) is None:
                reason = self.tr("Open the order from the main window")
            button.setEnabled(reason is None and not self.busy)
            button.setToolTip(reason or "")

    def set_order(self, order: dict[str, Any]) -> None:
        self.order = order
        self.update_states()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.update_states()

    # -- going elsewhere ------------------------------------------------------------------------
    def do_refund(self) -> None:
        main = main_window_of(self)
        if main is None:
            return
        self.leaving.emit()
        page = main.show_screen("refund")
        page.search_box.setText(self.order["order_no"])
        page.search()

    def do_anomaly(self) -> None:
        (tasks.run(open_anomaly_of, self.ctx, self.order["order_no"], owner=self)
            .on_success(self._go_to_anomaly)
            .on_failure(lambda exc: self.message.emit(user_message(exc), "error")))

    def _go_to_anomaly(self, anomaly_id: str | None) -> None:
        main = main_window_of(self)
        if anomaly_id is None or main is None:
            self.message.emit(self.tr("This window has not received the anomaly yet; try "
                                      "again in a moment."), "error")
            return
        self.leaving.emit()
        main.show_screen("anomalies").show_anomaly(anomaly_id)

    # -- on this order --------------------------------------------------------------------------
    def do_reprint(self) -> None:
        self._set_busy(True)
        (tasks.write(reprint_tickets, self.ctx, self.order["order_no"], self.ctx.now(),
                     owner=self)
            .on_success(lambda r: self.message.emit(self.tr("Tickets sent to the printer, "
                                                            "marked reprint {n}.").format(
                n=r.reprint_no), "success"))
            .on_failure(lambda exc: self.message.emit(user_message(exc), "error"))
            .on_done(lambda: self._set_busy(False)))

    def do_cancel(self) -> None:
        no = self.order["order_no"]
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Cancel order"),
                          self.tr("Cancel unpaid order {no}? Its tickets become void and "
                                  "their stock is released.").format(no=no),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setObjectName("cancelConfirm")
        self.confirm_box = box
        box.finished.connect(lambda result: self._cancel_confirmed(result, no))
        box.open()

    def _cancel_confirmed(self, result: int, order_no: str) -> None:
        self.confirm_box = None
        if result != QMessageBox.StandardButton.Yes:
            return
        self._set_busy(True)
        (tasks.run(cancel_unpaid, self.ctx, order_no, cancel_key(order_no), owner=self)
            .on_success(self._cancelled)
            .on_failure(lambda exc: self.message.emit(user_message(exc), "error"))
            .on_done(lambda: self._set_busy(False)))

    def _cancelled(self, order: dict[str, Any]) -> None:
        self.message.emit(self.tr("Order {no} cancelled; its stock is released.").format(
            no=order["order_no"]), "success")
        self._keep(orders=[order])

    def do_flag(self) -> None:
        from ui.views.flag_dialog import FlagDialog

        self.flag_dialog = FlagDialog(self.ctx, [self.order["order_no"]], self)
        self.flag_dialog.flagged.connect(self._flagged)
        self.flag_dialog.open()

    def _flagged(self, answer: dict[str, Any], text: str) -> None:
        self.message.emit(text, "success")
        self.reload()

    def _keep(self, orders: list[dict[str, Any]]) -> None:
        (tasks.write(keep_orders, self.ctx, orders, owner=self,
                     changes=op_changes.ORDER_CANCELLED.for_orders(
                         *(o.get("order_id", "") for o in orders)))
            .on_done(self.reload))

    def reload(self) -> None:
        """The order again from the cache (after an action or when the feed changed it)."""
        (tasks.run(cached_order, self.ctx, self.order["order_no"], owner=self)
            .on_success(lambda o: o is not None and self.order_changed.emit(o)))

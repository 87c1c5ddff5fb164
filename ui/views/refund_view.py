"""The Refund view (退票): scan a ticket code or type an order no., tick the tickets to refund,
read the live quote (rule, fee, refund) and confirm with a reason.

A cash order within the rules is refunded here at once: cash out of the drawer (it opens),
refund slip printed, the refund synced later if offline. Anything else is sent to the central
store as a request (approvals list; provider route); an approved cash refund of this window
shows a pay-out button.

Keys: the search box has the focus; Enter (or a scanner's Enter) loads the order with the
scanned ticket ticked. ↑/↓ walk the tickets, Space ticks one; Tab goes to the reason, Enter
there (or on 确认退票) requests the refund.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from app.domain.errors import DomainError, ValidationError
from app.domain.money import format_fen
from app.services.journal import op_changes
from app.services.refunds import refund_routing
from app.services.refunds.refund_routing import CASH_HERE, FoundOrder
from ui import tasks
from ui.context import ClientContext
from ui.views import refund_actions as actions
from ui.views.page import Page

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class RefundView(Page):
    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "refundView", parent)
        self.order: dict[str, Any] | None = None
        self.current_quote: Any = None
        self.result: Any = None
        self._busy = False
        self._filling = False
        self._keep_message = False
        self._store_key: tuple[tuple[str, ...], str] | None = None  # one request, one key
        self._build()

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.search_box = QLineEdit()
        self.search_box.setObjectName("refundSearch")
        self.search_box.setPlaceholderText(self.tr("Scan a ticket code, or type an order no. "
                                                   "or the visitor's phone — Enter"))
        self.search_box.setMaxLength(64)
        self.search_box.returnPressed.connect(self.search)
        self.order_label = QLabel()
        self.tickets = QTreeWidget()
        self.tickets.setObjectName("refundTickets")
        self.tickets.setRootIsDecorated(False)
        self.tickets.setHeaderLabels([self.tr("Ticket"), self.tr("Price"), self.tr("Status"),
                                      self.tr("Rule"), self.tr("Fee rate"), self.tr("Fee"),
                                      self.tr("Payment fee"), self.tr("Refund")])
        self.tickets.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tickets.itemChanged.connect(self._ticked)
        self.tickets.installEventFilter(self)
        self.total_label = QLabel()
        self.total_label.setObjectName("total")
        self.approval_label = QLabel()
        self.approval_label.setWordWrap(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("refundReason")
        self.reason_edit.setPlaceholderText(self.tr("Reason (required)"))
        self.reason_edit.returnPressed.connect(self.confirm)
        self.confirm_button = QPushButton(self.tr("Confirm refund"))
        self.confirm_button.setObjectName("primary")
        self.confirm_button.clicked.connect(self.confirm)
        self.confirm_button.installEventFilter(self)
        self.payout_button = QPushButton()
        self.payout_button.setObjectName("payout")
        self.payout_button.clicked.connect(self.pay_out)
        self.payout_button.hide()
        self.override_box = QCheckBox(self.tr("Adjust the fee (with evidence)"))
        self.override_box.setObjectName("overrideBox")
        self.override_box.toggled.connect(self._override_toggled)
        self.override_rate = QLineEdit()
        self.override_rate.setObjectName("overrideRate")
        self.override_rate.setPlaceholderText(self.tr("Fee %"))
        self.override_rate.setMaxLength(6)
        self.override_reason = QLineEdit()
        self.override_reason.setPlaceholderText(self.tr("Why (e.g. hospital certificate)"))
        self.override_reason.setMaxLength(200)
        self.override_evidence = QLineEdit()
        self.override_evidence.setPlaceholderText(self.tr("Evidence no."))
        self.override_evidence.setMaxLength(64)
        self.override_fields = QWidget()
        fields = QHBoxLayout(self.override_fields)
        fields.setContentsMargins(0, 0, 0, 0)
        fields.addWidget(self.override_rate)
        fields.addWidget(self.override_reason, 2)
        fields.addWidget(self.override_evidence, 1)
        self.override_fields.hide()
        for edit in (self.override_rate, self.override_reason, self.override_evidence):
            edit.editingFinished.connect(self.refresh_quote)
        over = QHBoxLayout()
        over.addWidget(self.override_box)
        over.addWidget(self.override_fields, 1)
        row = QHBoxLayout()
        row.addWidget(self.reason_edit, 1)
        row.addWidget(self.confirm_button)
        row.addWidget(self.payout_button)
        self.lay_out([self.message, self.search_box, self.order_label, (self.tickets, 1),
                      self.total_label, self.approval_label, over, row],
                     keys=self.tr("Scan or type, Enter · ↑/↓ and Space tick tickets · Tab to "
                                  "the reason · Enter confirms"))
        QWidget.setTabOrder(self.search_box, self.tickets)
        QWidget.setTabOrder(self.tickets, self.reason_edit)
        QWidget.setTabOrder(self.reason_edit, self.confirm_button)
        self.setFocusProxy(self.search_box)

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.search_box.setFocus()

    def status_label(self, status: str) -> str:
        return {"valid": self.tr("Valid"), "redeeming": self.tr("Redeeming"),
                "redeemed": self.tr("Redeemed"), "refunding": self.tr("Refunding"),
                "refunded": self.tr("Refunded"), "void": self.tr("Void")}.get(status, status)

    # -- keyboard -------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if watched is self.confirm_button and key in _ENTER:
                self.confirm()
                return True
            if watched is self.tickets and key == Qt.Key.Key_Space:
                item = self.tickets.currentItem()
                if item is not None:
                    item.setCheckState(0, Qt.CheckState.Unchecked
                                       if item.checkState(0) == Qt.CheckState.Checked
                                       else Qt.CheckState.Checked)
                return True
            if watched is self.tickets and key in _ENTER:
                self.reason_edit.setFocus()
                return True
        return super().eventFilter(watched, event)

    # -- search ---------------------------------------------------------------------------------
    def search(self) -> None:
        text = self.search_box.text().strip()
        if not text:
            return
        (tasks.run(actions.load_order, self.ctx, text, owner=self)
            .on_success(self._loaded)
            .on_failure(self.show_failure))

    def _loaded(self, loaded: FoundOrder) -> None:
        self.order = loaded.order
        self.current_quote = None
        o = loaded.order
        self.order_label.setText(self.tr("Order {no} · {total}").format(
            no=o["order_no"], total=format_fen(o.get("total_fen", 0))))
        self._filling = True
        self.tickets.clear()
        for t in o["tickets"]:
            item = QTreeWidgetItem([t["name"], format_fen(t["price_fen"]),
                                    self.status_label(t["status"]), "", "", "", "", ""])
            item.setData(0, Qt.ItemDataRole.UserRole, t["ticket_id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if t["ticket_id"] in loaded.checked
                               else Qt.CheckState.Unchecked)
            self.tickets.addTopLevelItem(item)
        self._filling = False
        for i in range(self.tickets.columnCount()):
            self.tickets.resizeColumnToContents(i)
        if self.tickets.topLevelItemCount():
            first = next((self.tickets.topLevelItem(i)
                          for i in range(self.tickets.topLevelItemCount())
                          if self.tickets.topLevelItem(i).checkState(0)
                          == Qt.CheckState.Checked), self.tickets.topLevelItem(0))
            self.tickets.setCurrentItem(first)
        self.search_box.selectAll()  # the next scan replaces this code
        if self._keep_message:
            self._keep_message = False
        elif loaded.others:
            self.show_success(self.tr("{n} more orders of this visitor have valid tickets; "
                                      "showing the newest. Scan a ticket to pick another.")
                              .format(n=loaded.others))
        else:
            self.clear_message()
        self._show_payouts()
        self.refresh_quote()

    def _show_payouts(self) -> None:
        waiting = refund_routing.cash_payouts_waiting(self.order or {}, self.ctx.terminal)
        self.payout_button.setVisible(bool(waiting))
        if waiting:
            r = waiting[0]
            self.payout_button.setText(self.tr("Pay out {amount} ({no} approved)").format(
                amount=format_fen(r["amount_fen"]), no=r["refund_no"]))

    def checked_ids(self) -> list[str]:
        out = []
        for i in range(self.tickets.topLevelItemCount()):
            item = self.tickets.topLevelItem(i)
            if item.checkState(0) == Qt.CheckState.Checked:
                out.append(item.data(0, Qt.ItemDataRole.UserRole))
        return out

    def _ticked(self, *_args: Any) -> None:
        if not self._filling:
            self.refresh_quote()

    # -- fee override ---------------------------------------------------------------------------
    def _override_toggled(self, on: bool) -> None:
        self.override_fields.setVisible(on)
        if on:
            self.override_rate.setFocus()
        self.refresh_quote()

    def override(self) -> dict[str, Any] | None:
        """The fee override typed (None when off or no rate yet); ValidationError for a bad
        rate. A clerk's override waits for a supervisor; a supervisor's applies at once."""
        if not self.override_box.isChecked():
            return None
        ov = actions.parse_override(self.override_rate.text(), self.override_reason.text(),
                                    self.override_evidence.text())
        if ov is not None and not (ov["reason"] and ov["evidence_no"]):
            return None  # not complete yet: quote without it
        return ov

    # -- quote ----------------------------------------------------------------------------------
    def refresh_quote(self) -> None:
        ids = self.checked_ids()
        if self.order is None or not ids:
            self._show_quote(None)
            return
        try:
            override = self.override()
        except DomainError as exc:  # a half-typed rate: say so, keep the last quote
            self.show_failure(exc)
            return
        (tasks.run(actions.quote, self.ctx, self.order["order_no"], ids, self.ctx.now(),
                   override, owner=self)
            .on_success(self._show_quote)
            .on_failure(self.show_failure))

    def _show_quote(self, q: Any) -> None:
        self.current_quote = q
        per = dict(q.tickets) if q is not None else {}
        self._filling = True
        for i in range(self.tickets.topLevelItemCount()):
            item = self.tickets.topLevelItem(i)
            tq = per.get(item.data(0, Qt.ItemDataRole.UserRole))
            cells = (["", "", "", "", ""] if tq is None else
                     [tq.message, f"{tq.fee_bp / 100:g}%", format_fen(tq.fee_fen),
                      format_fen(tq.payment_fee_fen), format_fen(tq.refund_fen)])
            for col, text in enumerate(cells, start=3):
                item.setText(col, text)
        self._filling = False
        self.tickets.resizeColumnToContents(3)
        if q is None:
            self.total_label.setText("")
            self.approval_label.setText("")
            return
        self.total_label.setText(self.tr("Refund {refund} · fee {fee} · payment fee {pay}")
                                 .format(refund=format_fen(q.total_refund_fen),
                                         fee=format_fen(q.total_fee_fen),
                                         pay=format_fen(q.total_payment_fee_fen)))
        goes = refund_routing.route(self.order or {}, q)
        if goes == refund_routing.APPROVAL:
            text = self.tr("Needs approval before the money goes back.")
            if q.reasons:
                text += " " + "；".join(q.reasons)
        elif goes == refund_routing.ORIGINAL_ROUTE:
            text = self.tr("Goes back by the original payment route via the central store.")
        else:
            text = self.tr("No approval needed: cash out of the drawer now.")
        self.approval_label.setText(text)
        self.confirm_button.setText(self.tr("Confirm refund") if goes == CASH_HERE
                                    else self.tr("Submit request"))

    # -- confirm --------------------------------------------------------------------------------
    def confirm(self) -> None:
        ids = self.checked_ids()
        if self.order is None or not ids:
            self.show_error(self.tr("Scan a ticket and tick the tickets to refund first."))
            self.search_box.setFocus()
            return
        if self._busy:
            return
        quoted = [tid for tid, _ in self.current_quote.tickets] if self.current_quote else []
        if sorted(quoted) != sorted(ids):  # the quote of these tickets is still on its way
            self.show_error(self.tr("The quote is being updated; check it and confirm again."))
            self.refresh_quote()
            return
        try:
            override = self._complete_override()
        except DomainError as exc:  # shown in Chinese, nothing sent
            self.show_failure(exc)
            return
        self._busy = True
        order_no, reason = self.order["order_no"], self.reason_edit.text()
        if refund_routing.route(self.order, self.current_quote) == CASH_HERE:
            job = tasks.write(actions.refund_here, self.ctx, order_no, ids, reason,
                              self.ctx.now(), override, owner=self)
        else:
            job = tasks.run(actions.send_to_store, self.ctx, order_no, ids,
                            refund_routing.order_method(self.order), reason,
                            self._key_for(order_no, ids), override, owner=self,
                            changes=op_changes.STORE_REFUND)
        job.on_success(self._refunded).on_failure(self._refused).on_done(self._idle)

    def _complete_override(self) -> dict[str, Any] | None:
        """The override to send: every field filled, or a Chinese refusal naming the gap."""
        if not self.override_box.isChecked():
            return None
        from app.services.refunds.refund_quotes import check_override

        ov = actions.parse_override(self.override_rate.text(), self.override_reason.text(),
                                    self.override_evidence.text())
        if ov is None:
            raise ValidationError("请填写调整后的手续费率", field="override.fee_bp")
        check_override(ov)
        return ov

    def _key_for(self, order_no: str, ids: list[str]) -> str:
        """The Idempotency-Key of this request: kept while it is retried, so a lost answer
        never makes a second refund on the store."""
        what = (order_no, *sorted(ids))
        if self._store_key is None or self._store_key[0] != what:
            self._store_key = (what, str(uuid.uuid4()))
        return self._store_key[1]

    def pay_out(self) -> None:
        waiting = refund_routing.cash_payouts_waiting(self.order or {}, self.ctx.terminal)
        if not waiting or self._busy:
            return
        self._busy = True
        (tasks.write(actions.pay_out, self.ctx, waiting[0]["refund_no"], self.ctx.now(),
                     owner=self)
            .on_success(self._refunded)
            .on_failure(self.show_failure)
            .on_done(self._idle))

    def _idle(self) -> None:
        self._busy = False

    def refund_status(self, status: str) -> str:
        return {"requested": self.tr("Requested"),
                "awaiting_approval": self.tr("Awaiting approval"),
                "approved": self.tr("Approved"), "refunding": self.tr("Refunding"),
                "refunded": self.tr("Refunded"), "failed": self.tr("Failed"),
                "rejected": self.tr("Rejected"), "succeeded": self.tr("Cash paid out"),
                "processing": self.tr("Refunding by the original route"),
                "submitted": self.tr("Submitted to the platform")}.get(status, status)

    def _refunded(self, info: Any) -> None:
        self._store_key = None  # answered: the next request gets a key of its own
        self.result = info
        self.reason_edit.clear()
        self.show_success(self.tr("Refund {no}: {status}, {amount}").format(
            no=info.refund_no, status=self.refund_status(info.status),
            amount=format_fen(info.amount_fen)))
        self._keep_message = True
        self.search()  # the tickets show their new status
        self.search_box.setFocus()

    def _refused(self, exc: BaseException) -> None:
        self.show_failure(exc)
        self.reason_edit.setFocus()

"""The Refund view (退票): scan a ticket code or type an order no., tick the tickets to refund,
read the live quote (rule, fee, refund) and confirm with a reason.

A cash order within the rules is refunded here at once: cash out of the drawer (it opens),
refund slip printed, the refund synced later if offline. Anything else is sent to the central
store as a request (approvals list; provider route); an approved cash refund of this window
shows a pay-out button; paying out asks first (amount, the drawer before and after) and is
refused when the drawer cannot cover it. When an approval for this window arrives (the sync
engine brings it), the screen says so and lists what waits to be paid out.

Keys: the search box has the focus; Enter (or a scanner's Enter) loads the order with the
scanned ticket ticked — a code, an order number, today's order tail (`0012`), a phone — and
the focus moves to the tickets (the search text stays). There ↑/↓ walk, Space ticks one,
Ctrl+A ticks all (again: none), typing starts the next search; Enter goes to the reason,
Enter there (or on 确认退票) requests the refund.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
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
from ui.views.refund_payouts import PaysOutApproved
from ui.views.refund_tickets import RefundTicketList

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class RefundView(PaysOutApproved, Page):
    def __init__(self, ctx: ClientContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "refundView", parent)
        self.order: dict[str, Any] | None = None
        self.current_quote: Any = None
        self.result: Any = None
        self._busy = False
        self._keep_message = False
        self._store_key: tuple[tuple[str, ...], str] | None = None  # one request, one key
        self._build_payouts()
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
        self.select_all_button = QPushButton()
        self.select_all_button.setObjectName("selectAll")
        self.select_all_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Ctrl+A in the list
        self.select_all_button.clicked.connect(self._select_all_clicked)
        self.tickets = RefundTicketList()
        self.tickets.ticks_changed.connect(self._ticked)
        self.tickets.entered.connect(lambda: self.reason_edit.setFocus())
        self.tickets.typed.connect(self._typed_in_list)
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
        heading = QHBoxLayout()
        heading.addWidget(self.order_label, 1)
        heading.addWidget(self.select_all_button)
        self.lay_out([self.message, self.payout_notice, self.search_box, heading,
                      (self.tickets, 1), self.total_label, self.approval_label, over, row],
                     keys=self.tr("Scan or type (code, order no., today's 4-digit tail, "
                                  "phone), Enter · ↑/↓ and Space tick tickets, Ctrl+A all · "
                                  "Enter to the reason · Enter confirms"))
        self._show_select_all()
        QWidget.setTabOrder(self.search_box, self.tickets)
        QWidget.setTabOrder(self.tickets, self.reason_edit)
        QWidget.setTabOrder(self.reason_edit, self.confirm_button)
        self.setFocusProxy(self.search_box)

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.search_box.setFocus()
        self.payouts.refresh()

    # -- keyboard -------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.confirm_button and event.type() == QEvent.Type.KeyPress
                and event.key() in _ENTER):  # type: ignore[attr-defined]
            self.confirm()
            return True
        return super().eventFilter(watched, event)

    def _typed_in_list(self, text: str) -> None:
        """A key typed on the tickets starts the next search (a scanner's burst included)."""
        if not self.search_box.hasFocus():
            self.search_box.clear()
            self.search_box.setFocus()
        self.search_box.insert(text)

    # -- search ---------------------------------------------------------------------------------
    def search(self, *, to_tickets: bool = True) -> None:
        """Look up what the search box says; `to_tickets`: the focus goes to the tickets
        (a clerk's lookup), else it stays where it is (a reload after a refund)."""
        text = self.search_box.text().strip()
        if text:
            self._load(text, to_tickets)

    def _load(self, text: str, to_tickets: bool, keep: tuple[str, ...] = ()) -> None:
        """`keep`: the tickets to stay ticked (the same order read again)."""
        (tasks.run(actions.load_order, self.ctx, text, owner=self)
            .on_success(lambda found: self._loaded(found, to_tickets, keep))
            .on_failure(self._not_found))

    def _not_found(self, exc: BaseException) -> None:
        self.show_failure(exc)
        if self.search_box.hasFocus():
            self.search_box.selectAll()  # the next scan replaces it

    def _loaded(self, loaded: FoundOrder, to_tickets: bool = True,
                keep: tuple[str, ...] = ()) -> None:
        self.order = loaded.order
        self.current_quote = None
        o = loaded.order
        self.order_label.setText(self.tr("Order {no} · {total}").format(
            no=o["order_no"], total=format_fen(o.get("total_fen", 0))))
        self.tickets.fill(o["tickets"], loaded.checked or keep)
        if to_tickets:  # Space now ticks; the order number stays in the search box
            self.tickets.setFocus()
        self._show_select_all()
        self._say_found(loaded)
        self._show_payouts()
        self.refresh_quote()

    def _say_found(self, loaded: FoundOrder) -> None:
        if self._keep_message:
            self._keep_message = False
        elif loaded.others:
            self.show_success(self.tr("{n} more orders of this visitor have valid tickets; "
                                      "showing the newest. Scan a ticket to pick another.")
                              .format(n=loaded.others))
        elif loaded.phones:
            self.show_info(self.tr("Today's order {no} of this window. {n} more orders have "
                                   "a phone ending in these digits: type the whole phone to "
                                   "see them.").format(no=loaded.order["order_no"],
                                                       n=loaded.phones))
        else:
            self.clear_message()

    def checked_ids(self) -> list[str]:
        return self.tickets.checked_ids()

    def _ticked(self) -> None:
        self._show_select_all()
        self.refresh_quote()

    def _select_all_clicked(self) -> None:
        self.tickets.toggle_all()
        self.tickets.setFocus()

    def _show_select_all(self) -> None:
        self.select_all_button.setText(self.tr("Select none (Ctrl+A)")
                                       if self.tickets.all_ticked()
                                       else self.tr("Select all (Ctrl+A)"))
        self.select_all_button.setEnabled(self.tickets.topLevelItemCount() > 0)

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
        self.tickets.show_quote(dict(q.tickets) if q is not None else {})
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
        self.search(to_tickets=False)  # the tickets show their new status
        self.search_box.setFocus()
        self.search_box.selectAll()  # the next visitor's scan replaces it
        self.payouts.refresh()

    def _refused(self, exc: BaseException) -> None:
        self.show_failure(exc)
        self.reason_edit.setFocus()

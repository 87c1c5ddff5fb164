"""The tickets of the order on the Refund screen (退票): one row per ticket with its code's
tail, price, status and live quote, a tick per ticket.

Keys: ↑/↓ walk, Space ticks the current ticket, Ctrl+A ticks every ticket a refund may still
take (pressed again: none), Enter goes on to the reason (`entered`); a typed character is the
start of the next scan or order number (`typed`), so the screen hands it to the search box.
Strings keep the Refund view's translation context.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QWidget

from app.domain.money import format_fen
from app.services.refunds.refund_routing import tickable

NAME, CODE, PRICE, STATUS, RULE, RATE, FEE, PAY_FEE, REFUND = range(9)
CODE_TAIL = 6  # the last characters of MP1-…: what a clerk compares with the paper
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_CHECKED, _UNCHECKED = Qt.CheckState.Checked, Qt.CheckState.Unchecked
_ID = Qt.ItemDataRole.UserRole


def _tr(text: str) -> str:
    return QCoreApplication.translate("RefundView", text)


def code_tail(code: str) -> str:
    """`…YC6UM7` of `MP1-…YC6UM7`: short enough to read aloud, enough to tell tickets apart."""
    return "…" + code[-CODE_TAIL:] if len(code) > CODE_TAIL else code


def status_label(status: str) -> str:
    return {"valid": _tr("Valid"), "redeeming": _tr("Redeeming"),
            "redeemed": _tr("Redeemed"), "refunding": _tr("Refunding"),
            "refunded": _tr("Refunded"), "void": _tr("Void")}.get(status, status)


class RefundTicketList(QTreeWidget):
    ticks_changed = Signal()  # the clerk ticked or unticked (once for a Ctrl+A)
    entered = Signal()
    typed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("refundTickets")
        self.setRootIsDecorated(False)
        self.setHeaderLabels([_tr("Ticket"), _tr("Code"), _tr("Price"), _tr("Status"),
                              _tr("Rule"), _tr("Fee rate"), _tr("Fee"), _tr("Payment fee"),
                              _tr("Refund")])
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._tickable: set[str] = set()
        self._filling = False
        self.itemChanged.connect(self._item_changed)

    def rows(self) -> Iterator[QTreeWidgetItem]:
        for i in range(self.topLevelItemCount()):
            yield self.topLevelItem(i)

    # -- filling --------------------------------------------------------------------------------
    def fill(self, tickets: list[dict[str, Any]], checked: tuple[str, ...]) -> None:
        """The order's tickets, `checked` ticked; the current row is the first ticked one."""
        self._filling = True
        self.clear()
        self._tickable = {t["ticket_id"] for t in tickets if tickable(t)}
        for t in tickets:
            item = QTreeWidgetItem([t["name"], code_tail(t["code"]), format_fen(t["price_fen"]),
                                    status_label(t["status"]), "", "", "", "", ""])
            item.setData(NAME, _ID, t["ticket_id"])
            item.setToolTip(CODE, t["code"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(NAME, _CHECKED if t["ticket_id"] in checked else _UNCHECKED)
            self.addTopLevelItem(item)
        self._filling = False
        for col in range(self.columnCount()):
            self.resizeColumnToContents(col)
        rows = list(self.rows())
        if rows:
            self.setCurrentItem(next((r for r in rows if r.checkState(NAME) == _CHECKED),
                                     rows[0]))

    def show_quote(self, per: dict[str, Any]) -> None:
        """Each ticket's quote (`ticket_id → RefundQuote`; blank for an unticked one)."""
        self._filling = True
        for item in self.rows():
            tq = per.get(item.data(NAME, _ID))
            cells = (["", "", "", "", ""] if tq is None else
                     [tq.message, f"{tq.fee_bp / 100:g}%", format_fen(tq.fee_fen),
                      format_fen(tq.payment_fee_fen), format_fen(tq.refund_fen)])
            for col, text in enumerate(cells, start=RULE):
                item.setText(col, text)
        self._filling = False
        self.resizeColumnToContents(RULE)

    # -- ticks ----------------------------------------------------------------------------------
    def checked_ids(self) -> list[str]:
        return [item.data(NAME, _ID) for item in self.rows()
                if item.checkState(NAME) == _CHECKED]

    def all_ticked(self) -> bool:
        """Every ticket a refund may still take is ticked (and there is one)."""
        return bool(self._tickable) and self._tickable <= set(self.checked_ids())

    def toggle_all(self) -> None:
        """Tick every ticket a refund may still take, or none when they all are."""
        on = not self.all_ticked()
        self._filling = True
        for item in self.rows():
            wanted = on and item.data(NAME, _ID) in self._tickable
            item.setCheckState(NAME, _CHECKED if wanted else _UNCHECKED)
        self._filling = False
        self.ticks_changed.emit()

    def toggle_current(self) -> None:
        item = self.currentItem()
        if item is not None:
            item.setCheckState(NAME, _UNCHECKED if item.checkState(NAME) == _CHECKED
                               else _CHECKED)

    def _item_changed(self, *_args: Any) -> None:
        if not self._filling:
            self.ticks_changed.emit()

    # -- keys -----------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        key, mods = event.key(), event.modifiers()
        if key == Qt.Key.Key_Space:
            self.toggle_current()
        elif key == Qt.Key.Key_A and mods & Qt.KeyboardModifier.ControlModifier:
            self.toggle_all()
        elif key in _ENTER:
            self.entered.emit()
        elif self._starts_a_search(event):
            self.typed.emit(event.text())
        else:
            super().keyPressEvent(event)

    @staticmethod
    def _starts_a_search(event: QKeyEvent) -> bool:
        """A printable character without Ctrl/Alt: a scanner or the clerk typing a code."""
        text = event.text()
        other = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        return bool(text) and text.isprintable() and not event.modifiers() & other

"""Approved cash refunds waiting for this window to pay them out (退款已批准，待付现).

Approvals are made on the central store; the sync engine brings them to this window's
database as order changes. `PayoutWatch` re-reads the waiting list when told (`refresh()`:
after the sync engine's `orders_changed`, after a write) and says which refunds are new
(`arrived`). The Refund screen shows the list and a message; `PayoutCounter` is the status-bar
label (`待付现 1`) that tells a clerk on another screen, and opens the Refund screen.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from ui import tasks
from ui.clickable_label import ClickableLabel
from ui.context import ClientContext

log = logging.getLogger(__name__)


def payouts_waiting(ctx: ClientContext) -> list[dict[str, Any]]:
    """Worker: `window_refunds.payouts_waiting` of this window."""
    from app.services.refunds import window_refunds

    with ctx.session() as session:
        return window_refunds.payouts_waiting(session, ctx.terminal)


class PayoutWatch(QObject):
    changed = Signal(list)  # the refunds waiting now (refund JSON, oldest first)
    arrived = Signal(list)  # the ones not seen before (the first read counts too)

    def __init__(self, ctx: ClientContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.waiting: list[dict[str, Any]] = []
        self._seen: set[str] = set()

    def refresh(self, *_args: object) -> None:
        if self.ctx.db is None or self.ctx.user is None:
            return
        (tasks.run(payouts_waiting, self.ctx, owner=self)
            .on_success(self._read)
            .on_failure(lambda exc: log.warning("payouts waiting not read: %s", exc)))

    def _read(self, rows: list[dict[str, Any]]) -> None:
        new = [r for r in rows if r["refund_no"] not in self._seen]
        self._seen |= {r["refund_no"] for r in rows}
        self.waiting = rows
        self.changed.emit(rows)
        if new:
            self.arrived.emit(new)


class PayoutCounter(ClickableLabel):
    """`待付现 N` in the status bar while approved cash refunds wait here (hidden at 0)."""

    arrived = Signal(list)

    def __init__(self, ctx: ClientContext) -> None:
        super().__init__()
        self.setObjectName("payoutCounter")
        self.setToolTip(self.tr("Approved refunds to pay out in cash here — click to open "
                                "the Refund screen"))
        self.watch = PayoutWatch(ctx, self)
        self.watch.changed.connect(self._show)
        self.watch.arrived.connect(self.arrived)
        self.hide()

    def refresh(self, *_args: object) -> None:
        self.watch.refresh()

    def _show(self, rows: list[dict[str, Any]]) -> None:
        self.setText(self.tr("To pay out: {n}").format(n=len(rows)))
        self.setVisible(bool(rows))

"""The open-anomaly counter of the status bar (supervisor and admin): `异常 3`, red while any
is open; it flashes for a few seconds when the count grows (no beep unless the settings say so:
`ctx.extras["beep_on_anomaly"]`). A click opens the Anomalies view. It reads this window's
database, so it counts offline too; `refresh()` after the sync engine applied anomalies."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QApplication

from ui import tasks
from ui.clickable_label import ClickableLabel
from ui.context import ClientContext

FLASH_MS = 4000


def count_open(ctx: ClientContext) -> int:
    from app.services.anomalies import anomaly_queue

    with ctx.session() as session:
        return sum(anomaly_queue.open_counts(session).values())


class AnomalyCounter(ClickableLabel):
    arrived = Signal(int)  # how many more than before (the window shows a message)

    def __init__(self, ctx: ClientContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("anomalyCounter")
        self.count: int | None = None
        self._flash = QTimer(self)
        self._flash.setSingleShot(True)
        self._flash.setInterval(FLASH_MS)
        self._flash.timeout.connect(lambda: self._set_state("open" if self.count else "none"))
        self.setToolTip(self.tr("Open anomalies — click to work the queue"))
        self._show(0)

    def refresh(self, *_args: object) -> None:
        if self.ctx.db is not None:
            (tasks.run(count_open, self.ctx, owner=self)
                .on_success(self._counted))

    def _counted(self, n: int) -> None:
        before, self.count = self.count, n
        self._show(n)
        if before is not None and n > before:
            self._set_state("flash")
            self._flash.start()
            self.arrived.emit(n - before)
            if self.ctx.extras.get("beep_on_anomaly"):
                QApplication.beep()

    def _show(self, n: int) -> None:
        self.setText(self.tr("Anomalies: {n}").format(n=n))
        if not self._flash.isActive():
            self._set_state("open" if n else "none")

    def _set_state(self, state: str) -> None:
        self.setProperty("state", state)
        self.style().unpolish(self)
        self.style().polish(self)

    @property
    def flashing(self) -> bool:
        return self._flash.isActive()

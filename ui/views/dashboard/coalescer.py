"""At most one reload per interval, however many change notices arrive: the first notice
starts the timer (it is not restarted by the next ones), its timeout reloads once. The timer
is injectable so tests fire it themselves instead of waiting on the wall clock."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

RELOAD_EVERY_MS = 2000


class Coalescer(QObject):
    def __init__(self, reload: Callable[[], None], timer: QTimer | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reload = reload
        self.timer = timer or QTimer(self)
        if timer is None:
            self.timer.setInterval(RELOAD_EVERY_MS)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._fire)
        self.notices = 0  # since the last reload

    def notice(self, *_args: object) -> None:
        self.notices += 1
        if not self.timer.isActive():
            self.timer.start()

    def _fire(self) -> None:
        self.notices = 0
        self._reload()

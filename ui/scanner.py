"""A wedge scanner's burst, told apart from a person typing, on every screen (DESIGN §11).

A keyboard-wedge scanner types a ticket code (`MP1-` + 26 base32 characters, see
`app.domain.ids.new_ticket_code`) a few milliseconds per key, then Enter. `ScanRecogniser` is
an application-wide event filter: from the code's first character it holds the keys back while
they keep coming faster than a hand types and still spell a ticket code. A complete code
(ended by Enter or Tab, or by a pause) is swallowed — no widget sees a key of it, so a scan on
the Sell screen cannot edit the cart — and `scanned(code)` is emitted. Anything else (a slow
`M`, a key that does not fit, a pause mid-code) is given back, in order, to the widget it was
meant for: typing by hand works everywhere, the first letter merely a few milliseconds late.

The clock is injectable (`clock(event) -> ms`) so tests replay bursts without real timing.
"""

from __future__ import annotations

import string
import time
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from app.domain.ids import TICKET_CODE_PREFIX, is_ticket_code

GAP_MS = 30.0  # a person rarely types two keys this close; a scanner always does
IDLE_MS = 100  # no key for this long: the burst is over (or never was one)
CODE_LENGTH = len(TICKET_CODE_PREFIX) + 26
_BODY = frozenset(string.ascii_uppercase + "234567")
_ENDS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)
_PLAIN = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
_PRESS, _RELEASE = QEvent.Type.KeyPress, QEvent.Type.KeyRelease
_MODIFIER_KEYS = frozenset((Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt,
                            Qt.Key.Key_Meta, Qt.Key.Key_AltGr, Qt.Key.Key_CapsLock))


def could_be_code(text: str) -> bool:
    """Whether `text` is the start of a ticket code (or a whole one)."""
    head, body = text[:len(TICKET_CODE_PREFIX)], text[len(TICKET_CODE_PREFIX):]
    return (TICKET_CODE_PREFIX.startswith(head) and len(text) <= CODE_LENGTH
            and all(c in _BODY for c in body))


def event_ms(event: QKeyEvent) -> float:
    """The key's time: the window system's stamp (a busy GUI thread does not stretch the
    gaps), else now."""
    return float(event.timestamp()) or time.monotonic() * 1000


@dataclass
class _Held:
    receiver: QObject
    key: int
    modifiers: Qt.KeyboardModifier
    text: str


class ScanRecogniser(QObject):
    """Install on the application (`app.installEventFilter(recogniser)`); connect `scanned`."""

    scanned = Signal(str)

    def __init__(self, parent: QObject | None = None, *, gap_ms: float = GAP_MS,
                 idle_ms: int = IDLE_MS,
                 clock: Callable[[QKeyEvent], float] = event_ms) -> None:
        super().__init__(parent)
        self.gap_ms, self.clock = gap_ms, clock
        self._held: list[_Held] = []
        self._last_ms = 0.0
        self._swallowed: set[int] = set()  # keys whose release must not leak either
        self._giving_back = False
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(idle_ms)
        self._idle.timeout.connect(self.burst_over)

    @property
    def holding(self) -> str:
        return "".join(h.text for h in self._held).upper()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind not in (_PRESS, _RELEASE) or self._giving_back or not _first_receiver(watched):
            return False
        if kind == _RELEASE:
            key = event.key()  # type: ignore[attr-defined]
            if key in self._swallowed:
                self._swallowed.discard(key)
                return True
            return False
        return self._press(watched, event)  # type: ignore[arg-type]

    def _press(self, watched: QObject, event: QKeyEvent) -> bool:
        if event.key() in _MODIFIER_KEYS:
            return False  # a scanner presses Shift for its capitals: no part of the burst
        now = self.clock(event)
        if self._held and now - self._last_ms > self.gap_ms:
            self.burst_over()  # a pause: a person typing, or a finished code without Enter
        self._last_ms = now
        if self._held and event.key() in _ENDS and is_ticket_code(self.holding):
            self._recognised()
            return self._swallow(event)
        text = event.text().upper()
        plain = not event.isAutoRepeat() and not event.modifiers() & ~_PLAIN
        if plain and len(text) == 1 and could_be_code(self.holding + text):
            self._held.append(_Held(watched, event.key(), event.modifiers(), event.text()))
            self._idle.start()
            return self._swallow(event)
        if not self._held:
            return False
        self.burst_over()  # this key does not fit: what was held goes first, then this key
        return self._press(watched, event) if text == TICKET_CODE_PREFIX[0] else False

    def _swallow(self, event: QKeyEvent) -> bool:
        self._swallowed.add(event.key())
        return True

    def _recognised(self) -> bool:
        code = self.holding
        self._held.clear()
        self._idle.stop()
        self.scanned.emit(code)
        return True

    def burst_over(self) -> None:
        """No more keys: a whole code is a scan (a scanner set to send no Enter); anything
        else goes back to where it was typed."""
        self._idle.stop()
        if is_ticket_code(self.holding):
            self._recognised()
        else:
            self._give_back()

    def _give_back(self) -> None:
        held, self._held = self._held, []
        self._idle.stop()
        self._giving_back = True
        try:
            for h in held:
                if shiboken6.isValid(h.receiver):
                    QApplication.sendEvent(h.receiver, QKeyEvent(_PRESS, h.key, h.modifiers,
                                                                  h.text))
        finally:
            self._giving_back = False


def _first_receiver(watched: QObject) -> bool:
    """A key event climbs from the focus widget through its parents, and the filter sees each
    step: judge it once, where it starts."""
    if not isinstance(watched, QWidget):
        return False  # the QWindow's copy, before the widgets get it
    focus = QApplication.focusWidget()
    return watched is focus if focus is not None else watched.isWindow()

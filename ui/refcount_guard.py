"""Work around a binding bug: PySide6 6.12.0's abi3 wheels return None (and sometimes
True/False) from C++ calls without taking a reference, as if they were immortal, which they are
only from Python 3.12 on. On 3.11 every `label.setText(...)` then drains None's reference count
and after a few thousand calls the interpreter aborts with "none_dealloc: deallocating None".

`install()` measures whether the running binding has the bug and, only then, gives the three
singletons a reference count they can never exhaust (what 3.12 calls immortal). Nothing changes
on a fixed binding or on Python >= 3.12.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

_HEADROOM = 1 << 40
_installed = False


def binding_leaks_none(calls: int = 64) -> bool:
    """Whether void Qt calls drop a reference to None they never took."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(calls):
        probe.setObjectName("probe")
    return sys.getrefcount(None) < before - calls // 2


def install() -> bool:
    """Apply the guard when needed; returns whether it is in force."""
    global _installed
    if _installed:
        return True
    if sys.version_info >= (3, 12) or not binding_leaks_none():
        return False
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _HEADROOM
    _installed = True
    log.warning("PySide6 drops references to None on this Python: refcount guard installed")
    return True

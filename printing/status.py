"""Reading the printer's state back with `DLE EOT n` (real-time status transmission).

Real-time requests are answered at once, even while the printer is offline and holding data,
so they tell paper-out and cover-open apart before a job is sent. Bits, from the Epson ESC/POS
reference (dle_eot):
- n=1 printer status: bit 3 offline; bits 1 and 4 always 1, bits 0 and 7 always 0.
- n=2 offline cause: bit 2 cover open, bit 5 printing stopped by paper end, bit 6 error.
- n=4 roll paper sensor: bits 2-3 near end, bits 5-6 paper not present.
"""

from dataclasses import dataclass

from .devices import PrinterDevice
from .escpos_text import DLE
from .jobs import PrinterState

STATUS_TIMEOUT_S = 1.5
_FIXED_MASK, _FIXED_BITS = 0x93, 0x12  # the bits a genuine status byte always has


@dataclass(frozen=True)
class StatusReport:
    """The raw bytes (None when not answered) and what they mean."""

    state: PrinterState
    paper_near_end: bool = False
    printer: int | None = None
    offline_cause: int | None = None
    paper: int | None = None


def request(n: int) -> bytes:
    """`DLE EOT n`."""
    return DLE + b"\x04" + bytes([n])


def _genuine(byte: int | None) -> bool:
    return byte is not None and byte & _FIXED_MASK == _FIXED_BITS


def parse_status(printer: int | None, offline_cause: int | None = None,
                 paper: int | None = None) -> StatusReport:
    """The state told by DLE EOT 1, 2 and 4 replies (later ones may be None when not asked)."""
    if printer is None or not _genuine(printer):
        return StatusReport(PrinterState.UNKNOWN, printer=printer)
    near_end = paper is not None and _genuine(paper) and bool(paper & 0x0C)
    online = not printer & 0x08
    state = PrinterState.READY if online else _offline_state(offline_cause, paper)
    return StatusReport(state, near_end, printer, offline_cause, paper)


def _offline_state(offline_cause: int | None, paper: int | None) -> PrinterState:
    if offline_cause is not None and _genuine(offline_cause):
        if offline_cause & 0x04:
            return PrinterState.COVER_OPEN
        if offline_cause & 0x20:
            return PrinterState.PAPER_OUT
        if offline_cause & 0x40:
            return PrinterState.ERROR
    if paper is not None and _genuine(paper) and paper & 0x60:
        return PrinterState.PAPER_OUT
    return PrinterState.OFFLINE


def read_status(device: PrinterDevice, timeout: float = STATUS_TIMEOUT_S) -> StatusReport:
    """Ask the printer; `unknown` when the connection cannot read or nothing answers.

    Raises `PrinterUnavailable` when the connection itself fails.
    """
    if not device.can_read:
        return StatusReport(PrinterState.UNKNOWN)
    printer = _ask(device, 1, timeout)
    if printer is None or not _genuine(printer):
        return parse_status(printer)
    paper = _ask(device, 4, timeout)
    cause = _ask(device, 2, timeout) if printer & 0x08 else None
    return parse_status(printer, cause, paper)


def _ask(device: PrinterDevice, n: int, timeout: float) -> int | None:
    reply = device.query(request(n), timeout)
    return reply[0] if reply else None

"""DLE EOT status read-back from a real ESC/POS printer (emupos), fault by fault."""

import pytest

from printing.devices import open_device
from printing.jobs import PrinterState
from printing.status import read_status

pytestmark = pytest.mark.printer


@pytest.mark.parametrize(("fault", "state"), [
    (None, PrinterState.READY),
    ("paper-out", PrinterState.PAPER_OUT),
    ("cover-open", PrinterState.COVER_OPEN),
    ("offline", PrinterState.OFFLINE),
])
def test_status_tells_each_fault_apart(emupos, fault, state):
    printer = emupos.front
    if fault:
        printer.set_fault(fault)
    device = open_device(printer.uri)
    try:
        report = read_status(device)
    finally:
        device.close()
    assert report.state is state


def test_paper_near_end_still_prints_but_says_so(emupos):
    printer = emupos.front
    printer.set_fault("paper-near-end")
    device = open_device(printer.uri)
    try:
        report = read_status(device)
    finally:
        device.close()
    assert report.state is PrinterState.READY
    assert report.paper_near_end

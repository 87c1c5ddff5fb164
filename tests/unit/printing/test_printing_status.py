"""DLE EOT status bytes → PrinterState (Epson ESC/POS reference, dle_eot)."""

import pytest

from printing.jobs import PrinterState
from printing.status import parse_status, read_status, request

ONLINE, OFFLINE = 0x12, 0x1A  # n=1: bit 3 is offline
NO_CAUSE, COVER, PAPER_END, ERROR = 0x12, 0x16, 0x32, 0x52  # n=2
PAPER_OK, NEAR_END, NO_PAPER = 0x12, 0x1E, 0x7E  # n=4


@pytest.mark.parametrize(("printer", "cause", "paper", "state"), [
    (ONLINE, None, PAPER_OK, PrinterState.READY),
    (ONLINE, None, None, PrinterState.READY),
    (ONLINE | 0x04, None, PAPER_OK, PrinterState.READY),  # drawer pin 3 high: still ready
    (OFFLINE, COVER, PAPER_OK, PrinterState.COVER_OPEN),
    (OFFLINE, COVER | PAPER_END, NO_PAPER, PrinterState.COVER_OPEN),
    (OFFLINE, PAPER_END, NO_PAPER, PrinterState.PAPER_OUT),
    (OFFLINE, None, NO_PAPER, PrinterState.PAPER_OUT),
    (OFFLINE, ERROR, PAPER_OK, PrinterState.ERROR),
    (OFFLINE, NO_CAUSE, PAPER_OK, PrinterState.OFFLINE),
    (OFFLINE, None, None, PrinterState.OFFLINE),
    (None, None, None, PrinterState.UNKNOWN),
    (0xFF, None, None, PrinterState.UNKNOWN),  # not a status byte (fixed bits wrong)
    (0x00, None, None, PrinterState.UNKNOWN),
])
def test_parse_status(printer, cause, paper, state):
    assert parse_status(printer, cause, paper).state is state


def test_near_end_is_reported_while_ready():
    report = parse_status(ONLINE, None, NEAR_END)
    assert report.state is PrinterState.READY and report.paper_near_end
    assert not parse_status(ONLINE, None, PAPER_OK).paper_near_end


def test_labels_are_chinese():
    assert [s.label for s in PrinterState] == ["就绪", "脱机", "缺纸", "纸仓盖打开", "故障", "未知"]
    assert not PrinterState.UNKNOWN.blocks_printing and PrinterState.PAPER_OUT.blocks_printing


class Answers:
    """A device that answers DLE EOT n from a table (None: no answer)."""

    def __init__(self, replies, can_read=True):
        self.replies, self.can_read, self.asked = replies, can_read, []

    def query(self, data, timeout):
        self.asked.append(data[2])
        reply = self.replies.get(data[2])
        return None if reply is None else bytes([reply])


def test_read_status_asks_for_the_cause_only_when_offline():
    ready = Answers({1: ONLINE, 4: PAPER_OK})
    assert read_status(ready).state is PrinterState.READY and ready.asked == [1, 4]
    out = Answers({1: OFFLINE, 2: PAPER_END, 4: NO_PAPER})
    assert read_status(out).state is PrinterState.PAPER_OUT and out.asked == [1, 4, 2]


def test_read_status_is_unknown_when_nothing_answers_or_cannot_read():
    silent = Answers({})
    assert read_status(silent).state is PrinterState.UNKNOWN and silent.asked == [1]
    writer_only = Answers({1: ONLINE}, can_read=False)
    assert read_status(writer_only).state is PrinterState.UNKNOWN and writer_only.asked == []


def test_request_bytes():
    assert request(1) == b"\x10\x04\x01"

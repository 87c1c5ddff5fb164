"""The test page: `python main.py print-sample --printer URI [--paper 80]`.

Prints a sample ticket and a sample receipt straight to the printer (no queue, no database)
and says in Chinese what went wrong when it cannot: bad URI, printer unreachable, paper out.
"""

import sys
from typing import TextIO

from .devices import PrinterDevice, PrinterUnavailable, open_device
from .layouts import render_sample
from .preview import PreviewDevice
from .profile import PrinterProfile
from .status import read_status
from .uris import PrinterUri, parse_printer_uri

EXIT_OK, EXIT_PRINTER, EXIT_USAGE = 0, 1, 2


def print_sample(uri: str, paper_mm: int = 80, *, profile: PrinterProfile | None = None,
                 out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Print the test page on `uri`; 0 when sent, 1 when the printer failed, 2 for bad input."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        parsed = parse_printer_uri(uri)
        profile = profile or PrinterProfile(paper_mm=paper_mm)
    except ValueError as exc:
        print(f"错误：{exc}", file=err)
        return EXIT_USAGE
    try:
        device = open_device(parsed, profile=profile)
    except PrinterUnavailable as exc:
        print(f"错误：{exc.message}", file=err)
        return EXIT_PRINTER
    try:
        return _print_on(device, parsed, profile, out, err)
    finally:
        device.close()


def _print_on(device: PrinterDevice, uri: PrinterUri, profile: PrinterProfile, out: TextIO,
              err: TextIO) -> int:
    try:
        before = read_status(device)
        if before.state.blocks_printing:
            print(f"错误：打印机{before.state.label}，请处理后再试（{uri}）", file=err)
            return EXIT_PRINTER
        device.write(render_sample(profile))
        after = read_status(device)
    except PrinterUnavailable as exc:
        print(f"错误：{exc.message}", file=err)
        return EXIT_PRINTER
    if after.state.blocks_printing:
        print(f"错误：打印过程中打印机{after.state.label}（{uri}）", file=err)
        return EXIT_PRINTER
    if isinstance(device, PreviewDevice):
        device.close()  # writes any page not ended by a cut, so the list below is complete
        for path in device.files:
            print(f"预览：{path}", file=out)
    print(f"测试页已发送到 {uri}（{profile.paper_mm} 毫米，状态：{after.state.label}）", file=out)
    return EXIT_OK

"""Printer URIs (DESIGN.md §10): the one line a clerk or admin types to name a printer.

    tcp:HOST[:PORT]               network printer, port 9100 by default
    usb:VID:PID[:IN_EP:OUT_EP]    USB printer, ids and endpoints in hex (0x prefix optional)
    serial:DEVICE[:BAUD]          serial port, 9600 baud by default
    file:PATH                     raw bytes appended to a file or device node (/dev/usb/lp0)
    win32:NAME                    a Windows print queue, sent RAW
    preview:DIR                   PNG renderings in DIR (the default printer)
    none                          print nothing

A bad URI raises `ValueError` whose message is a Chinese sentence the clerk can act on.
"""

from dataclasses import dataclass
from typing import Literal

Scheme = Literal["tcp", "usb", "serial", "file", "win32", "preview", "none"]

DEFAULT_TCP_PORT = 9100
DEFAULT_BAUD = 9600
DEFAULT_USB_IN_EP = 0x82
DEFAULT_USB_OUT_EP = 0x01
STANDARD_BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)

EXAMPLES = ("tcp:192.168.1.50:9100、usb:04b8:0202、serial:/dev/ttyUSB0:9600、"
            "file:/dev/usb/lp0、win32:打印机名、preview:目录、none")


@dataclass(frozen=True)
class PrinterUri:
    """A parsed printer URI. Only the fields of its scheme are set."""

    scheme: Scheme
    host: str = ""
    port: int = 0
    vendor_id: int = 0
    product_id: int = 0
    in_ep: int = 0
    out_ep: int = 0
    device: str = ""  # serial device
    baud: int = 0
    path: str = ""  # file path or preview folder
    name: str = ""  # win32 queue name

    @property
    def can_read(self) -> bool:
        """Whether the connection can read status back (DLE EOT)."""
        return self.scheme in ("tcp", "usb", "serial")

    def __str__(self) -> str:
        match self.scheme:
            case "tcp":
                return f"tcp:{self.host}:{self.port}"
            case "usb":
                return (f"usb:{self.vendor_id:04x}:{self.product_id:04x}"
                        f":{self.in_ep:02x}:{self.out_ep:02x}")
            case "serial":
                return f"serial:{self.device}:{self.baud}"
            case "file" | "preview":
                return f"{self.scheme}:{self.path}"
            case "win32":
                return f"win32:{self.name}"
        return "none"


def parse_printer_uri(text: str) -> PrinterUri:
    """Parse a printer URI; raise `ValueError` with a Chinese message when it is not one."""
    cleaned = (text or "").strip()
    if cleaned.lower() == "none":
        return PrinterUri("none")
    scheme, sep, rest = cleaned.partition(":")
    scheme = scheme.lower()
    parser = _PARSERS.get(scheme)
    if not sep or parser is None:
        raise _bad(cleaned, f"无法识别的打印机类型。可用的写法：{EXAMPLES}")
    if not rest.strip():
        raise _bad(cleaned, "冒号后面缺少打印机地址")
    return parser(cleaned, rest.strip())


def _bad(text: str, reason: str) -> ValueError:
    shown = text if text else "（空）"
    return ValueError(f"打印机地址“{shown}”不正确：{reason}")


def _parse_tcp(text: str, rest: str) -> PrinterUri:
    if rest.startswith("["):  # [::1]:9100
        host, _, tail = rest[1:].partition("]")
        port_text = tail.removeprefix(":")
    elif rest.count(":") > 1:
        raise _bad(text, "IPv6 地址请写在方括号里，例如 tcp:[::1]:9100")
    else:
        host, _, port_text = rest.partition(":")
    if not host:
        raise _bad(text, "缺少主机名或 IP 地址")
    port = _int(text, port_text, "端口", base=10) if port_text else DEFAULT_TCP_PORT
    if not 1 <= port <= 65535:
        raise _bad(text, "端口必须在 1 到 65535 之间")
    return PrinterUri("tcp", host=host, port=port)


def _parse_usb(text: str, rest: str) -> PrinterUri:
    parts = rest.split(":")
    if len(parts) not in (2, 4):
        raise _bad(text, "USB 打印机写作 usb:厂商ID:产品ID[:输入端点:输出端点]（十六进制）")
    numbers = [_int(text, part, "USB 编号", base=16) for part in parts]
    if any(not 0 <= n <= 0xFFFF for n in numbers[:2]) or any(not 0 <= n <= 0xFF for n in numbers[2:]):
        raise _bad(text, "USB 厂商ID/产品ID 为 4 位十六进制，端点为 2 位十六进制")
    in_ep, out_ep = numbers[2:] if len(numbers) == 4 else (DEFAULT_USB_IN_EP, DEFAULT_USB_OUT_EP)
    return PrinterUri("usb", vendor_id=numbers[0], product_id=numbers[1], in_ep=in_ep, out_ep=out_ep)


def _parse_serial(text: str, rest: str) -> PrinterUri:
    device, baud = rest, DEFAULT_BAUD
    head, sep, tail = rest.rpartition(":")
    if sep and tail.isdigit() and head:  # COM3:9600, /dev/ttyUSB0:115200
        device, baud = head, int(tail)
        if baud not in STANDARD_BAUDS:
            allowed = "、".join(str(b) for b in STANDARD_BAUDS)
            raise _bad(text, f"波特率 {baud} 不常用，请选 {allowed}")
    return PrinterUri("serial", device=device, baud=baud)


def _parse_file(text: str, rest: str) -> PrinterUri:
    return PrinterUri("file", path=rest)


def _parse_win32(text: str, rest: str) -> PrinterUri:
    return PrinterUri("win32", name=rest)


def _parse_preview(text: str, rest: str) -> PrinterUri:
    return PrinterUri("preview", path=rest)


def _int(text: str, value: str, what: str, *, base: int) -> int:
    cleaned = value.strip().lower()
    if base == 16:
        cleaned = cleaned.removeprefix("0x")
    try:
        return int(cleaned, base)
    except ValueError:
        kind = "十六进制数" if base == 16 else "数字"
        raise _bad(text, f"{what}“{value}”不是{kind}") from None


_PARSERS = {
    "tcp": _parse_tcp,
    "usb": _parse_usb,
    "serial": _parse_serial,
    "file": _parse_file,
    "win32": _parse_win32,
    "preview": _parse_preview,
}

"""Opening a printer named by a URI: python-escpos transports, the preview, and `none`.

Every device has the same three calls — `write(bytes)`, `query(request, timeout)` for status
read-back (None when nothing answers), `close()` — and `can_read`. python-escpos is used for
its transports only; the bytes are ours (see escpos_text). Network and USB time out after 5 s.
"""

import contextlib
import errno
import logging
import socket
from pathlib import Path
from typing import Any, Protocol

from escpos.printer import File, Network, Serial, Usb, Win32Raw

from .preview import PreviewDevice
from .profile import PrinterProfile
from .uris import PrinterUri, parse_printer_uri

log = logging.getLogger(__name__)

TIMEOUT_S = 5.0


class PrinterUnavailable(Exception):
    """The printer could not be opened or stopped taking data; `message` is for the clerk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PrinterDevice(Protocol):
    can_read: bool

    def write(self, data: bytes) -> None:
        """Send bytes; raise `PrinterUnavailable` when the connection fails."""
        ...

    def query(self, request: bytes, timeout: float) -> bytes | None:
        """Send a real-time request and read one reply byte; None when nothing answers."""
        ...

    def close(self) -> None:
        """Release the connection (never raises)."""
        ...


class NullDevice:
    """`none`: accepts everything and prints nothing."""

    can_read = False

    def write(self, data: bytes) -> None:
        """Discard `data`."""

    def query(self, request: bytes, timeout: float) -> bytes | None:
        """No status."""
        return None

    def close(self) -> None:
        """Nothing to release."""


class _AppendFile(File):
    """python-escpos's File truncates; a `file:` printer keeps every job, like a spool."""

    def open(self, raise_not_found: bool = True) -> None:
        self.device = open(self.devfile, "ab")  # noqa: SIM115 - closed by File.close


class EscposDevice:
    """A python-escpos printer object used as a raw transport, with status read-back."""

    def __init__(self, printer: Any, uri: PrinterUri) -> None:
        self._printer = printer
        self.uri = uri
        self.can_read = uri.can_read

    def write(self, data: bytes) -> None:
        """Send `data` as it is."""
        try:
            self._printer._raw(data)
        except Exception as exc:  # socket, USB and serial errors all mean the same here
            raise PrinterUnavailable(f"向打印机 {self.uri} 发送数据失败：{exc}") from exc

    def query(self, request: bytes, timeout: float) -> bytes | None:
        """One status byte in answer to `request`, or None after `timeout` seconds."""
        reader = {"tcp": self._query_tcp, "usb": self._query_usb,
                  "serial": self._query_serial}.get(self.uri.scheme)
        if reader is None:
            return None
        try:
            return reader(request, timeout)
        except PrinterUnavailable:
            raise
        except Exception as exc:
            raise PrinterUnavailable(f"读取打印机 {self.uri} 状态失败：{exc}") from exc

    def _query_tcp(self, request: bytes, timeout: float) -> bytes | None:
        sock: socket.socket = self._printer.device
        _drain(sock)
        sock.settimeout(timeout)
        try:
            sock.sendall(request)
            reply = sock.recv(1)
        except TimeoutError:
            return None
        finally:
            sock.settimeout(TIMEOUT_S)
        if not reply:
            raise PrinterUnavailable(f"打印机 {self.uri} 断开了连接")
        return reply

    def _query_usb(self, request: bytes, timeout: float) -> bytes | None:
        import usb.core  # only here: pyusb is present whenever a Usb device opened

        device = self._printer.device
        device.write(self._printer.out_ep, request, int(TIMEOUT_S * 1000))
        try:
            reply = device.read(self._printer.in_ep, 16, int(timeout * 1000))
        except usb.core.USBTimeoutError:
            return None
        return bytes(reply[-1:]) or None  # the newest byte answers this request

    def _query_serial(self, request: bytes, timeout: float) -> bytes | None:
        port = self._printer.device
        port.reset_input_buffer()
        port.timeout = timeout
        port.write(request)
        return port.read(1) or None

    def close(self) -> None:
        """Close the transport; errors are logged, never raised."""
        try:
            self._printer.close()
        except Exception:
            log.warning("closing printer %s failed", self.uri, exc_info=True)


def _drain(sock: socket.socket) -> None:
    """Drop bytes left over from an earlier, timed-out request."""
    sock.setblocking(False)
    try:
        while sock.recv(64):
            pass
    except (BlockingIOError, InterruptedError):
        pass
    finally:
        sock.setblocking(True)


_TRANSPORTS: dict[str, Any] = {"tcp": Network, "usb": Usb, "serial": Serial,
                               "file": _AppendFile, "win32": Win32Raw}
_MISSING_DRIVER = {"usb": "USB 打印需要安装 pyusb 和 libusb",
                   "serial": "串口打印需要安装 pyserial",
                   "win32": "Windows 打印机只能在 Windows 上使用（需要 pywin32）"}


def _escpos_printer(uri: PrinterUri, timeout: float) -> Any:
    transport = _TRANSPORTS[uri.scheme]
    if not transport.is_usable():  # checked first: python-escpos raises even from __del__
        raise PrinterUnavailable(_MISSING_DRIVER.get(uri.scheme, f"{uri.scheme} 打印不可用"))
    match uri.scheme:
        case "tcp":
            return Network(uri.host, uri.port, timeout=timeout)
        case "usb":
            return Usb(uri.vendor_id, uri.product_id, timeout=int(timeout * 1000),
                       in_ep=uri.in_ep, out_ep=uri.out_ep)
        case "serial":
            return Serial(uri.device, uri.baud, timeout=timeout)
        case "file":
            return _AppendFile(uri.path)
    return Win32Raw(uri.name)


def open_device(uri: PrinterUri | str, *, profile: PrinterProfile | None = None,
                timeout: float = TIMEOUT_S) -> PrinterDevice:
    """Open the printer named by `uri`; raise `PrinterUnavailable` (Chinese) when it cannot be.

    A string is parsed first (`ValueError` for a bad one). `profile` matters to the preview
    only (paper width, encoding of Chinese).
    """
    if isinstance(uri, str):
        uri = parse_printer_uri(uri)
    if uri.scheme == "none":
        return NullDevice()
    if uri.scheme == "preview":
        try:
            return PreviewDevice(Path(uri.path).expanduser(), profile or PrinterProfile())
        except OSError as exc:
            raise PrinterUnavailable(f"无法写入预览目录 {uri.path}：{_reason(exc)}") from exc
    printer = _escpos_printer(uri, timeout)
    try:
        printer.open()
    except Exception as exc:
        with contextlib.suppress(Exception):
            printer.close()
        raise PrinterUnavailable(
            f"无法连接打印机 {uri}（{_reason(exc)}），请检查打印机电源、连线和地址") from exc
    return EscposDevice(printer, uri)


_ERRNO_WORDS = {errno.ECONNREFUSED: "连接被拒绝", errno.ETIMEDOUT: "连接超时",
                errno.EHOSTUNREACH: "主机不可达", errno.ENETUNREACH: "网络不可达",
                errno.ENOENT: "文件或设备不存在", errno.EACCES: "没有权限",
                errno.EBUSY: "设备正忙"}


def _reason(exc: BaseException) -> str:
    """The root cause in a few words, Chinese where we know the error."""
    root = exc
    while root.__cause__ or root.__context__:
        root = root.__cause__ or root.__context__  # type: ignore[assignment]
    if isinstance(root, TimeoutError):
        return "连接超时"
    if isinstance(root, OSError) and root.errno in _ERRNO_WORDS:
        return _ERRNO_WORDS[root.errno]
    if isinstance(root, socket.gaierror):
        return "找不到这个主机名"
    lines = str(root).strip().splitlines()
    return lines[-1] if lines else type(root).__name__

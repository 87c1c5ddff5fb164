"""Printer URIs (DESIGN.md §10): what parses, and the Chinese message for what does not."""

import pytest

from printing.uris import PrinterUri, parse_printer_uri


@pytest.mark.parametrize(("text", "expected"), [
    ("tcp:192.168.1.50:9100", PrinterUri("tcp", host="192.168.1.50", port=9100)),
    ("tcp:printer.local", PrinterUri("tcp", host="printer.local", port=9100)),
    ("TCP:127.0.0.1:9101", PrinterUri("tcp", host="127.0.0.1", port=9101)),
    ("tcp:[::1]:9100", PrinterUri("tcp", host="::1", port=9100)),
    ("  tcp:10.0.0.7  ", PrinterUri("tcp", host="10.0.0.7", port=9100)),
    ("usb:04b8:0202", PrinterUri("usb", vendor_id=0x04B8, product_id=0x0202, in_ep=0x82,
                                 out_ep=0x01)),
    ("usb:0x0416:0x5011:81:03", PrinterUri("usb", vendor_id=0x0416, product_id=0x5011,
                                           in_ep=0x81, out_ep=0x03)),
    ("serial:/dev/ttyUSB0", PrinterUri("serial", device="/dev/ttyUSB0", baud=9600)),
    ("serial:/dev/ttyS1:115200", PrinterUri("serial", device="/dev/ttyS1", baud=115200)),
    ("serial:COM3:19200", PrinterUri("serial", device="COM3", baud=19200)),
    ("file:/dev/usb/lp0", PrinterUri("file", path="/dev/usb/lp0")),
    ("file:C:\\spool\\out.bin", PrinterUri("file", path="C:\\spool\\out.bin")),
    ("win32:XP-80C 票据打印机", PrinterUri("win32", name="XP-80C 票据打印机")),
    ("preview:/home/clerk/menpiao/preview", PrinterUri("preview", path="/home/clerk/menpiao/preview")),
    ("none", PrinterUri("none")),
    ("NONE", PrinterUri("none")),
])
def test_good_uris(text, expected):
    assert parse_printer_uri(text) == expected


@pytest.mark.parametrize(("uri", "can_read"), [
    ("tcp:h", True), ("usb:1:2", True), ("serial:COM1", True), ("file:x", False),
    ("win32:x", False), ("preview:x", False), ("none", False)])
def test_which_connections_can_read_status(uri, can_read):
    assert parse_printer_uri(uri).can_read is can_read


@pytest.mark.parametrize("text", ["tcp:10.0.0.7:9100", "usb:04b8:0202:82:01",
                                  "serial:/dev/ttyUSB0:9600", "file:/tmp/x", "win32:P",
                                  "preview:/tmp/p", "none"])
def test_str_round_trips(text):
    assert parse_printer_uri(str(parse_printer_uri(text))) == parse_printer_uri(text)


@pytest.mark.parametrize(("text", "reason"), [
    ("", "无法识别的打印机类型"),
    ("192.168.1.50", "无法识别的打印机类型"),
    ("lpt:1", "无法识别的打印机类型"),
    ("tcp:", "缺少打印机地址"),
    ("tcp::9100", "缺少主机名"),
    ("tcp:host:abc", "端口“abc”不是数字"),
    ("tcp:host:70000", "端口必须在 1 到 65535 之间"),
    ("tcp:host:0", "端口必须在 1 到 65535 之间"),
    ("tcp:fe80::1:9100", "IPv6 地址请写在方括号里"),
    ("usb:04b8", "usb:厂商ID:产品ID"),
    ("usb:04b8:0202:82", "usb:厂商ID:产品ID"),
    ("usb:xyz:0202", "不是十六进制数"),
    ("usb:10000:0202", "4 位十六进制"),
    ("serial:COM3:12345", "波特率 12345 不常用"),
    ("preview:", "缺少打印机地址"),
])
def test_bad_uris_say_why_in_chinese(text, reason):
    with pytest.raises(ValueError) as caught:
        parse_printer_uri(text)
    message = str(caught.value)
    assert message.startswith("打印机地址“")
    assert reason in message

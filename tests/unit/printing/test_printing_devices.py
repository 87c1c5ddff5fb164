"""Opening printers by URI: the file spool, missing drivers, and settings → config."""

import socket

import pytest

from printing.devices import PrinterUnavailable, open_device
from printing.jobs import PrinterConfig
from printing.profile import PrinterProfile


def test_file_printer_appends_every_job(tmp_path):
    spool = tmp_path / "spool.bin"
    for data in (b"first", b"second"):
        device = open_device(f"file:{spool}")
        assert not device.can_read
        device.write(data)
        device.close()
    assert spool.read_bytes() == b"firstsecond"


def test_a_missing_file_folder_is_a_chinese_error(tmp_path):
    with pytest.raises(PrinterUnavailable, match="无法连接打印机.*文件或设备不存在"):
        open_device(f"file:{tmp_path / 'no' / 'such' / 'dir'}")


def test_a_closed_port_is_refused_quickly():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(PrinterUnavailable, match="连接被拒绝"):
        open_device(f"tcp:127.0.0.1:{port}", timeout=1)


@pytest.mark.parametrize(("uri", "words"), [
    ("usb:04b8:0202", "pyusb"), ("serial:/dev/ttyUSB0", "pyserial"), ("win32:P", "Windows")])
def test_drivers_that_are_not_installed_are_named(uri, words):
    try:
        device = open_device(uri, timeout=1)
    except PrinterUnavailable as exc:
        assert words in exc.message or "无法连接打印机" in exc.message
    else:  # the driver is installed on this machine and found a device: fine too
        device.close()


def test_a_bad_uri_string_raises_value_error():
    with pytest.raises(ValueError, match="打印机地址"):
        open_device("printer-1")


def test_printer_config_from_settings():
    config = PrinterConfig.from_settings("", preview_dir="/home/x/preview", paper_mm=58,
                                         encoding="GB18030")
    assert config.uri == "preview:/home/x/preview"
    assert config.profile == PrinterProfile(58, False, "gb18030")
    assert PrinterConfig.from_settings(" tcp:10.0.0.9 ", preview_dir="p").uri == "tcp:10.0.0.9"

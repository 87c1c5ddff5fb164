"""Helpers shared by the emupos tests (imported like store_checks: the test dir is on sys.path)."""

from printing.devices import open_device


def send(uri: str, data: bytes) -> None:
    """Write raw ESC/POS bytes to a printer URI and close the connection."""
    device = open_device(uri)
    try:
        device.write(data)
    finally:
        device.close()

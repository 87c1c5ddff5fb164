"""Screenshots for the docs: `python -m ui.screenshots DIR` (under Xvfb, or offscreen).

Starts the real client on a temporary data folder with the demo data, drives it with key presses
like a clerk would, and saves DIR/login.png, DIR/sell.png (2 adults + 1 family package, cash
tendered typed) and DIR/settings.png (signed in as admin).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

SCREEN = (1366, 768)


def wait_until(condition: Callable[[], object], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the client did not get there in time")
        QApplication.processEvents()
        time.sleep(0.01)


def settle(seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def save(widget: QWidget, path: Path) -> None:
    settle()
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(path)


def sign_in(client: object, username: str) -> object:
    dialog = client.login  # type: ignore[attr-defined]
    QTest.keyClicks(dialog.username, username)
    QTest.keyClicks(dialog.password, username)  # demo passwords equal the user names
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    wait_until(lambda: client.window is not None)  # type: ignore[attr-defined]
    window = client.window  # type: ignore[attr-defined]
    window.resize(*SCREEN)
    window.move(0, 0)
    return window


def take(out: Path, lang: str) -> None:
    from ui.app import ClientApp

    home = Path(tempfile.mkdtemp(prefix="menpiao-shots-"))
    args = argparse.Namespace(home=str(home), lang=lang, terminal=None, printer=None,
                              store=None)
    client = ClientApp(args)
    try:
        dialog = client.start()
        wait_until(lambda: client.backend_ready)
        QTest.keyClicks(dialog.username, "clerk1")
        QTest.keyClicks(dialog.password, "clerk1")
        save(dialog, out / "login.png")
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
        wait_until(lambda: client.window is not None)
        window = client.window
        window.resize(*SCREEN)
        sell = window.pages["sell"]
        wait_until(lambda: sell.types and sell.available)
        # one sale first, so the print-jobs panel has something to show
        QTest.keyClick(sell.qty_entry, Qt.Key.Key_F2)
        QTest.keyClick(sell.qty_entry, Qt.Key.Key_Return)
        wait_until(lambda: sell.last_sale is not None)
        wait_until(lambda: any(j.status == "done" for j in sell.jobs.model.jobs()), 30)
        QTest.keyClicks(sell.qty_entry, "2")
        QTest.keyClick(sell.qty_entry, Qt.Key.Key_F1)
        QTest.keyClick(sell.qty_entry, Qt.Key.Key_F3)
        QTest.keyClick(sell.qty_entry, Qt.Key.Key_Tab)
        QTest.keyClicks(sell.tendered, "400")
        save(window, out / "sell.png")

        window.sign_out_requested.emit()
        wait_until(lambda: client.login is not None)
        window = sign_in(client, "admin")
        window.show_screen("settings")
        save(window, out / "settings.png")
    finally:
        client.shutdown()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.screenshots")
    parser.add_argument("out", type=Path, help="folder for login.png, sell.png, settings.png")
    parser.add_argument("--lang", default="zh_CN")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    take(args.out, args.lang)
    return 0


if __name__ == "__main__":
    sys.exit(main())

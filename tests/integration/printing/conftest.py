"""A real ESC/POS printer for the printing tests: the emupos emulator in a subprocess.

One emupos process per test session, with two printers on free TCP ports — `front` (80 mm,
Epson TM-T20III profile) and `narrow` (a 58 mm profile written here) — and its control API on
another free port. Each test gets a handle whose printers start with no faults and the drawer
closed; receipts are read through the control API and told apart by id.

emupos renders bytes with code page 437: `text.encode("cp437").decode("gbk")` gives Chinese
back. The binary comes from $MENPIAO_EMUPOS, else `.venv-emupos/bin/emupos` in the repo
(`make emupos` installs it).
"""

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
EMUPOS = Path(os.environ.get("MENPIAO_EMUPOS", REPO / ".venv-emupos" / "bin" / "emupos"))
START_TIMEOUT_S = 30.0
FAULTS = ("paper-out", "cover-open", "offline", "paper-near-end")

PROFILE_58 = """\
type: printer
name: Generic 58 mm
dpi: 203
width_dots: 384
font_a: { width: 12, height: 24 }
font_b: { width: 9, height: 17 }
code_pages: { 0: PC437 }
default_code_page: 0
drawer_sensor_open_level: high
"""

CONFIG = """\
schema: 1
api: {{ host: 127.0.0.1, port: {api} }}
devices:
  - id: front
    type: printer
    profile: epson-tm-t20iii
    connections:
      - tcp: {{ host: 127.0.0.1, port: {front} }}
    receipts_dir: ./receipts
  - id: narrow
    type: printer
    profile: ./narrow-58mm.yaml
    connections:
      - tcp: {{ host: 127.0.0.1, port: {narrow} }}
    receipts_dir: ./receipts
"""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class EmuPrinter:
    """One simulated printer: its URI for our code, and the emulator's view of it."""

    api: str
    device_id: str
    port: int
    seen: set[str] = field(default_factory=set)

    @property
    def uri(self) -> str:
        return f"tcp:127.0.0.1:{self.port}"

    def _call(self, method: str, path: str) -> bytes:
        url = f"{self.api}/api/v1/devices/{self.device_id}{path}"
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as r:
            return r.read()

    def state(self) -> dict:
        """`{"faults": [...], "drawer": "open" | "closed"}`."""
        return json.loads(self._call("GET", ""))["state"]

    def set_fault(self, fault: str) -> None:
        self._call("PUT", f"/faults/{fault}")

    def clear_fault(self, fault: str) -> None:
        self._call("DELETE", f"/faults/{fault}")

    def close_drawer(self) -> None:
        self._call("POST", "/drawer/close")

    def receipts(self) -> list[dict]:
        """Every completed receipt of this printer, oldest first."""
        listed = json.loads(self._call("GET", "/receipts"))
        return sorted(listed, key=lambda r: (r["completed_at"], r["id"]))

    def mark_seen(self) -> None:
        """Receipts printed so far are not `new_receipts` any more."""
        self.seen |= {r["id"] for r in self.receipts()}

    def new_receipts(self, count: int, timeout: float = 10.0) -> list[dict]:
        """Wait for `count` receipts completed since the last `mark_seen`; oldest first."""
        deadline = time.monotonic() + timeout
        while True:
            fresh = [r for r in self.receipts() if r["id"] not in self.seen]
            if len(fresh) >= count or time.monotonic() > deadline:
                assert len(fresh) >= count, f"expected {count} new receipts, got {len(fresh)}"
                self.seen |= {r["id"] for r in fresh}
                return fresh

    def unseen(self) -> list[dict]:
        """Receipts completed since the last `mark_seen`, without waiting."""
        return [r for r in self.receipts() if r["id"] not in self.seen]

    def text(self, receipt_id: str) -> str:
        """The receipt's text dump with Chinese decoded (emupos dumps bytes as CP437)."""
        raw = self._call("GET", f"/receipts/{receipt_id}/text").decode("utf-8")
        return raw.encode("cp437").decode("gbk")

    def image(self, receipt_id: str) -> bytes:
        """The receipt as PNG."""
        return self._call("GET", f"/receipts/{receipt_id}/image")

    def reset(self) -> None:
        for fault in self.state()["faults"]:
            self.clear_fault(fault)
        self.close_drawer()
        self.mark_seen()


@dataclass
class Emupos:
    api: str
    front: EmuPrinter  # 80 mm
    narrow: EmuPrinter  # 58 mm

    def printer(self, paper_mm: int) -> EmuPrinter:
        return self.front if paper_mm == 80 else self.narrow


def _wait_ready(process: subprocess.Popen, api: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"emupos exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{api}/api/v1/health", timeout=1) as response:
                if json.loads(response.read())["status"] == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    pytest.fail(f"emupos did not answer within {START_TIMEOUT_S:.0f} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def emupos_process(tmp_path_factory) -> Iterator[Emupos]:
    """The emulator, started once for the session and killed afterwards."""
    if not EMUPOS.exists():  # a core feature: fail loudly, never skip
        pytest.fail(f"emupos not found at {EMUPOS}: run `make emupos` or set MENPIAO_EMUPOS")
    home = tmp_path_factory.mktemp("emupos")
    (home / "narrow-58mm.yaml").write_text(PROFILE_58)
    api_port, front, narrow = free_port(), free_port(), free_port()
    (home / "emupos.yaml").write_text(CONFIG.format(api=api_port, front=front, narrow=narrow))
    log = home / "emupos.log"
    with log.open("w") as out:
        process = subprocess.Popen([str(EMUPOS), "run", "--config", "emupos.yaml"], cwd=home,
                                   stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"})
    api = f"http://127.0.0.1:{api_port}"
    try:
        _wait_ready(process, api, log)
        yield Emupos(api, EmuPrinter(api, "front", front), EmuPrinter(api, "narrow", narrow))
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture
def closed_port() -> int:
    """A local port where nothing listens: a printer that is switched off."""
    return free_port()


@pytest.fixture
def emupos(emupos_process: Emupos) -> Iterator[Emupos]:
    """The emulator with both printers healthy, drawers closed and old receipts seen."""
    for printer in (emupos_process.front, emupos_process.narrow):
        printer.reset()
    yield emupos_process
    for printer in (emupos_process.front, emupos_process.narrow):
        for fault in printer.state()["faults"]:
            printer.clear_fault(fault)

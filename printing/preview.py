"""The `preview:` printer: draws the ESC/POS bytes we send as PNG files, one per cut.

It reads the commands our layouts emit (text with `FS &` Chinese, alignment, size, emphasis,
feeds, `GS v 0` images, `GS ( k` QR codes, cuts) and skips the rest, so what a clerk sees in
the preview is what a printer would print — from the very same bytes.
"""

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image

from .escpos_text import Align
from .profile import LINE_DOTS, PrinterProfile
from .raster import qr_image, text_image

_ALIGNS: tuple[Align, ...] = ("left", "center", "right")


@dataclass
class _Pen:
    where: Align = "left"
    scale: int = 1
    emphasised: bool = False
    qr_data: str = ""
    text: bytearray = field(default_factory=bytearray)


class PreviewRenderer:
    """Feed it bytes; it returns the finished pages (PNG bytes) as cuts arrive."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self._pen = _Pen()
        self._strips: list[Image.Image] = []
        self._pending = b""

    def feed(self, data: bytes) -> list[bytes]:
        """Process `data`; return the pages completed by cuts in it."""
        stream, self._pending = self._pending + data, b""
        pages: list[bytes] = []
        at = 0
        while at < len(stream):
            step = self._step(stream, at, pages)
            if step is None:  # a command split across writes: wait for the rest
                self._pending = stream[at:]
                break
            at += step
        return pages

    def finish(self) -> list[bytes]:
        """End of the connection: whatever was printed without a cut is one more page."""
        self._flush_line()
        return [self._page()] if self._strips else []

    # --- one command ------------------------------------------------------------------------

    def _step(self, s: bytes, at: int, pages: list[bytes]) -> int | None:
        byte = s[at]
        if byte >= 0x20:
            self._pen.text.append(byte)
            return 1
        if byte == 0x0A:
            self._flush_line(blank_ok=True)
            return 1
        if byte not in (0x1B, 0x1D, 0x1C, 0x10):
            return 1  # CR, HT and other single control bytes
        if at + 1 >= len(s):
            return None
        return self._command(s, at, pages)

    def _command(self, s: bytes, at: int, pages: list[bytes]) -> int | None:
        head = s[at:at + 2]
        param = s[at + 2] if at + 2 < len(s) else None
        simple = {b"\x1ba": self._align, b"\x1bE": self._emphasis, b"\x1d!": self._size,
                  b"\x1bd": self._feed_lines, b"\x1b3": None, b"\x1bt": None, b"\x1bM": None,
                  b"\x1b-": None, b"\x10\x04": None}
        if head in simple:
            if param is None:
                return None
            if (handler := simple[head]) is not None:
                handler(param)
            return 3
        if head == b"\x1bp":
            return 5 if at + 5 <= len(s) else None
        if head in (b"\x1c&", b"\x1c.", b"\x1b@", b"\x1b2"):
            if head == b"\x1b@":
                self._flush_line()
                self._pen = _Pen()
            return 2
        if head == b"\x1dV":
            return self._cut(s, at, pages)
        if head == b"\x1dv":
            return self._raster(s, at)
        if head == b"\x1d(":
            return self._two_dimensional(s, at)
        return 2  # unknown: skip the prefix

    def _align(self, n: int) -> None:
        self._pen.where = _ALIGNS[n % 48] if n % 48 < 3 else "left"

    def _emphasis(self, n: int) -> None:
        self._pen.emphasised = bool(n & 1)

    def _size(self, n: int) -> None:
        self._pen.scale = max((n & 0x07) + 1, (n >> 4 & 0x07) + 1)

    def _feed_lines(self, n: int) -> None:
        self._flush_line()
        if n:
            self._strips.append(Image.new("L", (self.profile.width_dots, n * LINE_DOTS), 255))

    def _cut(self, s: bytes, at: int, pages: list[bytes]) -> int | None:
        if at + 2 >= len(s):
            return None
        size = 4 if s[at + 2] in (65, 66, 97, 98, 103, 104) else 3
        self._flush_line()
        if self._strips:
            pages.append(self._page())
        return size

    def _raster(self, s: bytes, at: int) -> int | None:
        if at + 8 > len(s):
            return None
        width_bytes = int.from_bytes(s[at + 4:at + 6], "little")
        rows = int.from_bytes(s[at + 6:at + 8], "little")
        end = at + 8 + width_bytes * rows
        if end > len(s):
            return None
        self._flush_line()
        image = Image.frombytes("1", (width_bytes * 8, rows), s[at + 8:end], "raw", "1;I")
        self._place(image.convert("L"))
        return end - at

    def _two_dimensional(self, s: bytes, at: int) -> int | None:
        if at + 5 > len(s) or s[at + 2] != ord("k"):
            return 2 if at + 5 <= len(s) else None
        end = at + 5 + int.from_bytes(s[at + 3:at + 5], "little")
        if end > len(s):
            return None
        body = s[at + 5:end]
        if body[:3] == b"\x31\x50\x30":
            self._pen.qr_data = body[3:].decode("ascii", errors="replace")
        elif body[:3] == b"\x31\x51\x30" and self._pen.qr_data:
            self._flush_line()
            self._place(qr_image(self._pen.qr_data))
        return end - at

    # --- drawing ----------------------------------------------------------------------------

    def _flush_line(self, blank_ok: bool = False) -> None:
        pen = self._pen
        if not pen.text and not blank_ok:
            return
        text = bytes(pen.text).decode(self.profile.encoding, errors="replace")
        pen.text.clear()
        self._strips.append(text_image(text, self.profile.columns, scale=pen.scale,
                                       where=pen.where, emphasised=pen.emphasised))

    def _place(self, image: Image.Image) -> None:
        strip = Image.new("L", (self.profile.width_dots, image.height), 255)
        left = {"left": 0, "center": (strip.width - image.width) // 2,
                "right": strip.width - image.width}[self._pen.where]
        strip.paste(image, (max(left, 0), 0))
        self._strips.append(strip)

    def _page(self) -> bytes:
        strips, self._strips = self._strips, []
        margin = 16
        page = Image.new("L", (self.profile.width_dots + 2 * margin,
                               sum(s.height for s in strips) + 2 * margin), 255)
        top = margin
        for strip in strips:
            page.paste(strip, (margin, top))
            top += strip.height
        out = io.BytesIO()
        page.convert("1", dither=Image.Dither.NONE).save(out, format="PNG")
        return out.getvalue()


def page_name(printed_at: datetime, kind: str, payload: Mapping[str, Any]) -> str:
    """A preview page's file name without `.png`, from the job it prints: the venue-local time
    it printed, its order number when it has one, the kind, a ticket's place in the order and
    a reprint's number — `20261121-103015_W01-20261121-0007_ticket-2of4`, sorted in printing
    order and found by order number."""
    parts = [printed_at.strftime("%Y%m%d-%H%M%S")]
    order_no = str(payload.get("order_no") or "")
    if order_no:
        parts.append(_SAFE.sub("_", order_no))
    what = kind
    if kind == "ticket" and payload.get("number") and payload.get("count"):
        what += f"-{payload['number']}of{payload['count']}"
    parts.append(what)
    if payload.get("reprint_no"):
        parts.append(f"reprint{payload['reprint_no']}")
    return "_".join(parts)


_SAFE = re.compile(r"[^A-Za-z0-9-]+")


class PreviewDevice:
    """A printer that writes each cut-off page as a PNG in `folder`, named by `name` (see
    `page_name`; the worker names each job's pages), else by the machine's local time. A
    name already taken gets `-2`, `-3`…: a page is never overwritten."""

    can_read = False

    def __init__(self, folder: Path, profile: PrinterProfile) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.files: list[Path] = []
        self.name: str | None = None
        self._renderer = PreviewRenderer(profile)

    def write(self, data: bytes) -> None:
        """Render `data`; pages finished by a cut are saved at once."""
        self._save(self._renderer.feed(data))

    def query(self, request: bytes, timeout: float) -> bytes | None:
        """A preview has no status to read."""
        return None

    def close(self) -> None:
        """Save what was printed after the last cut."""
        self._save(self._renderer.finish())

    def _save(self, pages: list[bytes]) -> None:
        for page in pages:
            stem = self.name or datetime.now().astimezone().strftime("%Y%m%d-%H%M%S-%f")
            path = self._free(stem)
            path.write_bytes(page)
            self.files.append(path)

    def _free(self, stem: str) -> Path:
        path, n = self.folder / f"{stem}.png", 1
        while path.exists():
            n += 1
            path = self.folder / f"{stem}-{n}.png"
        return path

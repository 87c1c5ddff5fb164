"""Pictures on paper: raster images (`GS v 0`), QR codes, and Chinese text drawn with PIL.

QR codes print as raster images by default, which every ESC/POS printer understands; the
printer's own `GS ( k` is used when the profile says it supports it. Printers without a
Chinese font get their Chinese lines as images drawn with a CJK font found on this machine.
"""

import functools
import logging
import shutil
import subprocess
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont, ImageOps
from qrcode.constants import ERROR_CORRECT_M

from .escpos_text import GS, Align, char_width
from .profile import COLUMN_DOTS, LINE_DOTS

log = logging.getLogger(__name__)

QR_MODULE_DOTS = 6  # a 30-character ticket code is version 2: 33 modules with the quiet zone
KNOWN_CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)
_MAX_RASTER_ROWS = 2047  # keep each GS v 0 well inside every printer's buffer


def raster(image: Image.Image) -> bytes:
    """`GS v 0` commands printing `image` (anything PIL reads; dark pixels print)."""
    mono = ImageOps.invert(image.convert("L")).convert("1", dither=Image.Dither.NONE)
    width_bytes = (mono.width + 7) // 8
    out = bytearray()
    for top in range(0, mono.height, _MAX_RASTER_ROWS):
        band = mono.crop((0, top, mono.width, min(top + _MAX_RASTER_ROWS, mono.height)))
        header = GS + b"v0\x00" + width_bytes.to_bytes(2, "little")
        out += header + band.height.to_bytes(2, "little") + band.tobytes()
    return bytes(out)


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR modules of `data` (error correction M, quiet zone included)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def qr_image(data: str, module_dots: int = QR_MODULE_DOTS) -> Image.Image:
    """A 1-bit image of the QR code of `data`, `module_dots` dots per module."""
    matrix = qr_matrix(data)
    side = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    small = Image.frombytes("L", (side, side), pixels)
    return small.resize((side * module_dots, side * module_dots), Image.Resampling.NEAREST)


def qr_native(data: str, module_dots: int = QR_MODULE_DOTS) -> bytes:
    """`GS ( k` commands: model 2, module size, error correction M, store, print."""
    payload = data.encode("ascii", errors="replace")

    def fn(body: bytes) -> bytes:
        return GS + b"(k" + len(body).to_bytes(2, "little") + body

    return (fn(b"\x31\x41\x32\x00") + fn(b"\x31\x43" + bytes([module_dots]))
            + fn(b"\x31\x45\x31") + fn(b"\x31\x50\x30" + payload) + fn(b"\x31\x51\x30"))


@functools.cache
def cjk_font_path() -> str | None:
    """A font file with Chinese glyphs: fontconfig's choice, else a known location."""
    if shutil.which("fc-match"):
        try:
            found = subprocess.run(["fc-match", "-f", "%{file}", ":lang=zh-cn"],
                                   capture_output=True, text=True, timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        if found and Path(found).is_file():
            return found
    return next((path for path in KNOWN_CJK_FONTS if Path(path).is_file()), None)


@functools.cache
def cjk_font(pixels: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The CJK font at `pixels` high; PIL's built-in font (no Chinese) if none is installed."""
    path = cjk_font_path()
    if path is None:
        log.warning("no CJK font found: Chinese renders as boxes (install fonts-wqy-microhei)")
        return ImageFont.load_default(pixels)
    return ImageFont.truetype(path, pixels)


def text_image(text: str, columns: int, *, scale: int = 1, where: Align = "left",
               emphasised: bool = False) -> Image.Image:
    """One line of text drawn on the printer's column grid, `columns` wide, `scale` times larger."""
    glyphs = [_glyph(char, scale, emphasised) for char in text]
    used = sum(glyph.width for glyph in glyphs)
    image = Image.new("L", (columns * COLUMN_DOTS, (LINE_DOTS + 6) * scale), 255)
    x = {"left": 0, "center": (image.width - used) // 2, "right": image.width - used}[where]
    for glyph in glyphs:
        image.paste(glyph, (x, 0))
        x += glyph.width
    return image


@functools.lru_cache(maxsize=4096)
def _glyph(char: str, scale: int, emphasised: bool) -> Image.Image:
    """One character in its cell (1 or 2 columns wide), cached: tickets repeat characters.

    A glyph wider than its cell (W, M in a proportional font) is squeezed to fit the grid.
    """
    cell_w, height = char_width(char) * COLUMN_DOTS * scale, (LINE_DOTS + 6) * scale
    font = cjk_font((LINE_DOTS - 2) * scale)
    stroke = 1 if emphasised else 0
    left, _, right, _ = font.getbbox(char, stroke_width=stroke)
    drawn_w = max(cell_w, int(right - left) + 2)
    image = Image.new("L", (drawn_w, height), 255)
    if not char.isspace():
        ImageDraw.Draw(image).text((drawn_w / 2, height / 2), char, font=font, fill=0,
                                   anchor="mm", stroke_width=stroke, stroke_fill=0)
    return image if drawn_w == cell_w else image.resize((cell_w, height), Image.Resampling.BOX)

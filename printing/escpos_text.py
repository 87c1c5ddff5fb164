"""ESC/POS command bytes and Chinese text on a column grid.

Chinese goes to the printer as `FS &` + GBK (or GB18030 / Big5) bytes + `FS .`, written raw:
python-escpos's "magic" encoder guesses code pages and mangles Chinese, so it is never used.
On a Chinese printer every non-ASCII character prints two columns wide (its double-byte cell),
so widths are counted on the normalised text: ASCII 1 column, anything else 2.
"""

import unicodedata
from typing import Literal

Align = Literal["left", "center", "right"]

ESC, GS, FS, DLE = b"\x1b", b"\x1d", b"\x1c", b"\x10"
INIT = ESC + b"@"
LF = b"\n"
KANJI_ON = FS + b"&"
KANJI_OFF = FS + b"."
# Feed 4 lines so the last printed line clears the cutter, then a partial cut.
CUT = ESC + b"d\x04" + GS + b"V\x01"
# ESC p m t1 t2: pin 2, on 50 ms (t1 x 2 ms), off 500 ms — what common drawers expect.
DRAWER_PULSE = ESC + b"p\x00\x19\xfa"
LINE_SPACING_DEFAULT = ESC + b"2"

_ALIGN_CODES = {"left": 0, "center": 1, "right": 2}
_REPLACEMENTS = {"¥": "￥", "\t": " ", "\r": " ", "\n": " "}


def align(where: Align) -> bytes:
    """ESC a n: justification of the following lines."""
    return ESC + b"a" + bytes([_ALIGN_CODES[where]])


def bold(on: bool) -> bytes:
    """ESC E n: emphasised printing on or off."""
    return ESC + b"E" + (b"\x01" if on else b"\x00")


def size(scale: int) -> bytes:
    """GS ! n: character width and height multiplied by `scale` (1-8); Chinese follows too."""
    n = max(1, min(scale, 8)) - 1
    return GS + b"!" + bytes([n << 4 | n])


def feed(lines: int) -> bytes:
    """ESC d n: print the buffer and feed n lines."""
    return ESC + b"d" + bytes([max(0, min(lines, 255))])


def normalize(text: str, encoding: str = "gbk") -> str:
    """What will really print: `¥` as `￥`, no control characters, unprintable characters as `?`."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        char = _REPLACEMENTS.get(char, char)
        if ord(char) < 0x20 or ord(char) == 0x7F:
            continue
        if ord(char) >= 0x80 and not _encodable(char, encoding):
            char = "?"
        out.append(char)
    return "".join(out)


def _encodable(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def char_width(char: str) -> int:
    """Columns one (normalised) character takes: ASCII 1, double-byte 2."""
    return 1 if ord(char) < 0x80 else 2


def display_width(text: str) -> int:
    """Columns a normalised string takes on the printer."""
    return sum(char_width(char) for char in text)


def truncate(text: str, columns: int) -> str:
    """The longest prefix of `text` that fits in `columns`."""
    width = 0
    for index, char in enumerate(text):
        width += char_width(char)
        if width > columns:
            return text[:index]
    return text


def wrap(text: str, columns: int) -> list[str]:
    """Split into lines of at most `columns`; ASCII words are kept whole where they fit."""
    lines: list[str] = []
    rest = text.strip()
    while display_width(rest) > columns:
        head = truncate(rest, columns)
        cut = _word_break(rest, len(head))
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not lines:
        lines.append(rest)
    return lines


_NO_LINE_START = set("，。、；：！？）》」』】,.;:!?)%")


def _word_break(text: str, limit: int) -> int:
    """Where to break before index `limit`: never before closing punctuation, and after a
    space rather than inside an ASCII word."""
    if limit >= len(text):
        return max(limit, 1)
    if text[limit] in _NO_LINE_START and limit > 1:
        return limit - 1  # carry the last character down with the punctuation
    if not (text[limit].isascii() and text[limit].isalnum()):
        return max(limit, 1)
    space = text.rfind(" ", 0, limit)
    return space + 1 if space > 0 else max(limit, 1)


def pad(text: str, columns: int, where: Align = "left") -> str:
    """`text` padded with spaces to exactly `columns` (truncated if longer)."""
    text = truncate(text, columns)
    gap = columns - display_width(text)
    if where == "right":
        return " " * gap + text
    if where == "center":
        return " " * (gap // 2) + text + " " * (gap - gap // 2)
    return text + " " * gap


def two_columns(left: str, right: str, columns: int) -> list[str]:
    """`left` flush left and `right` flush right on one line, or on two when they do not fit."""
    gap = columns - display_width(left) - display_width(right)
    if gap >= 1:
        return [left + " " * gap + right]
    return [*wrap(left, columns), pad(truncate(right, columns), columns, "right")]


def encode_text(text: str, encoding: str = "gbk") -> bytes:
    """Bytes of a normalised line: ASCII as is, each non-ASCII run as `FS &` + bytes + `FS .`."""
    out = bytearray()
    run: list[str] = []
    for char in text:
        if ord(char) >= 0x80:
            run.append(char)
            continue
        if run:
            out += _kanji("".join(run), encoding)
            run = []
        out += char.encode("ascii")
    if run:
        out += _kanji("".join(run), encoding)
    return bytes(out)


def _kanji(run: str, encoding: str) -> bytes:
    return KANJI_ON + run.encode(encoding, errors="replace") + KANJI_OFF

"""Chinese text on the column grid: widths, wrapping, alignment and the raw GBK bytes."""

import pytest

from printing import escpos_text as et


@pytest.mark.parametrize(("text", "width"), [
    ("", 0), ("ABC 123", 7), ("成人票", 6), ("￥100.00", 8), ("亲子套票·儿童票", 16),
    ("W01-成人", 8)])
def test_display_width_counts_chinese_as_two_columns(text, width):
    assert et.display_width(text) == width


def test_normalize_uses_the_full_width_yuan_sign_and_drops_control_characters():
    assert et.normalize("¥100.00\t成人\n票\x07") == "￥100.00 成人 票"


def test_normalize_replaces_what_the_printer_cannot_print():
    assert et.normalize("票😀") == "票?"
    assert et.normalize("门票", "big5") == "?票"  # 门 is simplified: Big5 has only 門
    assert et.normalize("门票", "gb18030") == "门票"


def test_wrap_respects_columns_words_and_punctuation():
    notice = "当日有效，一人一票，凭码入园；请妥善保管，勿折叠。"
    lines = et.wrap(notice, 48)
    assert lines == ["当日有效，一人一票，凭码入园；请妥善保管，勿折", "叠。"]
    assert all(et.display_width(line) <= 48 for line in et.wrap(notice, 32))
    assert not any(line.startswith(("，", "。", "；")) for line in et.wrap(notice, 20))
    assert et.wrap("hello world again", 11) == ["hello world", "again"]
    assert et.wrap("", 10) == [""]


@pytest.mark.parametrize(("where", "expected"), [
    ("left", "成人票    "), ("right", "    成人票"), ("center", "  成人票  ")])
def test_pad_aligns_by_display_width(where, expected):
    assert et.pad("成人票", 10, where) == expected


def test_two_columns_fill_the_line_or_fall_back_to_two_lines():
    (line,) = et.two_columns("票价", "￥100.00", 32)
    assert line.startswith("票价") and line.endswith("￥100.00")
    assert et.display_width(line) == 32
    long = et.two_columns("订单号", "OTA_MEITUAN-12345678901234567890", 32)
    assert long == ["订单号", "OTA_MEITUAN-12345678901234567890"]


def test_encode_text_wraps_chinese_in_kanji_mode_and_leaves_ascii_alone():
    data = et.encode_text("票价 ￥100.00")
    assert data == (b"\x1c&" + "票价".encode("gbk") + b"\x1c. \x1c&" + "￥".encode("gbk")
                    + b"\x1c.100.00")
    assert et.encode_text("W01-0001") == b"W01-0001"
    assert et.encode_text("成人", "big5") == b"\x1c&" + "成人".encode("big5") + b"\x1c."


def test_command_bytes():
    assert et.align("center") == b"\x1ba\x01"
    assert et.size(2) == b"\x1d!\x11"
    assert et.size(1) == b"\x1d!\x00"
    assert et.bold(True) == b"\x1bE\x01"
    assert et.feed(3) == b"\x1bd\x03"

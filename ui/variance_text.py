"""The drawer's variance in words, one sign convention everywhere (screen and paper alike):
variance = counted − expected; "+" is 长款 (more cash than expected), "-" is 短款."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.domain.money import format_fen


def signed_fen(fen: int) -> str:
    """+¥20,450.00 / -¥400.00 / ¥0.00 (the Z report prints +￥ / -￥ the same way)."""
    return ("+" if fen > 0 else "-" if fen < 0 else "") + format_fen(abs(fen))


def variance_word(fen: int) -> str:
    if fen > 0:
        return QCoreApplication.translate("Variance", "Over")
    if fen < 0:
        return QCoreApplication.translate("Variance", "Short")
    return QCoreApplication.translate("Variance", "Even")


def variance_text(fen: int) -> str:
    """短款 -¥400.00, 长款 +¥0.30, 无差异 ¥0.00."""
    return f"{variance_word(fen)} {signed_fen(fen)}"

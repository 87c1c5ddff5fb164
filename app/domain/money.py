"""Money is integer fen; percentages are basis points (1000 bp = 10%). Rounding is half-up."""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import ValidationError

MAX_FEN = 10_000_000_00  # ten million yuan: anything above is a typing mistake, not a sale


def div_half_up(numerator: int, denominator: int) -> int:
    """Integer division rounded half away from zero (half-up for the non-negative amounts we use)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return q if numerator >= 0 else -q


def apply_bp(amount_fen: int, bp: int) -> int:
    """`amount_fen * bp / 10000`, rounded half-up to the fen."""
    return div_half_up(amount_fen * bp, 10_000)


def split_proportionally(total_fen: int, weights: Sequence[int]) -> list[int]:
    """Split `total_fen` over `weights` in proportion (DESIGN.md §2: a package price over its
    components by their list prices; a channel's charge over its tickets; a refund over its
    tickets by what was paid for each).

    Each share is floored and the remainder fen go on the first, so the shares sum to
    `total_fen` exactly: every share but the first is within 1 fen below its exact share, the
    first is at most `len(weights) - 1` fen above. All weights zero: the first takes it all.
    """
    if not weights:
        if total_fen:
            raise ValueError("nothing to split the amount over")
        return []
    if min(weights) < 0:
        raise ValueError("weights must not be negative")
    whole = sum(weights)
    shares = [total_fen * w // whole if whole else 0 for w in weights]
    shares[0] += total_fen - sum(shares)
    return shares


def _grouped(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


def format_fen(fen: int) -> str:
    """Screen form: ¥1,234.50."""
    return "¥" + _grouped(fen)


def format_fen_paper(fen: int) -> str:
    """Paper form (GBK has the full-width sign): ￥1,234.50."""
    return "￥" + _grouped(fen)


def parse_yuan(text: str) -> int:
    """Parse what a clerk types ("200", "199.5", "¥1,000.00") into fen."""
    cleaned = text.strip().replace(",", "").replace("，", "").lstrip("¥￥").strip()
    if not cleaned:
        raise ValidationError("请输入金额", field="amount")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(f"金额格式不对：{text}", field="amount") from None
    if not value.is_finite():
        raise ValidationError(f"金额格式不对：{text}", field="amount")
    if value < 0:
        raise ValidationError(f"金额不能为负数：{text}", field="amount")
    if value > MAX_FEN / 100:
        raise ValidationError(f"金额过大：{text}", field="amount")
    fen = int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return fen

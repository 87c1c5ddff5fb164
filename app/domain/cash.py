"""The cash drawer's arithmetic, as pure functions over fen: counting notes and coins, the
cash a shift should hold, and the variance (长款 over, 短款 short)."""

from collections.abc import Mapping

from .errors import ValidationError
from .money import MAX_FEN

# Renminbi notes and coins, largest first: 100, 50, 20, 10, 5, 1 yuan, 5 jiao, 1 jiao.
DENOMINATIONS_FEN = (10000, 5000, 2000, 1000, 500, 100, 50, 10)
MAX_PIECES = 100_000


def counted_total(counted: Mapping[int, int]) -> int:
    """Sum of a count by denomination (fen → pieces); refuses unknown denominations and
    negative or absurd counts."""
    total = 0
    for denomination, pieces in counted.items():
        if denomination not in DENOMINATIONS_FEN:
            raise ValidationError(f"不认识的面额：{denomination} 分", field="counted")
        if not isinstance(pieces, int) or isinstance(pieces, bool) or not 0 <= pieces <= MAX_PIECES:
            raise ValidationError("清点张数必须是 0 到 100000 之间的整数", field="counted")
        total += denomination * pieces
    return total


def expected_cash(*, float_fen: int, cash_sales_fen: int, cash_refunds_fen: int,
                  cash_in_fen: int, cash_out_fen: int) -> int:
    """What the drawer should hold: float + cash sales − cash refunds + cash in − cash out."""
    return float_fen + cash_sales_fen - cash_refunds_fen + cash_in_fen - cash_out_fen


def check_amount(amount_fen: int, what: str, *, allow_zero: bool = False) -> int:
    """An amount of cash typed by a clerk: integer fen, not negative, not absurd."""
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool):
        raise ValidationError(f"{what}必须是整数（分）", field="amount_fen")
    if amount_fen < 0 or (amount_fen == 0 and not allow_zero):
        raise ValidationError(f"{what}必须大于 0" if not allow_zero else f"{what}不能为负数",
                              field="amount_fen")
    if amount_fen > MAX_FEN:
        raise ValidationError(f"{what}过大，请检查输入", field="amount_fen")
    return amount_fen

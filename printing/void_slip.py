"""The void slip (撤销凭证, print job kind `void_slip`): a sale voided at the window right after
it was made. It opens the drawer (the cash goes back), lists the tickets that no gate will let
in any more, and says plainly that no fee was taken."""

from typing import Any

from app.domain.money import format_fen_paper
from app.domain.print_docs import VoidSlipDoc

from .layouts import Block, Cut, Feed, KickDrawer, Row, Rule, Text


def void_slip_blocks(doc: VoidSlipDoc) -> list[Block]:
    """Venue, 撤销凭证, order and refund numbers, the tickets (void), the cash back (no fee),
    who, where, when the sale was made and voided."""
    kick: list[Block] = [KickDrawer()] if doc.kick_drawer else []
    return [
        *kick,
        Text(doc.venue_name, "center", 2, True),
        Text("撤销凭证", "center", 2, True),
        Text("本单已撤销，以下门票作废", "center"),
        Row("订单号", doc.order_no),
        Row("撤销单号", doc.refund_no),
        Rule(),
        *(block for item in doc.tickets for block in _ticket(item)),
        Rule(),
        Row("手续费", format_fen_paper(0)),
        Row("退还现金", format_fen_paper(doc.refund_fen), emphasised=True),
        Rule(),
        Row("售出时间", doc.sold_at),
        Row("撤销时间", doc.printed_at),
        Row("收银员", doc.clerk),
        Row("终端", doc.terminal),
        Feed(),
        Text("现金已退还，请当面点清。", "center"),
        Cut(),
    ]


def _ticket(item: Any) -> list[Block]:
    return [Row(str(item["name"]), format_fen_paper(int(item["price_fen"]))),
            Text(f"  {item.get('code', '')}  作废")]

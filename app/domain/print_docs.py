"""What goes on paper, as plain values: the contract between services (which enqueue print
jobs with these as JSON payloads) and `printing` (which lays them out)."""

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Self


@dataclass(frozen=True)
class _Doc:
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class TicketDoc(_Doc):
    venue_name: str
    ticket_type_name: str  # e.g. 成人票, or 亲子套票·儿童票 for a package component
    visit_date: str  # YYYY-MM-DD
    price_fen: int
    order_no: str
    code: str  # MP1-...
    notice: str = "当日有效，一人一票，凭码入园；请妥善保管，勿折叠。"
    uses_total: int = 1
    reprint_no: int = 0  # >0 prints 重打 N


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    qty: int
    unit_fen: int
    amount_fen: int


@dataclass(frozen=True)
class ReceiptDoc(_Doc):
    venue_name: str
    order_no: str
    lines: list[dict[str, Any]]  # ReceiptLine as dicts, JSON-friendly
    total_fen: int
    tendered_fen: int
    change_fen: int
    payment_method: str
    clerk: str
    terminal: str
    printed_at: str  # local time "YYYY-MM-DD HH:MM:SS"
    visit_date: str = ""
    reprint_no: int = 0
    kick_drawer: bool = field(default=False)

    def receipt_lines(self) -> list[ReceiptLine]:
        return [ReceiptLine(**line) for line in self.lines]

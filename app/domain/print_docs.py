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
    """One admission ticket. A package component (`package_name` set) prints the package's
    price for one set (`package_price_fen`, `package_size` tickets), never its own share of it
    (`price_fen`, an allocation no visitor was quoted). `number` of `count` is its place among
    the order's tickets (第 2/4 张); 0 prints nothing (documents queued before it existed)."""

    venue_name: str
    ticket_type_name: str  # e.g. 成人票, or 亲子套票·儿童票 for a package component
    visit_date: str  # YYYY-MM-DD
    price_fen: int
    order_no: str
    code: str  # MP1-...
    notice: str = "当日有效，一人一票，凭码入园；请妥善保管，勿折叠。"
    uses_total: int = 1
    reprint_no: int = 0  # >0 prints 重打 N
    package_name: str = ""  # 亲子套票: this ticket is one admission of a package
    package_price_fen: int = 0  # the package's price, one set
    package_size: int = 0  # tickets in one set
    number: int = 0  # this ticket's place in the order, 1-based
    count: int = 0  # the order's tickets


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


@dataclass(frozen=True)
class RefundSlipDoc(_Doc):
    """The refund slip: what was refunded, by which rule, the fees and how it was paid out.
    `tickets` are dicts of `name`, `code`, `paid_fen`, `fee_fen`, `refund_fen`."""

    venue_name: str
    order_no: str
    refund_no: str
    tickets: list[dict[str, Any]]
    rule_text: str  # the rule in Chinese words, e.g. 游玩日前 72 小时以上，免费退
    fee_rate_bp: int  # 2000 = 20%
    fee_fen: int
    payment_fee_fen: int
    refund_fen: int
    method: str  # cash | wechat | alipay | ota | voucher
    clerk: str
    terminal: str
    printed_at: str  # local time "YYYY-MM-DD HH:MM:SS"
    approvals: list[str] = field(default_factory=list)  # e.g. "主管 super1"
    reason: str = ""
    kick_drawer: bool = False


@dataclass(frozen=True)
class ShiftReportDoc(_Doc):
    """The Z report of one closed shift (交接班报表). `noncash_sales`: dicts of `method`,
    `count`, `amount_fen`; `movements`: dicts of `kind` (in|out), `amount_fen`, `reason`;
    `counted`: dicts of `denomination_fen`, `count`. `variance_fen` = counted − expected
    (> 0 长款, < 0 短款). `closed_by` other than `clerk`: a supervisor's take-over, with its
    `close_reason`."""

    venue_name: str
    shift_id: str
    terminal: str
    clerk: str
    opened_at: str
    closed_at: str
    float_fen: int
    cash_sales_count: int
    cash_sales_fen: int
    noncash_sales: list[dict[str, Any]]
    refunds_count: int
    refunds_fen: int  # cash paid back at this window
    cash_in_fen: int
    cash_out_fen: int
    movements: list[dict[str, Any]]
    expected_fen: int
    counted: list[dict[str, Any]]
    counted_fen: int
    variance_fen: int
    printed_at: str = ""
    closed_by: str = ""  # who counted and closed: the clerk, or a supervisor taking over
    close_reason: str = ""  # why a supervisor closed another clerk's shift
    reprint_no: int = 0  # >0 prints 重打 N


@dataclass(frozen=True)
class VoidSlipDoc(_Doc):
    """The void slip (撤销凭证) of a sale voided at the window: its tickets (now void at the
    gate), the cash handed back (no fee), who, where, when. `tickets` are dicts of `name`,
    `code`, `price_fen`."""

    venue_name: str
    order_no: str
    refund_no: str
    tickets: list[dict[str, Any]]
    refund_fen: int
    sold_at: str  # local time "YYYY-MM-DD HH:MM:SS"
    clerk: str
    terminal: str
    printed_at: str  # local time "YYYY-MM-DD HH:MM:SS"
    kick_drawer: bool = True


@dataclass(frozen=True)
class DayReportDoc(_Doc):
    """The printed day report (日结报表) of `GET /reports/day-close`: `totals`, `methods`,
    `channels`, `windows` as the store gives them, every time already in local words
    (`opened_at`/`closed_at` of a shift as HH:MM, `closed_at` of the day as
    YYYY-MM-DD HH:MM); `discrepancies`: dicts of `kind` and `count`; `late_entries`: how
    many were recorded after the close."""

    venue_name: str
    date: str  # YYYY-MM-DD, the venue-local day
    totals: dict[str, Any]
    methods: list[dict[str, Any]]
    channels: list[dict[str, Any]]
    windows: list[dict[str, Any]]
    discrepancies: list[dict[str, Any]]
    printed_at: str
    printed_by: str
    closed_by: str = ""  # empty: the day is still open
    closed_at: str = ""
    late_entries: int = 0
    reprint_no: int = 0

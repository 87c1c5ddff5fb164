"""Ticket types, kinds and packages (套票), and how a sale line becomes tickets."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .errors import ValidationError
from .money import split_proportionally

MAX_LINE_QTY = 200  # one window sale; a bigger group goes through the group desk


class TicketKind(StrEnum):
    REGULAR = "regular"
    SPECIAL = "special"
    PASS = "pass"
    GROUP = "group"


@dataclass(frozen=True)
class TicketType:
    code: str
    name: str
    kind: TicketKind
    price_fen: int
    components: tuple[str, ...] = ()  # codes of component types; non-empty makes a package
    uses_total: int = 1
    min_group_size: int = 1
    active: bool = True

    @property
    def is_package(self) -> bool:
        return bool(self.components)


@dataclass(frozen=True)
class TicketSpec:
    """One admission right to create: which type it counts against and what it costs."""

    ticket_type: str  # the component's code for a package, else the line's code
    sold_as: str  # the code the visitor bought (the package for components)
    name: str
    kind: TicketKind
    price_fen: int  # what is paid for this ticket
    list_price_fen: int  # its list price (a package component: its share of the package's)
    uses_total: int
    person: int  # 1-based person index inside the line


def expand_line(
    catalog: Mapping[str, TicketType], code: str, qty: int, *, sold_already: bool = False
) -> list[TicketSpec]:
    """The tickets one sale line creates (a package: one ticket per component per person).
    A type taken off sale is refused, unless the sale `sold_already` happened (a window
    offline that had not heard of it yet: money changed hands)."""
    tt = catalog.get(code)
    if tt is None:
        raise ValidationError(f"没有这种票：{code}", field="ticket_type")
    if not tt.active and not sold_already:
        raise ValidationError(f"{tt.name}已停售", field="ticket_type")
    if not isinstance(qty, int) or qty < 1:
        raise ValidationError(f"{tt.name}的数量必须是正整数", field="qty")
    if qty > MAX_LINE_QTY:
        raise ValidationError(f"{tt.name}一次最多售 {MAX_LINE_QTY} 张", field="qty")
    if tt.kind is TicketKind.GROUP and qty < tt.min_group_size:
        raise ValidationError(f"{tt.name}至少 {tt.min_group_size} 人", field="qty")
    if not tt.is_package:
        return [
            TicketSpec(tt.code, tt.code, tt.name, tt.kind, tt.price_fen, tt.price_fen,
                       tt.uses_total, person)
            for person in range(1, qty + 1)
        ]
    parts = [catalog[c] for c in tt.components]
    shares = split_proportionally(tt.price_fen, [p.price_fen for p in parts])  # by list price
    return [
        TicketSpec(p.code, tt.code, p.name, p.kind, share, share, p.uses_total, person)
        for person in range(1, qty + 1)
        for p, share in zip(parts, shares, strict=True)
    ]


def units_needed(specs: Sequence[TicketSpec]) -> dict[str, int]:
    """Inventory units per ticket type (packages count against their components)."""
    need: dict[str, int] = {}
    for s in specs:
        need[s.ticket_type] = need.get(s.ticket_type, 0) + 1
    return need


DEMO_CATALOG: tuple[TicketType, ...] = (
    TicketType("ADULT", "成人票", TicketKind.REGULAR, 10000),
    TicketType("CHILD", "儿童票", TicketKind.REGULAR, 5000),
    TicketType("FAMILY", "亲子套票", TicketKind.REGULAR, 13000, components=("ADULT", "CHILD")),
    TicketType("SPECIAL", "特价票", TicketKind.SPECIAL, 6000),
    TicketType("ANNUAL", "年卡", TicketKind.PASS, 50000, uses_total=12),
    TicketType("GROUP", "团队票", TicketKind.GROUP, 8000, min_group_size=10),
)
DEMO_CAPACITY = 1000
DEMO_DAYS = 30

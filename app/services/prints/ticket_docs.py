"""What a ticket says on paper, in one place for the sale and for a reprint: a package
component carries its package's name and price per set (never its own allocated share), and
every ticket its place among the order's tickets (第 i/N 张)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.catalog import TicketType
from app.domain.print_docs import TicketDoc


@dataclass(frozen=True)
class Package:
    """The package a ticket was sold in: its name, its price for one set, tickets per set."""

    name: str
    price_fen: int
    size: int


def package_of(sold_as: str, ticket_type: str,
               catalog: Mapping[str, TicketType]) -> Package | None:
    """The package (at its catalog price) a ticket of `ticket_type` sold as `sold_as` belongs
    to; None for a ticket sold as itself."""
    return _listed(sold_as, catalog) if sold_as != ticket_type else None


def _listed(code: str, catalog: Mapping[str, TicketType]) -> Package | None:
    package = catalog.get(code)
    if package is None or not package.is_package:
        return None
    return Package(package.name, package.price_fen, len(package.components))


def packages_paid(rows: Iterable[Any],
                  listed: Mapping[str, tuple[str, int]]) -> dict[str, Package]:
    """An order's packages at the price its visitor paid per set (what its components' shares
    add up to), from its ticket rows (`sold_as`, `ticket_type`, `price_fen`) and the packages'
    (name, tickets per set) by code: a reprint says what the sale said, even after the
    catalog price changed."""
    paid: dict[str, list[int]] = {}
    for row in rows:
        if row.sold_as != row.ticket_type:
            paid.setdefault(row.sold_as, []).append(row.price_fen)
    found = {}
    for code, prices in paid.items():
        if code in listed:
            name, size = listed[code]
            sets = max(len(prices) // max(size, 1), 1)
            found[code] = Package(name, sum(prices) // sets, size)
    return found


def ticket_payload(venue_name: str, name: str, visit_date: str, price_fen: int, order_no: str,
                   code: str, *, uses_total: int, number: int, count: int,
                   package: Package | None) -> dict[str, Any]:
    """The `ticket` print job's payload (a `TicketDoc` as a dict)."""
    extra = {} if package is None else {"package_name": package.name,
                                        "package_price_fen": package.price_fen,
                                        "package_size": package.size}
    doc = TicketDoc(venue_name, name, visit_date, price_fen, order_no, code,
                    uses_total=uses_total, number=number, count=count, **extra)
    return dict(vars(doc))  # to_dict() without asdict's deep copies: a sale makes many


def placed(payload: Mapping[str, Any], *, number: int, count: int,
           package: Package | None) -> dict[str, Any]:
    """An earlier ticket payload with its place in the order and its package filled in (a
    document queued before tickets carried them prints them when reprinted)."""
    out = {**TicketDoc.from_dict(dict(payload)).to_dict(), "number": number, "count": count}
    if package is not None and not out.get("package_name"):
        out.update(package_name=package.name, package_price_fen=package.price_fen,
                   package_size=package.size)
    return out

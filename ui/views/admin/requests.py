"""What the 管理 screen asks of the central store: workers run off the GUI thread (ui.tasks)
with the signed-in user's StoreClient (`ctx.store`) and touch no widget. Every write is the
store's (DESIGN.md §15); nothing here writes this window's database — the changes feed brings
the new catalog, stock and policy to every window."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication

from app.domain.errors import DomainError
from app.services.journal.op_changes import OpChanges
from ui.context import ClientContext

translate = QCoreApplication.translate
# an admin change lives on the store: the sync engine runs a round to fetch it at once
ADMIN_CHANGED = OpChanges(sync=True)


class NotConnected(DomainError):
    """No store to ask: the screen says so instead of failing."""

    code = "not_connected"

    def __init__(self) -> None:
        super().__init__(translate("AdminRequests", "Not connected to the central store: "
                                                    "administration is done there."))


def call(ctx: ClientContext, method: str, *args: Any, **kwargs: Any) -> Any:
    """`ctx.store.<method>(*args, **kwargs)`: one request to the store."""
    if ctx.store is None:
        raise NotConnected()
    return getattr(ctx.store, method)(*args, **kwargs)


@dataclass(frozen=True)
class Month:
    """A month of stock: the days, the ticket types that have stock (catalog order) and
    `stock[(day, code)] = {capacity, sold, held, available}`."""

    first: date
    days: tuple[date, ...]
    types: tuple[dict[str, Any], ...]
    stock: dict[tuple[date, str], dict[str, Any]]


def month_days(first: date) -> tuple[date, ...]:
    n = calendar.monthrange(first.year, first.month)[1]
    return tuple(first.replace(day=d) for d in range(1, n + 1))


def load_month(ctx: ClientContext, first: date) -> Month:
    """The catalog and one `GET /inventory?date=` per day of the month."""
    types = [t for t in call(ctx, "catalog") if not t.get("components")]
    stock: dict[tuple[date, str], dict[str, Any]] = {}
    days = month_days(first)
    for day in days:
        for item in call(ctx, "inventory", day.isoformat()).get("items", []):
            stock[(day, str(item["ticket_type"]))] = item
    known = {t["code"] for t in types}
    extra = sorted({code for _, code in stock} - known)  # stock of a type no longer on sale
    types += [{"code": code, "name": code, "kind": "regular"} for code in extra]
    return Month(first, days, tuple(types), stock)


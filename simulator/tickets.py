"""The tickets the simulator sold and may bring to a gate: unused ones of paid orders, and
the ones already through a gate (for duplicate scans). Plain bookkeeping, no I/O."""

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

MAX_REMEMBERED = 500  # redeemed tickets kept for duplicate scans


@dataclass
class SimTicket:
    code: str
    order_no: str
    visit_date: date
    sold_at: datetime
    redeemed_by: str | None = None  # the gate that let it through
    ticket_id: str | None = None  # for a window's refund op of it
    order_id: str | None = None
    price_fen: int = 0


class TicketPool:
    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self.fresh: list[SimTicket] = []
        self.used: list[SimTicket] = []

    def admit(self, order: Mapping[str, Any], now: datetime) -> int:
        """The tickets of a paid order (Order JSON) can now go through a gate."""
        day = date.fromisoformat(order["visit_date"])
        tickets = [SimTicket(t["code"], order["order_no"], day, now,
                             ticket_id=t.get("ticket_id"), order_id=order.get("order_id"),
                             price_fen=t.get("price_fen", 0))
                   for t in order.get("tickets", [])]
        self.fresh.extend(tickets)
        return len(tickets)

    def put_back(self, tickets: Iterable[SimTicket]) -> None:
        self.fresh.extend(t for t in tickets if t.redeemed_by is None)

    def take(self, today: date, n: int = 1) -> list[SimTicket]:
        """Up to `n` unused tickets for `today`, at random; tickets of past days are dropped."""
        self.fresh = [t for t in self.fresh if t.visit_date >= today]
        ready = [i for i, t in enumerate(self.fresh) if t.visit_date == today]
        picked = sorted(self._rng.sample(ready, min(n, len(ready))), reverse=True)
        return [self.fresh.pop(i) for i in picked]

    def redeemed(self, ticket: SimTicket, gate: str) -> None:
        if ticket.redeemed_by is None:
            ticket.redeemed_by = gate
            self.used.append(ticket)
            del self.used[:-MAX_REMEMBERED]

    def redeemed_on(self, today: date, gate: str | None = None) -> list[SimTicket]:
        """Tickets for `today` already through a gate (through `gate`, when given)."""
        return [t for t in self.used if t.visit_date == today
                and (gate is None or t.redeemed_by == gate)]

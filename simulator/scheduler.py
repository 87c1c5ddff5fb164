"""Delayed actions of the simulator (a visitor paying a minute later, a late or duplicate
callback), kept in order of due time and driven by the injected clock: nothing here sleeps
or reads the wall clock."""

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(order=True)
class Pending:
    due: datetime
    seq: int
    kind: str = field(compare=False)
    action: Callable[[], None] = field(compare=False, repr=False)


class Scheduler:
    """A min-heap of pending actions; `pop_due(now)` hands out those due, earliest first
    (ties in the order they were added)."""

    def __init__(self) -> None:
        self._heap: list[Pending] = []
        self._seq = itertools.count()

    def add(self, due: datetime, kind: str, action: Callable[[], None]) -> Pending:
        item = Pending(due, next(self._seq), kind, action)
        heapq.heappush(self._heap, item)
        return item

    def pop_due(self, now: datetime) -> list[Pending]:
        due: list[Pending] = []
        while self._heap and self._heap[0].due <= now:
            due.append(heapq.heappop(self._heap))
        return due

    def next_due(self) -> datetime | None:
        return self._heap[0].due if self._heap else None

    def kinds(self) -> dict[str, int]:
        """How many of each kind are still waiting."""
        counts: dict[str, int] = {}
        for item in self._heap:
            counts[item.kind] = counts.get(item.kind, 0) + 1
        return counts

    def __len__(self) -> int:
        return len(self._heap)

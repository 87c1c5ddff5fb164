"""`GET /reports/anomalies?from=&to=` (DESIGN.md §15): the anomalies of local days
`from`..`to`, by kind.

- `opened`: detected in the range (`detected_at`); `share_bp` = half_up(10000 × opened of
  the kind ÷ opened of all kinds); `still_open`: of those, how many are open now;
- `resolved` / `dismissed`: closed in the range (`resolved_at`) as fixed / as ignored;
- `median_minutes_to_resolve`: the median of (resolved_at − detected_at) over the kind's
  anomalies resolved in the range (an even count: the mean of the middle two), in minutes
  half-up to 0.1; null when none was resolved;
- `came_back`: anomalies opened in the range on an order that already had one of the same
  kind detected before it (any earlier time); `came_back_orders`: on how many orders.
  `came_back` at the top lists those orders and kinds: `{order_no, kind, times}` (times = how
  many of that kind the order has had up to the range's end), most first, at most
  `MAX_LISTED`.
Kinds are listed most opened first; a kind with nothing in the range is left out."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.anomalies import KINDS, AnomalyStatus
from app.domain.venue import Venue
from app.store.db import read_transaction
from app.store.models import Anomaly

from . import measures
from .periods import Period, date_range

MAX_LISTED = 100
OPEN, RESOLVED, DISMISSED = (str(AnomalyStatus.OPEN), str(AnomalyStatus.RESOLVED),
                              str(AnomalyStatus.DISMISSED))


@dataclass(frozen=True)
class Seen:
    anomaly_id: str
    kind: str
    order_id: str | None
    order_no: str | None
    status: str
    detected_at: datetime
    resolved_at: datetime | None


def median_minutes(spans: list[timedelta]) -> float | None:
    """The median span in minutes, half-up to 0.1 (see the module docstring)."""
    if not spans:
        return None
    seconds = sorted(Decimal(s.total_seconds()) for s in spans)
    mid = len(seconds) // 2
    median = seconds[mid] if len(seconds) % 2 else (seconds[mid - 1] + seconds[mid]) / 2
    return float((median / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def anomaly_report(session: Session, first: str | None, last: str | None, *,
                   venue: Venue) -> dict[str, Any]:
    """The anomaly analytics of the range (see the module docstring); ValidationError for a
    bad date, `from` after `to` or more than 366 days."""
    period = date_range(first, last, venue)
    with read_transaction(session):
        seen = _seen(session, period)
        history = _history(session, period)
    opened = [a for a in seen if a.detected_at in period]
    closed = [a for a in seen if a.resolved_at is not None and a.resolved_at in period]
    back = _came_back(opened, history)
    kinds = sorted({a.kind for a in seen},
                   key=lambda k: (-sum(a.kind == k for a in opened), k))
    return {
        "from": period.first.isoformat(), "to": period.last.isoformat(), "days": period.days,
        "opened": len(opened), "resolved": sum(a.status == RESOLVED for a in closed),
        "by_kind": [_kind(k, opened, closed, back) for k in kinds],
        "came_back": _listed(back, history),
    }


def _seen(session: Session, p: Period) -> list[Seen]:
    rows = session.execute(
        sa.select(Anomaly.anomaly_id, Anomaly.kind, Anomaly.order_id, Anomaly.order_no,
                  Anomaly.status, Anomaly.detected_at, Anomaly.resolved_at)
        .where(sa.or_(p.holds(Anomaly.detected_at), p.holds(Anomaly.resolved_at)))).all()
    return [Seen(*r) for r in rows]


def _history(session: Session, p: Period) -> dict[tuple[str, str], list[datetime]]:
    """(order_id, kind) → when each anomaly of that kind was detected on that order, up to
    the range's end, for the orders with an anomaly opened in the range."""
    orders = sa.select(Anomaly.order_id).where(p.holds(Anomaly.detected_at),
                                               Anomaly.order_id.is_not(None))
    rows = session.execute(
        sa.select(Anomaly.order_id, Anomaly.kind, Anomaly.detected_at)
        .where(Anomaly.order_id.in_(orders), Anomaly.detected_at < p.end)).all()
    out: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    for order_id, kind, at in rows:
        out[(order_id, kind)].append(at)
    return out


def _came_back(opened: list[Seen], history: dict[tuple[str, str], list[datetime]]
               ) -> list[Seen]:
    return [a for a in opened if a.order_id is not None
            and any(at < a.detected_at for at in history.get((a.order_id, a.kind), []))]


def _kind(kind: str, opened: list[Seen], closed: list[Seen], back: list[Seen]
          ) -> dict[str, Any]:
    mine = [a for a in opened if a.kind == kind]
    fixed = [a for a in closed if a.kind == kind and a.status == RESOLVED]
    again = [a for a in back if a.kind == kind]
    known = KINDS.get(kind)
    return {
        "kind": kind, "label": known.label_zh if known else kind,
        "category": str(known.category) if known else None,
        "opened": len(mine), "share_bp": measures.rate_bp(len(mine), len(opened)),
        "still_open": sum(a.status == OPEN for a in mine),
        "resolved": len(fixed),
        "dismissed": sum(a.kind == kind and a.status == DISMISSED for a in closed),
        "median_minutes_to_resolve": median_minutes(
            [a.resolved_at - a.detected_at for a in fixed if a.resolved_at]),
        "came_back": len(again), "came_back_orders": len({a.order_id for a in again}),
    }


def _listed(back: list[Seen], history: dict[tuple[str, str], list[datetime]]
            ) -> list[dict[str, Any]]:
    pairs = {(a.order_id, a.order_no, a.kind) for a in back}
    rows = [{"order_no": no, "kind": kind, "times": len(history[(oid, kind)])}
            for oid, no, kind in pairs if oid is not None]
    rows.sort(key=lambda r: (-r["times"], r["order_no"] or "", r["kind"]))
    return rows[:MAX_LISTED]

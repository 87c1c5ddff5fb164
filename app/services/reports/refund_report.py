"""`GET /reports/refunds?from=&to=` (DESIGN.md §15, seed 003): the refund requests made in
local days `from`..`to` (by `refunds.created_at`, the instant of the request).

- `requests`: every request; `by_status`: all of them by status (rejected ones too).
- The money views count the requests not rejected (`count`, `amount_fen` to pay back,
  `fee_fen` kept): `total`; `by_hour` (local hour of the request, 0–23, all days of the range
  added: the peaks); `by_rule` (the rule recorded, e.g. `tier_24h`, `force_majeure`,
  `override`, several joined by commas); `by_route` (the method the money goes back by:
  cash at a window, wechat/alipay by the original route, ota through the platform, voucher).
- `by_kind` (regular, special, pass, group): a request's amount and fee are split over its
  tickets in proportion to what was paid for each (`money.split_proportionally`), so the
  kinds add up to the total; `refunds` counts the requests touching the kind, `tickets` its
  tickets. A whole payment paid back (duplicate, no order, cancelled order) has no ticket:
  kind `payment`.
- `interventions`: where a person stepped in, with their reasons, most frequent first, over
  every request (rejected ones too): `overrides` (a fee set by hand: the override's reason),
  `approvals` (requests that waited for a supervisor or finance: why, from the holds the
  quote named — `HOLD_LABELS` — with how many were approved, rejected or still waiting) and
  `force_majeure` (the batch rule's label for the visit date)."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.money import split_proportionally
from app.domain.venue import Venue
from app.services.refunds.refund_rules import force_majeure_rules
from app.store.db import read_transaction
from app.store.models import Order, Refund, Ticket, TimelineEvent

from .periods import Period, date_range

REJECTED = "rejected"
WAITING = "awaiting_approval"
PAYMENT_KIND = "payment"
FORCE_MAJEURE = "force_majeure"
# A hold named by `refund_quotes.holds` → its short label (first marker found wins).
HOLD_LABELS = (
    ("超过订单剩余实付", "退款超过剩余实付"),
    ("今日已申请退票", "同一手机号当日多次退票"),
    ("超过 90 天", "订单超过 90 天"),
    ("团队票", "团队票 48 小时内退票"),
    ("手续费调整", "手续费调整"),
    ("双人审批", "达到双人审批金额"),
)
_NOT_A_HOLD = "已自动适用不可抗力"


@dataclass
class Tally:
    count: int = 0
    amount_fen: int = 0
    fee_fen: int = 0

    def add(self, amount: int, fee: int = 0, n: int = 1) -> None:
        self.count += n
        self.amount_fen += amount
        self.fee_fen += fee


@dataclass(frozen=True)
class Row:
    """One refund request as the report reads it."""

    refund_no: str
    order_no: str
    visit_date: Any
    hour: int
    status: str
    method: str
    rule: str
    amount_fen: int
    fee_fen: int
    ticket_ids: tuple[str, ...]
    reason: str
    override: Mapping[str, Any] = field(default_factory=dict)


def hold_label(text: str) -> str | None:
    """The short label of a hold sentence (None for the force-majeure note, which holds
    nothing); an unknown sentence is its own label."""
    if text.startswith(_NOT_A_HOLD):
        return None
    return next((label for marker, label in HOLD_LABELS if marker in text), text[:40])


def refund_report(session: Session, first: str | None, last: str | None, *,
                  venue: Venue) -> dict[str, Any]:
    """The refund analytics of the range (see the module docstring); ValidationError for a
    bad date, `from` after `to` or more than 366 days."""
    period = date_range(first, last, venue)
    with read_transaction(session):
        rows = _rows(session, period)
        tickets = _tickets(session, period)
        holds = _holds(session, period)
        labels = {r.visit_date: r.label for r in force_majeure_rules(session)}
    kept = [r for r in rows if r.status != REJECTED]
    return {
        "from": period.first.isoformat(), "to": period.last.isoformat(), "days": period.days,
        "requests": len(rows), "by_status": _table("status", _by(rows, lambda r: r.status)),
        "total": asdict(_sum(kept)),
        "by_hour": [{"hour": h} | asdict(t) for h, t in
                    sorted(_by(kept, lambda r: r.hour, range(24)).items())],
        "by_kind": _by_kind(kept, tickets),
        "by_rule": _table("rule", _by(kept, lambda r: r.rule)),
        "by_route": _table("route", _by(kept, lambda r: r.method)),
        "interventions": _interventions(rows, holds, labels),
    }


def _rows(session: Session, p: Period) -> list[Row]:
    found = session.execute(
        sa.select(Refund.refund_no, Order.order_no, Order.visit_date, Refund.created_at,
                  Refund.status, Refund.method, Refund.rule, Refund.amount_fen,
                  Refund.fee_fen, Refund.ticket_ids, Refund.reason, Refund.override)
        .join(Order, Order.order_id == Refund.order_id)
        .where(p.holds(Refund.created_at)).order_by(Refund.created_at, Refund.refund_no)).all()
    return [Row(no, order_no, visit, p.local_hour(at), status, method, rule or "", amount,
                fee, tuple(ids or ()), reason or "", override or {})
            for no, order_no, visit, at, status, method, rule, amount, fee, ids, reason,
            override in found]


def _tickets(session: Session, p: Period) -> dict[str, tuple[str, int]]:
    """ticket_id → (kind, price paid) for the tickets of the orders refunded in the range."""
    orders = sa.select(Refund.order_id).where(p.holds(Refund.created_at))
    rows = session.execute(sa.select(Ticket.ticket_id, Ticket.kind, Ticket.price_fen)
                           .where(Ticket.order_id.in_(orders))).all()
    return {tid: (kind, price) for tid, kind, price in rows}


def _holds(session: Session, p: Period) -> dict[str, list[str]]:
    """refund_no → the holds its request named (the `refund.requested` event, written at
    the instant of the request)."""
    rows = session.execute(sa.select(TimelineEvent.detail).where(
        TimelineEvent.action == "refund.requested", p.holds(TimelineEvent.at))).scalars()
    return {d.get("refund_no"): list(d.get("holds") or []) for d in rows if d}


def _sum(rows: Iterable[Row]) -> Tally:
    t = Tally()
    for r in rows:
        t.add(r.amount_fen, r.fee_fen)
    return t


def _by(rows: Iterable[Row], key: Any, keys: Iterable[Any] = ()) -> dict[Any, Tally]:
    out: dict[Any, Tally] = {k: Tally() for k in keys}
    for r in rows:
        out.setdefault(key(r), Tally()).add(r.amount_fen, r.fee_fen)
    return out


def _table(name: str, tallies: Mapping[str, Tally]) -> list[dict[str, Any]]:
    """Biggest amount first, then by name."""
    ordered = sorted(tallies.items(), key=lambda kv: (-kv[1].amount_fen, -kv[1].count, kv[0]))
    return [{name: k} | asdict(t) for k, t in ordered]


def _by_kind(rows: Iterable[Row], tickets: Mapping[str, tuple[str, int]]
             ) -> list[dict[str, Any]]:
    amounts: dict[str, Tally] = defaultdict(Tally)
    refunds: Counter[str] = Counter()
    for r in rows:
        mine = [tickets[t] for t in r.ticket_ids if t in tickets]
        if not mine:
            mine = [(PAYMENT_KIND, 0)]
        weights = [price for _, price in mine]
        for (kind, _), amount, fee in zip(mine, split_proportionally(r.amount_fen, weights),
                                          split_proportionally(r.fee_fen, weights), strict=True):
            amounts[kind].add(amount, fee)
        refunds.update({kind for kind, _ in mine})
    ordered = sorted(amounts.items(), key=lambda kv: (-kv[1].amount_fen, kv[0]))
    return [{"kind": k, "refunds": refunds[k], "tickets": t.count if k != PAYMENT_KIND else 0,
             "amount_fen": t.amount_fen, "fee_fen": t.fee_fen} for k, t in ordered]


def _reasons(pairs: Iterable[tuple[str, int]]) -> list[dict[str, Any]]:
    """[{reason, count, amount_fen}], most frequent first."""
    per: dict[str, Tally] = defaultdict(Tally)
    for reason, amount in pairs:
        per[reason].add(amount)
    ordered = sorted(per.items(), key=lambda kv: (-kv[1].count, -kv[1].amount_fen, kv[0]))
    return [{"reason": k, "count": t.count, "amount_fen": t.amount_fen} for k, t in ordered]


def _group(rows: list[Row], reasons: list[tuple[str, int]]) -> dict[str, Any]:
    return {"count": len(rows), "amount_fen": sum(r.amount_fen for r in rows),
            "reasons": _reasons(reasons)}


def _interventions(rows: list[Row], holds: Mapping[str, list[str]],
                   labels: Mapping[Any, str]) -> dict[str, Any]:
    overrides = [r for r in rows if "fee_bp" in r.override]
    approvals = [r for r in rows if r.override.get("approvals_required")]
    majeure = [r for r in rows if FORCE_MAJEURE in r.rule.split(",")]
    why = [(label, r.amount_fen) for r in approvals
           for label in dict.fromkeys(hold_label(h) for h in holds.get(r.refund_no, []))
           if label is not None]
    return {
        "overrides": _group(overrides, [(str(r.override.get("reason") or "未说明"),
                                         r.amount_fen) for r in overrides]),
        "approvals": _group(approvals, why) | {
            "approved": sum(r.status not in (WAITING, REJECTED) for r in approvals),
            "rejected": sum(r.status == REJECTED for r in approvals),
            "waiting": sum(r.status == WAITING for r in approvals)},
        "force_majeure": _group(majeure, [(labels.get(r.visit_date, "不可抗力"), r.amount_fen)
                                          for r in majeure]),
    }

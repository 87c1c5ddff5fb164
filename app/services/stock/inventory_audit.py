"""The inventory half of the anomaly sweep (DESIGN.md §4, §6): stock rows compared with the
tickets that should be counted in them.

Every sale writes its tickets and its units in one transaction (window sale, channel order,
pushed window sale: free capacity or a lease → `sold`, nothing left → `oversold`); an expired
unpaid order voids its tickets and takes its units out of `sold`; a refund takes them out
when it settles on or before the visit date. So for each (ticket_type, visit_date) row:

    sold + oversold = live tickets + refunded tickets settled after the visit date

where a live ticket is `valid`, `redeeming`, `redeemed` or `refunding`, of an order not
cancelled (unpaid orders count too: their units were taken when they were placed).

- `sold + oversold < live` → units are missing: `paid_inventory_not_deducted`. Which ones
  cannot be read from counts, so the rule is the order of arrival: units are counted as
  sales come in, the newest `deficit` live tickets (by order `created_at`, order_id,
  position) are the ones not counted; each PAID order among them gets one anomaly per
  ticket type (key `paid_inventory_not_deducted:{order_id}:{ticket_type}`). (A late refund
  keeps a unit in `sold`, which can only hide a deficit, never invent one.)
- `sold + oversold > live` and the row has refunded tickets → each refunded ticket is
  matched to its refund: refunded after the visit date (the refund's `created_at`, venue
  local date, later than the visit date) keeps its unit legitimately; what is left over
  are units of tickets refunded in time that were not given back:
  `refund_inventory_not_restored`, one per ticket (key
  `refund_inventory_not_restored:{ticket_id}`), those settled after the visit date first (a
  refund requested on time but completed or synced after the date: the settling code kept
  the unit), then the most recent.

Only rows with a visit date from `LOOKBACK_DAYS` (7) before today on are compared: that is
where stock still sells and where late syncs land; older rows are settled history. Dates
without a stock row are skipped (a pushed sale for such a date already raised `oversold`).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.domain.ids import CHANNEL_LABELS_ZH
from app.domain.lifecycle import PaymentState, TicketState
from app.domain.money import format_fen
from app.domain.venue import Venue
from app.services.journal.anomaly_log import open_anomaly
from app.services.journal.order_state import lock_order
from app.store.db import read_transaction
from app.store.models import Anomaly, Inventory, Order, Refund, Ticket, TicketTypeRow

LOOKBACK_DAYS = 7
LIVE = (str(TicketState.VALID), str(TicketState.REDEEMING), str(TicketState.REDEEMED),
        str(TicketState.REFUNDING))
REFUNDED = str(TicketState.REFUNDED)


@dataclass(frozen=True)
class Row:
    """One stock row and the tickets that should be in it."""

    ticket_type: str
    visit_date: date
    sold: int
    oversold: int
    live: int
    refunded: int

    @property
    def counted(self) -> int:
        return self.sold + self.oversold


def audit(session: Session, *, now: datetime, venue: Venue) -> Counter[str]:
    """Open the inventory anomalies of the rows that do not add up; how many per kind."""
    start = venue.local_date(now) - timedelta(days=LOOKBACK_DAYS)
    with read_transaction(session):
        no_jit(session)
        rows = mismatched_rows(session, start)
        flagged = _flagged(session) if rows else Counter()
        names = dict(session.execute(sa.select(TicketTypeRow.code, TicketTypeRow.name)).all())
    opened: Counter[str] = Counter()
    for row in rows:
        name = names.get(row.ticket_type, row.ticket_type)
        if flagged[row.ticket_type, row.visit_date.isoformat()] >= abs(row.live - row.counted):
            continue  # open anomalies already account for every unit: nothing to look up
        if row.live > row.counted:
            opened["paid_inventory_not_deducted"] += _not_deducted(session, row, name, now,
                                                                   venue)
        elif row.refunded:
            opened["refund_inventory_not_restored"] += _not_restored(session, row, name, now,
                                                                     venue)
    return opened


def no_jit(session: Session) -> None:
    """PostgreSQL compiles a big plan (JIT) for 100-300 ms on every run of a sweep query that
    itself takes a few hundred: not worth it for a query run every 30 s. This transaction only."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL jit = off"))


def mismatched_rows(session: Session, start: date, until: date | None = None) -> list[Row]:
    """Stock rows from `start` on (to `until`, when given) whose `sold + oversold` differs
    from their live tickets, in one statement (one snapshot: a sale's tickets and units are
    seen together)."""
    o, t, inv = Order.__table__, Ticket.__table__, Inventory.__table__
    counts = (
        sa.select(t.c.ticket_type, o.c.visit_date,
                  sa.func.sum(sa.case((t.c.status.in_(LIVE), 1), else_=0)).label("live"),
                  sa.func.sum(sa.case((t.c.status == REFUNDED, 1), else_=0)).label("refunded"))
        .select_from(o.join(t, t.c.order_id == o.c.order_id))
        .where(o.c.visit_date >= start, o.c.visit_date <= (until or date.max),
               o.c.cancelled.is_(False))
        .group_by(t.c.ticket_type, o.c.visit_date).subquery())
    live = sa.func.coalesce(counts.c.live, 0)
    rows = session.execute(
        sa.select(inv.c.ticket_type, inv.c.visit_date, inv.c.sold, inv.c.oversold, live,
                  sa.func.coalesce(counts.c.refunded, 0))
        .select_from(inv.outerjoin(counts, sa.and_(counts.c.ticket_type == inv.c.ticket_type,
                                                   counts.c.visit_date == inv.c.visit_date)))
        .where(inv.c.visit_date >= start, inv.c.visit_date <= (until or date.max),
               inv.c.sold + inv.c.oversold != live)
        .order_by(inv.c.visit_date, inv.c.ticket_type)).all()
    return [Row(r[0], r[1], r[2], r[3], int(r[4]), int(r[5])) for r in rows]


def _flagged(session: Session) -> Counter[tuple[str, str]]:
    """Units per (ticket_type, visit_date ISO) that open inventory anomalies already name."""
    ev = Anomaly.evidence
    units = sa.case((Anomaly.kind == "paid_inventory_not_deducted", ev["units"].as_string()),
                    else_="1")
    out: Counter[tuple[str, str]] = Counter()
    for code, day, n in session.execute(
            sa.select(ev["ticket_type"].as_string(), ev["visit_date"].as_string(), units)
            .where(Anomaly.status == "open", Anomaly.kind.in_(
                ("paid_inventory_not_deducted", "refund_inventory_not_restored")))):
        out[code, day] += int(n or 1)
    return out


def _local(venue: Venue, at: datetime) -> str:
    return venue.local(at).strftime("%Y-%m-%d %H:%M")


def _taken(session: Session, keys: list[str]) -> set[str]:
    return set(session.execute(sa.select(Anomaly.dedupe_key)
                               .where(Anomaly.dedupe_key.in_(keys))).scalars()) if keys else set()


# ---- paid_inventory_not_deducted ------------------------------------------------------------

def _newest_live(session: Session, row: Row, n: int) -> list[Any]:
    return list(session.execute(
        sa.select(Order.order_id, Ticket.ticket_id, Ticket.price_fen)
        .join(Ticket, Ticket.order_id == Order.order_id)
        .where(Order.visit_date == row.visit_date, Order.cancelled.is_(False),
               Ticket.ticket_type == row.ticket_type, Ticket.status.in_(LIVE))
        .order_by(Order.created_at.desc(), Order.order_id.desc(), Ticket.position.desc())
        .limit(n)).all())


def _not_deducted(session: Session, row: Row, name: str, now: datetime, venue: Venue) -> int:
    deficit = row.live - row.counted
    with read_transaction(session):
        tickets = _newest_live(session, row, deficit)
        by_order: dict[str, list[Any]] = defaultdict(list)
        for order_id, ticket_id, price in tickets:
            by_order[order_id].append((ticket_id, price))
        keys = {oid: f"paid_inventory_not_deducted:{oid}:{row.ticket_type}" for oid in by_order}
        taken = _taken(session, list(keys.values()))
    opened = 0
    for order_id, units in by_order.items():
        if keys[order_id] in taken:
            continue
        with session.begin():
            order = lock_order(session, order_id=order_id)
            if order is None or order.payment_state != PaymentState.PAID or order.cancelled:
                continue
            reason = (
                f"订单 {order.order_no}（{CHANNEL_LABELS_ZH.get(order.channel, order.channel)}，{_local(venue, order.created_at)} 下单，"
                f"已支付 {format_fen(order.paid_fen)}）的{name} {len(units)} 张未计入已售库存："
                f"{row.visit_date:%Y-%m-%d} 的{name}有效票 {row.live} 张，库存只记已售 "
                f"{row.sold} 张、超售 {row.oversold} 张，少计 {deficit} 张（按下单先后，"
                f"最新的 {deficit} 张视为未扣减）")
            evidence = {"order_no": order.order_no, "ticket_type": row.ticket_type,
                        "visit_date": row.visit_date.isoformat(), "units": len(units),
                        "ticket_ids": [tid for tid, _ in units], "live": row.live,
                        "sold": row.sold, "oversold": row.oversold, "deficit": deficit,
                        "amount_fen": sum(p for _, p in units)}
            if open_anomaly(session, "paid_inventory_not_deducted", order_id=order_id,
                            reason=reason, evidence=evidence, amount_fen=evidence["amount_fen"],
                            now=now, dedupe_key=keys[order_id]):
                opened += 1
    return opened


# ---- refund_inventory_not_restored -----------------------------------------------------------

@dataclass(frozen=True)
class RefundedTicket:
    ticket_id: str
    code: str
    order_id: str
    price_fen: int
    refund_no: str | None
    requested_at: datetime  # the refund's created_at (when the visitor asked)
    settled_at: datetime  # when the ticket became refunded here


def refunded_tickets(session: Session, row: Row) -> list[RefundedTicket]:
    """The refunded tickets of the row, each with the refund that settled it (the latest
    succeeded refund naming it: when it was asked for, when it was settled)."""
    tickets = session.execute(
        sa.select(Ticket.ticket_id, Ticket.code, Ticket.order_id, Ticket.price_fen,
                  Ticket.updated_at)
        .join(Order, Order.order_id == Ticket.order_id)
        .where(Order.visit_date == row.visit_date, Order.cancelled.is_(False),
               Ticket.ticket_type == row.ticket_type, Ticket.status == REFUNDED)).all()
    order_ids = sorted({t.order_id for t in tickets})
    refund_of: dict[str, Refund] = {}
    for refund in session.execute(sa.select(Refund).where(
            Refund.order_id.in_(order_ids), Refund.status == "succeeded")
            .order_by(Refund.created_at)).scalars():
        for tid in refund.ticket_ids or []:
            refund_of[str(tid)] = refund  # the latest refund naming the ticket
    out = []
    for t in tickets:
        r = refund_of.get(t.ticket_id)
        out.append(RefundedTicket(t.ticket_id, t.code, t.order_id, t.price_fen,
                                  r.refund_no if r else None,
                                  r.created_at if r else t.updated_at, t.updated_at))
    return out


def _not_restored(session: Session, row: Row, name: str, now: datetime, venue: Venue) -> int:
    with read_transaction(session):
        refunded = refunded_tickets(session, row)
        late = [t for t in refunded if venue.local_date(t.requested_at) > row.visit_date]
        surplus = row.counted - row.live - len(late)
        in_time = [t for t in refunded if venue.local_date(t.requested_at) <= row.visit_date]
        in_time.sort(key=lambda t: (venue.local_date(t.settled_at) <= row.visit_date,
                                    -t.settled_at.timestamp(), t.ticket_id))
        suspects = in_time[:max(surplus, 0)]
        keys = {t.ticket_id: f"refund_inventory_not_restored:{t.ticket_id}" for t in suspects}
        taken = _taken(session, list(keys.values()))
    opened = 0
    for t in suspects:
        if keys[t.ticket_id] in taken:
            continue
        with session.begin():
            order = lock_order(session, order_id=t.order_id)
            if order is None:
                continue
            settled_late = venue.local_date(t.settled_at) > row.visit_date
            reason = (
                f"票 {t.code}（订单 {order.order_no}，{name}，游玩日期 {row.visit_date:%Y-%m-%d}）"
                f"于 {_local(venue, t.requested_at)} 退票（退款 {t.refund_no or '未知'}），"
                f"当时游玩日期未过，库存却未回补：该日{name}有效票 {row.live} 张，"
                f"已售仍记 {row.sold} 张、超售 {row.oversold} 张，多计 {surplus} 张"
                + (f"；退票到 {_local(venue, t.settled_at)} 才完成或同步到中心库，已过游玩日期，"
                   "所以当时没有回补" if settled_late else ""))
            evidence = {"ticket_id": t.ticket_id, "code": t.code, "order_no": order.order_no,
                        "refund_no": t.refund_no, "ticket_type": row.ticket_type,
                        "visit_date": row.visit_date.isoformat(),
                        "refunded_at": t.requested_at.isoformat(),
                        "settled_at": t.settled_at.isoformat(), "live": row.live,
                        "sold": row.sold, "oversold": row.oversold, "surplus": surplus,
                        "amount_fen": t.price_fen}
            if open_anomaly(session, "refund_inventory_not_restored", order_id=t.order_id,
                            reason=reason, evidence=evidence, amount_fen=t.price_fen, now=now,
                            dedupe_key=keys[t.ticket_id]):
                opened += 1
    return opened

"""The store's anomaly sweep (every 30 s) over 1,000,000 orders on PostgreSQL.

Bulk-loaded with `generate_series` (no HTTP, no ORM): a year of orders plus 30 days ahead,
1-2 tickets and a payment each, stock rows that add up; then a few hundred broken on purpose — orders left
paying, refunds left waiting for approval, stock rows missing units, refunds whose units were
not given back. Measured, medians of several runs in the same database:

- `first_sweep_s`: the sweep that finds and opens every broken case (one transaction each);
- `steady_sweep_s`: the sweeps after it (nothing new: what the store pays every 30 s) — the
  number to watch, aim under 2 s;
- `baseline_count_s`: a plain `SELECT count(*) FROM orders`, for scale.

    python -m bench.anomaly_sweep [ORDERS]
"""

import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.domain.venue import Venue
from app.services.admin import seeding
from app.services.anomalies import anomaly_sweep
from app.store.db import Database

from .live_store import pg_database

ORDERS = 1_000_000
PAST_DAYS, AHEAD_DAYS = 365, 30
BROKEN = {"paying": 150, "waiting_refund": 100, "not_deducted": 60, "not_restored": 60}
RUNS = 5
AIM_S = 2.0

_ORDERS_SQL = """
INSERT INTO orders (order_id, order_no, channel, visit_date, status, payment_state, cancelled,
    total_fen, paid_fen, refunded_fen, receipt_reprint_count, created_at, updated_at, version,
    terminal, clerk, customer_name, customer_phone)
SELECT md5('o' || i)::uuid::text, 'B-' || lpad(i::text, 8, '0'),
       (ARRAY['window','miniprogram','website','ota_ctrip','ota_meituan'])[1 + i % 5],
       d.day, 'paid', 'paid', false, t.total, t.total, 0, 0, d.day::timestamp AT TIME ZONE
       'Asia/Shanghai' - interval '20 hours' + (i % 600) * interval '1 minute',
       now(), 1, CASE WHEN i % 5 = 0 THEN '01' END, CASE WHEN i % 5 = 0 THEN 'clerk1' END,
       '游客' || (i % 1000), '138' || lpad((i % 100000000)::text, 8, '0')
FROM generate_series(1, :n) AS i,
     LATERAL (SELECT :first + (i % :days) AS day) AS d,
     LATERAL (SELECT CASE WHEN i % 3 = 0 THEN 15000 ELSE 10000 END AS total) AS t
"""
_PAYMENTS_SQL = """
INSERT INTO payments (payment_id, payment_no, order_id, method, amount_fen, tendered_fen,
    change_fen, status, at)
SELECT md5('p' || i)::uuid::text, 'B-' || lpad(i::text, 8, '0') || '-P1',
       md5('o' || i)::uuid::text, CASE WHEN i % 5 = 0 THEN 'cash' ELSE 'wechat' END,
       t.total, t.total, 0, 'succeeded', now()
FROM generate_series(1, :n) AS i,
     LATERAL (SELECT CASE WHEN i % 3 = 0 THEN 15000 ELSE 10000 END AS total) AS t
"""
# Ticket 1 of every order is an ADULT; every third order also has a CHILD. Past days: most
# redeemed, a few refunded; today on: valid.
_TICKETS_SQL = """
INSERT INTO tickets (ticket_id, order_id, position, code, ticket_type, sold_as, name, kind,
    price_fen, list_price_fen, status, uses_total, uses_left, reprint_count, updated_at,
    version)
SELECT md5('t' || i || '-' || p)::uuid::text, md5('o' || i)::uuid::text, p,
       'MP1-' || upper(substr(md5('c' || i || '-' || p), 1, 26)),
       CASE p WHEN 1 THEN 'ADULT' ELSE 'CHILD' END, CASE p WHEN 1 THEN 'ADULT' ELSE 'CHILD' END,
       CASE p WHEN 1 THEN '成人票' ELSE '儿童票' END, 'regular',
       CASE p WHEN 1 THEN 10000 ELSE 5000 END, CASE p WHEN 1 THEN 10000 ELSE 5000 END,
       CASE WHEN :first + (i % :days) >= :today THEN 'valid'
            WHEN i % 50 = 7 THEN 'refunded' ELSE 'redeemed' END,
       1, CASE WHEN :first + (i % :days) >= :today THEN 1 ELSE 0 END, 0, now(), 1
FROM generate_series(1, :n) AS i, generate_series(1, 2) AS p
WHERE p = 1 OR i % 3 = 0
"""
# Stock that adds up: sold = the live tickets of each type and day.
_STOCK_SQL = """
UPDATE inventory i SET sold = c.live, capacity = greatest(i.capacity, c.live)
FROM (SELECT t.ticket_type, o.visit_date,
             count(*) FILTER (WHERE t.status IN ('valid','redeeming','redeemed','refunding')) AS live
      FROM orders o JOIN tickets t ON t.order_id = o.order_id
      GROUP BY 1, 2) c
WHERE c.ticket_type = i.ticket_type AND c.visit_date = i.visit_date
"""


def _load(db: Database, n: int, now: datetime, venue: Venue) -> None:
    today = venue.local_date(now)
    first = today - timedelta(days=PAST_DAYS)
    seeding.seed_catalog(db.session(), now=now, venue=venue, days=AHEAD_DAYS)
    with db.session() as s, s.begin():  # stock rows for the past year too
        seeding._seed_inventory(s, now - timedelta(days=PAST_DAYS), venue, PAST_DAYS, 1000)  # noqa: SLF001
    params = {"n": n, "first": first, "days": PAST_DAYS + AHEAD_DAYS, "today": today}
    with db.engine.begin() as conn:
        conn.execute(sa.text(_ORDERS_SQL), params)
        conn.execute(sa.text(_PAYMENTS_SQL), params)
        conn.execute(sa.text(_TICKETS_SQL), params)
        conn.execute(sa.text(_STOCK_SQL))
    _break(db, n, now, today, first)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))


def _break(db: Database, n: int, now: datetime, today, first) -> None:
    """A few hundred broken cases among the orders from today on (ids spread out)."""
    ahead = [i for i in range(1, n + 1, 7) if first + timedelta(days=i % (PAST_DAYS + AHEAD_DAYS))
             >= today][:sum(BROKEN.values())]
    groups, at = {}, 0
    for name, k in BROKEN.items():
        groups[name], at = ahead[at:at + k], at + k
    hour_ago = now - timedelta(hours=1)
    with db.engine.begin() as conn:
        oid = "md5('o' || :i)::uuid::text"
        for i in groups["paying"]:
            conn.execute(sa.text(f"UPDATE orders SET payment_state = 'started', status = 'paying',"
                                 f" paid_fen = 0, updated_at = :at WHERE order_id = {oid}"),
                         {"i": i, "at": hour_ago})
            conn.execute(sa.text(
                "UPDATE payments SET status = 'started', method = 'wechat', provider = 'wechat',"
                " provider_txn_id = 'WXB' || :i, at = :at "
                "WHERE payment_id = md5('p' || :i)::uuid::text"), {"i": i, "at": hour_ago})
        for i in groups["waiting_refund"] + groups["not_restored"]:
            waiting = i in groups["waiting_refund"]
            conn.execute(sa.text(
                "INSERT INTO refunds (refund_id, refund_no, order_id, ticket_ids, method, status,"
                " amount_fen, fee_fen, payment_fee_fen, approvals, attempts, created_at, "
                f"updated_at, version, override) VALUES (md5('r' || :i)::uuid::text, "
                f"'B-R' || :i, {oid}, jsonb_build_array(md5('t' || :i || '-1')::uuid::text), "
                "'cash', :status, 10000, 0, 0, '[]', 0, :at, :at, 1, :override)"),
                {"i": i, "at": hour_ago, "status": "awaiting_approval" if waiting else "succeeded",
                 "override": '{"approvals_required": ["supervisor"]}' if waiting else None})
            conn.execute(sa.text(
                "UPDATE tickets SET status = :s, updated_at = :at WHERE ticket_id = "
                "md5('t' || :i || '-1')::uuid::text"),
                {"i": i, "at": hour_ago, "s": "refunding" if waiting else "refunded"})
        for i in groups["not_deducted"]:  # a CHILD unit lost (refunds above are ADULT)
            conn.execute(sa.text(
                "UPDATE inventory SET sold = sold - 1 WHERE ticket_type = 'CHILD' AND "
                f"visit_date = (SELECT visit_date FROM orders WHERE order_id = {oid})"), {"i": i})


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(n: int = ORDERS) -> dict:
    venue = Venue()
    now = datetime.now(UTC)
    with pg_database() as url:
        db = Database.open(url)
        start = time.perf_counter()
        _load(db, n, now, venue)
        load_s = time.perf_counter() - start
        opened: Counter[str] = Counter()

        def sweep() -> None:
            opened.update(anomaly_sweep.sweep_anomalies(db.session(), now=now,
                                                        venue=venue).opened)

        first = _timed(sweep)
        steady = [_timed(sweep) for _ in range(RUNS)]

        def count() -> None:
            with db.engine.connect() as conn:
                conn.execute(sa.text("SELECT count(*) FROM orders")).scalar_one()

        baseline = [_timed(count) for _ in range(RUNS)]
        db.dispose()
    result = {"orders": n, "load_s": round(load_s, 1), "opened": dict(opened),
              "first_sweep_s": round(first, 3),
              "steady_sweep_s": round(statistics.median(steady), 3),
              "baseline_count_s": round(statistics.median(baseline), 3), "aim_s": AIM_S}
    print(f"anomaly sweep over {n} orders on PostgreSQL (loaded in {load_s:.0f} s)")
    print(f"  first sweep (opens {sum(opened.values())}): {first:7.3f} s  {dict(opened)}")
    print(f"  steady sweep (median of {RUNS}):   {result['steady_sweep_s']:7.3f} s  "
          f"(aim < {AIM_S} s)")
    print(f"  baseline SELECT count(*) orders:  {result['baseline_count_s']:7.3f} s")
    return result


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else ORDERS)

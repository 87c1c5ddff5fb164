"""A PostgreSQL store of 1,000,000 orders for the search and report benchmarks, bulk-loaded
with `INSERT … SELECT generate_series` (no HTTP, no ORM) and made once per process: the
benches of one run share it (`seeded(n)`); it is dropped when the process ends.

What it holds (i = 1..n):
- orders over the past year and today (≈ n − `CLOSE_DAY_ORDERS` spread evenly, 08:00–18:00
  local), plus `CLOSE_DAY_ORDERS` more on yesterday — the day close's busy day;
- six channels (window 40 %, at windows 01–04), the eight statuses (55 % redeemed, 25 % paid,
  5 % refunded, …), visit dates 0–2 days after the order;
- Chinese customer names (30 surnames × 55 given-name characters, one or two of them: about
  92,000 different names) and mobile phones of ~700,000 customers (some buy again);
- 1–2 tickets per order with real-looking codes; a payment per paid order (cash / wechat /
  alipay at windows, wechat on the mini-program, alipay on the website, ota, voucher); a
  succeeded refund per refunded order; an open anomaly on every 331st order; an admission
  event per redeemed ticket of the last week;
- on the close day: shifts at windows 01–04 (window 04's second shift still open) and the
  provider settlement lines of 97 % of its wechat / alipay / OTA payments.
"""

import atexit
import os
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import psycopg
import sqlalchemy as sa

from app.domain.venue import Venue
from app.services.admin import seeding
from app.store.db import Database

from .live_store import PG_ADMIN, PG_BASE

ORDERS = 1_000_000
CLOSE_DAY_ORDERS = 50_000
PAST_DAYS = 365
PREFIX = os.environ.get("MENPIAO_BENCH_DB_PREFIX", "menpiao_bench_")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力志宇浩然子涵欣怡晓梓轩雨婷俊佳琪思博一诺嘉睿"


@dataclass(frozen=True)
class Seeded:
    db: Database
    orders: int
    today: date
    close_day: date
    now: datetime
    venue: Venue
    load_s: float


_ORDERS_SQL = """
INSERT INTO orders (order_id, order_no, channel, external_id, terminal, clerk, visit_date,
    status, payment_state, cancelled, total_fen, paid_fen, refunded_fen, customer_name,
    customer_phone, receipt_reprint_count, created_at, updated_at, version, event_count)
SELECT md5('o' || i)::uuid::text,
       (ARRAY['W','MP','WEB','CTRIP','MEITUAN','AGY'])[c.k] || '-' || to_char(d.day, 'YYYYMMDD')
           || '-' || lpad(i::text, 7, '0'),
       (ARRAY['window','miniprogram','website','ota_ctrip','ota_meituan','agency'])[c.k],
       CASE WHEN c.k > 1 THEN 'X' || i END,
       CASE WHEN c.k = 1 THEN '0' || (1 + i % 4) END,
       CASE WHEN c.k = 1 THEN 'clerk' || (1 + i % 4) END,
       d.day + (i % 3), s.status,
       CASE WHEN s.status IN ('pending_payment', 'cancelled') THEN 'none'
            WHEN s.status = 'paying' THEN 'started' ELSE 'paid' END,
       s.status = 'cancelled', t.total,
       CASE WHEN s.status IN ('pending_payment', 'cancelled', 'paying') THEN 0 ELSE t.total END,
       CASE WHEN s.status = 'refunded' THEN t.total ELSE 0 END,
       substr(:surnames, 1 + i % 30, 1) || substr(:given, 1 + (i / 30) % 55, 1)
           || CASE WHEN i % 3 = 0 THEN '' ELSE substr(:given, 1 + (i / 1650) % 55, 1) END,
       '13' || lpad((((i::bigint * 7919) % 700000) * 1237 % 1000000000)::text, 9, '0'),
       0, d.at, d.at, 1, 1
FROM generate_series(1, :n) AS i,
     LATERAL (SELECT CASE WHEN i > :spread THEN :close_day
                          ELSE :today - (i % (:past + 1)) END AS day) AS d0,
     LATERAL (SELECT d0.day, (CAST(d0.day AS timestamp) + interval '8 hours'
                  + ((i::bigint * 37) % 36000) * interval '1 second') AT TIME ZONE :tz AS at) AS d,
     LATERAL (SELECT CASE WHEN i % 20 < 8 THEN 1 WHEN i % 20 < 11 THEN 2 WHEN i % 20 < 13
                          THEN 3 WHEN i % 20 < 16 THEN 4 WHEN i % 20 < 19 THEN 5 ELSE 6 END
                  AS k) AS c,
     LATERAL (SELECT CASE WHEN (i * 13) % 100 < 55 THEN 'redeemed' WHEN (i * 13) % 100 < 80
                          THEN 'paid' WHEN (i * 13) % 100 < 85 THEN 'refunded'
                          WHEN (i * 13) % 100 < 88 THEN 'cancelled'
                          WHEN (i * 13) % 100 < 90 THEN 'pending_payment'
                          WHEN (i * 13) % 100 < 91 THEN 'paying'
                          WHEN (i * 13) % 100 < 92 THEN 'refunding' ELSE 'paid' END
                  AS status) AS s,
     LATERAL (SELECT CASE WHEN i % 3 = 0 THEN 15000 ELSE 10000 END AS total) AS t
"""
_TICKETS_SQL = """
INSERT INTO tickets (ticket_id, order_id, position, code, ticket_type, sold_as, name, kind,
    price_fen, list_price_fen, status, uses_total, uses_left, reprint_count, updated_at,
    version)
SELECT md5('t' || o.i || '-' || p)::uuid::text, o.order_id, p,
       'MP1-' || translate(upper(substr(md5('c' || o.i || '-' || p), 1, 26)), '0189', 'WXYZ'),
       CASE p WHEN 1 THEN 'ADULT' ELSE 'CHILD' END, CASE p WHEN 1 THEN 'ADULT' ELSE 'CHILD' END,
       CASE p WHEN 1 THEN '成人票' ELSE '儿童票' END, 'regular',
       CASE p WHEN 1 THEN 10000 ELSE 5000 END, CASE p WHEN 1 THEN 10000 ELSE 5000 END,
       CASE o.status WHEN 'redeemed' THEN 'redeemed' WHEN 'refunded' THEN 'refunded'
                     WHEN 'refunding' THEN 'refunding' ELSE 'valid' END,
       1, CASE WHEN o.status IN ('redeemed', 'refunded') THEN 0 ELSE 1 END, 0, o.created_at, 1
FROM (SELECT substr(order_no, length(order_no) - 6)::int AS i, * FROM orders) AS o,
     generate_series(1, 2) AS p
WHERE p = 1 OR o.i % 3 = 0
"""
_PAYMENTS_SQL = """
INSERT INTO payments (payment_id, payment_no, order_id, method, amount_fen, tendered_fen,
    change_fen, status, provider, provider_txn_id, at)
SELECT md5('p' || o.order_id)::uuid::text, o.order_no || '-P1', o.order_id, m.method,
       o.total_fen, o.total_fen, 0, CASE WHEN o.status = 'refunded' THEN 'refunded'
       ELSE 'succeeded' END, CASE WHEN m.method IN ('wechat', 'alipay', 'ota')
       THEN m.method END, CASE WHEN m.method IN ('wechat', 'alipay', 'ota')
       THEN 'T' || o.order_no END, o.created_at + interval '1 minute'
FROM orders o, LATERAL (SELECT CASE o.channel
        WHEN 'window' THEN (ARRAY['cash','wechat','alipay'])[1 + abs(hashtext(o.order_id)) % 3]
        WHEN 'miniprogram' THEN 'wechat' WHEN 'website' THEN 'alipay' WHEN 'agency' THEN 'voucher'
        ELSE 'ota' END AS method) AS m
WHERE o.payment_state = 'paid'
"""
_REFUNDS_SQL = """
INSERT INTO refunds (refund_id, refund_no, order_id, ticket_ids, method, status, amount_fen,
    fee_fen, payment_fee_fen, approvals, attempts, created_at, updated_at, version,
    paid_out_terminal, paid_out_at)
SELECT md5('r' || o.order_id)::uuid::text, o.order_no || '-R1', o.order_id, '[]', p.method,
       'succeeded', o.total_fen, 0, 0, '[]', 1, o.created_at + interval '1 hour',
       o.created_at + interval '1 hour', 1,
       CASE WHEN p.method = 'cash' THEN o.terminal END,
       CASE WHEN p.method = 'cash' THEN o.created_at + interval '1 hour' END
FROM orders o JOIN payments p ON p.order_id = o.order_id
WHERE o.status = 'refunded'
"""
_ANOMALIES_SQL = """
INSERT INTO anomalies (anomaly_id, kind, category, order_id, order_no, dedupe_key, reason,
    evidence, priority, status, fixes, detected_at, version)
SELECT md5('a' || order_id)::uuid::text, 'payment_unconfirmed', 'payment', order_id, order_no,
       'bench:' || order_id, '支付结果未确认', '{}', 1, 'open', '[]',
       created_at + interval '5 minutes', 1
FROM orders WHERE abs(hashtext(order_id)) % 331 = 0
"""
_ENTRIES_SQL = """
INSERT INTO timeline_events (order_id, seq, at, actor, action, detail, source, prev_hash, hash)
SELECT t.order_id, 1 + t.position, o.created_at + interval '2 hours', 'gate-01',
       'ticket.redeemed', jsonb_build_object('ticket_id', t.ticket_id), 'gate', '', ''
FROM tickets t JOIN orders o ON o.order_id = t.order_id
WHERE t.status = 'redeemed' AND o.created_at >= :week_ago
"""
_SHIFTS_SQL = """
INSERT INTO shifts (shift_id, terminal, clerk, status, opening_float_fen, cash_expected_fen,
    cash_counted_fen, variance_fen, report, opened_at, closed_at)
SELECT md5('s' || w || '-' || k)::uuid::text, '0' || w, 'clerk' || w,
       CASE WHEN w = 4 AND k = 2 THEN 'open' ELSE 'closed' END, 50000,
       CASE WHEN w = 4 AND k = 2 THEN NULL ELSE 1050000 END,
       CASE WHEN w = 4 AND k = 2 THEN NULL ELSE 1050000 - CASE WHEN w = 1 THEN 40000 ELSE 0 END
       END,
       CASE WHEN w = 4 AND k = 2 THEN NULL ELSE CASE WHEN w = 1 THEN -40000 ELSE 0 END END,
       CASE WHEN w = 4 AND k = 2 THEN NULL ELSE jsonb_build_object('cash_sales_fen', 1000000,
            'refunds_fen', 0, 'cash_in_fen', 0, 'cash_out_fen', 0) END,
       (CAST(:day AS timestamp) + (CASE k WHEN 1 THEN 7.5 ELSE 13 END) * interval '1 hour')
           AT TIME ZONE :tz,
       CASE WHEN w = 4 AND k = 2 THEN NULL ELSE
           (CAST(:day AS timestamp) + (CASE k WHEN 1 THEN 13 ELSE 18.5 END) * interval '1 hour')
           AT TIME ZONE :tz END
FROM generate_series(1, 4) AS w, generate_series(1, 2) AS k
"""
_SETTLEMENTS_SQL = """
INSERT INTO settlement_lines (line_id, source, order_no, txn_id, amount_fen, fee_fen,
    settled_on, status, payment_id, imported_by, imported_at)
SELECT md5('l' || p.payment_id)::uuid::text, p.provider, o.order_no, p.provider_txn_id,
       p.amount_fen, 0, :day, 'matched', p.payment_id, 'finance', now()
FROM payments p JOIN orders o ON o.order_id = p.order_id
WHERE p.method IN ('wechat', 'alipay', 'ota') AND p.at >= :start AND p.at < :end
  AND abs(hashtext(p.payment_id)) % 100 < 97
"""

LOADED = ("orders", "tickets", "payments", "refunds", "anomalies", "timeline_events",
          "shifts", "settlement_lines")
# the plain indexes of those tables (not those behind a primary key or unique constraint)
_SECONDARY_SQL = """
SELECT i.indexname, i.indexdef FROM pg_indexes i
WHERE i.schemaname = current_schema() AND i.tablename = ANY(:tables)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
"""

_CACHE: dict[int, Seeded] = {}


def seeded(n: int = ORDERS) -> Seeded:
    """The store of `n` orders of this process (loaded on first use)."""
    if n not in _CACHE:
        _CACHE[n] = _load(n)
    return _CACHE[n]


def _create_database() -> str:
    name = f"{PREFIX}{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    atexit.register(_drop, name)
    return PG_BASE + name


def _drop(name: str) -> None:
    for seed in _CACHE.values():
        seed.db.dispose()
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _load(n: int) -> Seeded:
    venue = Venue()
    now = datetime.now(UTC)
    today = venue.local_date(now)
    close_day = today - timedelta(days=1)
    db = Database.open(_create_database())
    start = time.perf_counter()
    seeding.seed_catalog(db.session(), now=now, venue=venue)
    close_n = min(CLOSE_DAY_ORDERS, n // 20)
    day_start = datetime.combine(close_day, datetime.min.time(), venue.tz).astimezone(UTC)
    params = {"n": n, "spread": n - close_n, "today": today, "close_day": close_day,
              "past": PAST_DAYS, "tz": str(venue.tz), "surnames": SURNAMES, "given": GIVEN,
              "week_ago": now - timedelta(days=7), "day": close_day, "start": day_start,
              "end": day_start + timedelta(days=1)}
    with db.engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL synchronous_commit = off"))
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))  # no FK triggers
        indexes = conn.execute(sa.text(_SECONDARY_SQL), {"tables": list(LOADED)}).all()
        for name, _ in indexes:  # built once after the load: much faster than row by row
            conn.execute(sa.text(f'DROP INDEX "{name}"'))
        for sql in (_ORDERS_SQL, _TICKETS_SQL, _PAYMENTS_SQL, _REFUNDS_SQL, _ANOMALIES_SQL,
                    _ENTRIES_SQL, _SHIFTS_SQL, _SETTLEMENTS_SQL):
            conn.execute(sa.text(sql), params)
        conn.execute(sa.text("SET LOCAL maintenance_work_mem = '512MB'"))
        for _, definition in indexes:
            conn.execute(sa.text(definition))
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    return Seeded(db, n, today, close_day, now, venue, time.perf_counter() - start)

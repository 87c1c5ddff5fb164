"""Indexes for order search and the reports (DESIGN.md §8 `GET /orders`, §15 reports).

Both engines:
- `ix_orders_channel_created` (channel, created_at), `ix_orders_status_created` (status,
  created_at): a channel's or a status's orders, newest first, and the reports' per-day counts;
- `ix_orders_status_visit` (status, visit_date): a status in a range of visit dates (the walk
  down created_at would pass every newer order of that status first);
- `ix_orders_order_no_lower` (lower(order_no)): an order number typed in another letter case;
- `ix_payments_at` (at): the money paid in a period (day report, KPIs, day close);
- `ix_refunds_status` (status, updated_at): refunds paid back in a period, refunds waiting.

PostgreSQL only (`orders.PG_ONLY_INDEXES`; SQLite scans, bounded by LIMIT):
- `ix_orders_phone_reversed`: `reverse(customer_phone) COLLATE "C"` — a phone tail is a prefix
  of the reversed phone, a range on this b-tree (also in a generic prepared plan);
- `ix_orders_name_trgm`: GIN `gin_trgm_ops` on customer_name (pg_trgm) — a name part
  (`ILIKE '%part%'`, three characters or more) without a scan. Skipped when the server has no
  pg_trgm (the search still works, by scan);
- `ix_orders_name_grams`: GIN on `menpiao_name_grams(customer_name)`, the characters and
  character pairs of the lower-cased name — the one- and two-character parts pg_trgm cannot
  index (a Chinese given name: 晓明), as `grams @> ARRAY[part]`.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

BOTH = (
    ('ix_orders_channel_created', 'orders', ['channel', 'created_at']),
    ('ix_orders_status_created', 'orders', ['status', 'created_at']),
    ('ix_orders_status_visit', 'orders', ['status', 'visit_date']),
    ('ix_payments_at', 'payments', ['at']),
    ('ix_refunds_status', 'refunds', ['status', 'updated_at']),
)


NAME_GRAMS = """
CREATE FUNCTION menpiao_name_grams(name text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    s text := lower(name);
    n int := char_length(s);
    grams text[] := '{}';
BEGIN
    FOR i IN 1..n LOOP
        grams := grams || substr(s, i, 1);
        IF i < n THEN
            grams := grams || substr(s, i, 2);
        END IF;
    END LOOP;
    RETURN grams;
END $$
"""


def upgrade() -> None:
    for name, table, columns in BOTH:
        op.create_index(name, table, columns)
    op.create_index('ix_orders_order_no_lower', 'orders', [sa.text('lower(order_no)')])
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('CREATE INDEX ix_orders_phone_reversed ON orders '
               '((reverse(customer_phone) COLLATE "C"))')
    op.execute(NAME_GRAMS)
    op.execute('CREATE INDEX ix_orders_name_grams ON orders '
               'USING gin (menpiao_name_grams(customer_name))')
    has_trgm = op.get_bind().execute(sa.text(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).scalar()
    if has_trgm:
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.execute('CREATE INDEX ix_orders_name_trgm ON orders '
                   'USING gin (customer_name gin_trgm_ops)')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_orders_name_trgm')
        op.execute('DROP INDEX IF EXISTS ix_orders_name_grams')
        op.execute('DROP FUNCTION IF EXISTS menpiao_name_grams(text)')
        op.execute('DROP INDEX IF EXISTS ix_orders_phone_reversed')
    op.drop_index('ix_orders_order_no_lower', table_name='orders')
    for name, table, _ in reversed(BOTH):
        op.drop_index(name, table_name=table)

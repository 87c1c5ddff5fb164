"""Tamper evidence beyond one order (DESIGN.md §14): each order keeps its timeline's head
(orders.last_hash, orders.event_count, backfilled here from the timeline), and the signed
daily checkpoints (audit_checkpoints) chain those heads; timeline_events.at is indexed for
"the orders touched on a day".

Revision ID: 0009
Revises: 0006
Create Date: 2026-11-23 10:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

TZ = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

BACKFILL = """
UPDATE orders SET
  event_count = (SELECT count(*) FROM timeline_events t WHERE t.order_id = orders.order_id),
  last_hash = (SELECT t.hash FROM timeline_events t WHERE t.order_id = orders.order_id
               ORDER BY t.seq DESC LIMIT 1)
"""


def upgrade() -> None:
    # plain ALTER TABLE on SQLite too: recreating `orders` would trip the foreign keys of its
    # tickets and events
    with op.batch_alter_table('orders', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('last_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('event_count', sa.Integer(), server_default=sa.text('0'),
                                      nullable=False))
    op.execute(BACKFILL)
    op.create_index('ix_timeline_events_at', 'timeline_events', ['at'], unique=False)
    op.create_table(
        'audit_checkpoints',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('entries', JSON, nullable=False),
        sa.Column('chain_hash', sa.String(length=64), nullable=False),
        sa.Column('mac', sa.String(length=64), nullable=False),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('created_by', sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint('day'),
    )


def downgrade() -> None:
    op.drop_table('audit_checkpoints')
    op.drop_index('ix_timeline_events_at', table_name='timeline_events')
    # ALTER TABLE ... DROP COLUMN: SQLite 3.35+
    with op.batch_alter_table('orders', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('event_count')
        batch_op.drop_column('last_hash')

"""Devices a supervisor can read (location, status, heartbeat) and the order lock of the
`lock_order` anomaly fix.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 09:00:00
"""

import sqlalchemy as sa
from alembic import op

TZ = sa.DateTime(timezone=True)

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=16), server_default='online',
                                      nullable=False))
        batch_op.add_column(sa.Column('last_heartbeat_at', TZ, nullable=True))
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_at', TZ, nullable=True))
        batch_op.add_column(sa.Column('locked_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('lock_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('lock_reason')
        batch_op.drop_column('locked_by')
        batch_op.drop_column('locked_at')
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_column('last_heartbeat_at')
        batch_op.drop_column('status')
        batch_op.drop_column('location')

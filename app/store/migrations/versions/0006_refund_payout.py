"""Where and when a window handed a cash refund over: refunds.paid_out_terminal, paid_out_at
(the shift that paid it counts it, not the one that sold the order).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 12:30:00
"""

import sqlalchemy as sa
from alembic import op

TZ = sa.DateTime(timezone=True)

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paid_out_terminal', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('paid_out_at', TZ, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_column('paid_out_at')
        batch_op.drop_column('paid_out_terminal')

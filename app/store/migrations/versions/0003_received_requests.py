"""Channel orders, payment callbacks and gate redemptions take effect once: received_requests.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 01:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

TZ = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('received_requests',
    sa.Column('scope', sa.String(length=24), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('request_sha256', sa.String(length=64), nullable=False),
    sa.Column('order_id', sa.String(length=36), nullable=True),
    sa.Column('result', JSON, nullable=True),
    sa.Column('created_at', TZ, nullable=False),
    sa.PrimaryKeyConstraint('scope', 'key', name=op.f('pk_received_requests'))
    )


def downgrade() -> None:
    op.drop_table('received_requests')

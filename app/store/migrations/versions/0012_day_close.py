"""The day close (DESIGN.md §15): `day_closes` (who closed which local day, when, and the
figures as they stood) and `settlement_lines` (the settlement files of channels and payment
providers, line by line, as matched against the store).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 12:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

TZ = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'day_closes',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('closed_by', sa.String(length=64), nullable=False),
        sa.Column('closed_at', TZ, nullable=False),
        sa.Column('snapshot', JSON, nullable=False),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_day_closes')),
    )
    op.create_table(
        'settlement_lines',
        sa.Column('line_id', sa.String(length=36), nullable=False),
        sa.Column('source', sa.String(length=32), nullable=False),
        sa.Column('order_no', sa.String(length=64), nullable=False),
        sa.Column('txn_id', sa.String(length=128), nullable=False),
        sa.Column('amount_fen', sa.BigInteger(), server_default=sa.text('0'), nullable=False),
        sa.Column('fee_fen', sa.BigInteger(), server_default=sa.text('0'), nullable=False),
        sa.Column('settled_on', sa.Date(), nullable=False),
        sa.Column('status', sa.String(length=24), nullable=False),
        sa.Column('payment_id', sa.String(length=36), nullable=True),
        sa.Column('imported_by', sa.String(length=64), nullable=False),
        sa.Column('imported_at', TZ, nullable=False),
        sa.PrimaryKeyConstraint('line_id', name=op.f('pk_settlement_lines')),
        sa.UniqueConstraint('source', 'txn_id', name=op.f('uq_settlement_lines_source_txn_id')),
    )
    op.create_index('ix_settlement_lines_day', 'settlement_lines', ['settled_on'])
    op.create_index('ix_settlement_lines_payment', 'settlement_lines', ['payment_id'])


def downgrade() -> None:
    op.drop_index('ix_settlement_lines_payment', table_name='settlement_lines')
    op.drop_index('ix_settlement_lines_day', table_name='settlement_lines')
    op.drop_table('settlement_lines')
    op.drop_table('day_closes')

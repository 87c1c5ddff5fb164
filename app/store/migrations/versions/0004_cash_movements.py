"""Cash put into or taken out of a window's drawer during a shift: cash_movements.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 02:00:00
"""

import sqlalchemy as sa
from alembic import op

TZ = sa.DateTime(timezone=True)

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cash_movements',
    sa.Column('movement_id', sa.String(length=36), nullable=False),
    sa.Column('shift_id', sa.String(length=36), nullable=False),
    sa.Column('terminal', sa.String(length=8), nullable=False),
    sa.Column('clerk', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), server_default=sa.text('0'), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', TZ, nullable=False),
    sa.CheckConstraint("amount_fen > 0 AND kind IN ('in', 'out')",
                       name=op.f('ck_cash_movements_amount_kind')),
    sa.ForeignKeyConstraint(['shift_id'], ['shifts.shift_id'],
                            name=op.f('fk_cash_movements_shift_id_shifts')),
    sa.PrimaryKeyConstraint('movement_id', name=op.f('pk_cash_movements'))
    )
    with op.batch_alter_table('cash_movements', schema=None) as batch_op:
        batch_op.create_index('ix_cash_movements_shift', ['shift_id', 'at'], unique=False)


def downgrade() -> None:
    op.drop_table('cash_movements')

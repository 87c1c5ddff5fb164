"""Accounts and intake hygiene (DESIGN.md §14): the sign_in_failures counters behind sign-in
backoff.

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-23 10:00:00
"""

import sqlalchemy as sa
from alembic import op

TZ = sa.DateTime(timezone=True)

revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sign_in_failures',
        sa.Column('key', sa.String(length=160), nullable=False),
        sa.Column('failures', sa.Integer(), server_default=sa.text('0'), nullable=False),
        sa.Column('last_failed_at', TZ, nullable=False),
        sa.Column('locked_until', TZ, nullable=True),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_failures')))


def downgrade() -> None:
    op.drop_table('sign_in_failures')

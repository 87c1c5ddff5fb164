"""The admin log (DESIGN.md §15): every change an admin makes — users, devices, ticket types,
capacity, the refund policy, force-majeure days — with who, when, and the record before and
after (never a password, hash or secret).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 12:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

TZ = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'admin_changes',
        sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                  autoincrement=True, nullable=False),
        sa.Column('at', TZ, nullable=False),
        sa.Column('actor', sa.String(length=80), nullable=False),
        sa.Column('entity', sa.String(length=32), nullable=False),
        sa.Column('entity_key', sa.String(length=80), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('before', JSON, nullable=True),
        sa.Column('after', JSON, nullable=True),
        sa.PrimaryKeyConstraint('seq', name=op.f('pk_admin_changes')),
    )
    op.create_index('ix_admin_changes_entity', 'admin_changes', ['entity', 'entity_key', 'seq'])


def downgrade() -> None:
    op.drop_index('ix_admin_changes_entity', table_name='admin_changes')
    op.drop_table('admin_changes')

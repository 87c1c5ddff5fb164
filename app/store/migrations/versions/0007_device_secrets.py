"""Registered devices (DESIGN.md §14): devices.secret_sha256 (the SHA-256 of the secret an
admin was shown once; NULL: never registered, nobody signs in there) and devices.active.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 02:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('active', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_column('active')
        batch_op.drop_column('secret_sha256')

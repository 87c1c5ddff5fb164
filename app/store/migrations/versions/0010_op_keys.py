"""Ops signed by their clerk (DESIGN.md §9, §14, `app.domain.op_signing`): the store keeps each
user's op key (users.op_key), a window keeps it wrapped under the user's password
(users.op_key_wrapped), and an outbox op carries who signed it and the signature.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE on SQLite too (nullable columns, no table rebuild)
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('op_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('op_key_wrapped', sa.String(length=200), nullable=True))
    with op.batch_alter_table('outbox', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('signed_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('signature', sa.String(length=64), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN: SQLite 3.35+
    with op.batch_alter_table('outbox', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('signature')
        batch_op.drop_column('signed_by')
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('op_key_wrapped')
        batch_op.drop_column('op_key')

"""Central store HTTP API: bearer tokens (hashed) and Idempotency-Keys of POST /orders.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 23:30:00
"""

import sqlalchemy as sa
from alembic import op

TZ = sa.DateTime(timezone=True)

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_tokens',
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=True),
    sa.Column('terminal', sa.String(length=8), nullable=True),
    sa.Column('created_at', TZ, nullable=False),
    sa.Column('expires_at', TZ, nullable=False),
    sa.Column('revoked_at', TZ, nullable=True),
    sa.ForeignKeyConstraint(['username'], ['users.username'],
                            name=op.f('fk_api_tokens_username_users')),
    sa.PrimaryKeyConstraint('token_sha256', name=op.f('pk_api_tokens'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_api_tokens_username', ['username'], unique=False)

    op.create_table('idempotency_keys',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('request_sha256', sa.String(length=64), nullable=False),
    sa.Column('order_id', sa.String(length=36), nullable=False),
    sa.Column('order_no', sa.String(length=64), nullable=False),
    sa.Column('created_at', TZ, nullable=False),
    sa.PrimaryKeyConstraint('username', 'key', name=op.f('pk_idempotency_keys'))
    )


def downgrade() -> None:
    op.drop_table('idempotency_keys')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_api_tokens_username')
    op.drop_table('api_tokens')

"""Accounts and intake hygiene (DESIGN.md §14): the sign_in_failures counters behind sign-in
backoff; a payment's transaction id is unique per provider (payments, and the payment
callbacks' exactly-once keys become `PROVIDER:TXN`, the stored ones rewritten so that they
still replay).

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-23 10:00:00
"""

import sqlalchemy as sa
from alembic import op

TZ = sa.DateTime(timezone=True)

revision = '0008'
down_revision = '0007'
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
    # While transaction ids are still unique, each stored callback key finds its provider.
    op.execute("UPDATE received_requests SET key = (SELECT p.provider FROM payments p "
               "WHERE p.provider_txn_id = received_requests.key) || ':' || key "
               "WHERE scope = 'payment_callback' AND EXISTS (SELECT 1 FROM payments p "
               "WHERE p.provider_txn_id = received_requests.key AND p.provider IS NOT NULL)")
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_constraint('uq_payments_provider_txn_id', type_='unique')
        batch_op.create_unique_constraint(
            op.f('uq_payments_provider_provider_txn_id'), ['provider', 'provider_txn_id'])


def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_constraint('uq_payments_provider_provider_txn_id', type_='unique')
        batch_op.create_unique_constraint('uq_payments_provider_txn_id', ['provider_txn_id'])
    conn = op.get_bind()
    keys = conn.execute(sa.text("SELECT key FROM received_requests "
                                "WHERE scope = 'payment_callback'")).scalars().all()
    for key in (k for k in keys if ':' in k):
        conn.execute(sa.text("UPDATE received_requests SET key = :old WHERE "
                             "scope = 'payment_callback' AND key = :key"),
                     {"old": key.split(':', 1)[1], "key": key})
    op.drop_table('sign_in_failures')

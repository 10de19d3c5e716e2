"""audit chain heads and idempotency keys

audit_chain_head: one row per organization's audit chain (chain 0 = events outside any
organization), locked while an event is appended so that concurrent appends cannot fork the
chain; existing chains get their head from their last event.
idempotency_key: one row per use of an Idempotency-Key header or one-time form token.

Revision ID: 83decec36e90
Revises: f3f5da67a9aa
Create Date: 2026-11-26 12:31:13.515687

"""
from alembic import op
import sqlalchemy as sa

import tracker.models.base
import tracker.models.types


# revision identifiers, used by Alembic.
revision = '83decec36e90'
down_revision = 'f3f5da67a9aa'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_chain_head',
    sa.Column('chain_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_event_id', sa.Integer(), nullable=True),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('chain_id', name=op.f('pk_audit_chain_head'))
    )
    op.create_table('idempotency_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('scope', sa.String(length=100), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=50), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_idempotency_key_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_idempotency_key_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_key')),
    sa.UniqueConstraint('organization_id', 'user_id', 'key', name=op.f('uq_idempotency_key_organization_id_user_id_key'))
    )
    with op.batch_alter_table('idempotency_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_key_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_idempotency_key_user_id'), ['user_id'], unique=False)

    # Existing chains: the head is each chain's last event (by id, the order events were appended).
    audit_event = sa.table('audit_event', sa.column('id', sa.Integer), sa.column('organization_id', sa.Integer),
                           sa.column('hash', sa.String))
    audit_chain_head = sa.table('audit_chain_head', sa.column('chain_id', sa.Integer),
                                sa.column('last_event_id', sa.Integer), sa.column('last_hash', sa.String))
    chain = sa.func.coalesce(audit_event.c.organization_id, 0)
    last_ids = sa.select(sa.func.max(audit_event.c.id)).group_by(chain)
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(chain.label('chain_id'), audit_event.c.id, audit_event.c.hash).where(audit_event.c.id.in_(last_ids))
    ).all()
    if rows:
        op.bulk_insert(audit_chain_head, [{'chain_id': r.chain_id, 'last_event_id': r.id, 'last_hash': r.hash}
                                          for r in rows])


def downgrade():
    with op.batch_alter_table('idempotency_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_key_user_id'))
        batch_op.drop_index(batch_op.f('ix_idempotency_key_created_at'))

    op.drop_table('idempotency_key')
    op.drop_table('audit_chain_head')

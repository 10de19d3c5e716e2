"""donor delivery: report recipients, schedules, delivery log, downloads

New tables only (nothing on main changes): report_recipient (who at a partner receives its
reports, in which language), report_schedule (a partner's summary frequency; no row = none),
report_delivery (the delivery log; uq_report_delivery_key makes the monthly job idempotent) and
report_download (every download through a signed link).

Revision ID: f3f5da67a9aa
Revises: b33b89b57f0b
Create Date: 2026-11-26 12:55:20.846082

"""
from alembic import op
import sqlalchemy as sa

import tracker.models.base
import tracker.models.types


# revision identifiers, used by Alembic.
revision = 'f3f5da67a9aa'
down_revision = 'b33b89b57f0b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_recipient',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.CheckConstraint("language IN ('uk', 'en', 'de')", name=op.f('ck_report_recipient_language_known')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_report_recipient_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_report_recipient_partner_id_partner')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_recipient')),
    sa.UniqueConstraint('partner_id', 'email', name=op.f('uq_report_recipient_partner_id_email'))
    )
    with op.batch_alter_table('report_recipient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_recipient_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_recipient_partner_id'), ['partner_id'], unique=False)

    op.create_table('report_schedule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.Enum('none', 'monthly', 'quarterly', name='summary_frequency', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_report_schedule_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_report_schedule_partner_id_partner')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_schedule')),
    sa.UniqueConstraint('partner_id', name=op.f('uq_report_schedule_partner_id'))
    )
    with op.batch_alter_table('report_schedule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_schedule_organization_id'), ['organization_id'], unique=False)

    op.create_table('report_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=True),
    sa.Column('recipient_name', sa.String(length=200), nullable=False),
    sa.Column('recipient_email', sa.String(length=254), nullable=False),
    sa.Column('report', sa.String(length=40), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('trigger', sa.Enum('manual', 'schedule', name='delivery_trigger', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('request_key', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('mode', sa.Enum('attachment', 'link', name='delivery_mode', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('file_size', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sent', 'failed', 'uncertain', name='delivery_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.Column('message_id', sa.String(length=250), nullable=False),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('last_attempt_at', tracker.models.base.UTCDateTime(), nullable=True),
    sa.Column('sent_at', tracker.models.base.UTCDateTime(), nullable=True),
    sa.Column('link_expires_at', tracker.models.base.UTCDateTime(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("language IN ('uk', 'en', 'de')", name=op.f('ck_report_delivery_language_known')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_report_delivery_attempts_not_negative')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_report_delivery_period_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_report_delivery_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_report_delivery_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_report_delivery_partner_id_partner')),
    sa.ForeignKeyConstraint(['recipient_id'], ['report_recipient.id'], name=op.f('fk_report_delivery_recipient_id_report_recipient'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_delivery')),
    sa.UniqueConstraint('organization_id', 'partner_id', 'recipient_email', 'report', 'period_start', 'period_end', 'language', 'request_key', name='uq_report_delivery_key')
    )
    with op.batch_alter_table('report_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_delivery_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_report_delivery_partner_created', ['partner_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_delivery_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_delivery_status'), ['status'], unique=False)

    op.create_table('report_download',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('remote_addr', sa.String(length=45), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['report_delivery.id'], name=op.f('fk_report_download_delivery_id_report_delivery')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_report_download_organization_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_download'))
    )
    with op.batch_alter_table('report_download', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_download_delivery_id'), ['delivery_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_download_organization_id'), ['organization_id'], unique=False)



def downgrade():
    with op.batch_alter_table('report_download', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_download_organization_id'))
        batch_op.drop_index(batch_op.f('ix_report_download_delivery_id'))

    op.drop_table('report_download')
    with op.batch_alter_table('report_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_delivery_status'))
        batch_op.drop_index(batch_op.f('ix_report_delivery_recipient_id'))
        batch_op.drop_index('ix_report_delivery_partner_created')
        batch_op.drop_index(batch_op.f('ix_report_delivery_organization_id'))

    op.drop_table('report_delivery')
    with op.batch_alter_table('report_schedule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_schedule_organization_id'))

    op.drop_table('report_schedule')
    with op.batch_alter_table('report_recipient', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_recipient_partner_id'))
        batch_op.drop_index(batch_op.f('ix_report_recipient_organization_id'))

    op.drop_table('report_recipient')

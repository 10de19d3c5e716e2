"""donor reports: the user's part of a donor report per partner (or agreement) and period — the
narrative per language and the photos chosen among the consignments' image attachments.

Revision ID: 1b76347c0128
Revises: 83decec36e90
Create Date: 2026-11-26 13:49:43.100460

"""
from alembic import op
import sqlalchemy as sa

import tracker.models.base
import tracker.models.types


# revision identifiers, used by Alembic.
revision = '1b76347c0128'
down_revision = '83decec36e90'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('donor_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_donor_report_period_order')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_donor_report_agreement_id_agreement')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_donor_report_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_donor_report_partner_id_partner')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donor_report')),
    sa.UniqueConstraint('organization_id', 'partner_id', 'agreement_id', 'period_start', 'period_end', name='uq_donor_report_partner_agreement_period')
    )
    with op.batch_alter_table('donor_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_donor_report_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_donor_report_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_donor_report_partner_id'), ['partner_id'], unique=False)

    op.create_table('donor_report_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_donor_report_text_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['report_id'], ['donor_report.id'], name=op.f('fk_donor_report_text_report_id_donor_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donor_report_text')),
    sa.UniqueConstraint('report_id', 'language', name=op.f('uq_donor_report_text_report_id_language'))
    )
    with op.batch_alter_table('donor_report_text', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_donor_report_text_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_donor_report_text_report_id'), ['report_id'], unique=False)

    op.create_table('donor_report_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('caption', sa.String(length=300), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], name=op.f('fk_donor_report_photo_attachment_id_attachment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_donor_report_photo_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['report_id'], ['donor_report.id'], name=op.f('fk_donor_report_photo_report_id_donor_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_donor_report_photo')),
    sa.UniqueConstraint('report_id', 'attachment_id', name=op.f('uq_donor_report_photo_report_id_attachment_id'))
    )
    with op.batch_alter_table('donor_report_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_donor_report_photo_attachment_id'), ['attachment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_donor_report_photo_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_donor_report_photo_report_id'), ['report_id'], unique=False)



def downgrade():
    with op.batch_alter_table('donor_report_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_donor_report_photo_report_id'))
        batch_op.drop_index(batch_op.f('ix_donor_report_photo_organization_id'))
        batch_op.drop_index(batch_op.f('ix_donor_report_photo_attachment_id'))

    op.drop_table('donor_report_photo')
    with op.batch_alter_table('donor_report_text', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_donor_report_text_report_id'))
        batch_op.drop_index(batch_op.f('ix_donor_report_text_organization_id'))

    op.drop_table('donor_report_text')
    with op.batch_alter_table('donor_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_donor_report_partner_id'))
        batch_op.drop_index(batch_op.f('ix_donor_report_organization_id'))
        batch_op.drop_index(batch_op.f('ix_donor_report_agreement_id'))

    op.drop_table('donor_report')

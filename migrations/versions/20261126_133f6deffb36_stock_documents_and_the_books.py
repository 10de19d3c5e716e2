"""stock documents (distributions, transfers, write-offs, counts, returns) with their lines,
files and per-year counters; the books: chart of accounts, posting rules, journal entries and
postings, periods and their history. Seeds the default chart (MinFin Order 1203, unconfirmed
codes marked ⚠) and posting rules into every existing organization.

Revision ID: 133f6deffb36
Revises: 4fbe5b158d6c
Create Date: 2026-11-26 13:21:47.008091

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import tracker.models.base
import tracker.models.types


# revision identifiers, used by Alembic.
revision = '133f6deffb36'
down_revision = '4fbe5b158d6c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name_uk', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('asset', 'liability', 'equity', 'revenue', 'expense', 'off_balance', name='account_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('holds_stock', sa.Boolean(), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_account_organization_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
    sa.UniqueConstraint('organization_id', 'code', name=op.f('uq_account_organization_id_code'))
    )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_organization_id'), ['organization_id'], unique=False)

    op.create_table('document_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.CheckConstraint('last_number >= 0', name=op.f('ck_document_counter_last_number_not_negative')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_document_counter_organization_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_counter')),
    sa.UniqueConstraint('organization_id', 'kind', 'year', name=op.f('uq_document_counter_organization_id_kind_year'))
    )
    op.create_table('journal_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('event', sa.Enum('acceptance', 'distribution', 'transfer', 'write_off', 'count_shortage', 'count_surplus', 'return_to_donor', 'redistribution', 'count_adjustment', 'manual', name='posting_event', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('source_type', sa.String(length=40), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('reversal_of_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('number > 0', name=op.f('ck_journal_entry_number_positive')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_journal_entry_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['reversal_of_id'], ['journal_entry.id'], name=op.f('fk_journal_entry_reversal_of_id_journal_entry')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_journal_entry_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_entry')),
    sa.UniqueConstraint('organization_id', 'number', name=op.f('uq_journal_entry_organization_id_number')),
    sa.UniqueConstraint('reversal_of_id', name=op.f('uq_journal_entry_reversal_of_id'))
    )
    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_entry_on'), ['on'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_entry_organization_id'), ['organization_id'], unique=False)

    op.create_table('period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'closed', name='period_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('closed_at', tracker.models.base.UTCDateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_period_month_range')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'], name=op.f('fk_period_closed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_period_organization_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_period')),
    sa.UniqueConstraint('organization_id', 'year', 'month', name=op.f('uq_period_organization_id_year_month'))
    )
    with op.batch_alter_table('period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_period_organization_id'), ['organization_id'], unique=False)

    op.create_table('stock_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_kind', sa.String(length=30), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_stock_attachment_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_stock_attachment_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_attachment')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_stock_attachment_stored_name'))
    )
    with op.batch_alter_table('stock_attachment', schema=None) as batch_op:
        batch_op.create_index('ix_stock_attachment_document', ['document_kind', 'document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_attachment_organization_id'), ['organization_id'], unique=False)

    op.create_table('distribution',
    sa.Column('recipient_kind', sa.Enum('institution', 'military_unit', 'hromada', 'individuals', name='recipient_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('recipient_name', sa.String(length=300), nullable=False),
    sa.Column('recipient_edrpou', sa.String(length=8), nullable=False),
    sa.Column('beneficiary_category', sa.Enum('idps', 'people_with_disabilities', 'large_families', 'low_income', 'elderly', 'children', 'military_families', 'veterans', 'patients', 'other', name='beneficiary_category', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('beneficiaries_count', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.String(length=500), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'posted', 'reversed', name='stock_document_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('posted_at', tracker.models.base.UTCDateTime(), nullable=True),
    sa.Column('posted_by_id', sa.Integer(), nullable=True),
    sa.Column('reversal_reason', sa.String(length=500), nullable=False),
    sa.Column('journal_entry_id', sa.Integer(), nullable=True),
    sa.Column('reversal_of_id', sa.Integer(), nullable=True),
    sa.Column('reversed_by_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.CheckConstraint('beneficiaries_count IS NULL OR beneficiaries_count > 0', name=op.f('ck_distribution_beneficiaries_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_distribution_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['journal_entry_id'], ['journal_entry.id'], name=op.f('fk_distribution_journal_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_distribution_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user.id'], name=op.f('fk_distribution_posted_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reversal_of_id'], ['distribution.id'], name=op.f('fk_distribution_reversal_of_id_distribution')),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['distribution.id'], name=op.f('fk_distribution_reversed_by_id_distribution')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution')),
    sa.UniqueConstraint('organization_id', 'number', name=op.f('uq_distribution_organization_id_number')),
    sa.UniqueConstraint('reversal_of_id', name=op.f('uq_distribution_reversal_of_id'))
    )
    with op.batch_alter_table('distribution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_on'), ['on'], unique=False)
        batch_op.create_index(batch_op.f('ix_distribution_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_distribution_status'), ['status'], unique=False)

    op.create_table('period_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_period_event_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['period_id'], ['period.id'], name=op.f('fk_period_event_period_id_period')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_period_event_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_period_event'))
    )
    with op.batch_alter_table('period_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_period_event_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_period_event_period_id'), ['period_id'], unique=False)

    op.create_table('posting_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event', sa.Enum('acceptance', 'distribution', 'transfer', 'write_off', 'count_shortage', 'count_surplus', 'return_to_donor', 'redistribution', 'count_adjustment', 'manual', name='posting_event', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('aid_type', sa.Enum('humanitarian', 'technical', 'charitable', 'grant', name='aid_type', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('intended_use', sa.Enum('own_use', 'distribution', name='intended_use', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('category_code', sa.String(length=40), nullable=False),
    sa.Column('debit_account_id', sa.Integer(), nullable=True),
    sa.Column('credit_account_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['credit_account_id'], ['account.id'], name=op.f('fk_posting_rule_credit_account_id_account')),
    sa.ForeignKeyConstraint(['debit_account_id'], ['account.id'], name=op.f('fk_posting_rule_debit_account_id_account')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_posting_rule_organization_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posting_rule'))
    )
    with op.batch_alter_table('posting_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posting_rule_credit_account_id'), ['credit_account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posting_rule_debit_account_id'), ['debit_account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posting_rule_event'), ['event'], unique=False)
        batch_op.create_index(batch_op.f('ix_posting_rule_organization_id'), ['organization_id'], unique=False)

    op.create_table('stock_count',
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('commission_members', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'posted', 'reversed', name='stock_document_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('posted_at', tracker.models.base.UTCDateTime(), nullable=True),
    sa.Column('posted_by_id', sa.Integer(), nullable=True),
    sa.Column('reversal_reason', sa.String(length=500), nullable=False),
    sa.Column('journal_entry_id', sa.Integer(), nullable=True),
    sa.Column('reversal_of_id', sa.Integer(), nullable=True),
    sa.Column('reversed_by_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_stock_count_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['journal_entry_id'], ['journal_entry.id'], name=op.f('fk_stock_count_journal_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_stock_count_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user.id'], name=op.f('fk_stock_count_posted_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reversal_of_id'], ['stock_count.id'], name=op.f('fk_stock_count_reversal_of_id_stock_count')),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['stock_count.id'], name=op.f('fk_stock_count_reversed_by_id_stock_count')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_stock_count_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_count')),
    sa.UniqueConstraint('organization_id', 'number', name=op.f('uq_stock_count_organization_id_number')),
    sa.UniqueConstraint('reversal_of_id', name=op.f('uq_stock_count_reversal_of_id'))
    )
    with op.batch_alter_table('stock_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_count_on'), ['on'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_count_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_count_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_count_warehouse_id'), ['warehouse_id'], unique=False)

    op.create_table('stock_return',
    sa.Column('kind', sa.Enum('return_to_donor', 'redistribution', name='return_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('counterparty_name', sa.String(length=300), nullable=False),
    sa.Column('counterparty_edrpou', sa.String(length=8), nullable=False),
    sa.Column('basis', sa.String(length=300), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'posted', 'reversed', name='stock_document_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('posted_at', tracker.models.base.UTCDateTime(), nullable=True),
    sa.Column('posted_by_id', sa.Integer(), nullable=True),
    sa.Column('reversal_reason', sa.String(length=500), nullable=False),
    sa.Column('journal_entry_id', sa.Integer(), nullable=True),
    sa.Column('reversal_of_id', sa.Integer(), nullable=True),
    sa.Column('reversed_by_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_stock_return_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['journal_entry_id'], ['journal_entry.id'], name=op.f('fk_stock_return_journal_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_stock_return_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user.id'], name=op.f('fk_stock_return_posted_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reversal_of_id'], ['stock_return.id'], name=op.f('fk_stock_return_reversal_of_id_stock_return')),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['stock_return.id'], name=op.f('fk_stock_return_reversed_by_id_stock_return')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_return')),
    sa.UniqueConstraint('organization_id', 'number', name=op.f('uq_stock_return_organization_id_number')),
    sa.UniqueConstraint('reversal_of_id', name=op.f('uq_stock_return_reversal_of_id'))
    )
    with op.batch_alter_table('stock_return', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_return_on'), ['on'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_return_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_return_status'), ['status'], unique=False)

    op.create_table('transfer',
    sa.Column('from_warehouse_id', sa.Integer(), nullable=False),
    sa.Column('to_warehouse_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'posted', 'reversed', name='stock_document_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('posted_at', tracker.models.base.UTCDateTime(), nullable=True),
    sa.Column('posted_by_id', sa.Integer(), nullable=True),
    sa.Column('reversal_reason', sa.String(length=500), nullable=False),
    sa.Column('journal_entry_id', sa.Integer(), nullable=True),
    sa.Column('reversal_of_id', sa.Integer(), nullable=True),
    sa.Column('reversed_by_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.CheckConstraint('from_warehouse_id <> to_warehouse_id', name=op.f('ck_transfer_different_warehouses')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_transfer_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['from_warehouse_id'], ['warehouse.id'], name=op.f('fk_transfer_from_warehouse_id_warehouse')),
    sa.ForeignKeyConstraint(['journal_entry_id'], ['journal_entry.id'], name=op.f('fk_transfer_journal_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_transfer_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user.id'], name=op.f('fk_transfer_posted_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reversal_of_id'], ['transfer.id'], name=op.f('fk_transfer_reversal_of_id_transfer')),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['transfer.id'], name=op.f('fk_transfer_reversed_by_id_transfer')),
    sa.ForeignKeyConstraint(['to_warehouse_id'], ['warehouse.id'], name=op.f('fk_transfer_to_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer')),
    sa.UniqueConstraint('organization_id', 'number', name=op.f('uq_transfer_organization_id_number')),
    sa.UniqueConstraint('reversal_of_id', name=op.f('uq_transfer_reversal_of_id'))
    )
    with op.batch_alter_table('transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_from_warehouse_id'), ['from_warehouse_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_on'), ['on'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_to_warehouse_id'), ['to_warehouse_id'], unique=False)

    op.create_table('write_off',
    sa.Column('commission_members', sa.Text(), nullable=False),
    sa.Column('basis', sa.String(length=300), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'posted', 'reversed', name='stock_document_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('posted_at', tracker.models.base.UTCDateTime(), nullable=True),
    sa.Column('posted_by_id', sa.Integer(), nullable=True),
    sa.Column('reversal_reason', sa.String(length=500), nullable=False),
    sa.Column('journal_entry_id', sa.Integer(), nullable=True),
    sa.Column('reversal_of_id', sa.Integer(), nullable=True),
    sa.Column('reversed_by_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_write_off_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['journal_entry_id'], ['journal_entry.id'], name=op.f('fk_write_off_journal_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_write_off_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['posted_by_id'], ['user.id'], name=op.f('fk_write_off_posted_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reversal_of_id'], ['write_off.id'], name=op.f('fk_write_off_reversal_of_id_write_off')),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['write_off.id'], name=op.f('fk_write_off_reversed_by_id_write_off')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_write_off')),
    sa.UniqueConstraint('organization_id', 'number', name=op.f('uq_write_off_organization_id_number')),
    sa.UniqueConstraint('reversal_of_id', name=op.f('uq_write_off_reversal_of_id'))
    )
    with op.batch_alter_table('write_off', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_write_off_on'), ['on'], unique=False)
        batch_op.create_index(batch_op.f('ix_write_off_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_write_off_status'), ['status'], unique=False)

    op.create_table('distribution_line',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('quantity', tracker.models.types.ScaledDecimal(3), nullable=False),
    sa.Column('value_uah', tracker.models.types.ScaledDecimal(2), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_distribution_line_quantity_positive')),
    sa.CheckConstraint('value_uah IS NULL OR value_uah >= 0', name=op.f('ck_distribution_line_value_not_negative')),
    sa.ForeignKeyConstraint(['document_id'], ['distribution.id'], name=op.f('fk_distribution_line_document_id_distribution'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['line_id'], ['consignment_line.id'], name=op.f('fk_distribution_line_line_id_consignment_line')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_distribution_line_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_distribution_line_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_distribution_line'))
    )
    with op.batch_alter_table('distribution_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_distribution_line_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_distribution_line_line_id'), ['line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_distribution_line_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_distribution_line_warehouse_id'), ['warehouse_id'], unique=False)

    op.create_table('stock_count_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('book_quantity', tracker.models.types.ScaledDecimal(3), nullable=False),
    sa.Column('counted_quantity', tracker.models.types.ScaledDecimal(3), nullable=True),
    sa.Column('adjustment_quantity', tracker.models.types.ScaledDecimal(3), nullable=True),
    sa.Column('value_uah', tracker.models.types.ScaledDecimal(2), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('book_quantity >= 0', name=op.f('ck_stock_count_line_book_not_negative')),
    sa.CheckConstraint('counted_quantity IS NULL OR counted_quantity >= 0', name=op.f('ck_stock_count_line_counted_not_negative')),
    sa.ForeignKeyConstraint(['document_id'], ['stock_count.id'], name=op.f('fk_stock_count_line_document_id_stock_count'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['line_id'], ['consignment_line.id'], name=op.f('fk_stock_count_line_line_id_consignment_line')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_stock_count_line_organization_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_count_line')),
    sa.UniqueConstraint('document_id', 'line_id', name=op.f('uq_stock_count_line_document_id_line_id'))
    )
    with op.batch_alter_table('stock_count_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_count_line_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_count_line_line_id'), ['line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_count_line_organization_id'), ['organization_id'], unique=False)

    op.create_table('stock_return_line',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('quantity', tracker.models.types.ScaledDecimal(3), nullable=False),
    sa.Column('value_uah', tracker.models.types.ScaledDecimal(2), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_stock_return_line_quantity_positive')),
    sa.CheckConstraint('value_uah IS NULL OR value_uah >= 0', name=op.f('ck_stock_return_line_value_not_negative')),
    sa.ForeignKeyConstraint(['document_id'], ['stock_return.id'], name=op.f('fk_stock_return_line_document_id_stock_return'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['line_id'], ['consignment_line.id'], name=op.f('fk_stock_return_line_line_id_consignment_line')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_stock_return_line_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_stock_return_line_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_return_line'))
    )
    with op.batch_alter_table('stock_return_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_return_line_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_return_line_line_id'), ['line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_return_line_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_return_line_warehouse_id'), ['warehouse_id'], unique=False)

    op.create_table('transfer_line',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('quantity', tracker.models.types.ScaledDecimal(3), nullable=False),
    sa.Column('value_uah', tracker.models.types.ScaledDecimal(2), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_transfer_line_quantity_positive')),
    sa.CheckConstraint('value_uah IS NULL OR value_uah >= 0', name=op.f('ck_transfer_line_value_not_negative')),
    sa.ForeignKeyConstraint(['document_id'], ['transfer.id'], name=op.f('fk_transfer_line_document_id_transfer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['line_id'], ['consignment_line.id'], name=op.f('fk_transfer_line_line_id_consignment_line')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_transfer_line_organization_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_line'))
    )
    with op.batch_alter_table('transfer_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_line_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_line_line_id'), ['line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_line_organization_id'), ['organization_id'], unique=False)

    op.create_table('write_off_line',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('expired', 'damaged', 'consumed', 'lost', 'substandard_destroyed', name='write_off_reason', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('quantity', tracker.models.types.ScaledDecimal(3), nullable=False),
    sa.Column('value_uah', tracker.models.types.ScaledDecimal(2), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_write_off_line_quantity_positive')),
    sa.CheckConstraint('value_uah IS NULL OR value_uah >= 0', name=op.f('ck_write_off_line_value_not_negative')),
    sa.ForeignKeyConstraint(['document_id'], ['write_off.id'], name=op.f('fk_write_off_line_document_id_write_off'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['line_id'], ['consignment_line.id'], name=op.f('fk_write_off_line_line_id_consignment_line')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_write_off_line_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_write_off_line_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_write_off_line'))
    )
    with op.batch_alter_table('write_off_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_write_off_line_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_write_off_line_line_id'), ['line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_write_off_line_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_write_off_line_warehouse_id'), ['warehouse_id'], unique=False)

    op.create_table('posting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('amount', tracker.models.types.ScaledDecimal(2), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=True),
    sa.Column('warehouse_id', sa.Integer(), nullable=True),
    sa.Column('movement_id', sa.Integer(), nullable=True),
    sa.Column('memo', sa.String(length=300), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount <> 0', name=op.f('ck_posting_amount_not_zero')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_posting_account_id_account')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entry.id'], name=op.f('fk_posting_entry_id_journal_entry')),
    sa.ForeignKeyConstraint(['line_id'], ['consignment_line.id'], name=op.f('fk_posting_line_id_consignment_line')),
    sa.ForeignKeyConstraint(['movement_id'], ['stock_movement.id'], name=op.f('fk_posting_movement_id_stock_movement')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_posting_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_posting_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posting'))
    )
    with op.batch_alter_table('posting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posting_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posting_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posting_line_id'), ['line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posting_movement_id'), ['movement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posting_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posting_warehouse_id'), ['warehouse_id'], unique=False)

    _seed_ledger()

def downgrade():
    with op.batch_alter_table('posting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_posting_warehouse_id'))
        batch_op.drop_index(batch_op.f('ix_posting_organization_id'))
        batch_op.drop_index(batch_op.f('ix_posting_movement_id'))
        batch_op.drop_index(batch_op.f('ix_posting_line_id'))
        batch_op.drop_index(batch_op.f('ix_posting_entry_id'))
        batch_op.drop_index(batch_op.f('ix_posting_account_id'))

    op.drop_table('posting')
    with op.batch_alter_table('write_off_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_write_off_line_warehouse_id'))
        batch_op.drop_index(batch_op.f('ix_write_off_line_organization_id'))
        batch_op.drop_index(batch_op.f('ix_write_off_line_line_id'))
        batch_op.drop_index(batch_op.f('ix_write_off_line_document_id'))

    op.drop_table('write_off_line')
    with op.batch_alter_table('transfer_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_line_organization_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_line_line_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_line_document_id'))

    op.drop_table('transfer_line')
    with op.batch_alter_table('stock_return_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_return_line_warehouse_id'))
        batch_op.drop_index(batch_op.f('ix_stock_return_line_organization_id'))
        batch_op.drop_index(batch_op.f('ix_stock_return_line_line_id'))
        batch_op.drop_index(batch_op.f('ix_stock_return_line_document_id'))

    op.drop_table('stock_return_line')
    with op.batch_alter_table('stock_count_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_count_line_organization_id'))
        batch_op.drop_index(batch_op.f('ix_stock_count_line_line_id'))
        batch_op.drop_index(batch_op.f('ix_stock_count_line_document_id'))

    op.drop_table('stock_count_line')
    with op.batch_alter_table('distribution_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_distribution_line_warehouse_id'))
        batch_op.drop_index(batch_op.f('ix_distribution_line_organization_id'))
        batch_op.drop_index(batch_op.f('ix_distribution_line_line_id'))
        batch_op.drop_index(batch_op.f('ix_distribution_line_document_id'))

    op.drop_table('distribution_line')
    with op.batch_alter_table('write_off', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_write_off_status'))
        batch_op.drop_index(batch_op.f('ix_write_off_organization_id'))
        batch_op.drop_index(batch_op.f('ix_write_off_on'))

    op.drop_table('write_off')
    with op.batch_alter_table('transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_to_warehouse_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_status'))
        batch_op.drop_index(batch_op.f('ix_transfer_organization_id'))
        batch_op.drop_index(batch_op.f('ix_transfer_on'))
        batch_op.drop_index(batch_op.f('ix_transfer_from_warehouse_id'))

    op.drop_table('transfer')
    with op.batch_alter_table('stock_return', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_return_status'))
        batch_op.drop_index(batch_op.f('ix_stock_return_organization_id'))
        batch_op.drop_index(batch_op.f('ix_stock_return_on'))

    op.drop_table('stock_return')
    with op.batch_alter_table('stock_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_count_warehouse_id'))
        batch_op.drop_index(batch_op.f('ix_stock_count_status'))
        batch_op.drop_index(batch_op.f('ix_stock_count_organization_id'))
        batch_op.drop_index(batch_op.f('ix_stock_count_on'))

    op.drop_table('stock_count')
    with op.batch_alter_table('posting_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_posting_rule_organization_id'))
        batch_op.drop_index(batch_op.f('ix_posting_rule_event'))
        batch_op.drop_index(batch_op.f('ix_posting_rule_debit_account_id'))
        batch_op.drop_index(batch_op.f('ix_posting_rule_credit_account_id'))

    op.drop_table('posting_rule')
    with op.batch_alter_table('period_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_period_event_period_id'))
        batch_op.drop_index(batch_op.f('ix_period_event_organization_id'))

    op.drop_table('period_event')
    with op.batch_alter_table('distribution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_distribution_status'))
        batch_op.drop_index(batch_op.f('ix_distribution_organization_id'))
        batch_op.drop_index(batch_op.f('ix_distribution_on'))

    op.drop_table('distribution')
    with op.batch_alter_table('stock_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_attachment_organization_id'))
        batch_op.drop_index('ix_stock_attachment_document')

    op.drop_table('stock_attachment')
    with op.batch_alter_table('period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_period_organization_id'))

    op.drop_table('period')
    with op.batch_alter_table('journal_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_entry_organization_id'))
        batch_op.drop_index(batch_op.f('ix_journal_entry_on'))

    op.drop_table('journal_entry')
    op.drop_table('document_counter')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_organization_id'))

    op.drop_table('account')


# A literal copy of tracker.ledger.rules as of this migration (later edits there do not change
# history). code, name_uk, name_en, kind, holds_stock, confirmed, note
_ACCOUNTS = (
    ('1014', 'Машини та обладнання', 'Machinery and equipment', 'asset', True, True, 'MinFin Order 1203 [S32]; fixed assets, NP(S)BODS 121'),
    ('1015', 'Транспортні засоби', 'Vehicles', 'asset', True, True, 'MinFin Order 1203 [S32]; fixed assets, NP(S)BODS 121'),
    ('1016', 'Інструменти, прилади, інвентар', 'Tools, instruments and inventory', 'asset', True, False, '⚠ Code and use inferred from Order 1203, not confirmed by a source: confirm with the chief accountant.'),
    ('1113', 'Малоцінні необоротні матеріальні активи', 'Low-value non-current tangible assets', 'asset', True, False, '⚠ Code and use inferred from Order 1203, not confirmed by a source: confirm with the chief accountant.'),
    ('1114', 'Білизна, постільні речі, одяг та взуття', 'Linen, bedding, clothing and footwear', 'asset', True, False, '⚠ Code and use inferred from Order 1203, not confirmed by a source: confirm with the chief accountant.'),
    ('1511', 'Продукти харчування', 'Food', 'asset', True, False, '⚠ Code and use inferred from Order 1203, not confirmed by a source: confirm with the chief accountant. NP(S)BODS 123'),
    ('1512', "Медикаменти та перев'язувальні матеріали", 'Medicines and dressings', 'asset', True, False, '⚠ Code and use inferred from Order 1203, not confirmed by a source: confirm with the chief accountant. NP(S)BODS 123'),
    ('1513', 'Будівельні матеріали', 'Construction materials', 'asset', True, False, '⚠ Code and use inferred from Order 1203, not confirmed by a source: confirm with the chief accountant. NP(S)BODS 123'),
    ('1514', 'Пально-мастильні матеріали', 'Fuel and lubricants', 'asset', True, False, '⚠ Code and use inferred from Order 1203, not confirmed by a source: confirm with the chief accountant. NP(S)BODS 123'),
    ('1518', 'Інші виробничі запаси', 'Other inventories', 'asset', True, False, '⚠ Code and use inferred from Order 1203, not confirmed by a source: confirm with the chief accountant. NP(S)BODS 123. Goods held only for distribution may belong off balance (DOMAIN.md §4 ⚠).'),
    ('2117', 'Розрахунки з відшкодування завданих збитків', 'Receivables for damages (shortages)', 'asset', False, False, '⚠ Code and use inferred from Order 1203, not confirmed by a source: confirm with the chief accountant.'),
    ('2313', 'Реєстраційні рахунки', 'Registration accounts (Treasury)', 'asset', False, False, '⚠ Code and use inferred from Order 1203, not confirmed by a source: confirm with the chief accountant. Cash grants: FX goes to a bank account first (DOMAIN.md §1).'),
    ('7511', 'Доходи від необмінних операцій', 'Non-exchange revenue', 'revenue', False, False, '⚠ DOMAIN.md §4: Cr 7511 for free receipts (MinFin Order 1219, not retrieved). NP(S)BODS 124'),
    ('8013', 'Матеріальні витрати', 'Material expenses', 'expense', False, False, '⚠ Code and use inferred from Order 1203, not confirmed by a source: confirm with the chief accountant.'),
    ('8411', 'Інші витрати (безоплатна передача, списання)', 'Other expenses (free transfer, write-off)', 'expense', False, False, '⚠ Code and use inferred from Order 1203, not confirmed by a source: confirm with the chief accountant.'),
)
# event, aid_type, intended_use, category_code, debit code ("" = the lot's account), credit code, note
_RULES = (
    ('acceptance', None, None, '', '1518', '7511', 'DOMAIN.md §4: Dr 10xx/11xx/15xx, Cr 7511 ⚠'),
    ('acceptance', None, None, 'medicines', '1512', '7511', 'Inventories, NP(S)BODS 123 ⚠'),
    ('acceptance', None, None, 'medical_supplies', '1512', '7511', 'Inventories, NP(S)BODS 123 ⚠'),
    ('acceptance', None, None, 'food', '1511', '7511', 'Inventories, NP(S)BODS 123 ⚠'),
    ('acceptance', None, None, 'construction', '1513', '7511', 'Inventories, NP(S)BODS 123 ⚠'),
    ('acceptance', None, None, 'fuel', '1514', '7511', 'Inventories, NP(S)BODS 123 ⚠'),
    ('acceptance', None, 'own_use', 'clothing', '1114', '7511', 'Own use ⚠'),
    ('acceptance', None, 'own_use', 'shelter', '1114', '7511', 'Own use ⚠'),
    ('acceptance', None, 'own_use', 'generators', '1014', '7511', 'Own-use fixed assets, NP(S)BODS 121 [S32]'),
    ('acceptance', None, 'own_use', 'it_equipment', '1014', '7511', 'Own-use fixed assets, NP(S)BODS 121 [S32]'),
    ('acceptance', None, 'own_use', 'medical_equipment', '1014', '7511', 'Own-use fixed assets, NP(S)BODS 121 [S32]'),
    ('acceptance', None, 'own_use', 'equipment', '1014', '7511', 'Own-use fixed assets, NP(S)BODS 121 [S32]'),
    ('acceptance', None, 'own_use', 'vehicles', '1015', '7511', 'Own-use fixed assets, NP(S)BODS 121 [S32]'),
    ('acceptance', None, None, 'cash', '2313', '7511', 'Cash aid and grants ⚠'),
    ('acceptance', None, None, 'services', '8013', '7511', 'Services received in kind ⚠'),
    ('distribution', None, None, '', '8411', '', 'Free transfer to end users ⚠'),
    ('write_off', None, None, '', '8411', '', 'Write-off by the commission ⚠'),
    ('count_shortage', None, None, '', '2117', '', 'Shortage found by a count ⚠'),
    ('count_surplus', None, None, '', '', '7511', 'Surplus found by a count ⚠'),
    ('return_to_donor', None, None, '', '8411', '', 'Return to the donor ⚠'),
    ('redistribution', None, None, '', '8411', '', 'Redistribution to another recipient ⚠'),
    ('transfer', None, None, '', '', '', "Between warehouses: the lot's account on both sides"),
)


def _seed_ledger():
    bind = op.get_bind()
    organization = sa.table("organization", sa.column("id", sa.Integer))
    account = sa.table(
        "account", sa.column("id", sa.Integer), sa.column("organization_id", sa.Integer), sa.column("code", sa.String),
        sa.column("name_uk", sa.String), sa.column("name_en", sa.String), sa.column("kind", sa.String),
        sa.column("holds_stock", sa.Boolean), sa.column("confirmed", sa.Boolean), sa.column("note", sa.String),
        sa.column("active", sa.Boolean), sa.column("created_at", sa.DateTime), sa.column("updated_at", sa.DateTime))
    posting_rule = sa.table(
        "posting_rule", sa.column("organization_id", sa.Integer), sa.column("event", sa.String),
        sa.column("aid_type", sa.String), sa.column("intended_use", sa.String), sa.column("category_code", sa.String),
        sa.column("debit_account_id", sa.Integer), sa.column("credit_account_id", sa.Integer),
        sa.column("note", sa.String), sa.column("created_at", sa.DateTime), sa.column("updated_at", sa.DateTime))
    now = datetime.now(UTC).replace(tzinfo=None)
    for (org_id,) in bind.execute(sa.select(organization.c.id)).all():
        bind.execute(account.insert(), [
            {"organization_id": org_id, "code": code, "name_uk": uk, "name_en": en, "kind": kind,
             "holds_stock": holds_stock, "confirmed": confirmed, "note": note, "active": True, "created_at": now,
             "updated_at": now} for code, uk, en, kind, holds_stock, confirmed, note in _ACCOUNTS])
        ids = dict(bind.execute(sa.select(account.c.code, account.c.id)
                                .where(account.c.organization_id == org_id)).all())
        bind.execute(posting_rule.insert(), [
            {"organization_id": org_id, "event": event, "aid_type": aid, "intended_use": use,
             "category_code": category, "debit_account_id": ids[debit] if debit else None,
             "credit_account_id": ids[credit] if credit else None, "note": note, "created_at": now,
             "updated_at": now}
            for event, aid, use, category, debit, credit, note in _RULES])

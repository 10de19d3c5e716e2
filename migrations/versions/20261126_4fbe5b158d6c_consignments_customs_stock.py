"""consignments with lines, timeline and numbering; customs declarations; document types,
rules, documents and attachments; partner item names; the stock ledger. Seeds the standard
document types and rules (DOMAIN.md §2) into every existing organization.

Revision ID: 4fbe5b158d6c
Revises: b33b89b57f0b
Create Date: 2026-11-26 12:29:27.292140

"""
from datetime import UTC, date, datetime

from alembic import op
import sqlalchemy as sa

import tracker.models.base
import tracker.models.types


# revision identifiers, used by Alembic.
revision = '4fbe5b158d6c'
down_revision = 'b33b89b57f0b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consignment_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.CheckConstraint('last_number >= 0', name=op.f('ck_consignment_counter_last_number_not_negative')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_consignment_counter_organization_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consignment_counter')),
    sa.UniqueConstraint('organization_id', 'year', name=op.f('uq_consignment_counter_organization_id_year'))
    )
    op.create_table('document_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_uk', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('name_de', sa.String(length=200), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_document_type_organization_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_type')),
    sa.UniqueConstraint('organization_id', 'code', name=op.f('uq_document_type_organization_id_code'))
    )
    with op.batch_alter_table('document_type', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_type_organization_id'), ['organization_id'], unique=False)

    op.create_table('document_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_type_id', sa.Integer(), nullable=False),
    sa.Column('aid_type', sa.Enum('humanitarian', 'technical', 'charitable', 'grant', name='aid_type', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('origin', sa.Enum('abroad', 'domestic', name='origin', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('goods_kind', sa.Enum('goods', 'services', 'cash', name='goods_kind', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('category_code', sa.String(length=40), nullable=False),
    sa.Column('condition', sa.Enum('new', 'used', name='line_condition', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_document_rule_period_order')),
    sa.ForeignKeyConstraint(['document_type_id'], ['document_type.id'], name=op.f('fk_document_rule_document_type_id_document_type'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_document_rule_organization_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_rule'))
    )
    with op.batch_alter_table('document_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_rule_document_type_id'), ['document_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_rule_organization_id'), ['organization_id'], unique=False)

    op.create_table('consignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('aid_type', sa.Enum('humanitarian', 'technical', 'charitable', 'grant', name='aid_type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('origin', sa.Enum('abroad', 'domestic', name='origin', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('goods_kind', sa.Enum('goods', 'services', 'cash', name='goods_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('draft', 'in_transit', 'at_customs', 'cleared', 'accepted', 'closed', 'cancelled', name='consignment_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=True),
    sa.Column('declaration_code', sa.String(length=60), nullable=False),
    sa.Column('dispatched_on', sa.Date(), nullable=True),
    sa.Column('arrived_on', sa.Date(), nullable=True),
    sa.Column('cleared_on', sa.Date(), nullable=True),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('valuation_on', sa.Date(), nullable=False),
    sa.Column('report_due_on', sa.Date(), nullable=True),
    sa.Column('reported_on', sa.Date(), nullable=True),
    sa.Column('carrier', sa.String(length=200), nullable=False),
    sa.Column('vehicle_plate', sa.String(length=40), nullable=False),
    sa.Column('cmr_number', sa.String(length=60), nullable=False),
    sa.Column('valuation_method', sa.Enum('donor_value', 'fair_value', name='valuation_method', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('valuation_justification', sa.Text(), nullable=False),
    sa.Column('commission_members', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('documents_override_reason', sa.Text(), nullable=False),
    sa.Column('documents_override_by_id', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.CheckConstraint("accepted_on IS NULL OR status IN ('accepted', 'closed')", name=op.f('ck_consignment_accepted_on_only_accepted')),
    sa.CheckConstraint('arrived_on IS NULL OR dispatched_on IS NULL OR arrived_on >= dispatched_on', name=op.f('ck_consignment_arrival_after_dispatch')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_consignment_agreement_id_agreement')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_consignment_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['documents_override_by_id'], ['user.id'], name=op.f('fk_consignment_documents_override_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_consignment_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_consignment_partner_id_partner')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_consignment_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consignment')),
    sa.UniqueConstraint('organization_id', 'number', name=op.f('uq_consignment_organization_id_number'))
    )
    with op.batch_alter_table('consignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consignment_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consignment_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consignment_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consignment_report_due_on'), ['report_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_consignment_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_consignment_warehouse_id'), ['warehouse_id'], unique=False)

    op.create_table('item_alias',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_key', sa.String(length=300), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_item_alias_item_id_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_item_alias_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], name=op.f('fk_item_alias_partner_id_partner'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_alias')),
    sa.UniqueConstraint('organization_id', 'partner_id', 'name_key', name=op.f('uq_item_alias_organization_id_partner_id_name_key'))
    )
    with op.batch_alter_table('item_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_alias_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_alias_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_alias_partner_id'), ['partner_id'], unique=False)

    op.create_table('consignment_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consignment_id', sa.Integer(), nullable=False),
    sa.Column('at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=True),
    sa.Column('message', sa.String(length=1000), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['consignment_id'], ['consignment.id'], name=op.f('fk_consignment_event_consignment_id_consignment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_consignment_event_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_consignment_event_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consignment_event'))
    )
    with op.batch_alter_table('consignment_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consignment_event_consignment_id'), ['consignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consignment_event_organization_id'), ['organization_id'], unique=False)

    op.create_table('consignment_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consignment_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('quantity', tracker.models.types.ScaledDecimal(3), nullable=False),
    sa.Column('unit_value', tracker.models.types.ScaledDecimal(4), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('value', tracker.models.types.ScaledDecimal(2), nullable=True),
    sa.Column('rate', tracker.models.types.ScaledDecimal(6), nullable=True),
    sa.Column('rate_on', sa.Date(), nullable=True),
    sa.Column('value_uah', tracker.models.types.ScaledDecimal(2), nullable=True),
    sa.Column('gross_weight_kg', tracker.models.types.ScaledDecimal(3), nullable=True),
    sa.Column('condition', sa.Enum('new', 'used', name='line_condition', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('wear_percent', sa.Integer(), nullable=True),
    sa.Column('lot', sa.String(length=100), nullable=False),
    sa.Column('expiry_on', sa.Date(), nullable=True),
    sa.Column('serial', sa.String(length=500), nullable=False),
    sa.Column('hs_code', sa.String(length=10), nullable=False),
    sa.Column('intended_use', sa.Enum('own_use', 'distribution', name='intended_use', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.CheckConstraint('gross_weight_kg IS NULL OR gross_weight_kg >= 0', name=op.f('ck_consignment_line_weight_not_negative')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_consignment_line_quantity_positive')),
    sa.CheckConstraint('rate IS NULL OR rate > 0', name=op.f('ck_consignment_line_rate_positive')),
    sa.CheckConstraint('unit_value IS NULL OR unit_value >= 0', name=op.f('ck_consignment_line_unit_value_not_negative')),
    sa.CheckConstraint('value IS NULL OR value >= 0', name=op.f('ck_consignment_line_value_not_negative')),
    sa.CheckConstraint('value_uah IS NULL OR (value IS NOT NULL AND rate IS NOT NULL AND rate_on IS NOT NULL)', name=op.f('ck_consignment_line_valued_with_rate')),
    sa.CheckConstraint('value_uah IS NULL OR value_uah >= 0', name=op.f('ck_consignment_line_value_uah_not_negative')),
    sa.CheckConstraint('wear_percent IS NULL OR (wear_percent >= 0 AND wear_percent <= 100)', name=op.f('ck_consignment_line_wear_percent_range')),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_consignment_line_category_id_category')),
    sa.ForeignKeyConstraint(['consignment_id'], ['consignment.id'], name=op.f('fk_consignment_line_consignment_id_consignment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_consignment_line_item_id_item')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_consignment_line_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_consignment_line_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consignment_line'))
    )
    with op.batch_alter_table('consignment_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consignment_line_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consignment_line_consignment_id'), ['consignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consignment_line_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consignment_line_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consignment_line_unit_id'), ['unit_id'], unique=False)

    op.create_table('customs_declaration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consignment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('ha_declaration', 'customs_declaration', 'ita', name='declaration_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('customs_office', sa.String(length=200), nullable=False),
    sa.Column('checkpoint', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'cleared', 'rejected', 'cancelled', name='declaration_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=True),
    sa.Column('cleared_on', sa.Date(), nullable=True),
    sa.Column('duty_exempted_uah', tracker.models.types.ScaledDecimal(2), nullable=True),
    sa.Column('vat_exempted_uah', tracker.models.types.ScaledDecimal(2), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.CheckConstraint('cleared_on IS NULL OR submitted_on IS NULL OR cleared_on >= submitted_on', name=op.f('ck_customs_declaration_cleared_after_submitted')),
    sa.CheckConstraint('duty_exempted_uah IS NULL OR duty_exempted_uah >= 0', name=op.f('ck_customs_declaration_duty_not_negative')),
    sa.CheckConstraint('vat_exempted_uah IS NULL OR vat_exempted_uah >= 0', name=op.f('ck_customs_declaration_vat_not_negative')),
    sa.ForeignKeyConstraint(['consignment_id'], ['consignment.id'], name=op.f('fk_customs_declaration_consignment_id_consignment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_customs_declaration_organization_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customs_declaration'))
    )
    with op.batch_alter_table('customs_declaration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customs_declaration_consignment_id'), ['consignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customs_declaration_organization_id'), ['organization_id'], unique=False)

    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consignment_id', sa.Integer(), nullable=True),
    sa.Column('agreement_id', sa.Integer(), nullable=True),
    sa.Column('document_type_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('issuer', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('missing', 'received', 'verified', 'expired', name='document_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.CheckConstraint('(consignment_id IS NULL) <> (agreement_id IS NULL)', name=op.f('ck_document_one_owner')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_document_agreement_id_agreement')),
    sa.ForeignKeyConstraint(['consignment_id'], ['consignment.id'], name=op.f('fk_document_consignment_id_consignment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_type_id'], ['document_type.id'], name=op.f('fk_document_document_type_id_document_type')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_document_organization_id_organization'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_consignment_id'), ['consignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_document_type_id'), ['document_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_organization_id'), ['organization_id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_attachment_document_id_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_attachment_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_attachment_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachment_stored_name'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_organization_id'), ['organization_id'], unique=False)

    op.create_table('declaration_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'cleared', 'rejected', 'cancelled', name='declaration_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['customs_declaration.id'], name=op.f('fk_declaration_event_declaration_id_customs_declaration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_declaration_event_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_declaration_event_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declaration_event'))
    )
    with op.batch_alter_table('declaration_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declaration_event_declaration_id'), ['declaration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_declaration_event_organization_id'), ['organization_id'], unique=False)

    op.create_table('stock_movement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('receipt', 'issue', 'transfer', 'write_off', 'count_adjustment', 'return_to_donor', 'redistribution', name='movement_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('warehouse_id', sa.Integer(), nullable=False),
    sa.Column('quantity', tracker.models.types.ScaledDecimal(3), nullable=False),
    sa.Column('value_uah', tracker.models.types.ScaledDecimal(2), nullable=False),
    sa.Column('source_type', sa.String(length=40), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('reversal_of_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', tracker.models.base.UTCDateTime(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('quantity <> 0', name=op.f('ck_stock_movement_quantity_not_zero')),
    sa.ForeignKeyConstraint(['line_id'], ['consignment_line.id'], name=op.f('fk_stock_movement_line_id_consignment_line')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_stock_movement_organization_id_organization'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['reversal_of_id'], ['stock_movement.id'], name=op.f('fk_stock_movement_reversal_of_id_stock_movement')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_stock_movement_user_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouse.id'], name=op.f('fk_stock_movement_warehouse_id_warehouse')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_movement'))
    )
    with op.batch_alter_table('stock_movement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_movement_line_id'), ['line_id'], unique=False)
        batch_op.create_index('ix_stock_movement_lot', ['organization_id', 'line_id', 'warehouse_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_movement_on'), ['on'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_movement_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_movement_reversal_of_id'), ['reversal_of_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_movement_warehouse_id'), ['warehouse_id'], unique=False)

    _seed_document_rules()


def downgrade():
    with op.batch_alter_table('stock_movement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_movement_warehouse_id'))
        batch_op.drop_index(batch_op.f('ix_stock_movement_reversal_of_id'))
        batch_op.drop_index(batch_op.f('ix_stock_movement_organization_id'))
        batch_op.drop_index(batch_op.f('ix_stock_movement_on'))
        batch_op.drop_index('ix_stock_movement_lot')
        batch_op.drop_index(batch_op.f('ix_stock_movement_line_id'))

    op.drop_table('stock_movement')
    with op.batch_alter_table('declaration_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declaration_event_organization_id'))
        batch_op.drop_index(batch_op.f('ix_declaration_event_declaration_id'))

    op.drop_table('declaration_event')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_organization_id'))
        batch_op.drop_index(batch_op.f('ix_attachment_document_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_organization_id'))
        batch_op.drop_index(batch_op.f('ix_document_document_type_id'))
        batch_op.drop_index(batch_op.f('ix_document_consignment_id'))
        batch_op.drop_index(batch_op.f('ix_document_agreement_id'))

    op.drop_table('document')
    with op.batch_alter_table('customs_declaration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customs_declaration_organization_id'))
        batch_op.drop_index(batch_op.f('ix_customs_declaration_consignment_id'))

    op.drop_table('customs_declaration')
    with op.batch_alter_table('consignment_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consignment_line_unit_id'))
        batch_op.drop_index(batch_op.f('ix_consignment_line_organization_id'))
        batch_op.drop_index(batch_op.f('ix_consignment_line_item_id'))
        batch_op.drop_index(batch_op.f('ix_consignment_line_consignment_id'))
        batch_op.drop_index(batch_op.f('ix_consignment_line_category_id'))

    op.drop_table('consignment_line')
    with op.batch_alter_table('consignment_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consignment_event_organization_id'))
        batch_op.drop_index(batch_op.f('ix_consignment_event_consignment_id'))

    op.drop_table('consignment_event')
    with op.batch_alter_table('item_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_alias_partner_id'))
        batch_op.drop_index(batch_op.f('ix_item_alias_organization_id'))
        batch_op.drop_index(batch_op.f('ix_item_alias_item_id'))

    op.drop_table('item_alias')
    with op.batch_alter_table('consignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consignment_warehouse_id'))
        batch_op.drop_index(batch_op.f('ix_consignment_status'))
        batch_op.drop_index(batch_op.f('ix_consignment_report_due_on'))
        batch_op.drop_index(batch_op.f('ix_consignment_partner_id'))
        batch_op.drop_index(batch_op.f('ix_consignment_organization_id'))
        batch_op.drop_index(batch_op.f('ix_consignment_agreement_id'))

    op.drop_table('consignment')
    with op.batch_alter_table('document_rule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_rule_organization_id'))
        batch_op.drop_index(batch_op.f('ix_document_rule_document_type_id'))

    op.drop_table('document_rule')
    with op.batch_alter_table('document_type', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_type_organization_id'))

    op.drop_table('document_type')
    op.drop_table('consignment_counter')


# --- data: the standard document types and rules for organizations that already exist ---------
# A literal snapshot of tracker.customs.seed at the time of this migration (never import app code).

_TYPES = (
    ("ha_declaration", "Декларація про перелік товарів, що визнаються гуманітарною допомогою",
     "HA goods-list declaration (unique code)", "Erklärung der als humanitäre Hilfe anerkannten Waren"),
    ("donation_letter", "Дарчий лист / сертифікат дарування", "Donation letter / gift certificate",
     "Schenkungsurkunde"),
    ("packing_list", "Пакувальний лист / специфікація", "Packing list", "Packliste"),
    ("invoice", "Інвойс / проформа", "(Pro-forma) invoice", "(Proforma-)Rechnung"),
    ("cmr", "CMR (міжнародна товарно-транспортна накладна)", "CMR road waybill", "CMR-Frachtbrief"),
    ("cover_letter", "Супровідний лист", "Cover letter", "Begleitschreiben"),
    ("disinfection_certificate", "Сертифікат дезінфекції", "Disinfection certificate",
     "Desinfektionsbescheinigung"),
    ("quality_certificate", "Сертифікат якості серії / висновки експертиз", "Batch quality certificate",
     "Chargen-Qualitätszertifikat"),
    ("vehicle_papers", "Документи на транспортний засіб (VIN, реєстрація)", "Vehicle papers (VIN, registration)",
     "Fahrzeugpapiere (FIN, Zulassung)"),
    ("customs_declaration", "Митна декларація", "Customs declaration", "Zollanmeldung"),
    ("ita_registration", "Реєстраційна картка проєкту МТД", "ITA project registration card",
     "Registrierungskarte des TZ-Projekts"),
    ("acceptance_act", "Акт приймання-передачі", "Acceptance act", "Übergabe-/Übernahmeprotokoll"),
    ("ha_report", "Звіт про наявність та розподіл гуманітарної допомоги", "HA availability and distribution report",
     "Bericht über Bestand und Verteilung der humanitären Hilfe"),
    ("ita_publication", "Оприлюднення інформації про майно МТД", "ITA property publication",
     "Veröffentlichung des TZ-Vermögens"),
)

_RULES = (
    ("humanitarian", "abroad", "goods", "", None, "ha_declaration", date(2022, 3, 1), date(2023, 11, 30),
     "CMU Res. 174: the carrier's declaration per vehicle at the border [S3]"),
    ("humanitarian", "abroad", "goods", "", None, "ha_declaration", date(2023, 12, 1), None,
     "CMU Res. 953: declared in the Automated System HA, unique code [S2, S53]"),
    ("humanitarian", "abroad", "goods", "", None, "donation_letter", date(2022, 3, 1), None,
     "Customary; firms donating goods are asked for certificates [S42, S43] ⚠"),
    ("humanitarian", "abroad", "goods", "", None, "packing_list", date(2022, 3, 1), None,
     "Customary; weights per package [S42, S43] ⚠"),
    (None, "abroad", "goods", "", None, "cmr", date(2022, 3, 1), None,
     "Road transport [S43] ⚠ end the rule for other transport"),
    (None, None, "goods", "clothing", "used", "disinfection_certificate", date(2022, 3, 1), None,
     "Used clothing, customary [S43] ⚠"),
    (None, None, "goods", "medicines", None, "quality_certificate", date(2022, 3, 1), None,
     "The recipient is liable for quality and safety [S13]"),
    (None, None, "goods", "food", None, "quality_certificate", date(2022, 3, 1), None,
     "The recipient is liable for quality and safety [S13]"),
    (None, None, "goods", "vehicles", None, "vehicle_papers", date(2022, 3, 1), None,
     "VIN and temporary registration (Res. 1235) [S14] ⚠"),
    ("technical", None, None, "", None, "ita_registration", date(2002, 2, 15), None,
     "CMU Res. 153: state registration of the ITA project [S16]"),
    ("charitable", None, None, "", None, "donation_letter", date(2012, 7, 5), None,
     "Law 5073-VI; Res. 1222: the donor sets the purpose [S34, S35]"),
)


def _seed_document_rules():
    bind = op.get_bind()
    organization = sa.table("organization", sa.column("id", sa.Integer))
    document_type = sa.table(
        "document_type", sa.column("id", sa.Integer), sa.column("organization_id", sa.Integer),
        sa.column("code", sa.String), sa.column("name_uk", sa.String), sa.column("name_en", sa.String),
        sa.column("name_de", sa.String), sa.column("created_at", sa.DateTime), sa.column("updated_at", sa.DateTime))
    document_rule = sa.table(
        "document_rule", sa.column("organization_id", sa.Integer), sa.column("document_type_id", sa.Integer),
        sa.column("aid_type", sa.String), sa.column("origin", sa.String), sa.column("goods_kind", sa.String),
        sa.column("category_code", sa.String), sa.column("condition", sa.String), sa.column("valid_from", sa.Date),
        sa.column("valid_to", sa.Date), sa.column("note", sa.String), sa.column("created_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime))
    now = datetime.now(UTC).replace(tzinfo=None)
    for (org_id,) in bind.execute(sa.select(organization.c.id)).all():
        bind.execute(document_type.insert(), [
            {"organization_id": org_id, "code": code, "name_uk": uk, "name_en": en, "name_de": de,
             "created_at": now, "updated_at": now} for code, uk, en, de in _TYPES])
        ids = dict(bind.execute(sa.select(document_type.c.code, document_type.c.id)
                                .where(document_type.c.organization_id == org_id)).all())
        bind.execute(document_rule.insert(), [
            {"organization_id": org_id, "document_type_id": ids[code], "aid_type": aid, "origin": origin,
             "goods_kind": kind, "category_code": category, "condition": condition, "valid_from": valid_from,
             "valid_to": valid_to, "note": note, "created_at": now, "updated_at": now}
            for aid, origin, kind, category, condition, code, valid_from, valid_to, note in _RULES])

"""points ledger: entries, reward orders, refunds, pro-club orders, payments and closures

Revision ID: 0004
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

import models.base


revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account_closure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('created_at', models.base.ParisDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key', name='uq_account_closure_key')
    )
    with op.batch_alter_table('account_closure', schema=None) as batch_op:
        batch_op.create_index('ix_account_closure_participant', ['program', 'participant_id'], unique=False)

    op.create_table('pro_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('order_ref', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('operation_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('ordered_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('products', sa.JSON(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('returned_on', sa.Date(), nullable=True),
    sa.Column('created_at', models.base.ParisDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('program', 'order_ref', name='uq_pro_order_ref')
    )
    with op.batch_alter_table('pro_order', schema=None) as batch_op:
        batch_op.create_index('ix_pro_order_operation', ['program', 'operation_id'], unique=False)
        batch_op.create_index('ix_pro_order_participant', ['program', 'participant_id'], unique=False)

    op.create_table('reward_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('reward', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('ordered_on', sa.Date(), nullable=False),
    sa.Column('cancelled_on', sa.Date(), nullable=True),
    sa.Column('cancel_key', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=True),
    sa.Column('created_at', models.base.ParisDateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', models.base.ParisDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key', name='uq_reward_order_key')
    )
    with op.batch_alter_table('reward_order', schema=None) as batch_op:
        batch_op.create_index('ix_reward_order_participant', ['program', 'participant_id'], unique=False)

    op.create_table('pro_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('created_at', models.base.ParisDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['pro_order.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key', name='uq_pro_payment_key')
    )
    with op.batch_alter_table('pro_payment', schema=None) as batch_op:
        batch_op.create_index('ix_pro_payment_order', ['order_id'], unique=False)

    op.create_table('ledger_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('declaration_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('acquired_on', sa.Date(), nullable=True),
    sa.Column('available_on', sa.Date(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=512), nullable=False),
    sa.Column('created_at', models.base.ParisDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], ),
    sa.ForeignKeyConstraint(['order_id'], ['reward_order.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key', name='uq_ledger_entry_key')
    )
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_entry_declaration', ['declaration_id'], unique=False)
        batch_op.create_index('ix_ledger_entry_lot', ['lot_id'], unique=False)
        batch_op.create_index('ix_ledger_entry_order', ['order_id'], unique=False)
        batch_op.create_index('ix_ledger_entry_program_kind_available', ['program', 'kind', 'available_on'], unique=False)
        batch_op.create_index('ix_ledger_entry_program_kind_expires', ['program', 'kind', 'expires_on'], unique=False)
        batch_op.create_index('ix_ledger_entry_program_participant', ['program', 'participant_id', 'lot_id'], unique=False)

    op.create_table('refund',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('created_at', models.base.ParisDateTime(timezone=True), nullable=False),
    sa.Column('paid_at', models.base.ParisDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key', name='uq_refund_key')
    )
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_declaration_id'), ['declaration_id'], unique=False)
        batch_op.create_index('ix_refund_participant', ['program', 'participant_id'], unique=False)
        batch_op.create_index('ix_refund_status', ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('refund', schema=None) as batch_op:
        batch_op.drop_index('ix_refund_status')
        batch_op.drop_index('ix_refund_participant')
        batch_op.drop_index(batch_op.f('ix_refund_declaration_id'))

    op.drop_table('refund')
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entry_program_participant')
        batch_op.drop_index('ix_ledger_entry_program_kind_expires')
        batch_op.drop_index('ix_ledger_entry_program_kind_available')
        batch_op.drop_index('ix_ledger_entry_order')
        batch_op.drop_index('ix_ledger_entry_lot')
        batch_op.drop_index('ix_ledger_entry_declaration')

    op.drop_table('ledger_entry')
    with op.batch_alter_table('pro_payment', schema=None) as batch_op:
        batch_op.drop_index('ix_pro_payment_order')

    op.drop_table('pro_payment')
    with op.batch_alter_table('reward_order', schema=None) as batch_op:
        batch_op.drop_index('ix_reward_order_participant')

    op.drop_table('reward_order')
    with op.batch_alter_table('pro_order', schema=None) as batch_op:
        batch_op.drop_index('ix_pro_order_participant')
        batch_op.drop_index('ix_pro_order_operation')

    op.drop_table('pro_order')
    with op.batch_alter_table('account_closure', schema=None) as batch_op:
        batch_op.drop_index('ix_account_closure_participant')

    op.drop_table('account_closure')

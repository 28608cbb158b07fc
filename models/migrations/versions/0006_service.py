"""service: API keys and reprocessing runs

Revision ID: 0006
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

import models.base


revision = '0006'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('secret_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('program', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('rate_limit_per_minute', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.ParisDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', models.base.ParisDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_api_key_key_id'), 'api_key', ['key_id'], unique=True)
    op.create_index(op.f('ix_api_key_program'), 'api_key', ['program'], unique=False)
    op.create_table('reprocess_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('selection', sa.JSON(), nullable=False),
    sa.Column('reocr', sa.Boolean(), nullable=False),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('cursor', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.ParisDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', models.base.ParisDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_reprocess_run_program'), 'reprocess_run', ['program'], unique=False)
    op.create_table('reprocess_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('before_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('after_status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('before_points', sa.Integer(), nullable=False),
    sa.Column('after_points', sa.Integer(), nullable=False),
    sa.Column('applied', sa.Boolean(), nullable=False),
    sa.Column('done_at', models.base.ParisDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], ),
    sa.ForeignKeyConstraint(['run_id'], ['reprocess_run.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('run_id', 'declaration_id'),
    )
    op.create_index(op.f('ix_reprocess_item_run_id'), 'reprocess_item', ['run_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_reprocess_item_run_id'), table_name='reprocess_item')
    op.drop_table('reprocess_item')
    op.drop_index(op.f('ix_reprocess_run_program'), table_name='reprocess_run')
    op.drop_table('reprocess_run')
    op.drop_index(op.f('ix_api_key_program'), table_name='api_key')
    op.drop_index(op.f('ix_api_key_key_id'), table_name='api_key')
    op.drop_table('api_key')

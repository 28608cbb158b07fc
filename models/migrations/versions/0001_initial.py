"""stored files, OCR readings and extractions

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 01:30:10.250828
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

import models.base


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('stored_file',
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('first_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('created_at', models.base.ParisDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256')
    )
    op.create_table('ocr_reading',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('reader_version', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('readings', sa.JSON(), nullable=False),
    sa.Column('legibility', sa.JSON(), nullable=True),
    sa.Column('metadata', sa.JSON(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('created_at', models.base.ParisDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['file_sha256'], ['stored_file.sha256'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('file_sha256', 'reader_version')
    )
    with op.batch_alter_table('ocr_reading', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ocr_reading_file_sha256'), ['file_sha256'], unique=False)

    op.create_table('extraction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('reading_id', sa.Integer(), nullable=True),
    sa.Column('parser_version', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('program', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('error_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('error_message', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('created_at', models.base.ParisDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['file_sha256'], ['stored_file.sha256'], ),
    sa.ForeignKeyConstraint(['reading_id'], ['ocr_reading.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('extraction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extraction_error_code'), ['error_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_extraction_file_sha256'), ['file_sha256'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('extraction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_extraction_file_sha256'))
        batch_op.drop_index(batch_op.f('ix_extraction_error_code'))

    op.drop_table('extraction')
    with op.batch_alter_table('ocr_reading', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ocr_reading_file_sha256'))

    op.drop_table('ocr_reading')
    op.drop_table('stored_file')
    

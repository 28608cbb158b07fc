"""fingerprints: the duplicate index (file hash, purchase key, blocking, LSH and image-chunk keys)

Revision ID: 0005
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

import models.base


revision = '0005'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fingerprint',
    sa.Column('declaration_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('program', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('purchase_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('shop', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
    sa.Column('date', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('time', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
    sa.Column('ticket', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('total', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('template_key', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
    sa.Column('text_signature', sa.LargeBinary(), nullable=True),
    sa.Column('image_hash', sa.BigInteger(), nullable=True),
    sa.Column('duplicate_of', sa.Integer(), nullable=True),
    sa.Column('duplicate_of_participant', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.ParisDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['declaration.id'], ),
    sa.PrimaryKeyConstraint('declaration_id')
    )
    op.create_index('ix_fingerprint_sha256', 'fingerprint', ['program', 'sha256'], unique=False)
    op.create_index('ix_fingerprint_purchase', 'fingerprint', ['program', 'purchase_key'], unique=False)
    op.create_index('ix_fingerprint_template', 'fingerprint', ['program', 'template_key'], unique=False)
    op.create_index('ix_fingerprint_duplicate_participant', 'fingerprint', ['program', 'duplicate_of_participant'],
                    unique=False)
    op.create_index('ix_fingerprint_participant', 'fingerprint', ['program', 'participant_id'], unique=False)
    op.create_table('fingerprint_key',
    sa.Column('key', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['fingerprint.declaration_id'], ),
    sa.PrimaryKeyConstraint('key', 'declaration_id')
    )
    # forget_fingerprint deletes by declaration: without this it would scan the keys
    op.create_index('ix_fingerprint_key_declaration', 'fingerprint_key', ['declaration_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_fingerprint_key_declaration', table_name='fingerprint_key')
    op.drop_table('fingerprint_key')
    op.drop_index('ix_fingerprint_participant', table_name='fingerprint')
    op.drop_index('ix_fingerprint_duplicate_participant', table_name='fingerprint')
    op.drop_index('ix_fingerprint_template', table_name='fingerprint')
    op.drop_index('ix_fingerprint_purchase', table_name='fingerprint')
    op.drop_index('ix_fingerprint_sha256', table_name='fingerprint')
    op.drop_table('fingerprint')

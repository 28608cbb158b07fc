"""catalogs: imported versions per program, their retailers and products, the current one

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

import models.base


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('catalog_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('version', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('retailers', sa.Integer(), nullable=False),
    sa.Column('products', sa.Integer(), nullable=False),
    sa.Column('imported_at', models.base.ParisDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('program', 'version')
    )
    with op.batch_alter_table('catalog_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_version_program'), ['program'], unique=False)

    op.create_table('catalog_current',
    sa.Column('program', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('catalog_version_id', sa.Integer(), nullable=False),
    sa.Column('since', models.base.ParisDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['catalog_version_id'], ['catalog_version.id'], ),
    sa.PrimaryKeyConstraint('program')
    )
    op.create_table('catalog_retailer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('catalog_version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=512), nullable=False),
    sa.Column('postal_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=512), nullable=True),
    sa.ForeignKeyConstraint(['catalog_version_id'], ['catalog_version.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('catalog_retailer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_retailer_catalog_version_id'), ['catalog_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_retailer_postal_code'), ['postal_code'], unique=False)

    op.create_table('catalog_product',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('catalog_version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('eligible', sa.Boolean(), nullable=False),
    sa.Column('sku', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('brand', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('professional', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['catalog_version_id'], ['catalog_version.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('catalog_product', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_product_catalog_version_id'), ['catalog_version_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('catalog_product', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_product_catalog_version_id'))
    op.drop_table('catalog_product')
    with op.batch_alter_table('catalog_retailer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_retailer_postal_code'))
        batch_op.drop_index(batch_op.f('ix_catalog_retailer_catalog_version_id'))
    op.drop_table('catalog_retailer')
    op.drop_table('catalog_current')
    with op.batch_alter_table('catalog_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_version_program'))
    op.drop_table('catalog_version')

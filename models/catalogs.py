"""Imported catalogs, stored per program and version; one of them is the program's current one.

    import_catalog(session, program, catalog) -> version    idempotent; makes it current
    current_catalog(session, program) -> Catalog | None

A version's rows never change (the version is a hash of them), so a decision that
recorded `catalog_version` can always be explained with the exact catalog it used.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Column, Field, Session, SQLModel, select

from models.base import ParisDateTime, now
from pipeline.catalog import Catalog, CatalogProduct, CatalogRetailer


class CatalogVersion(SQLModel, table=True):
    """One imported catalog of one program."""

    __tablename__ = "catalog_version"
    __table_args__ = (UniqueConstraint("program", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    program: str = Field(max_length=64, index=True)
    version: str = Field(max_length=64)
    retailers: int = 0
    products: int = 0
    imported_at: datetime = Field(default_factory=now, sa_column=Column(ParisDateTime(), nullable=False))


class CatalogCurrent(SQLModel, table=True):
    """Which imported version a program uses now (the last one imported)."""

    __tablename__ = "catalog_current"

    program: str = Field(primary_key=True, max_length=64)
    catalog_version_id: int = Field(foreign_key="catalog_version.id")
    since: datetime = Field(default_factory=now, sa_column=Column(ParisDateTime(), nullable=False))


class CatalogRetailerRow(SQLModel, table=True):
    __tablename__ = "catalog_retailer"

    id: int | None = Field(default=None, primary_key=True)
    catalog_version_id: int = Field(foreign_key="catalog_version.id", index=True)
    position: int  # row order in the file
    name: str = Field(max_length=255)
    address: str = Field(default="", max_length=512)
    postal_code: str = Field(max_length=16, index=True)
    city: str = Field(max_length=128)
    kind: str = Field(default="salon", max_length=16)
    url: str | None = Field(default=None, max_length=512)


class CatalogProductRow(SQLModel, table=True):
    __tablename__ = "catalog_product"

    id: int | None = Field(default=None, primary_key=True)
    catalog_version_id: int = Field(foreign_key="catalog_version.id", index=True)
    position: int
    name: str = Field(max_length=255)
    kind: str = Field(max_length=16)
    eligible: bool
    sku: str | None = Field(default=None, max_length=64)
    brand: str | None = Field(default=None, max_length=128)
    professional: bool = False


def import_catalog(session: Session, program: str, catalog: Catalog) -> str:
    """Store `catalog` for `program` unless that version is there already; make it current. Commits."""
    found = session.exec(select(CatalogVersion).where(CatalogVersion.program == program,
                                                      CatalogVersion.version == catalog.version)).first()
    if found is None:
        found = CatalogVersion(program=program, version=catalog.version, retailers=len(catalog.retailers),
                               products=len(catalog.products))
        session.add(found)
        session.flush()
        session.add_all(CatalogRetailerRow(catalog_version_id=found.id, position=i, name=r.name, address=r.address,
                                           postal_code=r.postal_code, city=r.city, kind=r.kind, url=r.url)
                        for i, r in enumerate(catalog.retailers))
        session.add_all(CatalogProductRow(catalog_version_id=found.id, position=i, name=p.name, kind=p.kind,
                                          eligible=p.eligible, sku=p.sku, brand=p.brand, professional=p.professional)
                        for i, p in enumerate(catalog.products))
    current = session.get(CatalogCurrent, program)
    if current is None:
        session.add(CatalogCurrent(program=program, catalog_version_id=found.id))
    elif current.catalog_version_id != found.id:
        current.catalog_version_id, current.since = found.id, now()
        session.add(current)
    session.commit()
    return catalog.version


def load_catalog_version(session: Session, catalog_version_id: int) -> Catalog:
    """The stored catalog of one version row."""
    row = session.get(CatalogVersion, catalog_version_id)
    retailers = session.exec(select(CatalogRetailerRow).where(CatalogRetailerRow.catalog_version_id == row.id)
                             .order_by(CatalogRetailerRow.position)).all()
    products = session.exec(select(CatalogProductRow).where(CatalogProductRow.catalog_version_id == row.id)
                            .order_by(CatalogProductRow.position)).all()
    return Catalog(version=row.version,
                   retailers=tuple(CatalogRetailer(name=r.name, address=r.address, postal_code=r.postal_code,
                                                   city=r.city, kind=r.kind, url=r.url) for r in retailers),
                   products=tuple(CatalogProduct(name=p.name, kind=p.kind, eligible=p.eligible, sku=p.sku,
                                                 brand=p.brand, professional=p.professional) for p in products))


def current_catalog(session: Session, program: str) -> Catalog | None:
    """The program's current catalog, or None when none was imported."""
    current = session.get(CatalogCurrent, program)
    if current is None:
        return None
    return load_catalog_version(session, current.catalog_version_id)

"""A program's catalog: approved retailers and known products, read from two CSV files.

    load_catalog_dir(path) -> Catalog     reads retailers.csv and products.csv

retailers.csv: name,address,postal_code,city[,kind][,url]    kind = salon | online (default salon)
products.csv:  name,kind,eligible[,sku][,brand][,professional]
               kind = product | service; eligible, professional = true | false

The version is a short sha256 of the normalised contents (row order and spacing do
not change it), so a decision can record exactly which catalog it matched against.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path

RETAILER_KINDS = ("salon", "online")
PRODUCT_KINDS = ("product", "service")
BOOLEANS = {"true": True, "false": False, "": None}


@dataclass(frozen=True)
class CatalogRetailer:
    name: str
    address: str
    postal_code: str
    city: str
    kind: str = "salon"  # salon | online
    url: str | None = None


@dataclass(frozen=True)
class CatalogProduct:
    name: str
    kind: str  # product | service
    eligible: bool  # earns points when matched (a known ineligible entry matches to "not eligible")
    sku: str | None = None
    brand: str | None = None
    professional: bool = False  # technical product "for professional use": earns nothing

    @property
    def treatment(self) -> tuple:
        """What the rules do with a line matched to this entry; equal treatments need no margin."""
        return (self.kind, self.eligible, self.professional)


@dataclass(frozen=True)
class Catalog:
    version: str
    retailers: tuple[CatalogRetailer, ...]
    products: tuple[CatalogProduct, ...]


def load_catalog_dir(path: Path) -> Catalog:
    """Read `retailers.csv` and `products.csv` from `path`; ValueError names file, line and column."""
    path = Path(path)
    retailers = tuple(_retailer(row, line, path / "retailers.csv")
                      for line, row in _rows(path / "retailers.csv", ("name", "address", "postal_code", "city")))
    products = tuple(_product(row, line, path / "products.csv")
                     for line, row in _rows(path / "products.csv", ("name", "kind", "eligible")))
    return Catalog(catalog_version(retailers, products), retailers, products)


def catalog_version(retailers, products) -> str:
    """Short sha256 of the rows, sorted and serialised canonically."""
    canonical = json.dumps({"retailers": sorted(json.dumps(asdict(r), sort_keys=True) for r in retailers),
                            "products": sorted(json.dumps(asdict(p), sort_keys=True) for p in products)},
                           sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def _rows(file: Path, required: tuple[str, ...]):
    if not file.is_file():
        raise ValueError(f"{file}: missing (a catalog folder holds retailers.csv and products.csv)")
    text = file.read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ValueError(f"{file}: line 1: empty file, expected a header with {', '.join(required)}") from None
    missing = [c for c in required if c not in header]
    if missing:
        raise ValueError(f"{file}: line 1: header lacks column(s) {', '.join(missing)}")
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise ValueError(f"{file}: line {reader.line_num}: {len(values)} values for {len(header)} columns")
        yield reader.line_num, {h: v.strip() for h, v in zip(header, values)}


def _need(row: dict, column: str, line: int, file: Path) -> str:
    value = row.get(column, "")
    if not value:
        raise ValueError(f"{file}: line {line}, column {column}: empty")
    return value


def _choice(row: dict, column: str, choices: tuple[str, ...], default: str | None, line: int, file: Path) -> str:
    value = row.get(column, "").lower() or default
    if value not in choices:
        raise ValueError(f"{file}: line {line}, column {column}: expected {' or '.join(choices)}, "
                         f"got {row.get(column, '')!r}")
    return value


def _bool(row: dict, column: str, line: int, file: Path, *, required: bool) -> bool:
    raw = row.get(column, "").lower()
    value = BOOLEANS.get(raw, "bad")
    if value == "bad" or (value is None and required):
        raise ValueError(f"{file}: line {line}, column {column}: expected true or false, got {row.get(column, '')!r}")
    return bool(value)


def _retailer(row: dict, line: int, file: Path) -> CatalogRetailer:
    postal = _need(row, "postal_code", line, file).upper()
    if len(postal) != 5 or not (postal.isdigit() or (postal[:2] in ("2A", "2B") and postal[2:].isdigit())):
        raise ValueError(f"{file}: line {line}, column postal_code: expected 5 digits, got {postal!r}")
    return CatalogRetailer(name=_need(row, "name", line, file), address=row.get("address", ""),
                           postal_code=postal, city=_need(row, "city", line, file),
                           kind=_choice(row, "kind", RETAILER_KINDS, "salon", line, file),
                           url=row.get("url") or None)


def _product(row: dict, line: int, file: Path) -> CatalogProduct:
    return CatalogProduct(name=_need(row, "name", line, file),
                          kind=_choice(row, "kind", PRODUCT_KINDS, None, line, file),
                          eligible=_bool(row, "eligible", line, file, required=True),
                          sku=row.get("sku") or None, brand=row.get("brand") or None,
                          professional=_bool(row, "professional", line, file, required=False))

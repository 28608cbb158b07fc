"""Catalog CSVs: loading, versions, errors; stored per program in the database; the import command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cli.main import main
from models.catalogs import CatalogProductRow, CatalogRetailerRow, CatalogVersion, current_catalog, import_catalog
from models.db import migrate, session
from pipeline.catalog import load_catalog_dir
from samples.generator import goods, places
from sqlmodel import func, select

CATALOG = Path(__file__).resolve().parent.parent / "samples" / "catalogs" / "salon-rewards"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog_dir(CATALOG)


def test_committed_catalog_follows_the_generator(catalog):
    names = {r.name for r in catalog.retailers if r.kind == "salon"}
    assert "L'ESPACE K" in names and "HAIR STUDIO 13" in names
    assert "BELLE MECHE" not in names  # a salon that is not approved
    assert not names & {n for n, _ in places.SUPERMARKET_NAMES} and not names & set(places.BEAUTY_NAMES)
    assert not any(r.postal_code.startswith("97") for r in catalog.retailers)  # overseas: outside the program
    assert any(r.postal_code == "98000" for r in catalog.retailers)  # Monaco
    assert any(r.postal_code.startswith("20") for r in catalog.retailers)  # Corsica
    assert {r.kind for r in catalog.retailers} == {"salon", "online"}
    products = {p.name: p for p in catalog.products}
    assert all(products[n].eligible and products[n].kind == "product" for n in goods.KERASTASE)
    assert [p for p in catalog.products if p.professional] and not any(
        p.eligible for p in catalog.products if p.professional)
    assert {p.name for p in catalog.products if p.kind == "service" and p.eligible} >= {"SOIN FUSIO-DOSE"}
    assert not products["COUPE FEMME"].eligible and not products["MOROCCANOIL HUILE 100ML"].eligible


def test_catalog_script_rewrites_the_same_files(tmp_path, monkeypatch):
    import samples.catalogs.make_catalog as make

    monkeypatch.setattr(make, "OUT", tmp_path)
    make.main()
    for name in ("retailers.csv", "products.csv"):
        assert (tmp_path / name).read_bytes() == (CATALOG / name).read_bytes()


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "catalog"
    shutil.copytree(CATALOG, folder)
    return folder


def test_version_ignores_row_order_and_spacing_but_not_content(tmp_path, catalog):
    folder = _copy(tmp_path)
    lines = (folder / "products.csv").read_text().splitlines()
    reordered = [lines[0]] + list(reversed(lines[1:]))
    (folder / "products.csv").write_text("\n".join(line.replace(",", " , ") for line in reordered) + "\n\n")
    assert load_catalog_dir(folder).version == catalog.version
    (folder / "products.csv").write_text("\n".join(lines[:-1]) + "\n")
    assert load_catalog_dir(folder).version != catalog.version


@pytest.mark.parametrize("file, edit, message", [
    ("products.csv", lambda t: t.replace("product,true,false", "product,yes,false", 1),
     r"products.csv: line 2, column eligible: expected true or false, got 'yes'"),
    ("products.csv", lambda t: t.replace(",product,", ",gadget,", 1), r"line 2, column kind: expected product or service"),
    ("products.csv", lambda t: t.replace("sku,name,brand,kind,eligible", "sku,title,brand,kind,eligible"),
     r"products.csv: line 1: header lacks column\(s\) name"),
    ("retailers.csv", lambda t: t.replace(",01000,", ",1000,", 1), r"retailers.csv: line 2, column postal_code"),
    ("retailers.csv", lambda t: t.replace(",salon,", ",kiosk,", 1), r"line 2, column kind: expected salon or online"),
    ("retailers.csv", lambda t: t + "ONLY A NAME\n", r"retailers.csv: line \d+: 1 values for 6 columns"),
    ("retailers.csv", lambda t: "", r"retailers.csv: line 1: empty file"),
])
def test_bad_csv_names_file_line_and_column(tmp_path, file, edit, message):
    folder = _copy(tmp_path)
    (folder / file).write_text(edit((folder / file).read_text()))
    with pytest.raises(ValueError, match=message):
        load_catalog_dir(folder)


def test_missing_file_is_named(tmp_path):
    folder = _copy(tmp_path)
    (folder / "products.csv").unlink()
    with pytest.raises(ValueError, match="products.csv: missing"):
        load_catalog_dir(folder)


def test_optional_columns_default(tmp_path):
    (tmp_path / "retailers.csv").write_text("name,address,postal_code,city\nSALON A,1 RUE X,75011,PARIS\n")
    (tmp_path / "products.csv").write_text("name,kind,eligible\nBAIN X,product,true\n")
    c = load_catalog_dir(tmp_path)
    assert c.retailers[0].kind == "salon" and c.retailers[0].url is None
    assert c.products[0].professional is False and c.products[0].sku is None


def _count(s, table) -> int:
    return s.exec(select(func.count()).select_from(table)).one()


def test_import_is_idempotent_and_the_last_import_is_current(database_url, tmp_path, catalog):
    migrate(database_url)
    with session(database_url) as s:
        assert current_catalog(s, "salon-rewards") is None
        assert import_catalog(s, "salon-rewards", catalog) == catalog.version
        assert import_catalog(s, "salon-rewards", catalog) == catalog.version
        assert _count(s, CatalogVersion) == 1
        assert _count(s, CatalogRetailerRow) == len(catalog.retailers)
        assert _count(s, CatalogProductRow) == len(catalog.products)
        stored = current_catalog(s, "salon-rewards")
    assert stored == catalog  # same version, same rows in the same order
    assert current_catalog(session(database_url), "pro-club") is None

    folder = _copy(tmp_path)
    with (folder / "products.csv").open("a") as fh:
        fh.write("KNEW,NOUVEAU BAIN 250ML,Kérastase,product,true,false\n")
    newer = load_catalog_dir(folder)
    with session(database_url) as s:
        import_catalog(s, "salon-rewards", newer)
        assert current_catalog(s, "salon-rewards").version == newer.version
        import_catalog(s, "salon-rewards", catalog)  # back to the first: current again, no new rows
        assert current_catalog(s, "salon-rewards").version == catalog.version
        assert _count(s, CatalogVersion) == 2
        assert _count(s, CatalogProductRow) == 2 * len(catalog.products) + 1


def test_catalog_import_command(tmp_path, capsys, catalog):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    args = ["catalog", "import", str(CATALOG), "--program", "salon-rewards", "--db", url, "--json"]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"program": "salon-rewards", "version": catalog.version,
                   "retailers": len(catalog.retailers), "products": len(catalog.products)}
    assert main(args) == 0
    with session(url) as s:
        assert _count(s, CatalogVersion) == 1
    assert main(["catalog", "import", str(tmp_path), "--program", "salon-rewards", "--db", url]) == 2
    assert "retailers.csv: missing" in capsys.readouterr().err

"""`receipts catalog import DIR --program NAME [--db URL]`: store a catalog folder as the program's current one."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pipeline.settings import Settings


def add_parsers(sub) -> None:
    cat = sub.add_parser("catalog", help="program catalogs (approved retailers, products, services)")
    cat_sub = cat.add_subparsers(dest="action", required=True)
    imp = cat_sub.add_parser("import", help="import DIR/retailers.csv and DIR/products.csv for a program")
    imp.add_argument("dir", type=Path, metavar="DIR")
    imp.add_argument("--program", required=True, help="program name (samples/programs/NAME.toml)")
    imp.add_argument("--db", help="database URL (default: DATABASE_URL, else a SQLite file in the data dir)")
    imp.add_argument("--json", action="store_true", help="print the result as one JSON object")
    imp.set_defaults(run=run_import)


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    from models.catalogs import import_catalog
    from models.db import migrate, session
    from pipeline.catalog import load_catalog_dir
    from pipeline.settings import load_program

    load_program(settings.programs_dir, args.program)  # an unknown program is a ValueError: exit 2
    catalog = load_catalog_dir(args.dir)
    url = args.db or settings.db_url
    migrate(url)
    with session(url) as s:
        version = import_catalog(s, args.program, catalog)
    result = {"program": args.program, "version": version, "retailers": len(catalog.retailers),
              "products": len(catalog.products)}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"catalog {version} is now current for {args.program}: "
              f"{result['retailers']} retailers, {result['products']} products")
    return 0

"""The `receipts` command: one sub-command per job, settings built once here."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pipeline.settings import Settings


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="receipts", description="Receipt-declaration pipeline for loyalty programs.")
    p.add_argument("-v", "--verbose", action="store_true", help="log what each stage does")
    sub = p.add_subparsers(dest="command", required=True)

    ex = sub.add_parser("extract", help="read receipts and print their fields")
    ex.add_argument("files", nargs="+", type=Path, metavar="FILE")
    ex.add_argument("--json", action="store_true", help="one JSON object per file, one per line")
    ex.add_argument("--program", help="apply this program's intake limits (samples/programs/NAME.toml)")
    ex.add_argument("--db", help="database URL (default: DATABASE_URL, else a SQLite file in the data dir)")
    ex.add_argument("--no-store", action="store_true", help="neither read nor write stored readings")
    ex.set_defaults(run=run_extract)

    from cli.declare import add_parsers as add_declare_parsers

    add_declare_parsers(sub)

    from cli.ledger import add_parsers as add_ledger_parsers

    add_ledger_parsers(sub)

    from cli.service import add_parsers as add_service_parsers

    add_service_parsers(sub)

    from cli.catalog import add_parsers as add_catalog_parsers

    add_catalog_parsers(sub)

    db = sub.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade"], help="upgrade: migrate the database to the latest schema")
    db.add_argument("--db", help="database URL")
    db.set_defaults(run=run_db)
    return p


def run_extract(args: argparse.Namespace, settings: Settings) -> int:
    from cli.extract import extract_files

    return extract_files(args, settings)


def run_db(args: argparse.Namespace, settings: Settings) -> int:
    from models.db import migrate

    migrate(args.db or settings.db_url)
    print("database at head")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    settings = Settings()
    try:
        return args.run(args, settings)
    except ValueError as e:  # bad program name, bad option value: a sentence, not a traceback
        print(f"receipts: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())

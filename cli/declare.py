"""`receipts process` and `receipts participant add`: the embedded mode, in-process.

`process` declares each file in argument order for one participant, then decides
it at once (same functions as the workers), and prints one JSON object per file.
"""

from __future__ import annotations

import argparse
import json
from datetime import date

from pipeline.settings import Settings


def add_parsers(sub) -> None:
    pr = sub.add_parser("process", help="declare receipts for a participant and decide them")
    pr.add_argument("files", nargs="+", metavar="FILE")
    pr.add_argument("--program", required=True, help="program config (samples/programs/NAME.toml)")
    pr.add_argument("--participant", required=True,
                    help="the participant's id on the loyalty site; `{stem}` in it is replaced by each "
                         "file's name without extension (one participant per file, as in real traffic)")
    pr.add_argument("--catalog", help="catalog folder (retailers.csv, products.csv) instead of the program's own")
    pr.add_argument("--today", type=date.fromisoformat, help="as-of date for every date rule (YYYY-MM-DD)")
    pr.add_argument("--declared-date", type=date.fromisoformat, help="purchase date the participant declared")
    pr.add_argument("--declared-retailer", help="salon or shop the participant declared")
    pr.add_argument("--offer", choices=["birthday"], help="declare for an offer instead of points")
    pr.add_argument("--iban", help="where the offer's refund is paid (with --offer birthday)")
    pr.add_argument("--db", help="database URL (default: DATABASE_URL, else a SQLite file in the data dir)")
    pr.add_argument("--json", action="store_true", help="one JSON object per file, one per line")
    pr.set_defaults(run=run_process)

    pa = sub.add_parser("participant", help="participants' profiles")
    pa_sub = pa.add_subparsers(dest="action", required=True)
    add = pa_sub.add_parser("add", help="record a participant's full profile (enrols them if new)")
    add.add_argument("--program", required=True)
    add.add_argument("--id", required=True, dest="participant", help="the participant's id on the loyalty site")
    add.add_argument("--last-name", required=True)
    add.add_argument("--first-name", required=True)
    add.add_argument("--birth-date", required=True, type=date.fromisoformat)
    add.add_argument("--address", required=True, help="postal address (street)")
    add.add_argument("--postal-code", required=True)
    add.add_argument("--city", required=True)
    add.add_argument("--country", default="FR", help="ISO country code (default FR)")
    add.add_argument("--email")
    add.add_argument("--favourite-salon")
    add.add_argument("--today", type=date.fromisoformat, help="as-of date (YYYY-MM-DD)")
    add.add_argument("--db", help="database URL")
    add.add_argument("--json", action="store_true")
    add.set_defaults(run=run_participant_add)


def with_db(settings: Settings, url: str | None) -> Settings:
    return settings.model_copy(update={"database_url": url}) if url else settings


def run_process(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from declarations.process import (as_of, declaration_to_dict, declare, declare_refused,
                                      process_declaration)
    from declarations.runtime import runtime
    from models.db import session
    from pipeline.errors import FileTooLargeError

    settings = with_db(settings, args.db)
    rt = runtime(settings)
    ctx = rt.program(args.program)
    catalog = rt.catalog_dir(Path(args.catalog)) if args.catalog else None
    offer = {"kind": args.offer, "iban": args.iban} if args.offer else None
    status = 0
    for name in args.files:
        path = Path(name)
        participant = args.participant.replace("{stem}", path.stem)
        try:
            size = path.stat().st_size
            if size > ctx.extract.intake.max_bytes:  # never read a huge file into memory
                d = declare_refused(rt, program=args.program, participant=participant, name=name,
                                    error=FileTooLargeError(_too_large(size, ctx.extract.intake.max_bytes)),
                                    size=size, declared_at=as_of(args.today))
            else:
                d, _ = declare(rt, program=args.program, participant=participant, name=name,
                               data=path.read_bytes(), declared_at=as_of(args.today),
                               declared_purchase_date=args.declared_date,
                               declared_retailer=args.declared_retailer, offer=offer)
                d = process_declaration(rt, d.id, catalog=catalog)
        except OSError as e:
            out = {"file": name, "declaration_id": None, "status": "rejected", "reasons": ["unreadable_path"],
                   "points": 0, "extracted": None, "fraud": None,
                   "error": {"code": "unreadable_path", "message": f"The file could not be opened: {e.strerror}."}}
            print(json.dumps(out, ensure_ascii=False) if args.json else f"{name}: {out['error']['message']}")
            status = 1
            continue
        with session(rt.url) as s:
            out = declaration_to_dict(s, d, file=name)
        if args.json:
            print(json.dumps(out, ensure_ascii=False), flush=True)
        else:
            reasons = ", ".join(out["reasons"]) or "-"
            print(f"{name}: {out['status']} ({reasons}), {out['points']} points, declaration {out['declaration_id']}",
                  flush=True)
    return status


def _too_large(size: int, limit: int) -> str:
    return (f"The file is {size / 1_048_576:.1f} MB; the program accepts files of at most "
            f"{limit / 1_048_576:.0f} MB.")


def run_participant_add(args: argparse.Namespace, settings: Settings) -> int:
    from declarations.participants import Profile, record_profile
    from declarations.runtime import runtime

    settings = with_db(settings, args.db)
    rt = runtime(settings)
    profile = Profile(last_name=args.last_name, first_name=args.first_name, birth_date=args.birth_date,
                      postal_address=args.address, postal_code=args.postal_code, city=args.city,
                      country=args.country.upper(), email=args.email, favourite_salon=args.favourite_salon)
    result = record_profile(rt, program=args.program, participant=args.participant, profile=profile,
                            today=args.today or date.today())
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        state = "enrolled" if result["accepted"] else "refused"
        print(f"participant {args.participant}: {state}"
              + (f" ({', '.join(result['reasons'])})" if result["reasons"] else "")
              + (f", bonus {result['bonus_points']} points" if result["bonus_points"] else ""))
    return 0 if result["accepted"] else 1

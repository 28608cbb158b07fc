"""`receipts extract`: read files in argument order, print the contract."""

from __future__ import annotations

import argparse
import json

from pipeline.contract import extraction_to_contract
from pipeline.extract import extract_receipt, options_for
from pipeline.interpret import PARSER_VERSION
from pipeline.settings import Settings


def extract_files(args: argparse.Namespace, settings: Settings) -> int:
    options = options_for(settings, args.program)
    store = None
    if not args.no_store:
        from models.store import ReadingStore

        store = ReadingStore(args.db or settings.db_url, settings.data_dir)
    for path in args.files:
        try:
            data = path.read_bytes()
        except OSError as e:
            out = {"file": str(path), "ok": False,
                   "error": {"code": "unreadable_path", "message": f"The file could not be opened: {e.strerror}."}}
            print(json.dumps(out, ensure_ascii=False) if args.json else f"{path}: {out['error']['message']}")
            continue
        result = extract_receipt(str(path), data, options, store)
        if store is not None:
            store.save_extraction(result.extraction, parser_version=PARSER_VERSION, program=args.program,
                                  reading_id=result.reading_id)
        contract = extraction_to_contract(result.extraction)
        if args.json:
            print(json.dumps(contract, ensure_ascii=False), flush=True)
        else:
            print(render_table(contract), flush=True)
    return 0


def render_table(c: dict) -> str:
    """A readable block per file for people at a terminal."""
    rows = [f"== {c['file']}"]
    if not c["ok"]:
        rows.append(f"   REFUSED  {c['error']['code']}: {c['error']['message']}")
        if c.get("total") is None:
            return "\n".join(rows)
    r = c["retailer"]
    conf = c["confidence"]
    def row(label, value, key=None):
        mark = f"  ({conf[key]:.2f})" if key in conf else ""
        rows.append(f"   {label:<12} {value if value not in (None, '', []) else '-'}{mark}")
    row("retailer", r.get("name"), "retailer")
    row("address", " ".join(x for x in (r.get("address"), r.get("postal_code"), r.get("city")) if x), "postal_code")
    row("siret", r.get("siret"))
    row("date", " ".join(x for x in (c["date"], c["time"]) if x), "date")
    row("ticket", c["ticket"], "ticket")
    for item in c["items"]:
        flag = " (underlined)" if item.get("underlined") else ""
        rows.append(f"   {'item':<12} {item['quantity']} x {item['name']}  {item['price']}{flag}")
    row("total", f"{c['total']} {c['currency'] or ''}".strip() if c["total"] else None, "total")
    split = c.get("payments") or []
    shares = ", ".join(f"{p['method']} {p['amount']}" for p in split) if len(split) > 1 else None
    row("payment", shares or c["payment"], "payment")
    row("markers", ", ".join(c["markers"]))
    return "\n".join(rows)


"""The stable JSON shapes: the extract contract, and stored readings.

`receipts extract --json` prints `extraction_to_contract(...)`; keys are only ever
added, never renamed or removed.
"""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from pipeline.values import Extraction, Line, Reading, ReceiptFields, Word

CONTRACT_KEYS = (
    "file", "ok", "error", "retailer", "date", "time", "ticket", "beneficiary", "items",
    "subtotal", "vat", "total", "currency", "payment", "markers", "confidence", "payments",
)


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.quantize(Decimal('0.01'))}"


def quantity(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def fields_to_contract(fields: ReceiptFields) -> dict[str, Any]:
    """The field part of the contract (everything but file/ok/error)."""
    return {
        "retailer": asdict(fields.retailer),
        "date": fields.date.isoformat() if fields.date else None,
        "time": fields.time,
        "ticket": fields.ticket,
        "beneficiary": fields.beneficiary,
        "items": [
            {"name": i.name, "quantity": quantity(i.quantity), "price": money(i.price),
             "underlined": i.underlined}
            for i in fields.items
        ],
        "subtotal": money(fields.subtotal),
        "vat": [{"rate": money(v.rate), "amount": money(v.amount)} for v in fields.vat],
        "total": money(fields.total),
        "currency": fields.currency,
        "payment": fields.payment,
        "payments": [{"method": t.method, "amount": money(t.amount)} for t in fields.payments],
        "markers": list(fields.markers),
        "confidence": {k: round(v, 3) for k, v in sorted(fields.confidence.items())},
    }


def extraction_to_contract(extraction: Extraction) -> dict[str, Any]:
    """One line of `receipts extract --json`."""
    error = None
    if not extraction.ok:
        error = {"code": extraction.error_code, "message": extraction.error_message}
    out: dict[str, Any] = {"file": extraction.file, "ok": extraction.ok, "error": error}
    out.update(fields_to_contract(extraction.fields))
    out["sha256"] = extraction.sha256
    return out


def reading_to_dict(reading: Reading) -> dict[str, Any]:
    return {
        "engine": reading.engine,
        "engine_version": reading.engine_version,
        "variant": reading.variant,
        "page": reading.page,
        "seconds": round(reading.seconds, 4),
        "lines": [
            {"text": ln.text, "conf": round(ln.conf, 1), "box": list(ln.box), "underlined": ln.underlined,
             "words": [[w.text, round(w.conf, 1), *w.box] for w in ln.words]}
            for ln in reading.lines
        ],
    }


def reading_from_dict(d: dict[str, Any]) -> Reading:
    lines = tuple(
        Line(
            text=ln["text"], conf=ln["conf"], box=tuple(ln["box"]), underlined=ln.get("underlined", False),
            words=tuple(Word(text=w[0], conf=w[1], box=tuple(w[2:6])) for w in ln.get("words", ())),
        )
        for ln in d["lines"]
    )
    return Reading(engine=d["engine"], engine_version=d["engine_version"], lines=lines,
                   page=d.get("page", 0), seconds=d.get("seconds", 0.0), variant=d.get("variant", ""))

"""ReceiptFields built from the committed samples' ground truth (samples/receipts/*.json)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from pipeline.values import Item, ReceiptFields, Retailer

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "receipts"


@cache
def truth(stem: str) -> dict:
    return json.loads((SAMPLES / f"{stem}.json").read_text())


def fields_of(stem: str) -> ReceiptFields:
    """The fields a perfect reading of `samples/receipts/<stem>.*` would give."""
    t = truth(stem)
    r = t["retailer"]
    return ReceiptFields(
        retailer=Retailer(name=r["name"], address=r["address"], postal_code=r["postal_code"], city=r["city"],
                          siret=r["siret"]),
        date=date.fromisoformat(t["date"]), time=t["time"], ticket=t["ticket"], beneficiary=t["beneficiary"],
        items=tuple(Item(i["name"], Decimal(str(i["quantity"])), Decimal(i["price"])) for i in t["items"]),
        total=Decimal(t["total"]), currency=t["currency"], payment=t["payment"], markers=tuple(t["markers"]),
    )

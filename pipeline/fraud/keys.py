"""Canonical keys of a purchase, normalised against OCR noise.

A re-photographed receipt read by OCR may come back with `0` for `O`, `1` for `l`,
spaces lost or added, leading zeros dropped: every key folds those away, so the same
paper gives the same key however it was photographed (when the fields were read).
"""

from __future__ import annotations

import hashlib
import re

from pipeline.values import ReceiptFields

# Characters OCR confuses on till receipts, folded onto one representative.
CONFUSABLES = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "|": "1", "!": "1",
                             "S": "5", "B": "8", "Z": "2", "G": "6", "T": "7"})
NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def fold(text: str | None) -> str:
    """Upper case, separators dropped, look-alike characters folded: 'Tkt 0O6-l2' -> '7K7006 12' -> '7K700612'."""
    if not text:
        return ""
    return NOT_ALNUM.sub("", text.upper()).translate(CONFUSABLES)


def fold_number(text: str | None) -> str:
    """A folded code without its leading zeros ('0006-092081' -> '6092081')."""
    return fold(text).lstrip("0")


def shop_of(fields: ReceiptFields) -> str | None:
    """The shop as the till prints it: its postal code, else its SIRET, else its folded name.

    The postal code is read most reliably (96-98 % on photos, against 91-95 % for the name
    or SIRET), and with date, time, ticket number and total it already tells one purchase
    from every other: adding the name would only lose re-photographs to OCR noise.
    """
    retailer = fields.retailer
    code = fold(retailer.postal_code)
    if len(code) == 5:
        return code
    siret = fold(retailer.siret)
    if len(siret) >= 9:
        return "S" + siret[:9]  # SIREN: the company, whichever of its shops
    name = fold(retailer.name)
    return "N" + name[:16] if len(name) >= 4 else None


def total_of(fields: ReceiptFields) -> str | None:
    return f"{fields.total:.2f}" if fields.total is not None else None


def ticket_of(fields: ReceiptFields) -> str | None:
    return fold_number(fields.ticket) or None


def purchase_key(fields: ReceiptFields) -> str | None:
    """shop|date|time|ticket|total, or None when too little is known to name one purchase.

    The shop, the date and the total are required, and at least one of the time and the
    ticket number (a shop sells the same total many times a day).
    """
    shop, total, ticket = shop_of(fields), total_of(fields), ticket_of(fields)
    if shop is None or fields.date is None or total is None or not (fields.time or ticket):
        return None
    return "|".join((shop, fields.date.isoformat(), fields.time or "-", ticket or "-", total))


def template_key(fields: ReceiptFields) -> str | None:
    """The shop and the basket (item prices, sorted) without date, time or ticket: a template
    a fabricator reuses keeps these and changes the rest."""
    shop, total = shop_of(fields), total_of(fields)
    if shop is None or total is None or not fields.items:
        return None
    basket = ",".join(sorted(f"{item.price:.2f}" for item in fields.items))
    return hashlib.blake2b(f"{shop}|{total}|{basket}".encode(), digest_size=12).hexdigest()


def key64(*parts: object) -> int:
    """A signed 64-bit integer naming `parts` (for BIGINT index columns)."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def blocking_keys(fields: ReceiptFields) -> tuple[int, ...]:
    """Coarse keys under which a re-photograph is looked for when its exact key differs:
    date + total, shop + total, shop + date (any two of three well-read facts)."""
    shop, total = shop_of(fields), total_of(fields)
    day = fields.date.isoformat() if fields.date else None
    keys = []
    for kind, a, b in (("dt", day, total), ("st", shop, total), ("sd", shop, day)):
        if a and b:
            keys.append(key64("block", kind, a, b))
    return tuple(keys)

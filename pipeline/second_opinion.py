"""Which lines of a primary reading deserve a second engine's opinion.

Tesseract is weakest on the few fields that matter most: confusable digits in the
total (large or faint print) and the postal code. The second engine re-reads only
those lines, and only when the primary parse is missing them, doubtful, or
inconsistent (items not summing to the total, total not matching the payment), and
the first header lines when the shop name is missing or doubtful.
"""

from __future__ import annotations

import re
from decimal import Decimal

from pipeline.parse.text import fold
from pipeline.values import Line, ReceiptFields

AMOUNT_LABELS = re.compile(r"TOTAL|TOT\b|PAYER|MONTANT|NET\b|TTC|DU\b|CB\b|CARTE|ESPECES|CHEQUE|PERCU|RENDU")
POSTAL = re.compile(r"\b\d[\dOILS]{4}\b")
DATE_LIKE = re.compile(r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}|\d{1,2}\s*[H:]\s*\d{2}")
LOW_CONF = 80.0
MAX_LINES = 8
NAME_LINES = 2  # the shop name is printed in the first lines of the header


def _sums_agree(fields: ReceiptFields) -> bool:
    if fields.total is None:
        return False
    if fields.items:
        items = sum((i.price for i in fields.items), Decimal(0))
        if items != fields.total and fields.subtotal not in (None, items):
            return False
    if fields.vat:
        pass  # VAT rows alone do not give the TTC reliably; the parser's own checks cover them
    return True


def lines_to_recheck(lines: tuple[Line, ...], fields: ReceiptFields) -> list[int]:
    """Indexes of the lines to read again; empty when the primary reading looks sound."""
    conf = fields.confidence
    want_total = fields.total is None or not _sums_agree(fields) or conf.get("total", 0) < 0.8
    want_postal = fields.retailer.postal_code is None or conf.get("postal_code", 0) < 0.8
    want_date = fields.date is None or conf.get("date", 0) < 0.8
    # Big or bold shop names are where Tesseract slips most in the header.
    want_name = fields.retailer.name is None or conf.get("retailer", 0) < 0.8
    picked: list[int] = []
    header = max(3, len(lines) // 3)
    for i, line in enumerate(lines):
        text = fold(line.text)
        if want_name and i < NAME_LINES:
            picked.append(i)
        elif want_total and AMOUNT_LABELS.search(text) and re.search(r"\d", text):
            picked.append(i)
        elif want_postal and i < header and POSTAL.search(text):
            picked.append(i)
        elif want_date and DATE_LIKE.search(text):
            picked.append(i)
        elif line.conf < LOW_CONF and i < header and want_postal:
            picked.append(i)
    return picked[:MAX_LINES]

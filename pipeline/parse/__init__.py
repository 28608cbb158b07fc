"""Field parser: OCR text lines of a French till receipt -> `ReceiptFields`.

    parse_receipt(lines)        every field of one reading (see `receipt.py`)
    lines_from_text(text)       Lines from plain text, for text layers and tests
    parse_amount / find_amounts / find_dates / find_times   building blocks

Modules: text (folding, OCR repair), amounts, dates, retailer, ticket, items,
labels (label tables), totals, markers, receipt. Combining several readings
is `pipeline.interpret`'s job.
"""

from pipeline.parse.amounts import AmountMatch, find_amounts, format_amount, parse_amount
from pipeline.parse.dates import find_date_matches, find_dates, find_times
from pipeline.parse.receipt import parse_lines, parse_receipt
from pipeline.parse.text import clean_lines, fold, lines_from_text

__all__ = [
    "AmountMatch",
    "clean_lines",
    "find_amounts",
    "find_date_matches",
    "find_dates",
    "find_times",
    "fold",
    "format_amount",
    "lines_from_text",
    "parse_amount",
    "parse_lines",
    "parse_receipt",
]

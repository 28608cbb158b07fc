"""Turn stored readings into fields: parse each reading, then vote.

This is the only step a batch re-parse runs: it needs no image and no OCR.
Lines re-read by the second engine replace the primary engine's lines at the same
place, giving a second candidate; the vote keeps, field by field, what the
readings agree on and what is consistent (total = items = payment).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from pipeline.parse import parse_receipt, vote
from pipeline.values import Line, Reading, ReceiptFields

PARSER_VERSION = "1"


def merge_lines(primary: tuple[Line, ...], corrections: tuple[Line, ...]) -> tuple[Line, ...]:
    """The primary lines with the corrected ones substituted (matched by their box)."""
    by_box = {c.box: c for c in corrections if c.text.strip()}
    out = []
    for line in primary:
        c = by_box.get(line.box)
        out.append(line if c is None else Line(text=c.text, conf=c.conf, box=line.box, words=(),
                                               underlined=line.underlined))
    return tuple(out)


def interpret(readings: tuple[Reading, ...]) -> ReceiptFields:
    """Fields from every reading of every page (pages read in order as one ticket)."""
    if not readings:
        return ReceiptFields()
    if all(r.engine == "text-layer" for r in readings):
        lines = tuple(line for r in readings for line in r.lines)
        fields = parse_receipt(lines)
        return replace(fields, markers=tuple(dict.fromkeys((*fields.markers, "e_ticket"))))

    primary: dict[int, list[Line]] = defaultdict(list)
    corrected: dict[int, tuple[Line, ...]] = {}
    for r in readings:
        if r.variant == "lines":
            corrected[r.page] = r.lines
        else:
            primary[r.page].extend(r.lines)
    base = tuple(line for page in sorted(primary) for line in primary[page])
    candidates = [parse_receipt(base)]
    if corrected:
        merged = tuple(line for page in sorted(primary)
                       for line in merge_lines(tuple(primary[page]), corrected.get(page, ())))
        candidates.append(parse_receipt(merged))
    fields = candidates[0] if len(candidates) == 1 else vote(candidates)
    if any(r.engine == "text-layer" for r in readings):
        fields = replace(fields, markers=tuple(dict.fromkeys((*fields.markers, "e_ticket"))))
    return fields

"""Ticket number and beneficiary (`Client : Mme DUPONT Marie`)."""

from __future__ import annotations

import re

from pipeline.parse.dates import DATE_SHAPE, find_date_matches, find_time_matches, repaired_date
from pipeline.parse.text import TextLine

# `N°`, and its N read as K beside the degree sign (`FACTURE K° F2026-82952`)
_NUM = r"(?:N\s?[°O*º]\.?|K\s?[°º]\.?|NO\.?|NR\.?|NUM(?:ERO)?\.?|#)"
_VALUE = r"(?P<v>[A-Z]{0,3}\d[\dA-Z\-/.]*\d|\d)"
# (pattern, confidence factor), most explicit first.
TICKET_LABELS: tuple[tuple[str, float], ...] = (
    (rf"\bT[I1L|]C?K[EOA]T\s*{_NUM}?\s*:?\s*{_VALUE}", 1.0),  # `Tickot`: an E read as O
    (rf"{_NUM}\s*(?:DE\s*)?TICKET\s*:?\s*{_VALUE}", 1.0),
    (rf"\bTICK\.?\s*:?\s*{_VALUE}", 0.95),
    (rf"\bR[EO]?C+[EIO]{{1,2}}PT\s*{_NUM}?\s*:?\s*{_VALUE}", 0.95),  # RECEIPT, `Reccipt`, `Rocoipt`
    (rf"\bFACTUR[EC]\s*{_NUM}?\s*:?\s*{_VALUE}", 0.95),  # `Facturc`: an E read as C
    (rf"{_NUM}\s*(?:DE\s*)?FACTURE\s*:?\s*{_VALUE}", 0.95),
    (rf"\bTRANSACTION\s*{_NUM}?\s*:?\s*{_VALUE}", 0.8),
    # a restaurant's bill: `Note n° 1587`, `Note : 1587`, `Addition n° 1587`
    (rf"\b(?:NOTE|ADDITION)\s*(?:{_NUM}\s*:?|:)\s*{_VALUE}", 0.8),
    (rf"\bTRANS[.,]?\s*{_NUM}?\s*:?\s*{_VALUE}", 0.75),
    (rf"\bTK\s*{_NUM}?\s*:?\s*{_VALUE}", 0.85),
    (rf"\bTIC\s*:?\s*{_VALUE}", 0.8),
    (rf"\bREF(?:ERENCE)?\s*(?:VENTE|TICKET)?\s*{_NUM}?\s*:?\s*{_VALUE}", 0.6),
)
TICKET_RULES = tuple((re.compile(p), f) for p, f in TICKET_LABELS)
BARE_NUMBER = re.compile(rf"^{_NUM}\s*:?\s*(?P<v>\d[\d\-/]{{3,}}\d)\s*$")
# `22/11/26 09:14 N°0231`: a number beside the date and time, after its N°
DATED_NUMBER = re.compile(rf"{_NUM}\s*:?\s*(?P<v>\d[\d\-]{{2,}}\d)(?![\d/.,:])")
TILL_HYPHEN_TICKET = re.compile(r"(?<![\d/.,:-])(\d{4}-\d{6})(?![\d/.,:-])")
NOT_TICKET_CONTEXT = re.compile(
    r"TVA|SIRE|TEL|CARTE|CLIENT|FIDEL|AUTO|COMMERCANT|CONTRAT|TERMINAL|RCS|NAF|APE|IDENT|TITRE|RESTAU"
)
SPACED_HYPHEN = re.compile(r"(?<=[A-Z\d])\s?-\s?(?=\d)")
TOTAL_BEFORE = re.compile(r"\bTOT(?:AL)?\b")
AMOUNT_AFTER = re.compile(r"\s?[,.]\s?\d{2}(?!\d)")
TILL_GROUPS = re.compile(r"(?<![\d.,:/])\d{2,8}(?![\d.,:/])")

BENEFICIARY = re.compile(
    r"^\s*(?:NOM\s*(?:DU\s*)?(?:CLIENTE?|BENEFICIAIRE)?|CLIENTE?|BENEFICIAIRE|ADHERENTE?|PATIENTE?)"
    r"\s*(?::|-)\s*(?P<name>.+)$"
)
BENEFICIARY_TITLED = re.compile(r"^\s*CLIENTE?\s+(?P<name>(?:MME|MLLE|MR|M\.|MONSIEUR|MADAME)\b.+)$")
NOT_A_NAME = re.compile(r"^\W*(?:N°|NO\b|NUM|\d|CARTE|COMPTE|FIDEL|PASSAGE|DIVERS|COMPTOIR)")


def _date_spans(digits: str) -> list[tuple[int, int]]:
    """Where a line's dates lie, as printed or with their zeros misread (`62/66/2026`, `19/66/24`)."""
    return [(d.start, d.end) for d in find_date_matches(digits)] or [
        m.span() for m in DATE_SHAPE.finditer(digits) if repaired_date(m.group())]


def _till_ticket(line: TextLine) -> str | None:
    """The ticket group of a till line `0006 002 000027 26/01/2017 08:21:05` (the third)."""
    dates = _date_spans(line.digits)
    if not dates:
        return None
    spans = dates + [(s, e) for _, s, e in find_time_matches(line.digits, allow_dot=True)]
    start = dates[0][0]
    before = [m for m in TILL_GROUPS.finditer(line.digits[:start])]
    after_from = max(e for _, e in spans)
    after = [m for m in TILL_GROUPS.finditer(line.digits, after_from)]
    for groups in (before, after):
        if len(groups) >= 3 and not re.search(r"[A-Z]{2}", line.labels[:start]):
            return line.raw[groups[2].start() : groups[2].end()]
    return None


def find_ticket(lines: list[TextLine]) -> tuple[str, float] | None:
    """The ticket number, as printed: labelled first, then a till footer line, then `N° 0042-1`."""
    best: tuple[float, str] | None = None
    for line in lines:
        # `N° 0004 -048274`, `F2024- 38424`: spaces read around a number's hyphen
        digits = SPACED_HYPHEN.sub("-", line.digits)
        for rule, factor in TICKET_RULES:
            m = rule.search(digits)
            if not m:
                continue
            before = digits[: m.start()]
            if NOT_TICKET_CONTEXT.search(before) or "RESTAU" in line.labels or TOTAL_BEFORE.search(before):
                continue
            if AMOUNT_AFTER.match(digits[m.end("v") :]):
                continue  # `TOTAL TIC 111,50`: a TTC misread, and an amount
            value = digits[m.start("v") : m.end("v")].strip(".-/")
            # a date glued after a ticket label is no ticket number
            if find_date_matches(m.group("v")) and len(re.sub(r"\D", "", value)) in (6, 8):
                continue
            score = line.conf * factor
            if best is None or score > best[0]:
                best = (score, value)
            break
    if best is not None:
        return best[1], round(best[0], 3)
    for line in lines:
        value = _till_ticket(line)
        if value:
            return value, round(line.conf * 0.85, 3)
    for line in lines:
        digits = SPACED_HYPHEN.sub("-", line.digits.strip())
        m = BARE_NUMBER.match(digits) or (_date_spans(digits) and DATED_NUMBER.search(digits))
        if m and not NOT_TICKET_CONTEXT.search(line.labels):
            return m["v"], round(line.conf * 0.6, 3)
    for line in lines:
        # `WN” 0001-014421 |`: the till-and-ticket shape alone, its N° and the line's start misread
        digits = SPACED_HYPHEN.sub("-", line.digits.strip())
        found = TILL_HYPHEN_TICKET.findall(digits)
        if len(found) == 1 and not NOT_TICKET_CONTEXT.search(line.labels) and not find_date_matches(digits):
            return found[0], round(line.conf * 0.5, 3)
    return None


def find_beneficiary(lines: list[TextLine]) -> tuple[str, float] | None:
    """The customer's name printed on the receipt, as printed."""
    for line in lines:
        m = BENEFICIARY.match(line.labels) or BENEFICIARY_TITLED.match(line.labels)
        if not m:
            continue
        name = line.raw[m.start("name") : m.end("name")].strip(" :.-")
        if NOT_A_NAME.match(m["name"]) or sum(c.isalpha() for c in name) < 3:
            continue
        name = re.split(r"\s{3,}|\s+(?:N°|No|Carte|Tel|Tél)\b", name)[0].strip()
        return name, round(line.conf, 3)
    return None

"""Markers the rules care about: a duplicata, a card-terminal slip on its own.

("e_ticket" is added by the caller for PDFs with a text layer, not detected here.)
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from pipeline.parse.text import TextLine

DUPLICATA_WORDS = ("DUPLICATA", "DUPLICATE", "REIMPRESSION", "REEDITION")
DUPLICATA = re.compile(
    r"\bDUPLI[CG]ATA|\bDUPLICATE\b|\bCOPIE\b(?!\s*(?:CLIENT|COMMER[CG]ANT|PORTEUR))|R[EÉ]\s?-?\s?IMPRESSION"
    r"|R[EÉ]\s?-?\s?[EÉ]DITION|\b2\s?(?:EME|E|ND)\s*[EÉ]DITION|TICKET\s*R[EÉ]\s?-?\s?[EÉ]DITE|R[EÉ]IMPRIME"
)
FUZZY_DUPLICATA_SCORE = 85  # a whole word this close to DUPLICATA counts (`DUPL1CATA`, `OUPLICATA`)

# Wording of a card-payment terminal slip (ticket carte bancaire).
CARD_SLIP_WORDS = re.compile(
    r"CARTE\s*BANCAIRE|TICKET\s*CLIENT|A\s*CONSERVER|CONTACTLESS|SANS\s*CONTACT|\bDEBIT\b|\bMONTANT\b"
    r"|\bVISA\b|MASTERCARD|\bCB\b|\bAID\b|\bA0{4,}|\bNO\s*AUTO|AUTORISATION|CRYPTOGRAMME|\bTERMINAL\b"
    r"|\bTRANSACTION\b|\bACCEPTEE?\b|\bEMV\b|#{4,}|\*{4,}\s?\d{4}|X{4,}\d{4}|\bPAN\b|\bCARTE\b\s*[\dX*#]"
    r"|TICKET\s*COMMER[CG]ANT|COPIE\s*CLIENT|COPIE\s*PORTEUR|\bSTAN\b|\bRANG\b|\bLOGICIEL\b|\bCONTRAT\b"
)
MIN_CARD_SLIP_WORDS = 3


def is_duplicata(lines: list[TextLine]) -> tuple[bool, float]:
    """A reprinted receipt: DUPLICATA, COPIE, REIMPRESSION, 2EME EDITION..."""
    for line in lines:
        if DUPLICATA.search(line.labels):
            return True, line.conf
        for word in re.findall(r"[A-Z0-9]{7,11}", line.labels):
            if any(fuzz.ratio(word, w) >= FUZZY_DUPLICATA_SCORE for w in DUPLICATA_WORDS):
                return True, line.conf * 0.85
    return False, 0.0


def is_card_slip(lines: list[TextLine], *, items: int, has_structure: bool) -> tuple[bool, float]:
    """A card-terminal slip on its own: its wording, no items, no ticket structure."""
    hits = sum(1 for line in lines if CARD_SLIP_WORDS.search(line.labels))
    if items or has_structure or hits < MIN_CARD_SLIP_WORDS:
        return False, 0.0
    share = hits / max(1, len(lines))
    return True, round(min(1.0, 0.6 + share), 3)

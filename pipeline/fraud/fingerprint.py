"""`fingerprint_of`: what the duplicate index keeps of one extraction."""

from __future__ import annotations

from pipeline.fraud.keys import blocking_keys, purchase_key, shop_of, template_key, ticket_of, total_of
from pipeline.fraud.sketches import PHASH_KEY, image_bands, lsh_bands, minhash, shingles
from pipeline.fraud.values import Fingerprint
from pipeline.values import Extraction, Reading

SECOND_OPINION_VARIANT = "lines"  # the second engine's re-read crops: not the receipt's text
TEXT_BANDS, TEXT_ROWS = 16, 4  # LSH S-curve: s=0.5 -> 64 %, s=0.6 -> 89 %, s=0.75 -> 99.8 % chance to share a band


def receipt_lines(readings: tuple[Reading, ...]) -> list[str]:
    """The text lines of the primary reading of every page (text layer or first OCR)."""
    return [line.text for r in readings if r.variant != SECOND_OPINION_VARIANT for line in r.lines]


def fingerprint_of(extraction: Extraction, *, text_bands: int = TEXT_BANDS, text_rows: int = TEXT_ROWS) -> Fingerprint:
    """Keys, MinHash signature and perceptual hash of one read receipt (an unread one keeps only its sha256)."""
    fields = extraction.fields
    signature = minhash(shingles(receipt_lines(extraction.readings)))
    raw = extraction.metadata.get(PHASH_KEY)
    phash = int(raw, 16) if raw else None
    return Fingerprint(
        sha256=extraction.sha256,
        purchase_key=purchase_key(fields),
        shop=shop_of(fields),
        date=fields.date.isoformat() if fields.date else None,
        time=fields.time,
        ticket=ticket_of(fields),
        total=total_of(fields),
        template_key=template_key(fields),
        blocking_keys=blocking_keys(fields),
        text_signature=signature,
        text_bands=lsh_bands(signature, text_bands, text_rows),
        image_hash=phash,
        image_bands=image_bands(phash),
    )




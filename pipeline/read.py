"""Read the pages of a decoded document into engine readings.

A page with a text layer (an e-ticket PDF) is read from that layer, no OCR. A page
image is prepared (OpenCV), checked for legibility, read once by the primary engine
(Tesseract), and, when the parse of that reading is weak or inconsistent, the few
lines that matter (total, payment, header) are read again by the second engine
(PP-OCR line recogniser). Every reading is kept, so interpretation can be redone
from storage without any OCR.
"""

from __future__ import annotations

import time

import numpy as np

from pipeline.engines import get_engine, get_recognizer
from pipeline.errors import IllegibleError
from pipeline.parse import lines_from_text, parse_receipt
from pipeline.preprocess import check_legibility, prepare_page
from pipeline.second_opinion import lines_to_recheck
from pipeline.settings import LegibilityLimits, ReadingSettings
from pipeline.values import DecodedDocument, Legibility, Line, PreparedPage, Reading

READER_VERSION = "2"  # bump when preprocessing or reading changes what a stored reading holds
PRIMARY_PSM = 6  # one uniform block of text: a till receipt's single column


def reader_version(settings: ReadingSettings) -> str:
    engine = get_engine(settings)
    fallback = f"+{get_recognizer(settings).version}" if settings.fallback_engine else ""
    return (f"r{READER_VERSION}/{engine.name}-{engine.version}{fallback}"
            f"/h{settings.target_char_height}/{settings.languages}")[:64]


def read_document(document: DecodedDocument, settings: ReadingSettings,
                  limits: LegibilityLimits) -> tuple[tuple[Reading, ...], Legibility | None]:
    """All readings of every page, and the first image page's legibility figures."""
    readings: list[Reading] = []
    legibility: Legibility | None = None
    for page in document.pages:
        if page.text_layer:
            readings.append(Reading(engine="text-layer", engine_version="pdfium",
                                    lines=lines_from_text(page.text_layer), page=page.index, variant="text"))
            continue
        prepared = prepare_page(page, settings)
        legibility = legibility or prepared.legibility
        check_legibility(prepared.legibility, limits)
        primary = read_prepared(prepared, settings)
        check_confidence(primary, limits)
        readings.append(primary)
        if settings.fallback_engine:
            second = recheck(prepared, primary, settings)
            if second is not None:
                readings.append(second)
    return tuple(readings), legibility


def read_prepared(prepared: PreparedPage, settings: ReadingSettings) -> Reading:
    reading = get_engine(settings).read(prepared.image, psm=PRIMARY_PSM, variant=f"psm{PRIMARY_PSM}")
    lines = tuple(mark_underlined(line, prepared.underlines) for line in reading.lines)
    return Reading(engine=reading.engine, engine_version=reading.engine_version, lines=lines,
                   page=prepared.index, seconds=reading.seconds, variant=reading.variant)


def mark_underlined(line: Line, strokes: tuple[tuple[int, int, int, int], ...]) -> Line:
    """A line is underlined when a pen stroke runs just below it across part of its width."""
    x, y, w, h = line.box
    for sx, sy, sw, sh in strokes:
        below = y + 0.4 * h <= sy + sh / 2 <= y + h + 1.2 * h
        overlap = min(x + w, sx + sw) - max(x, sx)
        if below and overlap > 0.25 * min(w, sw):
            return Line(text=line.text, conf=line.conf, box=line.box, words=line.words, underlined=True)
    return line


def check_confidence(reading: Reading, limits: LegibilityLimits) -> None:
    words = [w for line in reading.lines for w in line.words if w.text.strip()]
    if not words:
        raise IllegibleError("No text could be read on the receipt (0 words recognised).")
    mean = sum(w.conf for w in words) / len(words)
    if mean < limits.min_mean_confidence:
        raise IllegibleError(f"The receipt is too hard to read (mean OCR confidence {mean:.0f}%, "
                             f"at least {limits.min_mean_confidence:.0f}% needed).")


def recheck(prepared: PreparedPage, primary: Reading, settings: ReadingSettings) -> Reading | None:
    """Re-read, with the second engine, the lines where the primary reading is weak."""
    fields = parse_receipt(primary.lines)
    indexes = lines_to_recheck(primary.lines, fields)
    if not indexes:
        return None
    started = time.perf_counter()
    crops = [crop_line(prepared.image, primary.lines[i].box) for i in indexes]
    texts = get_recognizer(settings).recognize(crops)
    lines = tuple(Line(text=text, conf=conf, box=primary.lines[i].box)
                  for i, (text, conf) in zip(indexes, texts))
    recognizer = get_recognizer(settings)
    return Reading(engine=recognizer.name, engine_version=recognizer.version, lines=lines, page=prepared.index,
                   seconds=time.perf_counter() - started, variant="lines")


def crop_line(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x, y, w, h = box
    pad_y, pad_x = max(2, h // 3), max(4, h // 2)
    return image[max(0, y - pad_y): y + h + pad_y, max(0, x - pad_x): x + w + pad_x]

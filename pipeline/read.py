"""Read the pages of a decoded document into engine readings.

A page with a text layer (an e-ticket PDF) is read from that layer, no OCR. A page
image is prepared (OpenCV), checked for legibility, read once by the primary engine
(Tesseract), and, when the parse of that reading is weak or inconsistent, the few
lines that matter (total, payment, header) are read again by the second engine
(PP-OCR line recogniser). Every reading is kept, so interpretation can be redone
from storage without any OCR.
"""

from __future__ import annotations

import math
import re
import time

import numpy as np

from pipeline.engines import get_engine, get_recognizer
from pipeline.errors import IllegibleError
from pipeline.fraud.sketches import PHASH_KEY, receipt_hash
from pipeline.parse import lines_from_text, parse_receipt
from pipeline.preprocess import check_legibility, prepare_page
from pipeline.second_opinion import lines_to_recheck
from pipeline.settings import LegibilityLimits, ReadingSettings
from pipeline.values import DecodedDocument, Legibility, Line, PreparedPage, Reading, Word

# bump when preprocessing or reading changes what a stored reading holds
# (8: the receipt's perceptual hash; 9: the image forensics measured at read time;
#  10: paper masks grown over print they cut, dashes out of the character height, print above the first line;
#  11: a warped outline cutting letters is kept on a textured surface)
READER_VERSION = "11"
GREEK_ZERO = str.maketrans({"θ": "0", "Θ": "0", "ø": "0", "Ø": "0"})
PRIMARY_PSM = 6  # one uniform block of text: a till receipt's single column


def reader_version(settings: ReadingSettings) -> str:
    engine = get_engine(settings)
    fallback = f"+{get_recognizer(settings).version}" if settings.fallback_engine else ""
    return (f"r{READER_VERSION}/{engine.name}-{engine.version}{fallback}"
            f"/h{settings.target_char_height}/{settings.languages}")[:64]


def read_document(document: DecodedDocument, settings: ReadingSettings, limits: LegibilityLimits,
                  ) -> tuple[tuple[Reading, ...], Legibility | None, dict[str, str]]:
    """All readings of every page, the first image page's legibility figures, and the
    document's metadata plus `receipt_phash`: the perceptual hash (16 hex digits) of the
    first prepared page, computed here because the straightened image exists only here."""
    readings: list[Reading] = []
    legibility: Legibility | None = None
    metadata = dict(document.metadata)
    for page in document.pages:
        if page.text_layer:
            readings.append(Reading(engine="text-layer", engine_version="pdfium",
                                    lines=lines_from_text(page.text_layer), page=page.index, variant="text"))
            continue
        prepared = prepare_page(page, settings)
        legibility = legibility or prepared.legibility
        metadata.setdefault(PHASH_KEY, f"{receipt_hash(prepared.image):016x}")
        check_legibility(prepared.legibility, limits)
        primary = read_prepared(prepared, settings)
        check_confidence(primary, limits)
        readings.append(primary)
        if settings.fallback_engine:
            second = recheck(prepared, primary, settings)
            if second is not None:
                readings.append(second)
    return tuple(readings), legibility, metadata


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


CLEAREST_SHARE = 0.6  # legibility is judged on the clearest 60 % of lines


def check_confidence(reading: Reading, limits: LegibilityLimits) -> None:
    """Refuse a page whose clearest lines are still read with low confidence.

    Decorative rows (*****, =====) read as junk with near-zero confidence, and a
    receipt may have many: judging on the clearest lines keeps them from making a
    crisp receipt look illegible, while a page that is blurred all over still fails.
    """
    confs = sorted((line.conf for line in reading.lines if any(ch.isalnum() for ch in line.text)), reverse=True)
    if not confs:
        raise IllegibleError("No text could be read on the receipt (0 words recognised).")
    clearest = confs[: max(1, math.ceil(CLEAREST_SHARE * len(confs)))]
    mean = sum(clearest) / len(clearest)
    if mean < limits.min_mean_confidence:
        raise IllegibleError(f"The receipt is too hard to read (OCR confidence {mean:.0f}% on its clearest "
                             f"lines, at least {limits.min_mean_confidence:.0f}% needed).")


def recheck(prepared: PreparedPage, primary: Reading, settings: ReadingSettings) -> Reading | None:
    """Re-read, with the second engine, the parts of lines where the primary reading is weak.

    Lines picked for their figures (total, postal code, prices) are re-read on the span of
    their words holding digits only: a short crop costs the recogniser a fraction of a line.
    The correction keeps the primary line's box (to find it again) and, as its one word, the
    span it replaces.
    """
    fields = parse_receipt(primary.lines)
    picks = lines_to_recheck(primary.lines, fields)
    if not picks:
        return None
    started = time.perf_counter()
    spans = [digit_span(primary.lines[i]) if figures else primary.lines[i].box for i, figures in picks]
    boxes = [primary.lines[i].box for i, _ in picks]
    if fields.retailer.name is None and (above := print_above(prepared.image, primary.lines)) is not None:
        spans.append(above)  # a shop name the primary engine did not see at all (large or condensed print)
        boxes.append(above)
    recognizer = get_recognizer(settings)
    texts = recognizer.recognize([crop_box(prepared.image, span) for span in spans])
    texts = [(tidy(text), conf) for text, conf in texts]
    lines = tuple(Line(text=text, conf=conf, box=box, words=(Word(text, conf, span),))
                  for box, span, (text, conf) in zip(boxes, spans, texts))
    return Reading(engine=recognizer.name, engine_version=recognizer.version, lines=lines, page=prepared.index,
                   seconds=time.perf_counter() - started, variant="lines")


ABOVE_LINES = 4.0  # line heights searched above the first line read for print it missed
INK = 128  # grey level under which a prepared (flattened) page is ink


def print_above(image: np.ndarray, lines: tuple[Line, ...]) -> tuple[int, int, int, int] | None:
    """The box of the row of print just above the first line read, if there is one.

    Tesseract can skip a whole line of large, bold or condensed print (a shop name set
    in a display font) while reading the rest: its lines then start below it.
    """
    if not lines:
        return None
    first = min(lines, key=lambda line: line.box[1])
    _, y, _, h = first.box
    top = max(0, int(y - ABOVE_LINES * h))
    bottom = y - max(1, h // 6)
    if bottom - top < h // 2:
        return None
    ink = image[top:bottom] < INK
    rows = np.flatnonzero(ink.sum(axis=1) >= 3)
    if not len(rows):
        return None
    # the run of inked rows nearest the first line (allowing a thin gap inside a glyph row)
    end = start = rows[-1]
    for r in rows[::-1][1:]:
        if start - r > max(2, h // 5):
            break
        start = r
    run_height = end - start + 1
    if not (0.5 * h <= run_height <= 3.5 * h):
        return None
    cols = np.flatnonzero(ink[start : end + 1].any(axis=0))
    if len(cols) < h:
        return None  # a speck or a rule end, not a word
    return int(cols[0]), int(top + start), int(cols[-1] - cols[0] + 1), int(run_height)


CURRENCY_WORD = re.compile(r"^(?:€|EUR|EUROS?|E)[.,:;]?$", re.IGNORECASE)
FIGURE = re.compile(r"^[^A-Za-z]*\d[^A-Za-z]*(?:€|EUR|E)?$")  # 24,50  *6.50  24,50€ ; not 250ML, X8


def is_figure(word: str) -> bool:
    return bool(FIGURE.match(word))


def tidy(text: str) -> str:
    """Drop lone characters at the ends of a crop's text (edges of neighbour glyphs: `1`, `(`),
    and fold the Greek letters the recogniser sometimes gives for a slashed zero."""
    tokens = text.translate(GREEK_ZERO).split()
    while len(tokens) > 1 and len(tokens[-1]) == 1:
        tokens.pop()
    while len(tokens) > 1 and len(tokens[0]) == 1:
        tokens.pop(0)
    return " ".join(tokens)


def digit_span(line: Line) -> tuple[int, int, int, int]:
    """The box of the line's figures: its trailing run of words holding digits (a price,
    a total), else its first word holding digits (a postal code); the whole line if none."""
    has_digit = [is_figure(w.text) for w in line.words]
    if not any(has_digit):
        return line.box
    last = len(has_digit) - 1
    while last > 0 and not has_digit[last] and CURRENCY_WORD.match(line.words[last].text):
        last -= 1  # `115,20 EUR`: the figures before the currency word
    if has_digit[last]:
        has_digit = has_digit[: last + 1]
        start = len(has_digit) - 1
        while start > 0 and has_digit[start - 1]:
            start -= 1
        # `ROULEAU PEINTURE 180  1*12.90  12.90`: a bare number before the figures ends the name
        priced = re.search(r"\d[,.]\d\d", line.words[len(has_digit) - 1].text)
        while priced and start < len(has_digit) - 1 and line.words[start].text.isdigit():
            start += 1
        boxes = [w.box for w in line.words[start : len(has_digit)]]
    else:
        boxes = [line.words[has_digit.index(True)].box]
    x0 = min(b[0] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    return (x0, line.box[1], x1 - x0, line.box[3])


def crop_box(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x, y, w, h = box
    pad_y, pad_x = max(2, h // 3), max(4, h // 3)  # narrow sides: no slice of a neighbour glyph
    return image[max(0, y - pad_y): y + h + pad_y, max(0, x - pad_x): x + w + pad_x]

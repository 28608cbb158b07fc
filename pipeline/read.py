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
from collections.abc import Callable
from concurrent.futures import Future, wait
from dataclasses import replace

import cv2
import numpy as np

from pipeline import beside
from pipeline.engines import get_engine, get_recognizer
from pipeline.engines.base import make_line
from pipeline.errors import IllegibleError
from pipeline.fraud.sketches import PHASH_KEY, receipt_hash
from pipeline.parse import lines_from_text, parse_receipt
from pipeline.parse.words import is_word
from pipeline.preprocess import check_legibility, mark_underlined, prepare_page
from pipeline.second_opinion import digit_span, items_agree, lines_to_recheck
from pipeline.settings import LegibilityLimits, ReadingSettings
from pipeline.values import DecodedDocument, Legibility, Line, PreparedPage, Reading, Word

# bump when preprocessing or reading changes what a stored reading holds
# (8: the receipt's perceptual hash; 9: the image forensics measured at read time;
#  10: paper masks grown over print they cut, dashes out of the character height, print above the first line;
#  11: a warped outline cutting letters is kept on a textured surface;
#  12: coloured pen un-mixed from the print; underlined lines re-read whole, unerased;
#  13: an outline much wider at one end than the other is no paper;
#  14: bold letters' merged feet are no dark pen stroke;
#  15: print a shadow bit off the paper box's mask is kept;
#  16: on granite or wood, a paper outline is trusted where the speckle ends along its sides;
#  17: no inverted second pass in Tesseract; PP-OCR crops batched only with crops of their width;
#  18: the shop name's line re-read when a word of it is doubtful; faint footer rows read when no date is;
#  19: an amount whose separator was read apart (`218 , 30€`) is cropped whole;
#  20: a shop name missed above the first line is found past that line's letter tops and the paper's edge;
#  21: the total's lines are not read again when the items and two of them agree on it;
#  22: a SIRET failing its keys, a ticket in a font whose zeros are misread, a postal code read with
#      letters are read again;
#  23: PP-OCR's glued words spaced from its own frames; holes of the smooth-paper mask filled; a paper
#      mask grown over a large shop name too;
#  24: an apostrophe read as a space in the shop name's lines put back;
#  25: with no date read, a line holding a date that lost its second separator is read again;
#  26: marked zeros joined into one blob by blur are opened one by one; an 8's waist is judged on the
#      rows between its holes;
#  27: words read off a band of table left of the print are dropped;
#  28: with no date read, footer lines of figures are read again;
#  29: words read off a band of table right of the print are dropped too;
#  30: a ticket's number opening with 6 or 8 after a zero-padded till number is read again;
#  31: an apostrophe dropped inside a word of the name's lines put back;
#  32: marked zeros opened only on a page whose font marks them;
#  33: the paper's outline wins over a board's grain or a granite patch around it;
#  34: on shadowed granite, the paper region clear of the photo's sides wins;
#  35: a space dropped inside a word of capitals in the name's lines put back;
#  36: ... not inside a word whose box reaches over the next words;
#  37: prices that add up less the discounts printed among them are not read again;
#  38: on shadowed granite, the outline stepping on every side wins over one inside it;
#  39: a postal code its city restored (`44006 NANTES`) shows the font's zeros misread: a
#      ticket number holding a 6 or 8 is read again;
#  40: a rule of stars read as `TO TOK TOT ...` no longer ends the items: their lines are
#      re-read where they do not add up;
#  41: on a plain light table with no trusted outline, the whole photo is read (cropped to
#      its print) instead of a brightness mask that ran through the paper;
#  42: a ticket number starting with 9 is read again (a padding zero read as 9);
#  43: a long run with print just above or below it (blurred bold letters merged along their
#      feet) is no rule: no longer whitened;
#  44: a shop name's line whose words stand apart as if one went unread is read again;
#  45: an outline whose sides cut pieces of print as tall as letters is left for the whole photo;
#  46: on a textured surface, an outline with more paper beyond a side, or lying inside one
#      whose sides are where the speckle ends, is no paper;
#  47: zones of faded print (letters in rows too light for Tesseract's threshold) stretched by
#      their own ink level;
#  48: ... on pages read whole (scans, image PDFs) only;
#  49: ... an outline inside one whose sides are where the speckle ends yields to it even when
#      it covers more than 80 % of it (a shadowed header cut off), unless it is that outline
#      drawn a pixel or two wider (90 %);
#  50: item prices whose comma was read as `;` or `%` are read again when the items do not add up;
#  51: ... and those with a digit too many in their cents (`30,060`);
#  52: the legibility's sharpness measured with faded print stretched by its own ink level)
READER_VERSION = "52"
GREEK_ZERO = str.maketrans({"θ": "0", "Θ": "0", "ø": "0", "Ø": "0"})
PRIMARY_PSM = 6  # one uniform block of text: a till receipt's single column


def reader_version(settings: ReadingSettings) -> str:
    engine = get_engine(settings)
    fallback = f"+{get_recognizer(settings).version}" if settings.fallback_engine else ""
    return (f"r{READER_VERSION}/{engine.name}-{engine.version}{fallback}"
            f"/h{settings.target_char_height}/{settings.languages}")[:64]


def read_document(document: DecodedDocument, settings: ReadingSettings, limits: LegibilityLimits,
                  alongside: Callable[[], dict[str, str]] | None = None,
                  ) -> tuple[tuple[Reading, ...], Legibility | None, dict[str, str]]:
    """All readings of every page, the first image page's legibility figures, and the
    document's metadata plus `receipt_phash`: the perceptual hash (16 hex digits) of the
    first prepared page, computed here because the straightened image exists only here.

    `alongside` (the image forensics) adds its figures to the metadata. It runs beside the
    first page's OCR on a helper thread when the settings allow two: Tesseract reads on
    one core and leaves the other idle, while the page's preparation spreads OpenCV over
    both (measured beside it, the forensics added ~35 ms to a photo; beside the OCR, ~2)."""
    readings: list[Reading] = []
    legibility: Legibility | None = None
    extra: Future[dict[str, str]] | None = None
    try:
        for page in document.pages:
            if page.text_layer:
                readings.append(Reading(engine="text-layer", engine_version="pdfium",
                                        lines=lines_from_text(page.text_layer), page=page.index, variant="text"))
                continue
            prepared = prepare_page(page, settings)
            legibility = legibility or prepared.legibility
            check_legibility(prepared.legibility, limits)
            if extra is None:
                extra = beside.start(settings.threads, measured_beside, prepared.image, alongside)
            primary = read_prepared(prepared, settings)
            check_confidence(primary, limits)
            readings.append(primary)
            if settings.fallback_engine:
                second = recheck(prepared, primary, settings)
                if second is not None:
                    readings.append(second)
    finally:
        if extra is not None:
            wait([extra])  # even after a refusal: the next receipt's decoder forks
    found = extra.result() if extra is not None else measured_beside(None, alongside)
    return tuple(readings), legibility, {**document.metadata, **found}


def measured_beside(image: np.ndarray | None, alongside: Callable[[], dict[str, str]] | None) -> dict[str, str]:
    """The first prepared page's perceptual hash and the `alongside` figures."""
    found = {PHASH_KEY: f"{receipt_hash(image):016x}"} if image is not None else {}
    return {**found, **(alongside() if alongside is not None else {})}


def read_prepared(prepared: PreparedPage, settings: ReadingSettings) -> Reading:
    reading = get_engine(settings).read(prepared.image, psm=PRIMARY_PSM, variant=f"psm{PRIMARY_PSM}")
    reading = margin_debris_dropped(reading)
    reading = apostrophes_restored(reading, prepared.image)
    return replace(mark_underlined(reading, prepared.underlines), page=prepared.index)


DEBRIS_CONF = 45.0  # a word read below this (0-100) outside the print's margins is the table's texture
FAR_DEBRIS_CONF = 60.0  # ... or below this when a wide blank (FAR_GAP characters) parts it from the print
FAR_GAP = 3.0
MARGIN_PERCENTILE = 5  # the left margin: this percentile of the left edges of the words read at
CLEAR_WORD = 60.0  # least this well; the right margin: the same share from the top of the right
CLEAR_RIGHT_WORD = 85.0  # edges of the words read at least this well
MIN_CLEAR_WORDS = 20
AMOUNT_LIKE = re.compile(r"\d\s?[.,]\s?\d")  # never debris, however doubted
MIN_DEBRIS_LINES = 3  # a band of texture beside the print shows on several lines, a stray mark on one


def margin_debris_dropped(reading: Reading) -> Reading:
    """The reading without the words read off a band of table beside the print, where the
    crop kept some background (granite read `hte`, `EEE`, `“275`, `HT)` before each line;
    `KA`, `SE`, `LA,` after them): words read with little confidence, wholly outside the
    margin the clearly read words share, on several lines. Such a word was read as a
    quantity (`“275 SOIN PROFOND`), hid a line from the items (`HT) K RESISTANCE...` as a
    VAT line), or ended the address (`120 GRANDE RUE KA`)."""
    words = [w for line in reading.lines for w in line.words if len(w.text) >= 2]
    left_clear = [w for w in words if w.conf >= CLEAR_WORD]
    # the right margin from the prices and labels read well (a band of table may hold a few
    # confident bits of junk, which a low bar would count as print)
    right_clear = [w for w in words if w.conf >= CLEAR_RIGHT_WORD]
    if len(left_clear) < MIN_CLEAR_WORDS or len(right_clear) < MIN_CLEAR_WORDS:
        return reading
    left = float(np.percentile([w.box[0] for w in left_clear], MARGIN_PERCENTILE))
    right = float(np.percentile([w.box[0] + w.box[2] for w in right_clear], 100 - MARGIN_PERCENTILE))
    cell = float(np.median([w.box[2] / len(w.text) for w in left_clear]))  # a character's width

    def debris(word: Word, neighbour: Word, outside: bool) -> bool:
        gap = neighbour.box[0] - (word.box[0] + word.box[2]) if neighbour.box[0] > word.box[0] else \
            word.box[0] - (neighbour.box[0] + neighbour.box[2])
        if not outside or AMOUNT_LIKE.search(word.text):
            return False  # a price read with doubt (`73.8` far right of `SOUS-TOTAL TTC`) is print
        return word.conf < (FAR_DEBRIS_CONF if gap >= FAR_GAP * cell else DEBRIS_CONF)

    spans = []
    for line in reading.lines:
        w = line.words
        a, b = 0, len(w)
        while a + 1 < b and debris(w[a], w[a + 1], w[a].box[0] + w[a].box[2] < left - cell):
            a += 1
        while b - 1 > a and debris(w[b - 1], w[b - 2], w[b - 1].box[0] > right + cell):
            b -= 1
        spans.append((a, b))
    cut_left = sum(a > 0 for a, _ in spans) >= MIN_DEBRIS_LINES
    cut_right = sum(b < len(line.words) for line, (_, b) in zip(reading.lines, spans)) >= MIN_DEBRIS_LINES
    if not (cut_left or cut_right):
        return reading
    lines = []
    for line, (a, b) in zip(reading.lines, spans):
        a, b = a if cut_left else 0, b if cut_right else len(line.words)
        lines.append(replace(make_line(line.words[a:b]), underlined=line.underlined)
                     if (a, b) != (0, len(line.words)) else line)
    return replace(reading, lines=tuple(lines))


APOSTROPHE_LINES = 2  # the header's first lines, where the shop name is: a lost apostrophe costs it
MARK_HEIGHT = (0.15, 0.5)  # an apostrophe's height, in the line's letter heights
MARK_WIDTH = 0.35  # ... and at most this wide
LETTER_SHARE = 0.6  # inside a word: a component this share of the word's height or more is a letter
INSIDE_MARK_HEIGHT = 0.25  # an apostrophe inside a word: at least this share of its height,
MARK_SLENDER = 1.5  # and this many times taller than wide
PLACE_SLACK = 0.3  # letters run together: the mark's place along the word, in letters, this near a boundary
SPACE_GAP = 0.18  # a space inside a word read whole: blank columns at least this share of its height ...
SPACE_OVER_GAPS = 3.0  # ... and this many times the median blank between its letters,
SPACE_OVER_LETTERS = 2.5  # ... and the widest blank between two of its letters,
SPACED_LETTERS = 6  # ... in a word of no dictionary of at least this many letters


def apostrophes_restored(reading: Reading, image: np.ndarray) -> Reading:
    """`STYL HAIR` -> `STYL'HAIR`, `COIFF AND CO` -> `COIFF'AND CO`: two words of the first
    lines parted by a blank of about one character, where the only ink is one small mark
    high up (an apostrophe, which a monospaced till font prints in a cell of its own, read
    as a space). A hyphen sits mid-height, a comma or a full stop low, an accent over a
    letter: none of them is taken. `STYLHAIR`, its apostrophe dropped inside one word, has it
    put back where the word's box shows it between two letters; `LEKIOSQUE`, its space
    dropped, where the box shows a blank far wider than its letters' (`spaces_inside`)."""
    lines = list(reading.lines)
    for k, line in enumerate(lines[:APOSTROPHE_LINES]):
        words = list(line.words)
        i = 0
        while i + 1 < len(words):
            if apostrophe_between(image, words[i], words[i + 1]):
                a, b = words[i], words[i + 1]
                x0, y0 = min(a.box[0], b.box[0]), min(a.box[1], b.box[1])
                x1 = max(a.box[0] + a.box[2], b.box[0] + b.box[2])
                y1 = max(a.box[1] + a.box[3], b.box[1] + b.box[3])
                words[i : i + 2] = [Word(f"{a.text}'{b.text}", min(a.conf, b.conf), (x0, y0, x1 - x0, y1 - y0))]
            else:
                i += 1
        for j, word in enumerate(words):
            if (at := apostrophe_inside(image, word)) is not None:
                words[j] = replace(word, text=f"{word.text[:at]}'{word.text[at:]}")
            elif not any(other is not word and other.box[0] < word.box[0] + word.box[2]
                         and word.box[0] < other.box[0] + other.box[2] for other in words) and (
                    cuts := spaces_inside(image, word)):
                # (a box reaching over the next words holds their blanks: `SUPERETTE DU PORT`)
                bounds = (0, *cuts, len(word.text))
                words[j] = replace(word, text=" ".join(word.text[a:b] for a, b in zip(bounds, bounds[1:])))
        if words != list(line.words):
            lines[k] = replace(make_line(words, line.box), underlined=line.underlined)
    return replace(reading, lines=tuple(lines)) if lines != list(reading.lines) else reading


def spaces_inside(image: np.ndarray, word: Word) -> tuple[int, ...]:
    """Where spaces Tesseract dropped inside a word of capitals go (`LEKIOSQUE`: 2,
    `SALONUCAPELLU`: 5 and 6): blank columns across the word's box at least SPACE_GAP of its
    height wide, SPACE_OVER_GAPS times the median gap between its letters and
    SPACE_OVER_LETTERS times the widest, placed by counting the letters before them (a blot
    of letters run together counts as many as its width holds). A condensed face sets its
    words a third of a letter apart and its letters a pixel or two, which Tesseract takes
    for one word."""
    text = word.text
    if len(text) < SPACED_LETTERS or not (text.isalpha() and text.isupper()) or is_word(text):
        # `BEAUTE`, `FEMMES`: a bold face leaves a wide blank after an open-sided letter (T, F),
        # and a word of the dictionaries was read whole; `JEAN`: too few gaps to weigh
        return ()
    x, y, w, h = word.box
    crop = np.ascontiguousarray(image[y : y + h, x : x + w] < 128, dtype=np.uint8)
    if crop.size == 0:
        return ()
    inked = np.flatnonzero(crop.any(axis=0))
    if len(inked) < 2:
        return ()
    steps = np.diff(inked)  # 1 inside a letter, the blank's width + 1 between letters
    gaps = steps[steps > 1] - 1
    if len(gaps) < 3:
        return ()
    wide = max(SPACE_GAP * h, SPACE_OVER_GAPS * float(np.median(gaps)))
    runs = [(int(inked[k]) + 1, int(inked[k + 1])) for k in np.flatnonzero(steps - 1 >= wide)]
    if not runs or len(runs) > len(gaps) // 3:
        return ()  # a face spaced wide all along: no gap stands out
    if min(b - a for a, b in runs) < SPACE_OVER_LETTERS * max(gaps[gaps < wide], default=0):
        return ()  # open-sided letters (`TE`, `FE`) leave blanks nearly as wide
    _, _, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    letters = [s for s in stats[1:] if s[3] >= LETTER_SHARE * h]
    if not letters:
        return ()
    # letters run together (`CA` in a bold face) count as many as their width holds
    width = float(np.median([s[2] for s in letters]))
    counts = [(s[0], max(1, round(s[2] / width))) for s in letters]
    if sum(n for _, n in counts) != len(text):
        return ()  # the letters are not told apart: no place to put a space
    cuts = sorted({sum(n for left, n in counts if left < a) for a, _ in runs})
    return tuple(int(at) for at in cuts) if all(0 < at < len(text) for at in cuts) else ()


def apostrophe_inside(image: np.ndarray, word: Word) -> int | None:
    """Where an apostrophe Tesseract dropped inside a word goes (`STYLHAIR`: 4), when the word's
    box holds one small mark high up between two letters, alone: counted among the letters,
    or by its place along the word where letters run together. None otherwise (an accent
    or a dot over a letter, a quote's two marks, a speck elsewhere, a place in doubt)."""
    text = word.text
    if len(text) < 4 or not text.isalpha():
        return None
    x, y, w, h = word.box
    crop = np.ascontiguousarray(image[y : y + h, x : x + w] < 128, dtype=np.uint8)
    if crop.size == 0:
        return None
    _, _, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    parts = [s for s in stats[1:] if s[4] >= 3]
    letters = [s for s in parts if s[3] >= LETTER_SHARE * h]
    overlaps = lambda s, t: s[0] < t[0] + t[2] and t[0] < s[0] + s[2]  # noqa: E731  in columns
    loose = [s for s in parts if s[3] < LETTER_SHARE * h and not any(overlaps(s, t) for t in letters)]
    if not letters or len(loose) != 1:
        return None
    mx, my, mw, mh, _ = loose[0]
    # a stroke taller than wide: a speck of dust or print inside a word is a dot (5 x 5 px in `AVENUE`)
    if not (INSIDE_MARK_HEIGHT * h <= mh <= MARK_HEIGHT[1] * h and mh >= MARK_SLENDER * mw and my + mh <= 0.55 * h):
        return None
    if not (any(t[0] + t[2] <= mx for t in letters) and any(t[0] >= mx + mw for t in letters)):
        return None  # between letters, not at an end
    if len(letters) == len(text):
        at = sum(t[0] + t[2] / 2 < mx + mw / 2 for t in letters)
    else:  # letters run together (`TY`, `AI` in a bold face): by its place along the word
        share = len(text) * (mx + mw / 2) / w
        at = round(share)
        if abs(share - at) > PLACE_SLACK:
            return None  # between two places: left alone
    return at if 0 < at < len(text) else None


def apostrophe_between(image: np.ndarray, a: Word, b: Word) -> bool:
    """One small mark, high up and alone, in the blank between words `a` and `b` (letters)."""
    if not (a.text[-1:].isalpha() and b.text[:1].isalpha()) or len(b.text) < 2:
        return False
    ax1, bx0 = a.box[0] + a.box[2], b.box[0]
    cell = a.box[2] / len(a.text)  # a character's width
    top = min(a.box[1], b.box[1])
    height = max(a.box[1] + a.box[3], b.box[1] + b.box[3]) - top  # the letters' height
    if not 0.4 * cell <= bx0 - ax1 <= 1.6 * cell or height <= 0:
        return False
    gap = np.ascontiguousarray(image[top : top + height, ax1:bx0] < 128, dtype=np.uint8)
    _, _, stats, _ = cv2.connectedComponentsWithStats(gap, connectivity=8)
    marks = [s for s in stats[1:] if s[4] >= 3]
    if len(marks) != 1:
        return False
    x, y, w, h, _ = marks[0]
    return (MARK_HEIGHT[0] * height <= h <= MARK_HEIGHT[1] * height and w <= MARK_WIDTH * height
            and y + h <= 0.55 * height and 0 < x and x + w < gap.shape[1])


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
    # rows it left unread: where the items do not add up, and in the footer when no date was read
    missed = [] if items_agree(fields) and fields.date is not None else unread_rows(
        prepared.image, primary.lines, footer=fields.date is None)
    if not picks and not missed:
        return None
    started = time.perf_counter()
    spans = [digit_span(primary.lines[i]) if figures else primary.lines[i].box for i, figures in picks]
    boxes = [primary.lines[i].box for i, _ in picks]
    # an underlined line is read where the dark pen stroke was not inpainted with the letters' feet
    sources = [prepared.unerased if prepared.unerased is not None and not figures and primary.lines[i].underlined
               else prepared.image for i, figures in picks]
    for row in missed:
        # print the primary engine left unread, beside a line it read or alone: read as one row
        owner = next((line.box for line in primary.lines if overlap(line.box, row) >= ROW_OVERLAP * row[3]), row)
        if owner in boxes:
            spans[boxes.index(owner)] = row
        else:
            spans.append(row)
            boxes.append(owner)
            sources.append(prepared.image)
    if fields.retailer.name is None and (above := print_above(prepared.image, primary.lines)) is not None:
        spans.append(above)  # a shop name the primary engine did not see at all (large or condensed print)
        boxes.append(above)
        sources.append(prepared.image)
    recognizer = get_recognizer(settings)
    # a row is read in its pieces apart (a name, then a price far right): the recogniser
    # drops characters across a wide blank
    pieces = [row_pieces(image, span) if span in missed else [span] for image, span in zip(sources, spans)]
    crops = [crop_box(image, piece) for image, parts in zip(sources, pieces) for piece in parts]
    read_crops = iter(recognizer.recognize(crops))
    texts = []
    for parts in pieces:
        got = [next(read_crops) for _ in parts]
        kept = [(t, c) for t, c in got if t.strip() and (len(got) == 1 or c >= MIN_PIECE_CONF)] or got
        texts.append((" ".join(tidy(t) for t, _ in kept if t.strip()), min(c for _, c in kept)))
    lines = tuple(Line(text=text, conf=conf, box=box, words=(Word(text, conf, span),))
                  for box, span, (text, conf) in zip(boxes, spans, texts))
    return Reading(engine=recognizer.name, engine_version=recognizer.version, lines=lines, page=prepared.index,
                   seconds=time.perf_counter() - started, variant="lines")


MIN_PIECE_CONF = 50.0  # a piece of a row read with less is a pen's trace or a speck, not print
ROW_OVERLAP = 0.5  # share of a row's height a line read must cover to be on that row
MAX_UNREAD_ROWS = 6


def overlap(box: tuple[int, int, int, int], row: tuple[int, int, int, int]) -> int:
    """Rows the two boxes share."""
    return max(0, min(box[1] + box[3], row[1] + row[3]) - max(box[1], row[1]))


def unread_rows(image: np.ndarray, lines: tuple[Line, ...], *, footer: bool = False) -> list[tuple[int, int, int, int]]:
    """Rows of print between the first and last lines read (and below the last, with
    `footer`) where the primary engine read nothing, or only part (`27.60` read, `BRUSHING`
    beside it not): their whole boxes; the footer's first.

    Tesseract's single-block layout now and then drops a line or two of a long receipt that
    it reads well on its own (a pen's erased trace above it, a block of other print below),
    or the faint footer under a ruled line, where the date is.
    """
    if len(lines) < 2:
        return []
    height = float(np.median([line.box[3] for line in lines]))
    top = lines[0].box[1] + lines[0].box[3]
    bottom = image.shape[0] if footer else lines[-1].box[1]
    # within the column of print read (not the paper's edge); a footer may be printed faint
    left = max(0, min(line.box[0] for line in lines) - int(height))
    right = max(line.box[0] + line.box[2] for line in lines) + int(height)
    ink = np.zeros((max(0, bottom - top), image.shape[1]), bool)
    ink[:, left:right] = image[top:bottom, left:right] < (FAINT_INK if footer else INK)
    counts = ink.sum(axis=1)
    # a faint threshold also takes in the paper's shadows: a row of print stands well above them
    least = max(3.0, FAINT_ROW * float(np.percentile(counts, 90))) if footer and len(counts) else 3
    inked = np.append(counts >= least, False)
    out: list[tuple[int, int, int, int]] = []
    start, gap = None, 0
    for r, on in enumerate(inked):
        if on:
            start, gap = (r if start is None else start), 0
            continue
        if start is None:
            continue
        gap += 1
        if gap <= max(2, height / 5) and r + 1 < len(inked):
            continue
        y0, y1 = start, r - gap + 1
        start, gap = None, 0
        if not (0.6 * height <= y1 - y0 <= 1.6 * height):
            continue
        row = (0, top + y0, image.shape[1], y1 - y0)
        covered = np.zeros(image.shape[1], bool)
        for line in lines:
            if overlap(line.box, row) >= ROW_OVERLAP * row[3]:
                covered[max(0, line.box[0] - int(height)) : line.box[0] + line.box[2] + int(height)] = True
        cols = np.flatnonzero(ink[y0:y1].any(axis=0))
        left = cols[~covered[cols]]
        if len(left) < 2 * height or left[-1] - left[0] < 2 * height:
            continue  # a speck, a rule's end or a pen's trace, not a word
        out.append((int(cols[0]), top + y0, int(cols[-1] - cols[0] + 1), y1 - y0))
    last = lines[-1].box[1] + lines[-1].box[3]
    return sorted(out, key=lambda row: row[1] < last)[:MAX_UNREAD_ROWS]  # stable: rows keep their order


def row_pieces(image: np.ndarray, row: tuple[int, int, int, int]) -> list[tuple[int, int, int, int]]:
    """The row's runs of print separated by blanks wider than two character heights (its
    faint print's, when the row holds less dark ink than a word)."""
    x, y, w, h = row
    crop = image[y : y + h, x : x + w]
    cols = np.flatnonzero((crop < INK).any(axis=0))
    if len(cols) < 2 * h:
        cols = np.flatnonzero((crop < FAINT_INK).any(axis=0))
    if not len(cols):
        return [row]
    breaks = np.flatnonzero(np.diff(cols) > 2 * h)
    starts = np.concatenate(([cols[0]], cols[breaks + 1]))
    ends = np.concatenate((cols[breaks], [cols[-1]]))
    return [(x + int(a), y, int(b - a + 1), h) for a, b in zip(starts, ends)]


ABOVE_LINES = 4.0  # line heights searched above the first line read for print it missed
EDGE_COLUMN = 0.6  # a column at the page's side inked down this share of the rows searched is its edge
INK = 128  # grey level under which a prepared (flattened) page is ink
FAINT_INK = 200  # ... or faint print, as a footer's often is (the paper is flattened to white)
FAINT_ROW = 0.25  # with it, a row of print has at least this share of the inkiest rows' ink


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
    edge = ink.mean(axis=0) > EDGE_COLUMN  # the paper's edge, dark down most of the window
    edge[h : max(h, ink.shape[1] - h)] = False  # (letters of a tall name may be, too)
    ink[:, edge] = False
    rows = np.flatnonzero(ink.sum(axis=1) >= 3)
    if not len(rows):
        return None
    # the run of inked rows nearest the first line (allowing a thin gap inside a glyph row);
    # a thinner one is the tops of the first line's own letters or a speck: the next one up
    runs: list[tuple[int, int]] = []
    end = start = rows[-1]
    for r in rows[::-1][1:]:
        if start - r > max(2, h // 5):
            runs.append((start, end))
            end = r
        start = r
    runs.append((start, end))
    start, end = next(((a, b) for a, b in runs if b - a + 1 >= 0.5 * h), runs[0])
    run_height = end - start + 1
    if not (0.5 * h <= run_height <= 3.5 * h):
        return None
    cols = np.flatnonzero(ink[start : end + 1].any(axis=0))
    if len(cols) < h:
        return None  # a speck or a rule end, not a word
    return int(cols[0]), int(top + start), int(cols[-1] - cols[0] + 1), int(run_height)


def tidy(text: str) -> str:
    """Drop lone characters at the ends of a crop's text (edges of neighbour glyphs: `1`, `(`),
    and fold the Greek letters the recogniser sometimes gives for a slashed zero."""
    tokens = text.translate(GREEK_ZERO).split()
    while len(tokens) > 1 and len(tokens[-1]) == 1:
        tokens.pop()
    while len(tokens) > 1 and len(tokens[0]) == 1:
        tokens.pop(0)
    return " ".join(tokens)


def crop_box(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x, y, w, h = box
    pad_y, pad_x = max(2, h // 3), max(4, h // 3)  # narrow sides: no slice of a neighbour glyph
    return image[max(0, y - pad_y): y + h + pad_y, max(0, x - pad_x): x + w + pad_x]

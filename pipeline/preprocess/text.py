"""Where the ink is, and how tall its characters are.

Every later step is sized from the median character height, so it is measured
once on the upright receipt and passed around in pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

MEASURE_PIXELS = 1_000_000  # characters are measured on a copy reduced to about this size
MIN_RELIABLE_GLYPHS = 25  # fewer letters than this: the height is a guess
PRINTED_ROW = 0.01  # share of a row's pixels in ink for it to hold print
EDGE_ROW = 0.5  # a row this inked is the paper's dark edge or the table, not print
LETTER_ASPECT = 1.3  # width over height: wider components are dashes or merged letters
GAP_LINES = 1.2  # character heights of blank rows that end the print above or below the letters


@dataclass(frozen=True)
class Glyphs:
    """Connected components of the ink that look like characters."""

    stats: np.ndarray  # N x 5 (x, y, w, h, area) of character-like components
    char_height: float  # median height, 0.0 when no text was found
    reliable: bool = False  # enough letters in rows for the height to be trusted


def grey_of(image: np.ndarray) -> np.ndarray:
    """An 8-bit grey view of a BGR or grey image."""
    if image.ndim == 2:
        return image
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def ink_mask(grey: np.ndarray, block: int | None = None, c: int = 12) -> np.ndarray:
    """Dark-on-light ink as 255, by a local threshold that shrugs off shadows."""
    h, w = grey.shape[:2]
    if block is None:
        block = max(15, (min(h, w) // 20) | 1)
    block = max(3, block | 1)
    # only pixels clearly darker than their surroundings: flat paper stays empty
    return cv2.adaptiveThreshold(
        grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, c
    )


def find_glyphs(mask: np.ndarray, min_height: int = 4) -> Glyphs:
    """Character-like components of an ink mask that sit in rows of text, and their median height."""
    h, w = mask.shape[:2]
    count, labels, stats, cents = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 1:
        return Glyphs(np.zeros((0, 5), np.int32), 0.0)
    stats, cents = stats[1:], cents[1:]
    cw, ch, area = stats[:, 2], stats[:, 3], stats[:, 4]
    fill = area / np.maximum(cw * ch, 1)
    keep = (
        (ch >= min_height)
        & (ch <= max(min_height, h // 4))
        & (cw <= 3 * ch)  # merged words and rules are wider
        & (cw * 8 >= ch)  # a "1" or "l" is narrow, a table border narrower
        & (fill > 0.08)
        & (fill < 0.95)  # solid blocks are logos or dirt
    )
    in_rows, strip = in_text_rows(labels, stats, cents, keep)
    keep &= in_rows
    glyphs = stats[keep]
    if len(glyphs) < 3:
        return Glyphs(glyphs, 0.0)
    # Each row of print counts once, by its own median height: rows of dashes or stars
    # (`-----`, `*****`) hold many more components than a row of bold letters that
    # touch, and would otherwise outvote the letters.
    strip = strip[keep]
    rows, row_of = np.unique(strip, return_inverse=True)
    row_heights = np.array([np.median(glyphs[row_of == k, 3]) for k in range(len(rows))], np.float64)
    # punctuation-only rows pull the median down: take the median of the taller rows
    median = float(np.median(row_heights))
    tall = row_heights >= 0.6 * median
    letters = int(np.isin(row_of, np.flatnonzero(tall)).sum())
    return Glyphs(glyphs, float(np.median(row_heights[tall])), reliable=letters >= MIN_RELIABLE_GLYPHS)


def in_text_rows(labels: np.ndarray, stats: np.ndarray, cents: np.ndarray,
                 keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which components line up with neighbours of their size into a row, as letters do,
    and the row (strip) each component was smeared into.

    The kept components are smeared sideways by about a letter's width; letters of a
    word or line merge into flat strips, while texture speckle (granite, wood grain,
    paper fibres) merges into blobs as tall as they are wide, or stays alone.
    """
    if keep.sum() < 3:
        return keep, np.zeros(len(stats), np.int64)
    height = float(np.percentile(stats[keep, 3], 75))
    candidates = np.zeros(len(stats) + 1, np.uint8)
    candidates[1:][keep] = 255
    ink = np.take(candidates, labels)  # a lookup per pixel: np.take is ~3x faster than indexing
    smear = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(1.2 * height)) | 1, 1)))
    n, strip_of, strips, _ = cv2.connectedComponentsWithStats(smear, connectivity=8)
    sw, sh = strips[:, 2], strips[:, 3]
    # a letter's centre may be a hole ("O"), but the sideways smear has filled it
    cx = np.clip(cents[:, 0].astype(np.int64), 0, labels.shape[1] - 1)
    cy = np.clip(cents[:, 1].astype(np.int64), 0, labels.shape[0] - 1)
    strip = strip_of[cy, cx]
    members = np.bincount(strip[keep], minlength=n)
    flat = (sw >= 2.2 * sh) & (sh <= 2.5 * height) & (members >= 3)
    flat[0] = False
    return keep & flat[strip], strip


def measure_char_height(grey: np.ndarray) -> Glyphs:
    """Median character height of a grey page, tried at a coarse and a fine threshold block.

    Measured on a copy reduced to about a megapixel (characters stay well above 10 px
    on any readable receipt); the result is given in `grey`'s pixels.
    """
    h, w = grey.shape[:2]
    f = min(1.0, (MEASURE_PIXELS / max(h * w, 1)) ** 0.5)
    small = cv2.resize(grey, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else grey
    sh, sw = small.shape[:2]
    best = Glyphs(np.zeros((0, 5), np.int32), 0.0)
    # the block must be larger than a character: try a guess, then refine with the result
    block = max(15, (min(sh, sw) // 12) | 1)
    for _ in range(2):
        glyphs = find_glyphs(ink_mask(small, block))
        if len(glyphs.stats) > len(best.stats):
            best = glyphs
        if glyphs.char_height <= 0:
            break
        block = int(glyphs.char_height * 2.5) | 1
    if f < 1 and len(best.stats):
        stats = best.stats.astype(np.float64)
        stats[:, :4] /= f
        stats[:, 4] /= f * f
        best = Glyphs(np.round(stats).astype(np.int32), best.char_height / f, best.reliable)
    return best


def text_bounds(glyphs: Glyphs, shape: tuple[int, ...], margin: float) -> tuple[int, int, int, int] | None:
    """Box (x, y, w, h) around the character-like components, widened by `margin` px."""
    if glyphs.char_height <= 0:
        return None
    s = glyphs.stats
    tall = s[(s[:, 3] >= 0.5 * glyphs.char_height) & (s[:, 3] <= 2.5 * glyphs.char_height)]
    if len(tall) < 3:
        return None
    x0 = int(np.percentile(tall[:, 0], 0.5))
    y0 = int(tall[:, 1].min())
    x1 = int(np.percentile(tall[:, 0] + tall[:, 2], 99.5))
    y1 = int((tall[:, 1] + tall[:, 3]).max())
    m = int(margin)
    x0, y0 = max(0, x0 - m), max(0, y0 - m)
    x1, y1 = min(shape[1], x1 + m), min(shape[0], y1 + m)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    return x0, y0, x1 - x0, y1 - y0


def grow_to_print(grey: np.ndarray, box: tuple[int, int, int, int], char_height: float) -> tuple[int, int, int, int]:
    """`box` (x, y, w, h) grown up and down over rows of print the letter search missed.

    Large bold lines (a shop name, a big total) merge into blobs that are not
    character-like, so the box around the letters can stop just short of them. Rows
    holding ink are followed until a blank gap of GAP_LINES character heights, or a
    row so inked it is the paper's edge or the table.
    """
    x, y, w, h = box
    ink = ink_mask(grey[:, x : x + w], block=int(2.5 * char_height) | 1) > 0
    share = ink.mean(axis=1)
    printed = share >= max(3.0 / max(w, 1), PRINTED_ROW)
    gap = int(GAP_LINES * char_height) + 1
    top, bottom = y, y + h

    def reach(start: int, step: int) -> int:
        last, kept, blank, row = start, start, 0, start
        while 0 <= row + step < len(share) and blank < gap:
            row += step
            if share[row] > EDGE_ROW:
                return kept  # the ink run touching the edge is its shading, not print
            if printed[row]:
                if blank:
                    kept = last  # a new run starts: the one before it was print
                last, blank = row, 0
            else:
                blank += 1
        return last

    margin = int(char_height)
    top = max(0, min(top, reach(y, -1) - margin))
    bottom = min(len(share), max(bottom, reach(y + h - 1, 1) + margin + 1))
    return x, top, w, bottom - top

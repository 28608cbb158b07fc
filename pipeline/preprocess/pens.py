"""Ballpoint underlines: participants underline the products they declare.

Coloured ink (blue, red, green) is found by its saturation; dark ink by long,
thin, near-horizontal strokes no printed character has. The strokes are painted
over with paper so the OCR sees only print, and their boxes are kept so the
reading stage can flag the line above each one.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from pipeline.preprocess.clean import page_background
from pipeline.values import Reading

MIN_STROKE_CHARS = 3.0  # an underline runs under a product name: at least this many character heights
FAINT_PEN = (40.0, 25.0)  # saturation floor and margin over the paper's for a pen's pale stretches
PAPER_UNDER_PEN = 0.8  # un-mixed level (share of the paper's) above which the pen had paper under it
MAX_PEN_TINT = 0.8  # least over most transmitted channel: above this the pen is too grey to un-mix
THIN_RUN = 0.5  # character heights: the ink's vertical run through a pen stroke, where no letter touches it
MIN_BARE_SHARE = 0.2  # share of a dark stroke's columns with nothing touching it (pens 0.37-0.84, bold feet < 0.1)
RULE_THIN = 0.9  # ...unless thin all along: then a curved `=====` rule or a stamp's frame
MIN_THIN_SHARE = 0.5  # share of a dark stroke's columns where the ink is that thin; print merged by blur is tall


def colour_ink(bgr: np.ndarray, least: float = 70.0, above_paper: float = 45.0) -> np.ndarray:
    """Mask of saturated ink: blue, red or green pen on grey print and white paper."""
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    s, v = hsv[..., 1], hsv[..., 2]
    paper_s = float(np.median(s))  # warm light tints paper: compare with it
    mask = (s > max(least, paper_s + above_paper)) & (v > 50)
    mask = mask.astype(np.uint8) * 255
    return cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))


def dark_strokes(ink: np.ndarray, char_height: float) -> np.ndarray:
    """Mask of long thin strokes in a dark-ink mask, straight or gently wobbling."""
    ch = max(char_height, 6.0)
    length = int(2 * ch)
    found = np.zeros_like(ink)
    for angle in (-8, -4, 0, 4, 8):
        kernel = np.zeros((length, length), np.uint8)
        a = np.radians(angle)
        c = length // 2
        dx, dy = c * np.cos(a), c * np.sin(a)
        cv2.line(kernel, (int(c - dx), int(c - dy)), (int(c + dx), int(c + dy)), 1, 1)
        found |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    return found


def find_colour_strokes(bgr: np.ndarray, char_height: float) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Coloured pen strokes (mask) and the boxes of those long enough to underline text.

    Found on the colour page before any grey conversion, so they can be un-mixed from
    the print they cross (`remove_colour_pen`).
    """
    if bgr.ndim != 3:
        return np.zeros(bgr.shape[:2], np.uint8), []
    ch = max(char_height, 6.0)
    mask, boxes = keep_strokes(colour_ink(bgr), None, ch, is_colour=True)
    # a thin or skipping stroke's pale stretches: un-mixed too (neutral print is left as it is),
    # though only the clearly coloured ones report an underline
    faint, _ = keep_strokes(colour_ink(bgr, *FAINT_PEN), None, ch, is_colour=True)
    return mask | faint, boxes


def find_dark_strokes(
    ink: np.ndarray, coloured: np.ndarray, char_height: float
) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Dark pen strokes in the flattened page's ink mask (outside coloured ones) and their boxes."""
    ch = max(char_height, 6.0)
    # coloured strokes also look dark in grey: search dark ink only outside them
    outside = cv2.bitwise_not(cv2.dilate(coloured, np.ones((5, 5), np.uint8))) if coloured.any() else None
    dark = dark_strokes(cv2.bitwise_and(ink, outside) if outside is not None else ink, ch)
    if not dark.any():
        return np.zeros_like(ink), []
    return keep_strokes(dark, ink, ch, is_colour=False)


def keep_strokes(
    strokes: np.ndarray, ink: np.ndarray | None, ch: float, *, is_colour: bool
) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """The strokes of a candidate mask that run long and thin under text, and their boxes."""
    # join the gaps a ballpoint skips on thermal paper
    join = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(ch / 2)), 3))
    joined = cv2.morphologyEx(strokes, cv2.MORPH_CLOSE, join)
    boxes: list[tuple[int, int, int, int]] = []
    count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    keep = np.zeros(count, np.uint8)
    for i in range(1, count):
        x, y, w, h, area = stats[i]
        if w < MIN_STROKE_CHARS * ch:
            continue
        found = False
        # strokes under adjacent lines touch through the letters: judge each band apart
        for by, bh in stroke_bands(strokes[y : y + h, x : x + w], ch):
            band_area = int(np.count_nonzero(strokes[y + by : y + by + bh, x : x + w]))
            thickness = band_area / max(w, 1)
            if bh > 1.6 * ch or thickness > 0.5 * ch:
                continue
            if not is_colour and bh < max(3.0, 1.8 * thickness):
                continue  # perfectly straight and level: a printed rule, handled elsewhere
            if ink is not None:
                thin = thin_share(ink, strokes, x, y + by, w, bh, ch)
                if thin < MIN_THIN_SHARE:
                    continue  # letters merged by boldness or blur, not a pen line under them
                if bare_share(ink, strokes, x, y + by, w, bh) < MIN_BARE_SHARE:
                    # touched by ink all along: the feet of a bold word merged by blur (left), or a
                    # curved rule of `=====` or a stamp's frame (erased, but no underline)
                    found = found or thin >= RULE_THIN
                    continue
            found = True
            boxes.append((int(x), int(y + by), int(w), int(bh)))
        if found:
            keep[i] = 255
    mask = np.take(keep, labels) & strokes if keep.any() else np.zeros_like(strokes)
    if mask.any():  # the ink's anti-aliased rim goes too
        mask = cv2.dilate(mask, np.ones((3, 3), np.uint8), iterations=2 if ch > 15 else 1)
    return mask, sorted(boxes, key=lambda b: (b[1], b[0]))


def remove_colour_pen(bgr: np.ndarray, grey: np.ndarray, strokes: np.ndarray, char_height: float) -> np.ndarray:
    """The grey page with coloured pen strokes un-mixed from the paper and print under them.

    Ballpoint ink filters the light: where it covers a share c of a pixel, each channel of
    the paper-normalised colour is g x (1 - c x (1 - t)), g being what lies under it (paper 1,
    print less) and t the pen's tint. The tint is measured on the strokes themselves; the
    channels the pen darkens most and least then give c, and the least darkened one g. Print
    crossed by the pen keeps its darkness, the pen's own trace turns to paper. Only the
    strokes' surroundings are touched: stamps and logos in colour are print, not pen.
    """
    ch = max(char_height, 6.0)
    near = cv2.dilate(strokes, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (int(ch / 2) | 1,) * 2))
    rows = np.flatnonzero(near.any(axis=1))
    if rows.size == 0:
        return grey
    top, bottom = int(rows[0]), int(rows[-1]) + 1
    band = bgr[top:bottom]
    paper = page_background(band, ch).astype(np.float32)
    q = band.astype(np.float32) / np.maximum(paper, 1.0)
    pen = q[strokes[top:bottom] > 0]
    if len(pen) < 20:
        return grey
    # The tint. Fully covered pixels share the pen's chromaticity (the lowest ratio of its least
    # to its most transmitted channel); the brightest of them have paper under the pen (print
    # under it is as coloured but darker, and fewer; a stroke's edges are brighter but paler).
    spread = (pen.max(axis=1) - pen.min(axis=1)) / np.maximum(pen.max(axis=1), 0.02)
    order = np.median(pen[spread >= np.percentile(spread, 60)], axis=0)
    hi, lo = int(np.argmax(order)), int(np.argmin(order))
    ratio = pen[:, lo] / np.maximum(pen[:, hi], 0.02)
    full = ratio <= np.percentile(ratio, 20)
    t_hi = float(np.clip(np.median(pen[full, hi]), 0.02, 1.0))
    t_lo = float(np.clip(np.median(ratio[full]), 0.0, 1.0)) * t_hi
    if t_lo > MAX_PEN_TINT * t_hi:
        return grey  # hardly coloured: nothing to tell pen from print by
    a_hi, a_lo = 1.0 - t_hi, 1.0 - t_lo
    r = q[..., lo] / np.maximum(q[..., hi], 0.02)
    cover = np.clip((1.0 - r) / np.maximum(a_lo - r * a_hi, 1e-3), 0.0, 1.0)
    under = q[..., hi] / np.maximum(1.0 - cover * a_hi, 0.05)
    paper_grey = cv2.cvtColor(np.clip(paper, 0, 255).astype(np.uint8), cv2.COLOR_BGR2GRAY).astype(np.float32)
    # never lighter than the paper; nearly paper is paper (the pen's core, darker than its
    # measured tint where the stroke went over itself); print is far darker
    unmixed = np.where(under >= PAPER_UNDER_PEN, 1.0, under) * paper_grey
    # weighed by the cover: where there is none, the sharper grey stays (JPEG's colour ringing
    # around print would otherwise darken the paper next to it)
    weight = np.minimum(2.0 * cover, 1.0)  # a thin stroke's colour is faint even where its ink is full
    blended = grey[top:bottom].astype(np.float32) * (1.0 - weight) + unmixed * weight
    out = grey.copy()
    inside = near[top:bottom] > 0
    out[top:bottom][inside] = np.clip(blended[inside], 0, 255).astype(np.uint8)
    return out


def thin_share(ink: np.ndarray, strokes: np.ndarray, x: int, y: int, w: int, h: int, ch: float) -> float:
    """Share of a stroke's columns where the ink, followed up and down from the stroke, stays thin.

    A pen line between or under printed lines is crossed by letters only at their stems;
    a run of bold or blurred letters merged into a bar is letter-tall almost everywhere.
    """
    pad = int(ch) + 1
    top, bottom = max(0, y - pad), min(ink.shape[0], y + h + pad)
    crop = ink[top:bottom, x : x + w] > 0
    band = strokes[y : y + h, x : x + w] > 0
    present = band.any(axis=0)
    if not present.any():
        return 0.0
    rows = np.arange(h)[:, None]
    centre = (np.where(band, rows, 0).sum(axis=0) / np.maximum(band.sum(axis=0), 1)).astype(np.int64) + (y - top)
    up = np.zeros(crop.shape, np.int32)
    down = np.zeros(crop.shape, np.int32)
    for r in range(crop.shape[0]):
        up[r] = np.where(crop[r], (up[r - 1] if r else 0) + 1, 0)
    for r in range(crop.shape[0] - 1, -1, -1):
        down[r] = np.where(crop[r], (down[r + 1] if r + 1 < crop.shape[0] else 0) + 1, 0)
    cols = np.flatnonzero(present)
    run = up[centre[cols], cols] + down[centre[cols], cols] - 1
    return float(np.mean(run <= THIN_RUN * ch))


def bare_share(ink: np.ndarray, strokes: np.ndarray, x: int, y: int, w: int, h: int) -> float:
    """Share of a stroke's columns where no ink touches it from above or below.

    A pen line runs on under the gaps between letters and words and past the print's ends
    (a third to four fifths of its length, measured on generated pens); the merged feet of a
    bold word are print in every column.
    """
    band = strokes[y : y + h, x : x + w] > 0
    present = band.any(axis=0)
    if not present.any():
        return 0.0
    cols = np.flatnonzero(present)
    top = band[:, cols].argmax(axis=0) + y
    bottom = h - 1 - band[::-1, cols].argmax(axis=0) + y
    dark = ink > 0
    above = dark[np.clip(top - 1, 0, ink.shape[0] - 1), cols + x] | dark[np.clip(top - 2, 0, ink.shape[0] - 1), cols + x]
    below = (dark[np.clip(bottom + 1, 0, ink.shape[0] - 1), cols + x]
             | dark[np.clip(bottom + 2, 0, ink.shape[0] - 1), cols + x])
    return float(np.mean(~above & ~below))


def stroke_bands(crop: np.ndarray, ch: float) -> list[tuple[int, int]]:
    """Rows (y, h) of a stroke component's box where a long stroke runs; the whole box if one."""
    h, w = crop.shape[:2]
    if h <= 1.2 * ch:
        return [(0, h)]
    rows = np.count_nonzero(crop, axis=1) >= 0.2 * w
    bands, start = [], None
    for r, on in enumerate(np.append(rows, False)):
        if on and start is None:
            start = r
        elif not on and start is not None:
            bands.append((max(0, start - 2), min(h, r + 2) - max(0, start - 2)))
            start = None
    return bands or [(0, h)]


def erase_strokes(clean: np.ndarray, dark: np.ndarray) -> np.ndarray:
    """The flattened page with dark pen strokes inpainted from the surrounding paper and letters.

    Dark ink cannot be told from print by its colour, so its tight mask is inpainted.
    """
    if not dark.any():
        return clean
    return cv2.inpaint(clean, dark, 3, cv2.INPAINT_TELEA)


def mark_underlined(reading: Reading, strokes: tuple[tuple[int, int, int, int], ...] | list) -> Reading:
    """Flag each line with a pen stroke running just under it (boxes in the same image)."""
    if not strokes or not reading.lines:
        return reading
    return replace(reading, lines=tuple(replace(line, underlined=True) if runs_under(line.box, strokes) else line
                                        for line in reading.lines))


def runs_under(box: tuple[int, int, int, int], strokes) -> bool:
    """A pen stroke runs below the line's middle, within a line height under it, across part of its width."""
    x, y, w, h = box
    for sx, sy, sw, sh in strokes:
        below = y + 0.4 * h <= sy + sh / 2 <= y + h + 1.2 * h
        overlap = min(x + w, sx + sw) - max(x, sx)
        if below and overlap > 0.25 * min(w, sw):
            return True
    return False

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

from pipeline.values import Reading

MIN_STROKE_CHARS = 3.0  # an underline runs under a product name: at least this many character heights
PEN_OVER_PAPER = 0.55  # under coloured ink, brighter than this share of the paper's level is pen only
THIN_RUN = 0.5  # character heights: the ink's vertical run through a pen stroke, where no letter touches it
MIN_THIN_SHARE = 0.5  # share of a dark stroke's columns where the ink is that thin; print merged by blur is tall


def colour_ink(bgr: np.ndarray) -> np.ndarray:
    """Mask of saturated ink: blue, red or green pen on grey print and white paper."""
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    s, v = hsv[..., 1], hsv[..., 2]
    paper_s = float(np.median(s))  # warm light tints paper: compare with it
    mask = (s > max(70.0, paper_s + 45.0)) & (v > 50)
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


def find_underlines(
    bgr: np.ndarray, ink: np.ndarray, char_height: float
) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int, int, int]]]:
    """Pen strokes to erase (coloured mask, dark mask) and the boxes of those that run under text.

    `ink` is the dark-ink mask of the flattened page, `bgr` the same page in colour.
    """
    ch = max(char_height, 6.0)
    coloured = colour_ink(bgr) if bgr.ndim == 3 else np.zeros_like(ink)
    # join the gaps a ballpoint skips on thermal paper
    join = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(ch / 2)), 3))
    candidates = [(cv2.morphologyEx(coloured, cv2.MORPH_CLOSE, join), coloured, True)]
    # coloured strokes also look dark in grey: search dark ink only outside them
    dark = dark_strokes(cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(coloured, np.ones((5, 5), np.uint8)))), ch)
    if dark.any():
        candidates.append((cv2.morphologyEx(dark, cv2.MORPH_CLOSE, join), dark, False))
    erase = [np.zeros_like(ink), np.zeros_like(ink)]
    boxes: list[tuple[int, int, int, int]] = []
    for joined, strokes, is_colour in candidates:
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
                if not is_colour and thin_share(ink, strokes, x, y + by, w, bh, ch) < MIN_THIN_SHARE:
                    continue  # letters merged by boldness or blur, not a pen line under them
                found = True
                boxes.append((int(x), int(y + by), int(w), int(bh)))
            if found:
                keep[i] = 255
        if keep.any():
            erase[0 if is_colour else 1] |= keep[labels] & strokes
    # the ink's anti-aliased rim goes too; coloured pixels are then decided by colour
    for mask in erase:
        if mask.any():
            mask[:] = cv2.dilate(mask, np.ones((3, 3), np.uint8), iterations=2 if ch > 15 else 1)
    return erase[0], erase[1], sorted(boxes, key=lambda b: (b[1], b[0]))


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


def erase_strokes(clean: np.ndarray, bgr: np.ndarray, coloured: np.ndarray, dark: np.ndarray) -> np.ndarray:
    """The flattened page with pen strokes turned to paper, print under them kept.

    Under coloured ink the brightest channel stays light where only the pen passed and
    dark where it crossed print, so each pixel is decided by colour. Dark ink cannot be
    told from print, so its tight mask is inpainted from the surrounding paper and letters.
    """
    out = clean.copy()
    if coloured.any() and bgr.ndim == 3:
        brightest = cv2.max(cv2.max(bgr[..., 0], bgr[..., 1]), bgr[..., 2])
        paper = float(np.percentile(brightest[::4, ::4], 90))
        out[(coloured > 0) & (brightest > PEN_OVER_PAPER * paper)] = 255
    if dark.any():
        out = cv2.inpaint(out, dark, 3, cv2.INPAINT_TELEA)
    return out


def mark_underlined(reading: Reading, underlines, char_height: float | None = None) -> Reading:
    """Flag each line with a pen stroke running just under it (boxes in the same image)."""
    if not underlines or not reading.lines:
        return reading
    lines = []
    for line in reading.lines:
        x, y, w, h = line.box
        reach = max(h, char_height or 0) * 0.9
        hit = False
        for ux, uy, uw, uh in underlines:
            overlap = min(x + w, ux + uw) - max(x, ux)
            centre = uy + uh / 2
            # below the line's middle, no further than about one line height under its bottom
            if overlap > 0.25 * min(w, uw) and y + h / 2 < centre <= y + h + reach:
                hit = True
                break
        lines.append(replace(line, underlined=True) if hit else line)
    return replace(reading, lines=tuple(lines))

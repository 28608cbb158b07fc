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
) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Pen strokes to erase (mask) and the boxes of those that run under text.

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
    erase = np.zeros_like(ink)
    boxes: list[tuple[int, int, int, int]] = []
    for joined, strokes, is_colour in candidates:
        count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
        keep = np.zeros(count, np.uint8)
        for i in range(1, count):
            x, y, w, h, area = stats[i]
            thickness = area / max(w, 1)
            if w < 2.5 * ch or h > 1.6 * ch or thickness > 0.5 * ch:
                continue
            if not is_colour and h < max(3.0, 1.8 * thickness):
                continue  # perfectly straight and level: a printed rule, handled elsewhere
            keep[i] = 255
            boxes.append((int(x), int(y), int(w), int(h)))
        if keep.any():
            erase |= keep[labels] & strokes
    if erase.any():
        erase = cv2.dilate(erase, np.ones((3, 3), np.uint8), iterations=2 if ch > 15 else 1)
    return erase, sorted(boxes, key=lambda b: (b[1], b[0]))


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

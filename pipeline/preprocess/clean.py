"""Contrast cleaning: flatten the lighting, stretch ink to black and paper to white, drop rules."""

from __future__ import annotations

import cv2
import numpy as np

RATIO_PAPER = 200  # grey / background is stored as ratio x this, leaving room above the paper


def flatten_illumination(grey: np.ndarray, char_height: float) -> np.ndarray:
    """Divide out the paper's lighting (shadows, vignetting), then stretch ink to 0 and paper to 255.

    The background is a grey closing (a max filter wider than any stroke) taken on a
    quarter-size copy, so it costs a few milliseconds even on long receipts.
    """
    h, w = grey.shape[:2]
    f = 0.25 if min(h, w) >= 64 else 1.0
    small = cv2.resize(grey, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else grey
    k = max(3, int(round(1.6 * max(char_height, 8) * f)) | 1)
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    background = cv2.GaussianBlur(background, (0, 0), k / 2)
    if f < 1:
        background = cv2.resize(background, (w, h), interpolation=cv2.INTER_LINEAR)
    # all in 8 bits: paper comes out near RATIO_PAPER, a lookup table then stretches it
    ratio = cv2.divide(grey, np.maximum(background, 1), scale=RATIO_PAPER)
    hist = cv2.calcHist([ratio], [0], None, [256], [0, 256]).ravel()
    cdf = np.cumsum(hist) / max(hist.sum(), 1)
    paper = float(np.searchsorted(cdf, 0.90))
    dark = hist[: int(0.75 * paper)]
    # the ink level is the median of clearly dark pixels; without ink, only rescale the paper
    if dark.sum() > 0.001 * ratio.size:
        ink = float(np.searchsorted(np.cumsum(dark), dark.sum() / 2))
    else:
        ink = 0.0
    ink = min(ink, 0.6 * paper)
    levels = (np.arange(256, dtype=np.float32) - ink) * (255.0 / max(paper - ink, 1.0))
    return cv2.LUT(ratio, np.clip(levels, 0, 255).astype(np.uint8))


def binarise(clean: np.ndarray) -> np.ndarray:
    """Black ink on white paper by Otsu, on an already flattened image."""
    _, out = cv2.threshold(clean, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return out


def find_rules(clean: np.ndarray, char_height: float) -> np.ndarray:
    """Mask of printed separators: long straight horizontal rules and rows of dashes or equals signs."""
    h, w = clean.shape[:2]
    ink = (clean < 128).astype(np.uint8) * 255
    mask = np.zeros_like(ink)
    ch = max(char_height, 6.0)
    # long rules: horizontal runs far longer than any letter
    run = int(max(4 * ch, w // 8))
    if run < w:
        lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (run, 1)))
        count, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
        thin = stats[:, 4] / np.maximum(stats[:, 2], 1) < 0.45 * ch  # thinner than a letter is tall
        thin[0] = False
        mask |= np.where(thin, 255, 0).astype(np.uint8)[labels]
    # rows made only of small flat marks: "-----", "=====", "*****", "....."
    count, labels, stats, cents = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count > 1:
        st, cy = stats[1:], cents[1:, 1]
        small = (st[:, 3] <= 0.6 * ch) & (st[:, 2] <= 1.5 * ch) & (st[:, 4] >= 2)
        big = ~small & (st[:, 3] >= 0.5 * ch) & (st[:, 3] <= 3 * ch)
        order = np.argsort(cy)
        rows: list[list[int]] = []
        for idx in order[small[order]]:
            if rows and cy[idx] - cy[rows[-1][-1]] < 0.45 * ch:
                rows[-1].append(idx)
            else:
                rows.append([idx])
        marks = np.zeros(count, np.uint8)
        for row in rows:
            if len(row) < 6:
                continue
            r = st[row]
            x0, x1 = r[:, 0].min(), (r[:, 0] + r[:, 2]).max()
            y0, y1 = r[:, 1].min(), (r[:, 1] + r[:, 3]).max()
            if x1 - x0 < 5 * ch:
                continue
            # text on the same row means these marks belong to a line ("TOTAL ..... 12,00")
            mid = (y0 + y1) / 2
            band = big & (np.abs(cy - mid) < 0.5 * ch) & (st[:, 0] + st[:, 2] > x0) & (st[:, 0] < x1)
            if band.sum() > 1:
                continue
            heights = r[:, 3].astype(np.float64)
            if heights.std() > 0.5 * heights.mean() + 1:
                continue  # a real separator repeats one mark
            marks[np.asarray(row) + 1] = 255
        if marks.any():
            mask |= marks[labels]
    if mask.any():
        mask = cv2.dilate(mask, np.ones((3, 3), np.uint8), iterations=2)  # and their anti-aliased rims
    return mask

"""Contrast cleaning: flatten the lighting, stretch ink to black and paper to white, drop rules."""

from __future__ import annotations

import cv2
import numpy as np

RATIO_PAPER = 200  # grey / background is stored as ratio x this, leaving room above the paper
ZERO_CORNER = 0.1  # share of a glyph's height at its top and bottom where an oval is narrower
ZERO_INSET = 0.12  # share of its width by which an oval's top and bottom rows are inset on each side
MIN_HOLE_BALANCE = 0.5  # smaller hole over larger: a marked zero splits its hole in two similar halves
MIN_ZERO_WAIST = 0.9  # width between the two holes over the widest row: zeros 0.95-1, a bold 8 about 0.75
MAX_MARK_SCATTER = 0.22  # character heights: a separator's marks lie on one line (printed ones 0.0-0.17)


def page_background(image: np.ndarray, char_height: float) -> np.ndarray:
    """The paper's own level under the print (grey or per colour channel), at the image's size.

    A closing (a max filter wider than any stroke) on a quarter-size copy, then smoothed:
    it costs a few milliseconds even on long receipts.
    """
    h, w = image.shape[:2]
    f = 0.25 if min(h, w) >= 64 else 1.0
    small = cv2.resize(image, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else image
    k = max(3, int(round(1.6 * max(char_height, 8) * f)) | 1)
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    background = cv2.GaussianBlur(background, (0, 0), k / 2)
    if f < 1:
        background = cv2.resize(background, (w, h), interpolation=cv2.INTER_LINEAR)
    return background


def flatten_illumination(grey: np.ndarray, char_height: float) -> np.ndarray:
    """Divide out the paper's lighting (shadows, vignetting), then stretch ink to 0 and paper to 255."""
    background = page_background(grey, char_height)
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


def line_scatter(points: np.ndarray) -> float:
    """Spread (standard deviation) of points (x, y) about the straight line fitted through them."""
    x, y = points[:, 0].astype(np.float64), points[:, 1].astype(np.float64)
    slope, offset = np.polyfit(x, y, 1) if np.ptp(x) > 0 else (0.0, y.mean())
    return float(np.std(y - (slope * x + offset)))


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
            if len(row) >= 3 and line_scatter(cents[1:][row]) > MAX_MARK_SCATTER * ch:
                continue  # pieces of faint letters, scattered over a line's height
            marks[np.asarray(row) + 1] = 255
        if marks.any():
            mask |= marks[labels]
    if mask.any():
        mask = cv2.dilate(mask, np.ones((3, 3), np.uint8), iterations=2)  # and their anti-aliased rims
    return mask



def rounded(glyph: np.ndarray) -> bool:
    """Whether a glyph mask (1 = ink) is rounded at its four corners, as an oval is and a B is not."""
    h, w = glyph.shape
    band = max(1, int(ZERO_CORNER * h))
    cols = np.flatnonzero(glyph.any(axis=0))
    for rows in (glyph[:band], glyph[-band:]):
        inked = np.flatnonzero(rows.any(axis=0))
        if inked.size == 0:
            return False
        if inked[0] - cols[0] < ZERO_INSET * w or cols[-1] - inked[-1] < ZERO_INSET * w:
            return False
    return True


def open_slashed_zeros(clean: np.ndarray, char_height: float) -> tuple[np.ndarray, int]:
    """The page with the dot or slash inside zeros erased; and how many zeros were opened.

    Receipt fonts (DejaVu Sans Mono, thermal printers) mark the zero with a dot or a
    slash; bold or blurred, it joins the ring and splits the hole in two, and
    Tesseract reads an 8 or a 6. An 8 has the same two holes but a waist between
    them; a marked zero stays as wide there as anywhere, and is cleared between its
    holes so that one hole, a plain 0, remains.
    """
    ink = (clean < 128).astype(np.uint8) * 255
    contours, hierarchy = cv2.findContours(ink, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    if hierarchy is None:
        return clean, 0
    tree = hierarchy[0]  # next, previous, first child, parent
    out, opened = clean, 0
    for i, contour in enumerate(contours):
        if tree[i][3] >= 0:
            continue  # a hole
        x, y, w, h = cv2.boundingRect(contour)
        if not (0.6 * char_height <= h <= 1.6 * char_height) or w > h:
            continue  # one digit-sized glyph
        holes, j = [], tree[i][2]
        while j >= 0:
            holes.append(j)
            j = tree[j][0]
        if len(holes) != 2:
            continue
        areas = sorted(cv2.contourArea(contours[k]) for k in holes)
        if areas[0] < MIN_HOLE_BALANCE * areas[1]:
            continue  # a 6 or a 9 whose tail closed a small second hole on its bowl
        glyph = np.zeros((h, w), np.uint8)
        cv2.drawContours(glyph, [contour - [x, y]], -1, 1, cv2.FILLED)
        widths = glyph.sum(axis=1)
        centres = [cv2.boundingRect(contours[k]) for k in holes]
        between = int(round(sum(b[1] + b[3] / 2 for b in centres) / 2)) - y
        if not 0 <= between < h or widths[between] < MIN_ZERO_WAIST * widths.max():
            continue  # an 8 is pinched between its holes
        if not rounded(glyph):
            continue  # a B or a D has a straight side
        if out is clean:
            out = clean.copy()
        hull = cv2.convexHull(np.vstack([contours[k] for k in holes]))
        cv2.drawContours(out, [hull], -1, 255, cv2.FILLED)
        opened += 1
    return out, opened

"""Contrast cleaning: flatten the lighting, stretch ink to black and paper to white, drop rules."""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.preprocess.text import find_glyphs, ink_mask

RATIO_PAPER = 200  # grey / background is stored as ratio x this, leaving room above the paper
ZERO_CORNER = 0.1  # share of a glyph's height at its top and bottom where an oval is narrower
ZERO_INSET = 0.12  # share of its width by which an oval's top and bottom rows are inset on each side
MIN_HOLE_BALANCE = 0.5  # smaller hole over larger: a marked zero splits its hole in two similar halves
MIN_ZERO_WAIST = 0.9  # narrowest row between the two holes over the loops' widest: zeros 0.95-1, a bold 8 ~0.75
MAX_RUN_DIGITS = 8  # a run of joined digits judged one by one: at most this many heights wide
# A page's font marks its zeros when a zero stands unjoined with its dot inside, or when
# several of its two-holed digits are marked zeros: a plain font's blurred 8 is a lone one.
MIN_MARKED_ZEROS = 2
MIN_MARKED_SHARE = 0.2  # of the two-holed digits judged (8s, Bs and marked zeros)
DOT_SPAN = 0.6  # a zero's dot: at most this share of its hole's width and height...
DOT_CENTRE = 0.25  # ...its centre this share of the hole's height from the hole's centre
MAX_MARK_SCATTER = 0.22  # character heights: a separator's marks lie on one line (printed ones 0.0-0.17)
# Share of a long run's length inked just above or below it that makes it the edge of merged
# letters, not a rule: letters' bodies 0.46-0.99 beside their merged feet in a blurred photo;
# a rule's neighbours are blank but for a pen's stroke or the crossbars of `#####` (0.2-0.4)
RULE_NEIGHBOURS = 0.45
# Faded print (a thermal ticket's header, a scan of a washed-out receipt): where the darkest
# ink within FAINT_WINDOW character heights would come out lighter than FAINT_INK under the
# page's own levels, Tesseract's global threshold drops it (a shop name read as blank paper).
# There the ink level is taken locally, so that darkest ink comes out at FAINT_DARKEST.
FAINT_WINDOW = 3.0
FAINT_INK = 128
FAINT_DARKEST = 32
NO_PRINT = 0.9  # a window whose darkest pixel is this close to the paper holds no print
FAINT_ZONE = 1.5  # character heights: narrower zones are the halo round the print, not print
FAINT_GLYPHS = 6  # letters in rows a zone must hold: a table's texture beside the paper holds none
FAINT_GRID = 0.25  # the zones are found on a grid this fraction of the page's size


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


def flatten_illumination(grey: np.ndarray, char_height: float, *, faint_print: bool = False) -> np.ndarray:
    """Divide out the paper's lighting (shadows, vignetting), then stretch ink to 0 and paper to 255.

    With `faint_print`, zones of faded print are stretched by their own ink level
    (`faint_ink_levels`). The legibility measure turns it on, so faded print is not judged
    blurred (its faintness is the contrast figure's to judge); the preparation of a
    photographed paper leaves it off (see `clean_page`)."""
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
    local = faint_ink_levels(grey, ratio, char_height, paper, ink) if faint_print and char_height > 0 else None
    if local is not None:
        out = (ratio.astype(np.float32) - local) * (255.0 / np.maximum(paper - local, 1.0))
        return np.clip(out, 0, 255).astype(np.uint8)
    levels = (np.arange(256, dtype=np.float32) - ink) * (255.0 / max(paper - ink, 1.0))
    return cv2.LUT(ratio, np.clip(levels, 0, 255).astype(np.uint8))


def faint_ink_levels(grey: np.ndarray, ratio: np.ndarray, char_height: float, paper: float,
                     ink: float) -> np.ndarray | None:
    """The ink level per pixel (`ratio`'s scale) where print is faded, `ink` elsewhere; None
    when no zone of the page is faded print.

    The darkest pixel within a few character heights says how dark the print there is. A
    zone where it is too light to survive binarisation, and wider than the halo round the
    print, must hold letters in rows (found on `grey` by a local threshold): a patch of
    table beside the paper is as light and holds none."""
    h, w = ratio.shape[:2]
    k = int(FAINT_WINDOW * max(char_height, 8)) | 1
    darkest = cv2.erode(cv2.blur(ratio, (3, 3)), cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    f = FAINT_GRID if min(h, w) >= 64 else 1.0
    small = cv2.resize(darkest, None, fx=f, fy=f, interpolation=cv2.INTER_AREA).astype(np.float32) if f < 1 \
        else darkest.astype(np.float32)
    shown = (small - ink) * (255.0 / max(paper - ink, 1.0))  # as the page's own levels would show it
    zone = ((shown >= FAINT_INK) & (small <= NO_PRINT * paper)).astype(np.uint8)
    side = max(3, int(round(FAINT_ZONE * char_height * f)))
    zone = cv2.morphologyEx(zone, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (side, side)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(zone, connectivity=8)
    kept = np.zeros(count, bool)
    for i in range(1, count):
        x, y, zw, zh = (int(v / f) for v in stats[i, :4])
        glyphs = find_glyphs(ink_mask(grey[y:y + zh, x:x + zw], block=k, c=8))
        kept[i] = len(glyphs.stats) >= FAINT_GLYPHS and 0.5 * char_height <= glyphs.char_height <= 3 * char_height
    if not kept.any():
        return None
    # the level that shows the zone's darkest ink at FAINT_DARKEST, never darker than the page's
    t = FAINT_DARKEST / 255.0
    local = np.where(np.take(kept, labels), np.maximum((small - t * paper) / (1 - t), ink), ink).astype(np.float32)
    local = cv2.GaussianBlur(local, (0, 0), max(k * f / 4, 0.5))
    return cv2.resize(local, (w, h), interpolation=cv2.INTER_LINEAR) if f < 1 else local


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
        # A rule stands clear of the print. In a blurred photo, bold letters merge along their
        # feet or tops into runs as long as a rule, with the letters' bodies beside them:
        # whitening those erased the upper half of a shop name. (The other long runs and their
        # rims, as the second bar of a `=====` rule, are not print here.)
        if thin.any():
            runs = cv2.dilate(lines, np.ones((5, 1), np.uint8))
            beside = cv2.bitwise_and(ink, cv2.bitwise_not(runs))
            for k in np.flatnonzero(thin):
                thin[k] = stands_clear(beside, stats[k, :4], ch)
            mask |= np.take(np.where(thin, 255, 0).astype(np.uint8), labels)
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
            mask |= np.take(marks, labels)
    if mask.any():
        mask = cv2.dilate(mask, np.ones((3, 3), np.uint8), iterations=2)  # and their anti-aliased rims
    return mask


def stands_clear(ink: np.ndarray, box: np.ndarray, char_height: float) -> bool:
    """Whether the rows a quarter of a character above and below a run (x, y, w, h) are
    inked along less than RULE_NEIGHBOURS of its length."""
    x, y, w, h = (int(v) for v in box)
    gap = max(2, int(round(0.25 * char_height)))
    for row in (y - gap, y + h - 1 + gap):
        if 0 <= row < ink.shape[0] and np.count_nonzero(ink[row, x : x + w]) >= RULE_NEIGHBOURS * w:
            return False
    return True


def rounded(glyph: np.ndarray, whole_cell: bool = False) -> bool:
    """Whether a glyph mask (1 = ink) is rounded at its four corners, as an oval is and a B is not.

    `whole_cell`: the mask's columns are the glyph's own (cut out of a run of joined glyphs,
    where the ink joining a neighbour reaches the edges and is not the glyph's side)."""
    h, w = glyph.shape
    band = max(1, int(ZERO_CORNER * h))
    cols = np.array([0, w - 1]) if whole_cell else np.flatnonzero(glyph.any(axis=0))
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
    holes so that one hole, a plain 0, remains. Blurred print joins neighbouring
    digits (`67000`'s three zeros made one blob): such a run is judged digit by digit,
    each pair of holes one above the other in a cell of its own.

    A plain font's zero has no mark, and its 8 blurred loses its waist: zeros are only
    opened on a page whose font shows it marks them (see `MIN_MARKED_ZEROS`).
    """
    ink = (clean < 128).astype(np.uint8) * 255
    contours, hierarchy = cv2.findContours(ink, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    if hierarchy is None:
        return clean, 0
    tree = hierarchy[0]  # next, previous, first child, parent
    hulls, judged = [], 0
    for i, contour in enumerate(contours):
        if tree[i][3] >= 0:
            continue  # a hole
        x, y, w, h = cv2.boundingRect(contour)
        if not (0.6 * char_height <= h <= 1.6 * char_height) or w > MAX_RUN_DIGITS * h:
            continue  # digit-sized glyphs
        holes, j = [], tree[i][2]
        while j >= 0:
            holes.append(j)
            j = tree[j][0]
        if len(holes) < 2 or (w <= h and len(holes) != 2):
            continue
        glyph = np.zeros((h, w), np.uint8)
        cv2.drawContours(glyph, [contour - [x, y]], -1, 1, cv2.FILLED)
        pairs = [(holes, 0, w)] if w <= h else digit_cells(contours, holes, glyph, x, y)
        for pair, c0, c1 in pairs:
            cell = glyph[:, c0:c1]
            if len(holes) > 2:
                # the blank between two joined digits (an 8's waist beside a neighbour's ring) stays blank
                cell = glyph.copy()
                cv2.drawContours(cell, [contours[k] - [x, y] for k in holes if k not in pair], -1, 0, cv2.FILLED)
                cell = cell[:, c0:c1]
            judged += 1
            if marked_zero(cell, [contours[k] for k in pair], y, whole_cell=w > h):
                hulls.append(cv2.convexHull(np.vstack([contours[k] for k in pair])))
    if not hulls or not (len(hulls) >= max(MIN_MARKED_ZEROS, MIN_MARKED_SHARE * judged) or dotted_zero(ink, char_height)):
        return clean, 0  # a plain font: its blurred 8 (`12:08`) is no zero
    out = clean.copy()
    cv2.drawContours(out, hulls, -1, 255, cv2.FILLED)
    return out, len(hulls)


def dotted_zero(ink: np.ndarray, char_height: float) -> bool:
    """Whether a digit-sized ring on the page (one hole) holds a dot at its centre: a
    marked zero whose dot did not join the ring."""
    contours, hierarchy = cv2.findContours(ink, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return False
    tree = hierarchy[0]
    for i, contour in enumerate(contours):
        hole = tree[i][2]
        if hole < 0 or tree[hole][0] >= 0:
            continue  # a ring with exactly one hole
        x, y, w, h = cv2.boundingRect(contour)
        if not (0.6 * char_height <= h <= 1.6 * char_height and w <= h):
            continue
        hx, hy, hw, hh = cv2.boundingRect(contours[hole])
        dot = tree[hole][2]
        while dot >= 0:
            dx, dy, dw, dh = cv2.boundingRect(contours[dot])
            if dw <= DOT_SPAN * hw and dh <= DOT_SPAN * hh and abs(dy + dh / 2 - hy - hh / 2) < DOT_CENTRE * hh:
                return True
            dot = tree[dot][0]
    return False




def digit_cells(contours, holes: list[int], glyph: np.ndarray, x: int, y: int) -> list[tuple[list[int], int, int]]:
    """In a run of joined digits (`glyph`, its filled mask at (`x`, `y`)), the pairs of holes
    stacked in one digit, each pair alone in its columns, with the columns of that digit in
    the mask: the holes' span and the ring's stroke on each side."""
    boxes = {k: cv2.boundingRect(contours[k]) for k in holes}
    cells = []
    for a in holes:
        for b in holes:
            (ax, ay, aw, ah), (bx, by, bw, _) = boxes[a], boxes[b]
            if by <= ay or by < ay + ah - 1:
                continue  # b is the lower hole, below a
            shared = min(ax + aw, bx + bw) - max(ax, bx)
            if shared < 0.5 * min(aw, bw):
                continue
            left, right = min(ax, bx), max(ax + aw, bx + bw)
            if any(k not in (a, b) and boxes[k][0] < right and boxes[k][0] + boxes[k][2] > left for k in holes):
                continue  # a third hole in the same columns: not one digit
            stroke = ring_stroke(glyph, [boxes[a], boxes[b]], x, y)
            cells.append(([a, b], max(0, left - stroke - x), min(glyph.shape[1], right + stroke - x)))
    return cells


def ring_stroke(glyph: np.ndarray, boxes: list[tuple[int, int, int, int]], x: int, y: int) -> int:
    """The ring's width beside two holes: the shortest run of ink outward from a hole's side
    along its middle row (a neighbour joined on one side, or at one row, lengthens the others)."""
    runs = []
    for bx, by, bw, bh in boxes:
        row = glyph[min(glyph.shape[0] - 1, by + bh // 2 - y)]
        for start, step in ((bx - x - 1, -1), (bx + bw - x, 1)):
            n, i = 0, start
            while 0 <= i < row.size and row[i]:
                n, i = n + 1, i + step
            runs.append(n)
    return max(1, min(runs))


def marked_zero(glyph: np.ndarray, holes: list, top: int, whole_cell: bool = False) -> bool:
    """Whether a digit's filled mask (1 = ink) with these two holes (contours, page coordinates,
    `top` the mask's first row) is a marked zero: holes alike, no waist between them, rounded."""
    areas = sorted(cv2.contourArea(c) for c in holes)
    if areas[0] < MIN_HOLE_BALANCE * areas[1]:
        return False  # a 6 or a 9 whose tail closed a small second hole on its bowl
    rows = np.flatnonzero(glyph.any(axis=1))
    if rows.size == 0:
        return False
    glyph = glyph[rows[0] : rows[-1] + 1]
    widths = glyph.sum(axis=1)
    upper, lower = sorted((cv2.boundingRect(c) for c in holes), key=lambda b: b[1])
    # the rows of the bar between the holes, where an 8 is pinched (its upper loop is often the smaller)
    start, stop = upper[1] + upper[3] - 1 - top - rows[0], lower[1] + 1 - top - rows[0]
    start, stop = max(0, start), min(glyph.shape[0], stop)
    bar, loops = widths[start:stop], np.concatenate([widths[:start], widths[stop:]])
    # against the loops' width: a slash may stick out of the ring at the bar
    if bar.size == 0 or loops.size == 0 or bar.min() < MIN_ZERO_WAIST * loops.max():
        return False  # an 8 is pinched between its holes
    return rounded(glyph, whole_cell)  # a B or a D has a straight side

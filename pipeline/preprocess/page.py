"""`prepare_page`: from a photo or scan to an upright, clean, normalised grey receipt."""

from __future__ import annotations

from concurrent.futures import wait
from dataclasses import replace

import cv2
import numpy as np

from pipeline import beside
from pipeline.preprocess.clean import find_rules, flatten_illumination, open_slashed_zeros
from pipeline.preprocess.deskew import estimate_skew, rotate
from pipeline.preprocess.legibility import measure
from pipeline.preprocess.locate import (
    TEXTURED_SURFACE,
    Paper,
    cut_paper_box,
    find_paper,
    surface_texture,
    trim_edges,
    warp_paper,
)
from pipeline.preprocess.pens import erase_strokes, find_colour_strokes, find_dark_strokes, remove_colour_pen
from pipeline.preprocess.rows import move_box, shrink_tall_rows
from pipeline.preprocess.text import Glyphs, grey_of, grow_to_print, ink_mask, measure_char_height, text_bounds
from pipeline.settings import ReadingSettings
from pipeline.values import PageImage, PreparedPage

MAX_WORK_SIDE = 4000  # larger photos are shrunk first: their characters stay far above target
MIN_SCALE, MAX_SCALE = 0.15, 1.6  # enlarging further only invents pixels and slows Tesseract
MAX_OUTPUT_PIXELS = 3_000_000  # caps Tesseract's time on long receipts
SKEW_MIN = 0.3  # degrees; below this a rotation only blurs
FALLBACK_LINE_CHARS = 40  # without a trusted character height, the receipt is this many characters wide
CHAR_WIDTH_RATIO = 0.8  # a receipt font's advance over its measured (capital) height
TEXT_MARGIN = 1.5  # character heights of paper kept around the text
MIN_CUT_LETTERS = 12  # letters cut by a warped outline's edges: it ran through the print, not around the paper
# ... or pieces of print as tall as a letter and a third as wide cut by its sides before levelling
# (of the usual seeds' 1,560 photos only one reaches it, 14 cut on its left; ~1,200 warped show 0-3)
MIN_CUT_PIECES = 8
EDGE_BAND = 4  # character heights of the page along each side searched for cut print


def as_bgr(image: np.ndarray) -> np.ndarray:
    """Any 8-bit grey, BGR or BGRA array as contiguous BGR."""
    img = np.asarray(image)
    if img.dtype != np.uint8:
        img = np.clip(img, 0, 255).astype(np.uint8)
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if img.shape[2] == 4:
        return cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
    if img.shape[2] == 1:
        return cv2.cvtColor(img[..., 0], cv2.COLOR_GRAY2BGR)
    return np.ascontiguousarray(img[..., :3])


def locate_receipt(image: np.ndarray) -> tuple[np.ndarray, float, list[str]]:
    """The receipt cut out of a photo and flattened: (BGR crop, factor from the original, steps)."""
    bgr = as_bgr(image)
    steps: list[str] = []
    factor = 1.0
    if max(bgr.shape[:2]) > MAX_WORK_SIDE:
        factor = MAX_WORK_SIDE / max(bgr.shape[:2])
        bgr = cv2.resize(bgr, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        steps.append(f"shrink:{factor:.3f}")
    paper = find_paper(bgr)
    if paper.how == "whole_image":
        steps.append("whole_image")
        return bgr, factor, steps
    steps.append(f"found_receipt:{paper.how}")
    if paper.how == "paper_box":
        if surface_texture(grey_of(bgr)) < TEXTURED_SURFACE:
            # On a plain surface a box is drawn only when no outline was trusted: paper on a
            # light table under uneven light, whose brightness cut joins the lit table to part
            # of the paper and runs through the rest. Painting outside it erased print, most
            # often the end of the shop name in large print near the paper's edge. The whole
            # photo, cropped to its print below, keeps every letter: on 98 such photos of the
            # usual mixes it mended 19 fields (11 shop names) and lost 6.
            steps += ["light_table", "whole_image"]
            return bgr, factor, steps
        # on granite or wood, specks line up like letters: the mask is all there is
        steps.append("mask_background")
        return cut_paper_box(bgr, paper, paper_colour(bgr, paper)), factor, steps
    steps.append("warp" if paper.how == "quad" else "rotate_crop")
    return trim_edges(warp_paper(bgr, paper.corners)), factor, steps


def letters_on_border(glyphs: Glyphs, shape: tuple[int, ...]) -> int:
    """How many letters the crop's edges cut through (touching them within two pixels)."""
    if not len(glyphs.stats):
        return 0
    x, y, w, h = (glyphs.stats[:, k] for k in range(4))
    edge = (x <= 2) | (y <= 2) | (x + w >= shape[1] - 2) | (y + h >= shape[0] - 2)
    return int(edge.sum())


def print_cut_by_edges(grey: np.ndarray, char_height: float) -> int:
    """How many pieces of print as tall as a letter the crop's sides cut through.

    Counted on the crop as warped, before levelling fills its corners with paper, and on
    every piece of ink (a letter cut in half is no letter-like glyph any more); pieces
    narrower than a third of a letter are the paper's shaded edge, not print.
    """
    if char_height <= 0:
        return 0
    block = int(2.5 * char_height) | 1
    band = int(EDGE_BAND * char_height)
    count = 0
    # the bands along the sides, where lines of print start and end (the right one mirrored);
    # below a torn edge the photo's surface may show, its grain as tall as letters
    for strip in (grey[:, :band], grey[:, -band:][:, ::-1]):
        ink = ink_mask(np.ascontiguousarray(strip), block)
        _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
        x, w, h = stats[1:, 0], stats[1:, 2], stats[1:, 3]
        count += int(((x <= 1) & (h >= 0.6 * char_height) & (h <= 1.4 * char_height)
                      & (w >= char_height / 3)).sum())
    return count


def paper_colour(bgr: np.ndarray, paper: Paper | None = None) -> tuple[int, int, int]:
    """The brightest common colour: what blank paper looks like in this photo (or in its paper box)."""
    if paper is not None and paper.box is not None:
        x, y, w, h = paper.box
        bgr = bgr[y : y + h, x : x + w]
    step = max(1, int((bgr.shape[0] * bgr.shape[1] / 100_000) ** 0.5))
    flat = bgr[::step, ::step].reshape(-1, 3)
    grey = flat.astype(np.int32).sum(axis=1)
    light = flat[grey >= np.percentile(grey, 80)]
    return tuple(int(v) for v in np.median(light, axis=0))


def choose_scale(glyphs: Glyphs, shape: tuple[int, ...], settings: ReadingSettings) -> tuple[float, str]:
    """Factor bringing characters to the target height, within bounds; and how it was chosen."""
    h, w = shape[:2]
    if glyphs.char_height > 0 and glyphs.reliable:
        scale, how = settings.target_char_height / glyphs.char_height, "chars"
    else:
        # no trusted letters: assume a common receipt, about 40 characters across
        width = FALLBACK_LINE_CHARS * CHAR_WIDTH_RATIO * settings.target_char_height
        scale, how = width / max(w, 1), "width"
    scale = min(float(np.clip(scale, MIN_SCALE, MAX_SCALE)), (MAX_OUTPUT_PIXELS / max(h * w, 1)) ** 0.5)
    return scale, how


def level(receipt: np.ndarray, steps: list[str]) -> tuple[np.ndarray, np.ndarray, Glyphs]:
    """Turn the receipt so its lines are horizontal; its grey image and measured letters."""
    angle = estimate_skew(grey_of(receipt))
    if abs(angle) >= SKEW_MIN:
        receipt = rotate(receipt, angle, paper_colour(receipt))
        steps.append(f"deskew:{angle:+.1f}")
    grey = grey_of(receipt)
    return receipt, grey, measure_char_height(grey)


def prepare_page(page: PageImage, settings: ReadingSettings) -> PreparedPage:
    """Find, straighten, crop, rescale and clean one page for OCR; measure its legibility."""
    if page.image is None:
        raise ValueError(f"page {page.index} has no image (a text-layer page needs no preparing)")
    located, factor, steps = locate_receipt(page.image)
    receipt, grey, glyphs = level(located, steps)
    cut = ""
    if "warp" in steps or "rotate_crop" in steps:
        letters = letters_on_border(glyphs, grey.shape)
        pieces = print_cut_by_edges(grey_of(located), glyphs.char_height)
        # on granite or wood the whole photo reads worse than a crop a few letters too tight
        if ((letters >= MIN_CUT_LETTERS or pieces >= MIN_CUT_PIECES)
                and surface_texture(grey_of(as_bgr(page.image))) < TEXTURED_SURFACE):
            cut = f"outline_cuts_print:{letters}:{pieces}"
    if "whole_image" not in steps and (not glyphs.reliable or cut):
        # The outline held no readable print (a lit patch of table taken for paper), or it
        # ran through the print (a rectangle drawn by the rules inside the paper): the
        # whole photo, with its background, reads better than an empty or cut crop.
        whole = as_bgr(page.image)
        if factor < 1:
            whole = cv2.resize(whole, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        why = "no_print_in_outline" if not glyphs.reliable else cut
        steps = [s for s in steps if s.startswith("shrink")] + [why, "whole_image"]
        receipt, grey, glyphs = level(whole, steps)
    original_height = glyphs.char_height / factor

    bounds = text_bounds(glyphs, grey.shape, margin=TEXT_MARGIN * glyphs.char_height)
    if bounds is not None:
        bounds = grow_to_print(grey, bounds, glyphs.char_height)
        x, y, w, h = bounds
        if w * h < 0.97 * grey.size:
            receipt, grey = receipt[y : y + h, x : x + w], grey[y : y + h, x : x + w]
            steps.append("crop_text")

    scale, how = choose_scale(glyphs, grey.shape, settings)
    char_height = glyphs.char_height
    if abs(scale - 1) > 0.05:
        interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        receipt = cv2.resize(receipt, None, fx=scale, fy=scale, interpolation=interp)
        grey = grey_of(receipt)
        char_height *= scale
        steps.append(f"scale:{scale:.2f}" + ("" if how == "chars" else f":{how}"))
    else:
        scale = 1.0
    steps.append(f"char_height:{char_height:.1f}")
    # judged on the page as scaled, beside the cleaning below (which makes new images)
    legibility = beside.start(settings.threads, measure, grey, replace(glyphs, char_height=char_height),
                              original_height)
    try:
        clean, underlines, unerased = clean_page(receipt, grey, char_height, steps)
    finally:
        wait([legibility])  # even after a failure: a helper left running would hold its locks at the next fork
    return PreparedPage(
        index=page.index,
        image=clean,
        scale=scale * factor,
        legibility=legibility.result(),
        underlines=tuple(underlines),
        steps=tuple(steps),
        unerased=unerased,
    )


def clean_page(receipt: np.ndarray, grey: np.ndarray, char_height: float,
               steps: list[str]) -> tuple[np.ndarray, list[tuple[int, int, int, int]], np.ndarray | None]:
    """The scaled page for OCR: pen strokes, lighting, rules and slashed zeros dealt with;
    the underlines found (x, y, w, h) and, when dark strokes were inpainted, the page before."""
    underlines: list[tuple[int, int, int, int]] = []
    coloured = np.zeros(grey.shape[:2], np.uint8)
    if char_height > 0:
        coloured, underlines = find_colour_strokes(receipt, char_height)
        if coloured.any():
            grey = remove_colour_pen(receipt, grey, coloured, char_height)
    # Faded print is stretched on a page read whole (a scan, an image PDF): under a scanner's
    # even light, pale ink is the print's own. On a photographed paper it is mostly blur,
    # glare or shadow, which Tesseract reads better as it is than stretched with the grain.
    clean = flatten_illumination(grey, char_height, faint_print="whole_image" in steps)
    steps.append("flatten")
    unerased = None
    if char_height > 0:
        ink = (clean < 128).astype(np.uint8) * 255
        dark, dark_lines = find_dark_strokes(ink, coloured, char_height)
        if dark.any():
            # the page as it was is kept too: a dark stroke through the letters' feet is
            # inpainted with them, and the second engine reads those lines better unerased
            unerased = clean
            clean = erase_strokes(clean, dark)
        underlines = sorted(underlines + dark_lines, key=lambda b: (b[1], b[0]))
        if underlines or coloured.any() or dark.any():
            steps.append(f"pen_strokes:{len(underlines)}")
        rules = find_rules(clean, char_height)
        if rules.any():
            clean[rules > 0] = 255
            if unerased is not None:
                unerased[rules > 0] = 255
            steps.append("remove_rules")
        clean, zeros = open_slashed_zeros(clean, char_height)
        if zeros:
            steps.append(f"open_zeros:{zeros}")
        clean, bands, also = shrink_tall_rows(clean, char_height, *([unerased] if unerased is not None else []))
        if bands:
            unerased = also[0] if also else None
            underlines = [move_box(box, bands) for box in underlines]
            steps.append(f"shrink_large_rows:{len(bands)}")
    return clean, underlines, unerased

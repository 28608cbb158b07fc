"""Figures a moderator's eye would judge: sharpness, light, contrast, character size."""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.errors import IllegibleError
from pipeline.preprocess.clean import flatten_illumination
from pipeline.preprocess.text import Glyphs, grey_of, ink_mask, measure_char_height
from pipeline.settings import LegibilityLimits
from pipeline.values import Legibility

NORMAL_CHAR_HEIGHT = 26.0  # sharpness is measured with characters this tall


def measure(grey: np.ndarray, glyphs: Glyphs, original_char_height: float) -> Legibility:
    """Legibility of an upright receipt crop whose characters were measured as `glyphs`.

    `original_char_height` is the character height in the uploaded image's pixels.
    """
    h, w = grey.shape[:2]
    if glyphs.char_height > 0:
        f = NORMAL_CHAR_HEIGHT / glyphs.char_height
    else:
        f = 1000 / max(h, w)  # no text: judge at a page-sized scale
    f = float(np.clip(f, 0.05, 8.0))
    if abs(f - 1) < 0.08:
        norm = grey  # already at the normal scale (prepare_page measures after rescaling)
    else:
        norm = cv2.resize(grey, None, fx=f, fy=f, interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC)
    brightness = float(norm.mean())
    mask = ink_mask(norm, block=int(NORMAL_CHAR_HEIGHT * 2.5) | 1)
    ink = norm[mask > 0]
    paper = float(np.percentile(norm, 90))
    contrast = max(0.0, paper - float(np.median(ink))) if ink.size > 50 else 0.0
    # sharpness only where the text is: blank paper would dilute any page into "blurred"
    text_zone = cv2.dilate(mask, np.ones((9, 9), np.uint8)) > 0
    # on the flattened page (ink 0, paper 255), so a pale but crisp print is not called blurred;
    # zones of faded print stretched by their own ink level: under the page's one ink level a
    # faded but crisp print (contrast ~40) measured ~300, below the limit, and was refused as
    # blurred though it reads as well as fresh print (measured on 30 photos faded to 35 %:
    # 14 passed, 30 with the stretch; fresh prints' figures unchanged; see LegibilityLimits)
    flat = flatten_illumination(norm, NORMAL_CHAR_HEIGHT if glyphs.char_height > 0 else 20.0, faint_print=True)
    # a light smoothing first, so sensor and JPEG noise do not pass for crisp edges
    lap = cv2.Laplacian(cv2.GaussianBlur(flat, (0, 0), 1.0), cv2.CV_64F, ksize=3)
    sharpness = float(lap[text_zone].var()) if text_zone.sum() > 100 else 0.0
    return Legibility(
        sharpness=round(sharpness, 1),
        brightness=round(brightness, 1),
        contrast=round(contrast, 1),
        text_height=round(original_char_height, 1),
    )


def measure_legibility(image: np.ndarray) -> Legibility:
    """Legibility of a whole photo or scan, located and measured as `prepare_page` would."""
    from pipeline.preprocess.page import locate_receipt  # late: page imports this module

    receipt, _, _ = locate_receipt(image)
    grey = grey_of(receipt)
    glyphs = measure_char_height(grey)
    return measure(grey, glyphs, glyphs.char_height)


def check_legibility(legibility: Legibility, limits: LegibilityLimits) -> None:
    """Raise IllegibleError, with the measured figure and the limit, when a moderator could not read it."""
    lg = legibility
    if lg.brightness < limits.min_brightness:
        raise IllegibleError(
            f"The photo is too dark to read (brightness {lg.brightness:.1f}, at least "
            f"{limits.min_brightness:g} needed)."
        )
    if lg.contrast < limits.min_contrast:
        raise IllegibleError(
            f"The print is too faint to read (contrast {lg.contrast:.1f}, at least {limits.min_contrast:g} needed)."
        )
    if lg.text_height <= 0:
        raise IllegibleError("No text could be found on the photo (no characters detected).")
    if lg.sharpness < limits.min_sharpness:
        raise IllegibleError(
            f"The photo is too blurred to read (sharpness {lg.sharpness:.1f}, at least "
            f"{limits.min_sharpness:g} needed)."
        )
    if lg.text_height < limits.min_text_height:
        raise IllegibleError(
            f"The characters are too small to read ({lg.text_height:.1f} px high, at least "
            f"{limits.min_text_height:g} px needed); take the photo closer."
        )

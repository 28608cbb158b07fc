"""Estimate the angle of the text lines and turn the page level."""

from __future__ import annotations

import cv2
import numpy as np

from pipeline.preprocess.text import ink_mask

MAX_POINTS = 60_000  # ink pixels sampled for the projection search


def estimate_skew(grey: np.ndarray, max_angle: float = 15.0) -> float:
    """Angle in degrees to pass to `rotate` so that text lines come out horizontal.

    Projection profiles: ink pixels are projected on the vertical axis of the page
    turned by each candidate angle; level lines give the spikiest profile.
    """
    h, w = grey.shape[:2]
    f = min(1.0, 1000 / max(h, w))
    small = cv2.resize(grey, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else grey
    mask = ink_mask(small)
    # thin the letters to their cores: shadows and speckle add no signal
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    ys, xs = np.nonzero(mask)
    if xs.size < 50:
        return 0.0
    if xs.size > MAX_POINTS:
        pick = np.random.default_rng(0).choice(xs.size, MAX_POINTS, replace=False)
        xs, ys = xs[pick], ys[pick]
    xs = xs.astype(np.float64) - xs.mean()
    ys = ys.astype(np.float64) - ys.mean()

    def score(angle: float) -> float:
        a = np.radians(angle)
        proj = -xs * np.sin(a) + ys * np.cos(a)
        bins = np.floor(proj - proj.min()).astype(np.int64)
        profile = np.bincount(bins).astype(np.float64)
        return float(np.sum(profile**2))

    coarse = np.arange(-max_angle, max_angle + 0.01, 0.5)
    best = max(coarse, key=score)
    if abs(best) >= max_angle:
        # the profile peaks at the edge of the search: no text direction inside it, only
        # shadow bands or the paper's border; a wrong turn loses the whole receipt
        return 0.0
    fine = np.arange(best - 0.5, best + 0.51, 0.1)
    best = max(fine, key=score)
    return float(round(best, 1))


def rotate(image: np.ndarray, angle: float, fill: tuple[int, ...] | int) -> np.ndarray:
    """Turn `image` counter-clockwise by `angle` degrees on a canvas grown to keep the corners."""
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos + 0.5), int(h * cos + w * sin + 0.5)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(image, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=fill)

"""Find the receipt (a light, unsaturated paper region) on its background and flatten it."""

from __future__ import annotations

import cv2
import numpy as np

WORK_SIDE = 800  # the paper is searched on a copy this size
MIN_PAPER_SHARE = 0.06  # smaller than this share of the photo, it is not the receipt
SCAN_SHARE = 0.97  # paper touching all four sides: a scan, keep the whole image


def find_paper(bgr: np.ndarray) -> tuple[np.ndarray | None, str]:
    """Corners (tl, tr, br, bl; float32, in `bgr` pixels) of the paper, and how they were found.

    Returns (None, "whole_image") for scans, blank images and photos with no clear paper.
    """
    h, w = bgr.shape[:2]
    f = min(1.0, WORK_SIDE / max(h, w))
    small = cv2.resize(bgr, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else bgr
    sh, sw = small.shape[:2]
    if min(sh, sw) < 20:
        return None, "whole_image"
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    whiteness = cv2.subtract(hsv[..., 2], hsv[..., 1])  # bright and grey scores high
    whiteness = cv2.GaussianBlur(whiteness, (5, 5), 0)
    if int(whiteness.max()) - int(whiteness.min()) < 30:
        return None, "whole_image"  # uniform picture: nothing to separate
    t, mask = cv2.threshold(whiteness, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if t < 60:
        return None, "whole_image"  # the "light" side is not paper-light
    # Otsu splits lit paper from shadowed paper when the table is much darker than both:
    # lower the cut to 40% of the way from the table to the paper
    paper_level = float(np.median(whiteness[mask > 0]))
    table_level = float(np.median(whiteness[mask == 0]))
    low = table_level + 0.4 * (paper_level - table_level)
    if low < t:
        mask = np.where(whiteness > low, 255, 0).astype(np.uint8)
    k = max(3, (min(sh, sw) // 40) | 1)
    # close the text holes, then cut thin bridges to light objects nearby
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None, "whole_image"
    contour = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(contour)
    if area < MIN_PAPER_SHARE * sh * sw:
        return None, "whole_image"
    bx, by, bw, bh = cv2.boundingRect(contour)
    if bw >= SCAN_SHARE * sw and bh >= SCAN_SHARE * sh:
        return None, "whole_image"
    hull = cv2.convexHull(contour)
    peri = cv2.arcLength(hull, True)
    for eps in (0.02, 0.03, 0.045, 0.06):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4 and cv2.isContourConvex(approx):
            if cv2.contourArea(approx) >= 0.85 * area:
                return order_corners(approx.reshape(4, 2) / f), "quad"
            break
    box = cv2.boxPoints(cv2.minAreaRect(contour))
    return order_corners(box / f), "min_area_rect"


def order_corners(points: np.ndarray) -> np.ndarray:
    """Corners clockwise from the top-left, taking the edge nearest horizontal as the top."""
    pts = np.asarray(points, dtype=np.float32).reshape(4, 2)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise on screen (y points down)
    best, best_score = pts, -np.inf
    for shift in range(4):
        cand = np.roll(pts, -shift, axis=0)
        top = cand[1] - cand[0]
        mid = (cand[0] + cand[1]) / 2
        # the top edge runs left to right and lies above the centre
        score = top[0] / (np.hypot(*top) + 1e-6) + (centre[1] - mid[1]) / (np.ptp(pts[:, 1]) + 1e-6)
        if score > best_score:
            best, best_score = cand, score
    return best


def warp_paper(bgr: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The paper inside `corners`, warped flat to a rectangle of its own size."""
    tl, tr, br, bl = corners
    width = int(round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))))
    height = int(round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))))
    width, height = max(width, 8), max(height, 8)
    dst = np.float32([(0, 0), (width - 1, 0), (width - 1, height - 1), (0, height - 1)])
    matrix = cv2.getPerspectiveTransform(np.float32(corners), dst)
    return cv2.warpPerspective(bgr, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def trim_edges(image: np.ndarray, share: float = 0.01) -> np.ndarray:
    """Shave a thin border where the background bleeds in along the paper's edge."""
    h, w = image.shape[:2]
    dy, dx = int(h * share), int(w * share)
    if h - 2 * dy < 8 or w - 2 * dx < 8:
        return image
    return image[dy : h - dy, dx : w - dx]

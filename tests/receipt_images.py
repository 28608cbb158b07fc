"""Small photographed-receipt renders for the preprocessing and engine tests.

Everything is drawn here (PIL text on off-white paper, OpenCV for the camera),
so the tests need no sample files and each picture's truth is known exactly.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
PAPER = (236, 241, 244)  # BGR, slightly warm white
INK = (40, 40, 40)
BLUE_PEN = (150, 60, 25)  # BGR ballpoint blue

RECEIPT_LINES = (
    "SUPER MARCHE DU CENTRE",
    "12 RUE DE LA PAIX",
    "75002 PARIS",
    "========================",
    "LAIT DEMI ECREME     1,15",
    "PAIN COMPLET         2,30",
    "CAFE MOULU           4,85",
    "SHAMPOOING DOUX      6,20",
    "POMMES GOLDEN        3,40",
    "YAOURT NATURE        6,60",
    "------------------------",
    "TOTAL               24,50",
    "CARTE BANCAIRE      24,50",
    "12/03/2024 14:32",
)


def render_paper(
    lines=RECEIPT_LINES, *, font_px: int = 30, margin: int = 40, spacing: float = 1.55
) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Draw lines on paper; returns the BGR image and each line's ink box (x, y, w, h)."""
    font = ImageFont.truetype(MONO, font_px)
    width = max(int(font.getlength(t)) for t in lines) + 2 * margin
    step = int(font_px * spacing)
    height = 2 * margin + step * len(lines)
    img = Image.new("RGB", (width, height), PAPER[::-1])
    draw = ImageDraw.Draw(img)
    boxes = []
    for i, text in enumerate(lines):
        y = margin + i * step
        draw.text((margin, y), text, font=font, fill=INK[::-1])
        x0, y0, x1, y1 = draw.textbbox((margin, y), text, font=font)
        boxes.append((x0, y0, x1 - x0, y1 - y0))
    return cv2.cvtColor(np.asarray(img), cv2.COLOR_RGB2BGR), boxes


def draw_pen_stroke(
    paper: np.ndarray,
    box: tuple[int, int, int, int],
    *,
    color=BLUE_PEN,
    thickness: int = 3,
    seed: int = 1,
    gap: int | None = None,
) -> tuple[int, int, int, int]:
    """Underline the line in `box` with a wobbly ballpoint stroke `gap` px under it; returns its box."""
    rng = np.random.default_rng(seed)
    x, y, w, h = box
    base = y + h + (max(3, h // 5) if gap is None else gap)
    xs = np.arange(x - 5, x + w + 8, 4)
    phase = rng.uniform(0, 2 * math.pi)
    ys = base + 2.5 * np.sin(xs / 37.0 + phase) + rng.normal(0, 0.6, xs.size) + (xs - x) * 0.012
    pts = np.stack([xs, ys], axis=1).astype(np.int32)
    cv2.polylines(paper, [pts], False, color, thickness, lineType=cv2.LINE_AA)
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    return int(x0), int(y0 - thickness), int(x1 - x0), int(y1 - y0 + 2 * thickness)


def wood(height: int, width: int, seed: int = 0) -> np.ndarray:
    """A brown, grained table top."""
    rng = np.random.default_rng(seed)
    ys = np.arange(height)[:, None]
    xs = np.arange(width)[None, :]
    grain = np.sin(ys / 9.0 + 3 * np.sin(xs / 120.0)) * 18 + rng.normal(0, 6, (height, width))
    base = np.array([40, 90, 150], dtype=np.float32)  # BGR brown
    img = base[None, None, :] + grain[..., None]
    return np.clip(img, 0, 255).astype(np.uint8)


def photograph(
    paper: np.ndarray,
    *,
    size: tuple[int, int] = (1500, 1300),
    angle: float = 0.0,
    tilt: float = 0.06,
    scale: float = 0.8,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Lay the paper on wood and photograph it in perspective; returns photo and paper corners."""
    height, width = size
    ph, pw = paper.shape[:2]
    s = scale * min(height / ph, width / pw)
    cx, cy = width / 2, height / 2
    a = math.radians(angle)
    corners = []
    for px, py in ((0, 0), (pw, 0), (pw, ph), (0, ph)):
        dx, dy = (px - pw / 2) * s, (py - ph / 2) * s
        # keystone: the far (top) edge looks narrower
        dx *= 1 - tilt * (0.5 - py / ph)
        rx = dx * math.cos(a) - dy * math.sin(a)
        ry = dx * math.sin(a) + dy * math.cos(a)
        corners.append((cx + rx, cy + ry))
    dst = np.float32(corners)
    src = np.float32([(0, 0), (pw, 0), (pw, ph), (0, ph)])
    matrix = cv2.getPerspectiveTransform(src, dst)
    photo = wood(height, width, seed)
    warped = cv2.warpPerspective(paper, matrix, (width, height), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), matrix, (width, height))
    photo[mask > 127] = warped[mask > 127]
    return photo, dst


def rotate(paper: np.ndarray, angle: float) -> np.ndarray:
    """Rotate paper by `angle` degrees (counter-clockwise), growing the canvas with paper colour."""
    h, w = paper.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(paper, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=PAPER)


def blur(img: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(img, (0, 0), sigma)


def darken(img: np.ndarray, factor: float, noise: float = 3.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = img.astype(np.float32) * factor + rng.normal(0, noise, img.shape)
    return np.clip(out, 0, 255).astype(np.uint8)


def shadow(img: np.ndarray, depth: float = 0.45) -> np.ndarray:
    """A soft diagonal shadow, as cast by the phone held over the receipt."""
    h, w = img.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    ramp = np.clip((xs / w + ys / h - 0.6) * 2.5, 0, 1)
    gain = 1 - depth * ramp
    return np.clip(img.astype(np.float32) * gain[..., None], 0, 255).astype(np.uint8)

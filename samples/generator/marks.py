"""What happens to the paper after printing: pen strokes, stamps, and forged edits."""

from __future__ import annotations

import io
import math
import random
import re

import cv2
import numpy as np
from PIL import Image, ImageDraw

from .render import FORGER_FONTS, Box, font

PENS = ((28, 52, 160), (20, 40, 120), (40, 70, 190), (30, 30, 38), (45, 45, 55))  # RGB ballpoint blues, blacks
STAMP_INKS = ((70, 60, 160), (120, 50, 140), (40, 80, 170), (170, 40, 50))


def _apply_ink(paper: np.ndarray, cover: np.ndarray, color: tuple[int, int, int]) -> None:
    """Multiply-blend ink of `color` into `paper` where `cover` (0..1 float) says."""
    tint = np.array(color, np.float32) / 255.0
    ys, xs = np.nonzero(cover > 0.01)
    if len(ys) == 0:
        return
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    roi = paper[y0:y1, x0:x1].astype(np.float32)
    c = cover[y0:y1, x0:x1, None]
    paper[y0:y1, x0:x1] = np.clip(roi * (1 - c) + roi * tint * c, 0, 255).astype(np.uint8)


def underline(paper: np.ndarray, box: Box, rng: random.Random, color: tuple[int, int, int] | None = None) -> None:
    """A hand-wobbly ballpoint stroke under the box, drawn on the RGB paper in place."""
    h, w = paper.shape[:2]
    color = color or rng.choice(PENS)
    x0, _, x1, y1 = box
    x0 -= rng.randint(-4, 18)
    x1 += rng.randint(-10, 25)
    y = y1 + rng.randint(2, 8)
    cover = np.zeros((h, w), np.float32)
    strokes = 2 if rng.random() < 0.2 else 1
    for s in range(strokes):
        n = max(3, (x1 - x0) // 14)
        slope = rng.uniform(-0.025, 0.025)
        phase, period, amp = rng.uniform(0, 6.3), rng.uniform(60, 200), rng.uniform(0.5, 2.5)
        walk = 0.0
        pts = []
        for i in range(n + 1):
            x = x0 + (x1 - x0) * i / n
            walk += rng.uniform(-0.7, 0.7)
            pts.append((x, y + 4 * s + slope * (x - x0) + amp * math.sin(phase + x / period * 6.28) + walk))
        poly = np.array(pts, np.float32) * 4
        cv2.polylines(cover, [poly.astype(np.int32)], False, rng.uniform(0.7, 1.0), rng.randint(2, 4), cv2.LINE_AA, shift=2)
    _apply_ink(paper, np.clip(cover, 0, 1), color)


def _stamp_cover(lines: list[str], size: int, angle: float, rng: random.Random, box: bool) -> np.ndarray:
    f = font("dejavu/DejaVuSans-Bold.ttf", size)
    tw = int(max(f.getlength(t) for t in lines)) + size
    th = int(len(lines) * size * 1.25) + size
    img = Image.new("L", (tw, th), 0)
    d = ImageDraw.Draw(img)
    for i, t in enumerate(lines):
        d.text(((tw - f.getlength(t)) / 2, size / 2 + i * size * 1.25), t, font=f, fill=255)
    if box:
        d.rectangle((2, 2, tw - 3, th - 3), outline=255, width=max(2, size // 8))
    cover = np.asarray(img, np.float32) / 255.0
    patchy = np.random.default_rng(rng.getrandbits(32)).uniform(0.45, 1.0, (th // 6 + 1, tw // 6 + 1)).astype(np.float32)
    cover *= cv2.resize(patchy, (tw, th), interpolation=cv2.INTER_LINEAR)
    rot = cv2.getRotationMatrix2D((tw / 2, th / 2), angle, 1.0)
    bw = int(abs(tw * math.cos(math.radians(angle))) + abs(th * math.sin(math.radians(angle))))
    bh = int(abs(th * math.cos(math.radians(angle))) + abs(tw * math.sin(math.radians(angle))))
    rot[0, 2] += (bw - tw) / 2
    rot[1, 2] += (bh - th) / 2
    return cv2.warpAffine(cover, rot, (bw, bh))


def stamp(paper: np.ndarray, lines: list[str], center: tuple[int, int], rng: random.Random, *, size: int,
          angle: float, color: tuple[int, int, int] | None = None, box: bool = True, strength: float = 0.85) -> None:
    """A rubber stamp (salon cachet, DUPLICATA) pressed on the paper around `center`."""
    cover = _stamp_cover(lines, size, angle, rng, box) * strength
    h, w = paper.shape[:2]
    ch, cw = cover.shape
    x0, y0 = center[0] - cw // 2, center[1] - ch // 2
    full = np.zeros((h, w), np.float32)
    sx0, sy0 = max(0, -x0), max(0, -y0)
    dx0, dy0 = max(0, x0), max(0, y0)
    cw2, ch2 = min(cw - sx0, w - dx0), min(ch - sy0, h - dy0)
    if cw2 <= 0 or ch2 <= 0:
        return
    full[dy0 : dy0 + ch2, dx0 : dx0 + cw2] = cover[sy0 : sy0 + ch2, sx0 : sx0 + cw2]
    _apply_ink(paper, full, color or rng.choice(STAMP_INKS))


def _swap_amount(text: str, value: str) -> str:
    """Put `value` ("34.50") in place of the amount in `text`, keeping its separators."""
    m = re.search(r"\d[\d ]*[.,]\d\d", text)
    sep = "," if "," in m.group(0) else "."
    return text[: m.start()] + value.replace(".", sep) + text[m.end() :]


def _swap_day(text: str, old_day: int, new_day: int) -> str | None:
    m = re.search(rf"(?<!\d)0?{old_day}(?!\d)", text)
    if not m:
        return None
    width = len(m.group(0))
    return text[: m.start()] + str(new_day).zfill(width) + text[m.end() :]


def forge(photo: np.ndarray, homography: np.ndarray, box: Box, new_text: str, text_height: int,
          rng: random.Random, *, align: str = "left") -> np.ndarray:
    """Paste `new_text` over `box` (paper coordinates) in the photo, like a hasty photo edit:
    flat fill, another font, the patch JPEG-compressed at another quality."""
    x0, y0, x1, y1 = box
    pad = 4
    f = font(rng.choice(FORGER_FONTS), max(10, int(text_height * rng.uniform(1.0, 1.2))))
    tw = max(x1 - x0, int(f.getlength(new_text)) + 2)
    pw, ph = tw + 2 * pad, (y1 - y0) + 2 * pad
    patch = Image.new("L", (pw, ph), 0)
    right = align == "right"  # right-aligned amounts grow to the left
    ImageDraw.Draw(patch).text((pw - pad - f.getlength(new_text) if right else pad, pad - 2), new_text, font=f, fill=255)
    shift = np.array([[1, 0, x1 + pad - pw if right else x0 - pad], [0, 1, y0 - pad], [0, 0, 1]], np.float64)
    h = homography @ shift
    corners = cv2.perspectiveTransform(np.float32([[[0, 0]], [[pw, 0]], [[pw, ph]], [[0, ph]]]), h).reshape(-1, 2)
    rx0, ry0 = np.floor(corners.min(0)).astype(int) - 2
    rx1, ry1 = np.ceil(corners.max(0)).astype(int) + 2
    rx0, ry0 = max(rx0, 0), max(ry0, 0)
    rx1, ry1 = min(rx1, photo.shape[1]), min(ry1, photo.shape[0])
    roi_h = np.array([[1, 0, -rx0], [0, 1, -ry0], [0, 0, 1]], np.float64) @ h
    size = (rx1 - rx0, ry1 - ry0)
    ink = cv2.warpPerspective(np.asarray(patch, np.float32) / 255, roi_h, size)
    area = cv2.warpPerspective(np.ones((ph, pw), np.float32), roi_h, size, flags=cv2.INTER_NEAREST)
    roi = photo[ry0:ry1, rx0:rx1].astype(np.float32)
    grey = roi.mean(axis=2)
    paper = np.median(roi[grey >= np.percentile(grey, 60)], axis=0)
    dark = np.median(roi[grey <= np.percentile(grey, 8)], axis=0)
    fake = paper[None, None, :] * (1 - ink[:, :, None]) + dark[None, None, :] * ink[:, :, None]
    buf = io.BytesIO()
    Image.fromarray(np.clip(fake, 0, 255).astype(np.uint8)).save(buf, "JPEG", quality=rng.randint(30, 60))
    fake = np.asarray(Image.open(buf).convert("RGB"), np.float32)
    out = photo.copy()
    out[ry0:ry1, rx0:rx1] = np.clip(roi * (1 - area[:, :, None]) + fake * area[:, :, None], 0, 255).astype(np.uint8)
    return out

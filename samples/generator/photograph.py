"""Camera and scanner simulation: backgrounds, perspective, light, blur, noise.

Everything happens on uint8/float32 arrays with OpenCV so a 3000 px photo stays
well under a tenth of a second on top of the paper rendering.
"""

from __future__ import annotations

import math
import random

import cv2
import numpy as np


def _noise(nrng: np.random.Generator, shape: tuple[int, int], cells: tuple[int, int]) -> np.ndarray:
    """Smooth random field in [-1, 1] at the size `shape`, with `cells` control points."""
    small = nrng.uniform(-1, 1, (cells[1], cells[0])).astype(np.float32)
    return cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)


def background(rng: random.Random, nrng: np.random.Generator, h: int, w: int,
               shade: np.ndarray | None = None) -> tuple[np.ndarray, str]:
    """A wood, table, fabric, granite or cloth surface, RGB uint8; `shade` darkens it at quarter size."""
    kind = rng.choice(("wood", "wood", "table", "fabric", "granite", "cloth"))
    return _surface(kind, rng, nrng, h, w, shade), kind


def _surface(kind: str, rng: random.Random, nrng: np.random.Generator, h: int, w: int,
             shade: np.ndarray | None) -> np.ndarray:
    sh, sw = h // 4, w // 4
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    if kind == "wood":
        base = np.array(rng.choice(((120, 80, 45), (160, 115, 70), (90, 60, 35), (185, 150, 105))), np.float32)
        angle = rng.uniform(-0.3, 0.3)
        u = xx * math.cos(angle) + yy * math.sin(angle)
        warp = _noise(nrng, (sh, sw), (3, 10)) * rng.uniform(3, 9)
        grain = np.sin((u + warp) / rng.uniform(1.2, 3)) * 0.5 + 0.5 * np.sin((u + warp * 0.5) / rng.uniform(6, 14))
        img = base[None, None, :] * (0.85 + 0.15 * grain[:, :, None])
        for _ in range(rng.randint(0, 3)):  # plank joints
            x = rng.randint(0, sw - 1)
            img[:, max(0, x - 1) : x + 1] *= 0.55
    elif kind == "fabric":
        base = np.array(rng.choice(((60, 70, 120), (150, 40, 45), (70, 110, 80), (200, 190, 170), (40, 40, 45))), np.float32)
        weave = (np.sin(xx * 2.2) * np.sin(yy * 2.2)) * 0.08
        folds = _noise(nrng, (sh, sw), (5, 6)) * 0.18
        img = base[None, None, :] * (1 + weave + folds)[:, :, None]
    elif kind == "granite":
        base = np.array(rng.choice(((50, 50, 55), (110, 105, 100), (200, 195, 190))), np.float32)
        speck = nrng.normal(0, 1, (sh, sw)).astype(np.float32)
        img = base[None, None, :] * (1 + 0.12 * speck)[:, :, None]
    elif kind == "cloth":
        base = np.array(rng.choice(((235, 235, 230), (210, 220, 235))), np.float32)
        img = base[None, None, :] * (1 + 0.06 * _noise(nrng, (sh, sw), (7, 9)))[:, :, None]
    else:
        base = np.array(rng.choice(((225, 225, 220), (170, 170, 170), (240, 235, 225), (30, 30, 32), (180, 200, 210))), np.float32)
        img = base[None, None, :] * (1 + 0.04 * _noise(nrng, (sh, sw), (3, 4)))[:, :, None]
    if shade is not None:
        img = img * cv2.resize(shade, (sw, sh))[:, :, None]
    return cv2.resize(np.clip(img, 0, 255).astype(np.uint8), (w, h), interpolation=cv2.INTER_LINEAR)


def _light(rng: random.Random, nrng: np.random.Generator, h: int, w: int, strength: float) -> tuple[np.ndarray, bool]:
    """Multiplicative light field: gradient, vignette, and sometimes a phone or hand shadow."""
    sh, sw = 48, 36
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    gx, gy = rng.uniform(-1, 1), rng.uniform(-1, 1)
    field = 1 + strength * 0.35 * ((xx / sw - 0.5) * gx + (yy / sh - 0.5) * gy)
    r = np.hypot(xx / sw - 0.5, yy / sh - 0.5)
    field *= 1 - strength * 0.3 * r**2
    shadowed = rng.random() < 0.45
    if shadowed:
        shadow = np.zeros((sh, sw), np.float32)
        cx, cy = rng.uniform(0, sw), rng.uniform(0, sh)
        pts = np.array([[cx + rng.uniform(-30, 30), cy + rng.uniform(-30, 30)] for _ in range(4)], np.int32)
        cv2.fillConvexPoly(shadow, cv2.convexHull(pts), 1.0)
        shadow = cv2.GaussianBlur(shadow, (0, 0), rng.uniform(1.5, 4))
        field *= 1 - rng.uniform(0.2, 0.5) * shadow
    field *= 1 + 0.05 * _noise(nrng, (sh, sw), (6, 8))
    return cv2.resize(field, (w, h), interpolation=cv2.INTER_CUBIC), shadowed


def crumple(paper: np.ndarray, alpha: np.ndarray, rng: random.Random, nrng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Curl or crumple illusion: small smooth displacements plus crease shading."""
    h, w = alpha.shape
    amp = rng.uniform(1.5, 5)
    dx = _noise(nrng, (h, w), (3, 6)) * amp
    dy = _noise(nrng, (h, w), (3, 6)) * amp
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    mx, my = xx + dx, yy + dy
    paper = cv2.remap(paper, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    alpha = cv2.remap(alpha, mx, my, cv2.INTER_NEAREST, borderValue=0)
    shade = 1 + 0.09 * cv2.Sobel(dx + dy, cv2.CV_32F, 1, 1, ksize=5) / max(amp, 1)
    paper = np.clip(paper * np.clip(shade, 0.8, 1.1)[:, :, None], 0, 255).astype(np.uint8)
    return paper, alpha


def photograph(paper: np.ndarray, alpha: np.ndarray, rng: random.Random, *, tilt: float = 1.0,
               light: float = 1.0, blur: float | None = None, height: int | None = None,
               ) -> tuple[np.ndarray, np.ndarray, dict]:
    """A phone photo of the paper lying on a surface: (RGB image, paper->photo homography, capture facts).

    `height` fixes the photo's long side (4032: a 12-megapixel camera kept at full size);
    by default it is 1600-2900 px, the size most apps and sites scale an upload to."""
    nrng = np.random.default_rng(rng.getrandbits(32))
    crumpled = rng.random() < 0.35
    if crumpled:
        paper, alpha = crumple(paper, alpha, rng, nrng)
    ph, pw = alpha.shape
    out_h = rng.randrange(1600, 2900, 16) if height is None else height
    out_w = out_h * 3 // 4
    finer = max(1.0, out_h / 2900)  # the same lens and hand on a larger sensor: blur and shake in more pixels
    scale = min(out_h * rng.uniform(0.72, 0.93) / ph, out_w * rng.uniform(0.55, 0.85) / pw, 1.8 * finer)
    cx = out_w / 2 + rng.uniform(-0.06, 0.06) * out_w
    cy = out_h / 2 + rng.uniform(-0.04, 0.04) * out_h
    theta = math.radians(rng.uniform(-5, 5) * tilt)
    hw, hh = pw * scale / 2, ph * scale / 2
    squeeze = rng.uniform(-0.08, 0.08) * tilt  # one end farther from the lens than the other
    corners = [(-hw * (1 - squeeze), -hh), (hw * (1 - squeeze), -hh), (hw * (1 + squeeze), hh), (-hw * (1 + squeeze), hh)]
    dst = []
    for x, y in corners:
        x += rng.uniform(-0.02, 0.02) * pw * scale * tilt
        y += rng.uniform(-0.01, 0.01) * ph * scale * tilt
        dst.append((cx + x * math.cos(theta) - y * math.sin(theta), cy + x * math.sin(theta) + y * math.cos(theta)))
    src = np.float32([(0, 0), (pw, 0), (pw, ph), (0, ph)])
    homography = cv2.getPerspectiveTransform(src, np.float32(dst))
    # The drop shadow only darkens the surface, at quarter resolution like the surface itself.
    quarter = np.diag([0.25, 0.25, 1.0]) @ homography
    small_mask = cv2.warpPerspective(alpha, quarter, (out_w // 4, out_h // 4), flags=cv2.INTER_LINEAR)
    off = (rng.randint(-3, 3), rng.randint(1, 5))
    drop = cv2.GaussianBlur(np.roll(small_mask, off, axis=(1, 0)), (0, 0), 2.5).astype(np.float32) / 255.0
    img, surface = background(rng, nrng, out_h, out_w, 1 - 0.35 * drop)
    warped = cv2.warpPerspective(paper, homography, (out_w, out_h), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(alpha, homography, (out_w, out_h), flags=cv2.INTER_LINEAR).astype(np.float32) / 255.0
    img = cv2.blendLinear(warped, img, mask, 1 - mask)
    field, shadowed = _light(rng, nrng, out_h, out_w, light * rng.uniform(0.4, 1.0))
    field = cv2.cvtColor(np.clip(field * 128, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2RGB)
    img = cv2.multiply(img, field, scale=1 / 128)
    sigma = rng.uniform(0.4, 1.3) * finer if blur is None else blur
    if sigma > 0:
        k = 2 * math.ceil(2 * sigma) + 1
        img = cv2.GaussianBlur(img, (k, k), sigma)
    shake = rng.random() < 0.15
    if shake:  # a little hand shake
        k = round(rng.randint(3, 6) * finer)
        kernel = np.zeros((k, k), np.float32)
        cv2.line(kernel, (0, rng.randint(0, k - 1)), (k - 1, rng.randint(0, k - 1)), 1.0, 1)
        img = cv2.filter2D(img, -1, kernel / kernel.sum())
    grain = nrng.normal(0, rng.uniform(1.5, 4), (128, 128)).astype(np.float32)
    pos = np.tile(np.clip(grain, 0, 255).astype(np.uint8), (out_h // 128 + 1, out_w // 128 + 1))[:out_h, :out_w]
    neg = np.tile(np.clip(-grain, 0, 255).astype(np.uint8), (out_h // 128 + 1, out_w // 128 + 1))[:out_h, :out_w]
    img = cv2.subtract(cv2.add(img, cv2.cvtColor(pos, cv2.COLOR_GRAY2RGB)), cv2.cvtColor(neg, cv2.COLOR_GRAY2RGB))
    info = {"device": "phone", "size": [out_w, out_h], "rotation": round(math.degrees(theta), 2), "surface": surface,
            "shadow": shadowed, "crumpled": crumpled, "blur": round(sigma, 2), "shake": shake}
    return img, homography, info


def scan(paper: np.ndarray, alpha: np.ndarray, rng: random.Random, dpi: int) -> tuple[np.ndarray, np.ndarray, dict]:
    """A flatbed scan at `dpi`: near straight, flat light, saturated white paper: (RGB, homography, capture facts)."""
    ph, pw = alpha.shape
    paper_mm = 80 if pw > 650 else rng.choice((58, 80))
    scale = paper_mm / 25.4 * dpi / pw
    theta = math.radians(rng.uniform(-1.5, 1.5))
    margin = int(rng.uniform(0.1, 0.5) * dpi)
    w, h = pw * scale, ph * scale
    out_w = int(w * abs(math.cos(theta)) + h * abs(math.sin(theta))) + 2 * margin
    out_h = int(h * abs(math.cos(theta)) + w * abs(math.sin(theta))) + 2 * margin
    rot = cv2.getRotationMatrix2D((pw / 2, ph / 2), math.degrees(theta), scale)
    rot[0, 2] += out_w / 2 - pw / 2
    rot[1, 2] += out_h / 2 - ph / 2
    lid = rng.choice((255, 250, 245, 30))
    img = cv2.warpAffine(paper, rot, (out_w, out_h), flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    mask = cv2.warpAffine(alpha, rot, (out_w, out_h), flags=cv2.INTER_LINEAR).astype(np.float32)[:, :, None] / 255
    img = img.astype(np.float32) * mask + lid * (1 - mask)
    gain = rng.uniform(1.02, 1.08) * 255 / max(float(np.percentile(img[:, :, 1], 70)), 1)  # auto-levels
    img = np.clip(img * gain, 0, 255).astype(np.uint8)
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 0.7))
    homography = np.vstack([rot, [0, 0, 1]])
    info = {"device": "scanner", "size": [out_w, out_h], "dpi": dpi, "rotation": round(math.degrees(theta), 2),
            "lid": "black" if lid < 128 else "white"}
    return img, homography, info


def _subpixel(frac: np.ndarray, centre: float, sharp: float) -> np.ndarray:
    """Light of one sub-pixel stripe across a screen pixel (`frac` in [0, 1)): 0.3 .. 1."""
    return 0.3 + 0.7 * ((1 + np.cos(2 * np.pi * (frac - centre))) / 2) ** sharp


def photograph_screen(shown: np.ndarray, rng: random.Random) -> tuple[np.ndarray, dict]:
    """A phone photo of `shown` (RGB) displayed full screen on an LCD: (RGB image, capture facts).

    The camera sees the screen's pixel grid (R, G, B stripes and the dark matrix between
    rows) at a pitch of a few camera pixels, slightly rotated and in perspective; sampling
    it point-wise is what makes the moire. Backlight glow and the screen's cold white
    point replace the paper, its edges and its shadows: the screen fills the frame.
    """
    nrng = np.random.default_rng(rng.getrandbits(32))
    out_h = rng.randrange(1600, 2900, 16)
    out_w = out_h * 3 // 4
    pitch = rng.uniform(1.4, 3.4)  # camera pixels per screen pixel
    theta = math.radians(rng.uniform(-4, 4))
    rows, cols = int(out_h / pitch * 1.15) + 8, int(out_w / pitch * 1.15) + 8  # screen pixels covering the frame
    backdrop = rng.choice(((24, 24, 26), (48, 48, 52), (236, 236, 236), (250, 250, 250), (128, 128, 130)))
    screen = np.empty((rows, cols, 3), np.uint8)
    screen[:] = backdrop
    sh, sw = shown.shape[:2]
    fit = min(rows * rng.uniform(0.8, 0.86) / sh, cols * rng.uniform(0.8, 0.95) / sw)  # the viewer fits it
    dw, dh = max(1, int(sw * fit)), max(1, int(sh * fit))
    small = cv2.resize(shown, (dw, dh), interpolation=cv2.INTER_AREA if fit < 1 else cv2.INTER_CUBIC)
    y0, x0 = (rows - dh) // 2, (cols - dw) // 2
    screen[y0 : y0 + dh, x0 : x0 + dw] = small
    # Camera pixel -> screen coordinates: rotation, scale 1/pitch, a little keystone.
    c, s = math.cos(theta) / pitch, math.sin(theta) / pitch
    keystone = rng.uniform(-0.04, 0.04) / out_h
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    xc, yc = xx - out_w / 2, yy - out_h / 2
    persp = 1 + keystone * yc
    map_x = ((c * xc + s * yc) / persp + cols / 2).astype(np.float32)
    map_y = ((-s * xc + c * yc) / persp + rows / 2).astype(np.float32)
    pixels = cv2.remap(screen, map_x, map_y, cv2.INTER_NEAREST, borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
    fx, fy = map_x - np.floor(map_x), map_y - np.floor(map_y)
    sharp = rng.uniform(1.0, 2.5)
    row_light = 1 - rng.uniform(0.15, 0.4) * ((1 + np.cos(2 * np.pi * (fy - 0.92))) / 2) ** 6  # black matrix
    for ch, centre in enumerate((1 / 6, 1 / 2, 5 / 6)):  # R, G, B stripes
        pixels[:, :, ch] *= _subpixel(fx, centre, sharp) * row_light
    white = np.array([rng.uniform(0.88, 0.96), rng.uniform(0.95, 1.0), 1.0], np.float32)  # cold white point
    exposure = rng.uniform(1.45, 1.9)
    img = pixels * (white * exposure)
    sigma = rng.uniform(0.3, 0.65)  # the lens: sharp enough to resolve the grid
    img = cv2.GaussianBlur(img, (0, 0), sigma)
    # Backlight: brighter in the middle, uneven, plus veiling glow around bright areas.
    yy4, xx4 = np.mgrid[0:48, 0:36].astype(np.float32)
    r = np.hypot(xx4 / 36 - 0.5 + rng.uniform(-0.1, 0.1), yy4 / 48 - 0.5 + rng.uniform(-0.1, 0.1))
    field = (1 - rng.uniform(0.1, 0.3) * r**2) * (1 + 0.04 * _noise(nrng, (48, 36), (4, 5)))
    img *= cv2.resize(field, (out_w, out_h), interpolation=cv2.INTER_CUBIC)[:, :, None]
    glow = cv2.GaussianBlur(cv2.resize(img, (out_w // 8, out_h // 8), interpolation=cv2.INTER_AREA), (0, 0), 6)
    img += rng.uniform(0.04, 0.12) * cv2.resize(glow, (out_w, out_h), interpolation=cv2.INTER_LINEAR)
    img += nrng.normal(0, rng.uniform(1.5, 3.5), (out_h, out_w, 1)).astype(np.float32)
    img = np.clip(img, 0, 255).astype(np.uint8)
    info = {"device": "screen", "display": "lcd", "size": [out_w, out_h], "pitch": round(pitch, 2),
            "rotation": round(math.degrees(theta), 2), "blur": round(sigma, 2)}
    return img, info

"""Draw printed lines onto thermal paper: grey ink, fading, dead print-head dots, torn edge."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .layout import GRAPHICS, PrintLine

FONT_DIR = "/usr/share/fonts/truetype"
# (regular, bold, monospaced)
FONTS = (
    ("dejavu/DejaVuSansMono.ttf", "dejavu/DejaVuSansMono-Bold.ttf", True),
    ("liberation/LiberationMono-Regular.ttf", "liberation/LiberationMono-Bold.ttf", True),
    ("freefont/FreeMono.ttf", "freefont/FreeMonoBold.ttf", True),
    ("dejavu/DejaVuSansMono-Bold.ttf", "dejavu/DejaVuSansMono-Bold.ttf", True),
    ("liberation/LiberationMono-Bold.ttf", "liberation/LiberationMono-Bold.ttf", True),
    ("liberation/LiberationSansNarrow-Regular.ttf", "liberation/LiberationSansNarrow-Bold.ttf", False),
    ("dejavu/DejaVuSansCondensed.ttf", "dejavu/DejaVuSansCondensed-Bold.ttf", False),
    ("freefont/FreeSans.ttf", "freefont/FreeSansBold.ttf", False),
)
FONT_WEIGHTS = (5, 4, 2, 2, 2, 3, 2, 1)
FORGER_FONTS = ("dejavu/DejaVuSans.ttf", "liberation/LiberationSans-Regular.ttf", "freefont/FreeSerif.ttf",
                "liberation/LiberationSerif-Regular.ttf", "dejavu/DejaVuSerif.ttf")

Box = tuple[int, int, int, int]  # x0, y0, x1, y1
GRAPHIC_LEADS = {"logo": 3, "barcode": 3, "qr": 6}  # lines of print each picture takes, its margins included


@lru_cache(maxsize=256)
def font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(f"{FONT_DIR}/{path}", size)


@dataclass
class Paper:
    """A printed ticket, flat and upright, with where each tagged column landed."""

    grey: np.ndarray  # HxW uint8 (ink on paper)
    alpha: np.ndarray  # HxW uint8, 0 outside the torn paper edge
    cols: dict[str, dict[str, tuple[Box, str]]] = field(default_factory=dict)  # tag -> column -> (box, text)
    lines: dict[str, Box] = field(default_factory=dict)  # tag -> whole line box
    font_path: str = ""
    text_height: int = 0


def _measure(f: ImageFont.FreeTypeFont, text: str, sx: int) -> float:
    return f.getlength(text) * sx if text else 0.0


def _fits(lines: list[PrintLine], reg: ImageFont.FreeTypeFont, bold: ImageFont.FreeTypeFont, width_chars: int, pw: int) -> bool:
    gap = reg.size * 0.6
    mid_end = pw * (width_chars - 11) / width_chars
    for line in lines:
        if line.style == "rule" or line.style in GRAPHICS:
            continue
        f = bold if line.style in ("bold", "tall", "big") else reg
        sx = 2 if line.style == "big" else 1
        if line.center:
            if _measure(f, line.center, sx) > pw:
                return False
            continue
        left, mid, right = (_measure(f, t, sx) for t in (line.left, line.mid, line.right))
        right_start = pw - right
        mid_start = min(mid_end, right_start - gap) - mid if line.mid else right_start
        if left + (gap if (line.mid or line.right) and line.left else 0) > mid_start or (line.mid and mid_start < 0):
            return False
    return True


def render_paper(lines: list[PrintLine], width_chars: int, rng: random.Random, *, fade: float | None = None,
                 font_index: int | None = None, bottom_extra: int = 0) -> Paper:
    """Print `lines` on a strip of thermal paper; `fade` 0 (fresh) .. 1 (barely readable)."""
    idx = rng.choices(range(len(FONTS)), weights=FONT_WEIGHTS)[0] if font_index is None else font_index
    reg_path, bold_path, mono = FONTS[idx]
    pw = rng.randint(600, 800)
    margin = rng.randint(24, 60)
    size = int(pw / width_chars / font(reg_path, 100).getlength("M") * 100) if mono else int(pw / width_chars * 1.9)
    while True:
        reg, bold = font(reg_path, size), font(bold_path, size)
        if size <= 10 or _fits(lines, reg, bold, width_chars, pw):
            break
        size -= max(1, size // 25)
    lead = int(size * rng.uniform(1.18, 1.42))
    asc, desc = reg.getmetrics()
    heights = [lead * (2 if line.style in ("tall", "big") else GRAPHIC_LEADS.get(line.style, 1)) for line in lines]
    top = rng.randint(30, 90)
    height = top + sum(heights) + rng.randint(60, 160) + bottom_extra
    width = pw + 2 * margin
    mask = Image.new("L", (width, height), 0)
    paper = Paper(np.zeros(0), np.zeros(0), font_path=reg_path, text_height=asc)
    y = top
    gap = size * 0.6
    mid_end = pw * (width_chars - 11) / width_chars
    for line, h in zip(lines, heights):
        if line.style in GRAPHICS:
            draw_graphic(mask, line, (margin, y, margin + pw, y + h), lead, bold_path, rng)
            y += h
            continue
        f = bold if line.style in ("bold", "tall", "big") else reg
        if line.style == "rule" and line.left:  # separators run across the paper whatever the font
            reps = max(1, int(len(line.left) * pw / max(reg.getlength(line.left), 1)))
            line = PrintLine(left=(line.left[0] * reps)[: reps - (reg.getlength(line.left[0] * reps) > pw)])
        sx, sy = (2, 2) if line.style == "big" else (1, 2) if line.style == "tall" else (1, 1)
        placed: dict[str, tuple[Box, str]] = {}
        if line.center:
            w = _measure(f, line.center, sx)
            placed["center"] = ((margin + int((pw - w) / 2), y), line.center)
        else:
            right_w = _measure(f, line.right, sx)
            right_x = margin + pw - right_w
            if line.left:
                placed["left"] = ((margin, y), line.left)
            if line.right:
                placed["right"] = ((int(right_x), y), line.right)
            if line.mid:
                mid_x = min(margin + mid_end, right_x - gap) - _measure(f, line.mid, sx)
                placed["mid"] = ((int(mid_x), y), line.mid)
        boxes: dict[str, tuple[Box, str]] = {}
        for col, ((x, yy), text) in placed.items():
            if sx == 1 and sy == 1:
                ImageDraw.Draw(mask).text((x, yy), text, font=f, fill=255)
            else:
                tw = int(f.getlength(text)) + 2
                tmp = Image.new("L", (tw, asc + desc), 0)
                ImageDraw.Draw(tmp).text((0, 0), text, font=f, fill=255)
                mask.paste(tmp.resize((tw * sx, (asc + desc) * sy), Image.Resampling.NEAREST), (x, yy))
            w = int(_measure(f, text, sx))
            boxes[col] = ((x, yy + int(2 * sy), x + w, yy + (asc + desc // 2) * sy), text)
        if line.tag and boxes:
            paper.cols[line.tag] = boxes
            xs = [b[0] for b, _ in boxes.values()] + [b[2] for b, _ in boxes.values()]
            paper.lines[line.tag] = (min(xs), y + 2 * sy, max(xs), y + (asc + desc // 2) * sy)
        y += h
    ink = np.asarray(mask, dtype=np.float32) / 255.0
    paper.grey, paper.alpha = _thermal(ink, rng, fade)
    return paper


def draw_graphic(mask: Image.Image, line: PrintLine, box: Box, lead: int, bold_path: str, rng: random.Random) -> None:
    """Print a picture of `line.center` centred in `box` (the print width, its lines' height):
    a logo (an inverted or ringed emblem of the initials, or a pictogram without letters),
    a Code 128 barcode or a QR code, in the printer's dots."""
    import barcode  # the `samples` extra, needed by these pictures only
    import segno

    x0, y0, x1, y1 = box
    cx, h = (x0 + x1) // 2, y1 - y0
    draw = ImageDraw.Draw(mask)
    if line.style == "barcode":
        modules = barcode.get("code128", line.center).build()[0]
        unit = max(2, int((x1 - x0) * rng.uniform(0.55, 0.85) / len(modules)))
        left = cx - unit * len(modules) // 2
        top, bottom = y0 + lead // 3, y1 - lead // 3
        for i, bit in enumerate(modules):
            if bit == "1":
                draw.rectangle((left + i * unit, top, left + (i + 1) * unit - 1, bottom), fill=255)
        return
    if line.style == "qr":
        matrix = segno.make(line.center, error="m").matrix
        unit = max(2, int((h - lead) / len(matrix)))
        left, top = cx - unit * len(matrix) // 2, y0 + (h - unit * len(matrix)) // 2
        for r, row in enumerate(matrix):
            for c, bit in enumerate(row):
                if bit:
                    draw.rectangle((left + c * unit, top + r * unit, left + (c + 1) * unit - 1,
                                    top + (r + 1) * unit - 1), fill=255)
        return
    kind = rng.choice(("badge", "ring", "picto"))
    top, bottom = y0 + lead // 4, y1 - lead // 3
    size = bottom - top
    if kind == "picto":  # scissors, a leaf or a star: no letters
        shape = rng.choice(("scissors", "leaf", "star"))
        r = size // 2
        if shape == "scissors":
            for dx in (-1, 1):
                draw.ellipse((cx + dx * r // 2 - r // 4, bottom - r // 2, cx + dx * r // 2 + r // 4, bottom),
                             outline=255, width=max(3, r // 8))
                draw.line((cx + dx * r // 2, bottom - r // 2, cx - dx * r // 3, top), fill=255, width=max(3, r // 7))
        elif shape == "leaf":
            draw.ellipse((cx - r // 2, top, cx + r // 2, bottom), fill=255)
            draw.line((cx, top + r // 4, cx, bottom - r // 4), fill=0, width=max(2, r // 10))
        else:
            radii = [r if k % 2 == 0 else r // 2.4 for k in range(10)]  # its points, then its hollows
            points = [(cx + radii[k] * np.sin(k * np.pi / 5), top + r - radii[k] * np.cos(k * np.pi / 5))
                      for k in range(10)]
            draw.polygon(points, fill=255)
        return
    letters = font(bold_path, max(12, int(size * 0.62)))
    tw = int(letters.getlength(line.center))
    half = max(tw // 2 + size // 3, size // 2)
    if kind == "badge":  # the initials in white on a black plate
        draw.rounded_rectangle((cx - half, top, cx + half, bottom), radius=size // 5, fill=255)
        draw.text((cx, (top + bottom) // 2), line.center, font=letters, fill=0, anchor="mm")
    else:  # the initials in a thick ring
        draw.ellipse((cx - max(half, size // 2), top, cx + max(half, size // 2), bottom), outline=255,
                     width=max(3, size // 12))
        draw.text((cx, (top + bottom) // 2), line.center, font=letters, fill=255, anchor="mm")


def _thermal(ink: np.ndarray, rng: random.Random, fade: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Turn an ink coverage map into thermal-paper grey levels, with the defects of cheap printers."""
    h, w = ink.shape
    nrng = np.random.default_rng(rng.getrandbits(32))
    fade = rng.choice((0.0, 0.0, 0.1, 0.25, 0.4, 0.6)) if fade is None else fade
    ink = cv2.GaussianBlur(ink, (0, 0), rng.uniform(0.35, 0.8))
    paper_level = rng.uniform(236, 252)
    dark = rng.uniform(15, 60) + fade * 110
    # Density varies along the head (columns) and along the roll (rows), smoothly.
    cols = cv2.resize(nrng.normal(0, 1, (1, 8)).astype(np.float32), (w, 1), interpolation=cv2.INTER_CUBIC)
    rows = cv2.resize(nrng.normal(0, 1, (max(2, h // 300), 1)).astype(np.float32), (1, h), interpolation=cv2.INTER_CUBIC)
    level = dark + 12 * cols + (8 + 30 * fade) * rows + np.linspace(0, 25 * fade, h, dtype=np.float32)[:, None]
    if rng.random() < 0.25:  # dead heating elements leave thin white streaks down the ticket
        for x in nrng.integers(0, w, rng.randint(1, 3)):
            ink[:, x : x + rng.randint(1, 2)] *= 0.15
    grey = paper_level - ink * (paper_level - np.clip(level, 0, paper_level - 40))
    grain = nrng.normal(0, 2.0, (64, 64)).astype(np.float32)
    grey += np.tile(grain, (h // 64 + 1, w // 64 + 1))[:h, :w]
    alpha = np.full((h, w), 255, np.uint8)
    tear = np.cumsum(nrng.integers(-2, 3, w)).clip(-6, 6) + nrng.integers(0, 5, w) + 8
    for x in range(0, w, 4):  # serrated tear-off edge at the bottom
        alpha[h - tear[x] :, x : x + 4] = 0
    return np.clip(grey, 0, 255).astype(np.uint8), alpha


def to_rgb(grey: np.ndarray, rng: random.Random) -> np.ndarray:
    """Tint the paper slightly (thermal paper is rarely pure white)."""
    tint = np.array([rng.uniform(0.97, 1.0), rng.uniform(0.975, 1.0), rng.uniform(0.95, 1.0)], np.float32)
    return np.clip(grey[:, :, None].astype(np.float32) * tint, 0, 255).astype(np.uint8)

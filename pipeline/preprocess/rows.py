"""Bring rows of large print (a double-height shop name, a big total) down to the body text's size.

Tesseract's single-block mode (psm 6) sizes its line finder on the body text and
drops or garbles a line of letters twice as tall, most often the shop name at the
top. A band holding only large letters is shrunk, about its own centre, to the body
height; the rows below move up. Bands that also hold body-size letters are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

TALL = 1.6  # letters this many body heights tall make a large row
TALLEST = 5.0  # taller components are logos or dirt, not letters
MIN_TALL_LETTERS = 3  # a large row holds at least a short word
PAD = 0.2  # share of the large letters' height kept above and below them


@dataclass(frozen=True)
class Band:
    """A large row: rows y0..y1 of the page were shrunk by `factor` into `height` rows from new_y0."""

    y0: int
    y1: int
    new_y0: int
    factor: float
    height: int


def find_tall_rows(clean: np.ndarray, char_height: float) -> list[tuple[int, int, float]]:
    """Bands (y0, y1, letter height) holding only letters TALL times the body height or more."""
    ink = (clean < 128).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return []
    st = stats[1:]
    h, w = st[:, 3], st[:, 2]
    tall = (h >= TALL * char_height) & (h <= TALLEST * char_height) & (w <= 2 * h) & (w * 12 >= h)
    body = (h >= 0.5 * char_height) & (h <= 1.3 * char_height) & (w <= 3 * h)
    rows: list[list[int]] = []
    for i in np.flatnonzero(tall)[np.argsort(st[tall, 1])]:
        top, bottom = st[i, 1], st[i, 1] + st[i, 3]
        if rows:
            r = st[rows[-1]]
            if top < (r[:, 1] + r[:, 3]).max() - 0.3 * st[i, 3] and bottom > r[:, 1].min() + 0.3 * st[i, 3]:
                rows[-1].append(i)
                continue
        rows.append([i])
    bands = []
    for row in rows:
        if len(row) < MIN_TALL_LETTERS:
            continue
        r = st[row]
        letter = float(np.median(r[:, 3]))
        y0 = int(max(0, r[:, 1].min() - PAD * letter))
        y1 = int(min(clean.shape[0], (r[:, 1] + r[:, 3]).max() + PAD * letter))
        centres = st[:, 1] + st[:, 3] / 2
        if np.any(body & (centres > y0) & (centres < y1)):
            continue  # body text shares the band ("TOTAL  41,10" with a big amount): leave it
        bands.append((y0, y1, letter))
    return bands


def shrink_tall_rows(clean: np.ndarray, char_height: float, *also: np.ndarray
                     ) -> tuple[np.ndarray, list[Band], list[np.ndarray]]:
    """The page with each large-print band shrunk to body height, where the bands went,
    and the same done to `also` (other versions of the page, same size, same geometry)."""
    if char_height <= 0:
        return clean, [], list(also)
    found = find_tall_rows(clean, char_height)
    if not found:
        return clean, [], list(also)
    width = clean.shape[1]
    parts: list[list[np.ndarray]] = [[] for _ in range(1 + len(also))]
    bands, last, shift = [], 0, 0
    for y0, y1, letter in found:
        factor = char_height / letter
        inked = np.flatnonzero((clean[y0:y1] < 128).any(axis=0))
        centre = (inked[0] + inked[-1]) / 2 if inked.size else width / 2
        x = int(round(centre * (1 - factor)))  # the band's ink keeps its centre
        for image, out in zip((clean, *also), parts):
            small = cv2.resize(image[y0:y1], None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
            canvas = np.full((small.shape[0], width), 255, np.uint8)
            canvas[:, x : x + small.shape[1]] = small[:, : width - x]
            out += [image[last:y0], canvas]
        bands.append(Band(y0, y1, y0 - shift, factor, canvas.shape[0]))
        shift += (y1 - y0) - canvas.shape[0]
        last = y1
    pages = []
    for image, out in zip((clean, *also), parts):
        out.append(image[last:])
        pages.append(np.vstack(out))
    return pages[0], bands, pages[1:]


def move_box(box: tuple[int, int, int, int], bands: list[Band]) -> tuple[int, int, int, int]:
    """A box (x, y, w, h) of the page before `shrink_tall_rows`, in the page after it."""
    x, y, w, h = box
    shift = 0
    for band in bands:
        if y >= band.y1:
            shift += (band.y1 - band.y0) - band.height
    return x, y - shift, w, h

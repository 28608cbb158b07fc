"""What an OCR engine must offer; Tesseract and PP-OCR (and test fakes) implement it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from pipeline.values import Line, Reading, Word


@runtime_checkable
class OcrEngine(Protocol):
    """Reads a whole prepared page into lines of words, top to bottom."""

    name: str
    version: str

    def read(self, image: np.ndarray, *, psm: int = 6, variant: str = "") -> Reading:
        """Lines with words, boxes (x, y, w, h in `image`) and confidences 0-100."""
        ...


@runtime_checkable
class LineRecognizer(Protocol):
    """Reads single text-line crops (no layout analysis): a second opinion on doubtful lines."""

    name: str
    version: str

    def recognize(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        """(text, confidence 0-100) for each crop, in order."""
        ...


def as_grey(image: np.ndarray) -> np.ndarray:
    """Contiguous 8-bit grey from a grey, BGR or BGRA array."""
    import cv2

    img = np.asarray(image)
    if img.dtype != np.uint8:
        img = np.clip(img, 0, 255).astype(np.uint8)
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_BGRA2GRAY if img.shape[2] == 4 else cv2.COLOR_BGR2GRAY)
    return np.ascontiguousarray(img)


def make_line(words: Sequence[Word], box: tuple[int, int, int, int] | None = None) -> Line:
    """A Line from its words: text joined by spaces, confidence the mean, box the union."""
    if box is None:
        x0 = min(w.box[0] for w in words)
        y0 = min(w.box[1] for w in words)
        x1 = max(w.box[0] + w.box[2] for w in words)
        y1 = max(w.box[1] + w.box[3] for w in words)
        box = (x0, y0, x1 - x0, y1 - y0)
    conf = sum(w.conf for w in words) / len(words)
    return Line(text=" ".join(w.text for w in words), conf=round(conf, 1), box=box, words=tuple(words))


def rows_of(lines: Sequence[Line]) -> list[list[Line]]:
    """Lines grouped into rows (vertical middles within half a line height), each row left to right."""
    ordered = sorted(lines, key=lambda ln: ln.box[1] + ln.box[3] / 2)
    rows: list[list[Line]] = []
    for line in ordered:
        middle = line.box[1] + line.box[3] / 2
        if rows:
            last = rows[-1][-1]
            if abs(middle - (last.box[1] + last.box[3] / 2)) < 0.5 * max(min(line.box[3], last.box[3]), 1):
                rows[-1].append(line)
                continue
        rows.append([line])
    return [sorted(row, key=lambda ln: ln.box[0]) for row in rows]


def top_to_bottom(lines: Sequence[Line]) -> tuple[Line, ...]:
    """Lines row by row, left to right within a row: receipts read that way."""
    return tuple(line for row in rows_of(lines) for line in row)


def merge_rows(lines: Sequence[Line]) -> tuple[Line, ...]:
    """One Line per row, for engines that box words or fragments rather than whole lines."""
    return tuple(make_line([w for ln in row for w in ln.words]) for row in rows_of(lines))

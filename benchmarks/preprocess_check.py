"""Does preprocessing help Tesseract? Reads photographed renders raw and prepared, prints accuracy and time.

    .venv/bin/python -m benchmarks.preprocess_check [--legibility]

Accuracy is the character similarity (difflib ratio) of the OCR text to the rendered
lines, separators excluded. The renders come from tests/receipt_images.py.
"""

from __future__ import annotations

import argparse
import difflib
import time

import cv2
import numpy as np

from pipeline.engines import get_engine
from pipeline.preprocess import prepare_page
from pipeline.preprocess.clean import binarise
from pipeline.settings import ReadingSettings
from pipeline.values import PageImage
from tests import receipt_images as ri

TRUTH = "\n".join(t for t in ri.RECEIPT_LINES if t[0] not in "=-")


def accuracy(text: str) -> float:
    got = "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip() and not set(line) <= set("=-_ "))
    want = "\n".join(" ".join(line.split()) for line in TRUTH.splitlines())
    return difflib.SequenceMatcher(None, got, want, autojunk=False).ratio()


def jpeg(image: np.ndarray, quality: int = 60) -> np.ndarray:
    return cv2.imdecode(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])[1], cv2.IMREAD_COLOR)


def faded(paper: np.ndarray) -> np.ndarray:
    """Thermal print that has paled: ink at two-thirds of the paper's grey."""
    return np.clip(255 - (255 - paper.astype(np.float32)) * 0.45, 0, 255).astype(np.uint8)


def scenes() -> dict[str, np.ndarray]:
    out = {}
    for font_px in (22, 34, 48):
        paper, boxes = ri.render_paper(font_px=font_px)
        ri.draw_pen_stroke(paper, boxes[6], gap=-1, thickness=max(2, font_px // 8))
        photo, _ = ri.photograph(paper, angle=6, size=(2000, 1600))
        out[f"photo-{font_px}px"] = jpeg(photo)
        out[f"shadow-{font_px}px"] = jpeg(ri.shadow(photo, 0.6))
        soft = ri.darken(ri.blur(photo, 0.06 * font_px), 0.8, noise=8)
        out[f"soft-{font_px}px"] = jpeg(soft, 40)
        pale, _ = ri.photograph(faded(paper), angle=-4, size=(2000, 1600))
        out[f"faded-{font_px}px"] = jpeg(ri.darken(ri.blur(pale, 0.04 * font_px), 0.9, noise=6), 50)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", type=int, default=ReadingSettings().target_char_height)
    args = parser.parse_args()
    settings = ReadingSettings(target_char_height=args.target)
    engine = get_engine(settings)
    print(f"{'scene':16} {'raw':>12} {'prepared':>12} {'binarised':>12} {'prep s':>7}")
    totals = np.zeros(3)
    for name, photo in scenes().items():
        row = []
        t = time.perf_counter()
        raw = engine.read(cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY))
        row.append((accuracy(raw.text), time.perf_counter() - t))
        t = time.perf_counter()
        page = prepare_page(PageImage(0, photo), settings)
        prep_s = time.perf_counter() - t
        t = time.perf_counter()
        row.append((accuracy(engine.read(page.image).text), time.perf_counter() - t))
        t = time.perf_counter()
        row.append((accuracy(engine.read(binarise(page.image)).text), time.perf_counter() - t))
        totals += [r[0] for r in row]
        cells = " ".join(f"{a * 100:5.1f}%/{s:4.2f}s" for a, s in row)
        print(f"{name:16} {cells} {prep_s:6.2f}s")
    n = len(scenes())
    print("mean accuracy  raw {:.1f}%  prepared {:.1f}%  binarised {:.1f}%".format(*(totals / n * 100)))


if __name__ == "__main__":
    main()

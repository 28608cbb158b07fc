"""PP-OCRv4 through rapidocr-onnxruntime: a second reader for doubtful line crops.

The ONNX models ship inside the wheel. They load lazily, once per process and thread
count: one intra-op thread in workers (processes scale on cores, as with Tesseract),
two where one receipt has the machine to itself (`ReadingSettings.threads`): the
recogniser's matrix products split over both cores (0.184 -> 0.114 s of re-reading per
photographed receipt here, 16 photos interleaved), and the texts read are the same.
"""

from __future__ import annotations

import threading
import time
import unicodedata
from collections.abc import Sequence
from importlib import metadata

import cv2
import numpy as np

from pipeline.engines.base import make_line, merge_rows
from pipeline.errors import EngineError
from pipeline.values import Reading, Word

_lock = threading.Lock()
_models: dict[tuple[str, int], object] = {}


def _version() -> str:
    try:
        return f"PP-OCRv4/rapidocr-onnxruntime-{metadata.version('rapidocr-onnxruntime')}"
    except metadata.PackageNotFoundError:
        return "PP-OCRv4"


def _config(threads: int = 1) -> dict:
    from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
    from rapidocr_onnxruntime.utils import read_yaml
    from rapidocr_onnxruntime.utils.parse_parameters import update_model_path

    config = update_model_path(read_yaml(DEFAULT_CFG_PATH))
    for section in ("Det", "Cls", "Rec"):
        config[section]["intra_op_num_threads"] = threads
        config[section]["inter_op_num_threads"] = 1
    return config


SPACE_SEEN = 0.1  # probability of a space the model gave between two characters it glued


class SpacesSeen:
    """The recogniser's CTC decoding, with the spaces it saw but did not pick put back.

    PP-OCR glues words now and then (`BEAUTY SUCCESSCENTRE`, `55RUEDU COMMERCE`): the
    blank class outweighs the space class in the frames between them, but the space
    class still holds a share there (0.25-0.5) that it almost never holds between two
    letters of one word (under 0.1 on the generated corpus). A space goes back between
    two letters, or a letter and a digit, where it held SPACE_SEEN or more; never
    between two digits (an amount's figures), whatever it held, nor where it would leave
    a word of one character (`1xK.PREMIERE`: a lone `1` at a crop's end is taken for a
    neighbour glyph's edge and dropped).
    """

    def __init__(self, decode) -> None:
        self.decode = decode
        self.characters = decode.character
        self.space = len(self.characters) - 1  # the decoder appends the space class last

    def __call__(self, preds: np.ndarray, return_word_box: bool = False, **kwargs):
        results = self.decode(preds, return_word_box, **kwargs)
        return [(self.spaced(text, frames), *rest) for (text, *rest), frames in zip(results, preds)]

    def spaced(self, text: str, frames: np.ndarray) -> str:
        best = frames.argmax(axis=1)
        kept = np.flatnonzero((best != 0) & np.concatenate(([True], best[1:] != best[:-1])))
        chars = [self.characters[k] for k in best[kept]]
        if "".join(chars) != text or any(len(c) != 1 for c in chars):
            return text  # not the decoding this was written for: as the library read it
        seen = {i for i in range(1, len(chars))
                if chars[i - 1].isalnum() and chars[i].isalnum() and not (chars[i - 1].isdigit() and chars[i].isdigit())
                and kept[i] - kept[i - 1] > 1 and frames[kept[i - 1] + 1 : kept[i], self.space].max() >= SPACE_SEEN}
        out, piece = [], 0  # characters since the last space
        for i, ch in enumerate(chars):
            if i in seen and piece >= 2 and len(text[i:].split(" ", 1)[0]) >= 2:
                out.append(" ")  # words of two characters or more: a lone one is trimmed as debris
                piece = 0
            out.append(ch)
            piece = 0 if ch == " " else piece + 1
        return "".join(out)


def _model(kind: str, threads: int = 1):
    """The text recogniser ("rec") or the full pipeline ("full"), built once per process and thread count."""
    with _lock:
        if (kind, threads) not in _models:
            try:
                if kind == "rec":
                    from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer

                    recognizer = TextRecognizer(_config(threads)["Rec"])
                    recognizer.postprocess_op = SpacesSeen(recognizer.postprocess_op)
                    _models[kind, threads] = recognizer
                else:
                    from rapidocr_onnxruntime import RapidOCR

                    _models[kind, threads] = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)
            except Exception as e:  # onnxruntime raises its own types; all mean "no engine"
                raise EngineError(f"PP-OCR models could not be loaded: {e}") from e
        return _models[kind, threads]


def normalise_text(text: str) -> str:
    """Fold the full-width punctuation the Chinese-trained model likes ("，" -> ",")."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _padded(crop: np.ndarray) -> np.ndarray:
    """BGR crop with a little paper around it: the recogniser misreads glyphs touching the edge."""
    img = np.asarray(crop)
    if img.dtype != np.uint8:
        img = np.clip(img, 0, 255).astype(np.uint8)
    if img.ndim == 2:
        img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    elif img.shape[2] == 4:
        img = cv2.cvtColor(img, cv2.COLOR_BGRA2BGR)
    h = img.shape[0]
    pad = max(2, h // 8)
    fill = tuple(int(v) for v in np.median(img.reshape(-1, 3), axis=0))
    return cv2.copyMakeBorder(img, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=fill)


class RapidOcrRecognizer:
    """Recognition only, on line crops you already have: a few crops cost tens of ms."""

    name = "rapidocr"

    def __init__(self, threads: int = 1) -> None:
        self.version = _version()
        self.threads = max(1, threads)

    def recognize(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        usable = [i for i, c in enumerate(crops) if c is not None and min(np.asarray(c).shape[:2]) >= 4]
        out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        if not usable:
            return out
        model = _model("rec", self.threads)
        padded = {i: _padded(crops[i]) for i in usable}
        _, height, width = model.rec_image_shape
        for group in batches({i: c.shape[1] / c.shape[0] for i, c in padded.items()}, width / height):
            try:
                results, _ = model([padded[i] for i in group])
            except EngineError:
                raise
            except Exception as e:
                raise EngineError(f"PP-OCR recognition failed: {e}") from e
            for i, (text, score) in zip(group, results):
                out[i] = (normalise_text(text), round(float(score) * 100, 1))
        return out


BATCH_SPREAD = 1.25  # crops recognised together are at most this much wider than the narrowest


def batches(ratios: dict[int, float], model_ratio: float) -> list[list[int]]:
    """Crops (by key) grouped for one recognition each, narrowest first.

    The recogniser pads a batch to its widest crop, at least `model_ratio` (its input's
    width over height): a 10-character total batched with a whole row cost as much as
    that row, once per crop (~5x the time on this machine's receipts). Crops of about
    the same width go together; the rest apart.
    """
    groups: list[list[int]] = []
    widest = 0.0
    for key in sorted(ratios, key=ratios.get):
        width = max(ratios[key], model_ratio)
        if groups and width <= widest:
            groups[-1].append(key)
        else:
            groups.append([key])
            widest = width * BATCH_SPREAD
    return groups


class RapidOcrEngine:
    """Full-page PP-OCR (detection + recognition); slower than Tesseract on long receipts."""

    name = "rapidocr"

    def __init__(self) -> None:
        self.version = _version()

    def read(self, image: np.ndarray, *, psm: int = 6, variant: str = "") -> Reading:
        """`psm` is ignored: PP-OCR finds its own lines."""
        start = time.perf_counter()
        img = np.asarray(image)
        if img.ndim == 2:
            img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
        if min(img.shape[:2]) < 4:
            return Reading(self.name, self.version, (), variant=variant)
        try:
            result, _ = _model("full")(img, use_cls=False)
        except EngineError:
            raise
        except Exception as e:
            raise EngineError(f"PP-OCR failed: {e}") from e
        lines = []
        for points, text, score in result or ():
            pts = np.asarray(points, dtype=np.float32)
            x0, y0 = pts.min(axis=0)
            x1, y1 = pts.max(axis=0)
            words = _split_words(normalise_text(text), float(score) * 100, (int(x0), int(y0), int(x1 - x0), int(y1 - y0)))
            if words:
                lines.append(make_line(words, (int(x0), int(y0), int(x1 - x0), int(y1 - y0))))
        return Reading(
            self.name, self.version, merge_rows(lines), seconds=round(time.perf_counter() - start, 3), variant=variant
        )


def _split_words(text: str, conf: float, box: tuple[int, int, int, int]) -> list[Word]:
    """PP-OCR boxes whole lines: share the width among words by character count."""
    parts = text.split()
    if not parts:
        return []
    x, y, w, h = box
    per_char = w / max(len(text), 1)
    words, pos = [], 0
    for part in parts:
        start = text.index(part, pos)
        words.append(Word(part, round(conf, 1), (x + int(start * per_char), y, max(1, int(len(part) * per_char)), h)))
        pos = start + len(part)
    return words

"""Tesseract through tesserocr's in-process API (one per thread), or the CLI via pytesseract.

Tesseract's OpenMP threads fight each other when several worker processes run
on one machine, so OMP_THREAD_LIMIT=1 is set before the library loads: we
scale with processes, one core each.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # before tesserocr/libtesseract loads

import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from pipeline.engines.base import as_grey, make_line, top_to_bottom  # noqa: E402
from pipeline.errors import EngineError  # noqa: E402
from pipeline.values import Line, Reading, Word  # noqa: E402

KNOWN_TESSDATA = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)
SOURCE_DPI = 300  # the prepared image has ~26 px characters: about 9 pt print at 300 dpi
# Tesseract 5 reads again, inverted, every line it is unsure of (white on black print);
# a prepared page is dark print on white paper, so that second pass only costs time
VARIABLES = {"tessedit_do_invert": "0"}


def find_tessdata(languages: str, configured: str | None = None) -> str:
    """A directory holding every `<lang>.traineddata` of "fra+eng"; raises EngineError if none does."""
    wanted = [lang for lang in languages.split("+") if lang]
    candidates: list[str] = []
    if configured:
        candidates.append(configured)
    prefix = os.environ.get("TESSDATA_PREFIX")
    if prefix:
        candidates += [prefix, str(Path(prefix) / "tessdata")]
    candidates += KNOWN_TESSDATA
    listed = _listed_tessdata()
    if listed:
        candidates.append(listed)
    for directory in candidates:
        if all((Path(directory) / f"{lang}.traineddata").is_file() for lang in wanted):
            return str(Path(directory))
    raise EngineError(
        f"No Tesseract data for {languages!r} in {', '.join(dict.fromkeys(candidates))}; "
        "install tesseract-ocr-fra or set RECEIPTS tessdata_dir."
    )


def _listed_tessdata() -> str | None:
    """The directory `tesseract --list-langs` reports, if the CLI is installed."""
    exe = shutil.which("tesseract")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'"([^"]+)"', out.stdout + out.stderr)
    return match.group(1) if match else None


class TesseractEngine:
    """Tesseract 5 LSTM in-process. One API per thread: tesserocr handles are not thread-safe."""

    name = "tesseract"

    def __init__(self, languages: str = "fra+eng", tessdata_dir: str | None = None, seconds: float = 60.0):
        import tesserocr

        self.languages = languages
        self.tessdata = find_tessdata(languages, tessdata_dir)
        self.seconds = seconds
        self.version = tesserocr.tesseract_version().split()[1]
        self._local = threading.local()
        self.api()  # fail at start-up, not on the first receipt

    def api(self):
        """This thread's PyTessBaseAPI, initialised once (loading the models takes ~0.2 s)."""
        api = getattr(self._local, "api", None)
        if api is None:
            import tesserocr

            try:
                api = tesserocr.PyTessBaseAPI(path=self.tessdata, lang=self.languages, psm=tesserocr.PSM.SINGLE_BLOCK)
            except RuntimeError as e:
                raise EngineError(f"Tesseract could not start with {self.languages!r} from {self.tessdata}: {e}") from e
            for name, value in VARIABLES.items():
                api.SetVariable(name, value)
            self._local.api = api
        return api

    def read(self, image: np.ndarray, *, psm: int = 6, variant: str = "") -> Reading:
        """Lines and words of a prepared page, with boxes and confidences."""
        from tesserocr import RIL, iterate_level

        start = time.perf_counter()
        grey = as_grey(image)
        h, w = grey.shape[:2]
        if h < 4 or w < 4:
            return Reading(self.name, self.version, (), seconds=0.0, variant=variant)
        api = self.api()
        api.SetPageSegMode(psm)
        api.SetImageBytes(grey.tobytes(), w, h, 1, w)
        api.SetSourceResolution(SOURCE_DPI)
        try:
            done = api.Recognize(timeout=int(self.seconds * 1000))
        except RuntimeError as e:
            raise EngineError(f"Tesseract failed on a {w}x{h} image: {e}") from e
        if not done:
            api.Clear()
            raise EngineError(f"Tesseract did not finish within {self.seconds:g} s on a {w}x{h} image.")
        lines: list[Line] = []
        words: list[Word] = []
        line_box: tuple[int, int, int, int] | None = None
        iterator = api.GetIterator()
        for r in iterate_level(iterator, RIL.WORD) if iterator is not None else ():
            if r.IsAtBeginningOf(RIL.TEXTLINE):
                if words:
                    lines.append(make_line(words, line_box))
                words = []
                lb = r.BoundingBox(RIL.TEXTLINE)
                line_box = (lb[0], lb[1], lb[2] - lb[0], lb[3] - lb[1]) if lb else None
            try:
                text = (r.GetUTF8Text(RIL.WORD) or "").strip()
            except RuntimeError:  # an empty page iterates once, with no text
                continue
            box = r.BoundingBox(RIL.WORD)
            if not text or box is None:
                continue
            x0, y0, x1, y1 = box
            words.append(Word(text, round(float(r.Confidence(RIL.WORD)), 1), (x0, y0, x1 - x0, y1 - y0)))
        if words:
            lines.append(make_line(words, line_box))
        return Reading(
            self.name, self.version, top_to_bottom(lines), seconds=round(time.perf_counter() - start, 3), variant=variant
        )


class PytesseractEngine:
    """The same reading through the `tesseract` command (pytesseract), for machines without tesserocr."""

    name = "tesseract"

    def __init__(self, languages: str = "fra+eng", tessdata_dir: str | None = None, seconds: float = 60.0):
        import pytesseract

        self.languages = languages
        self.tessdata = find_tessdata(languages, tessdata_dir)
        self.seconds = seconds
        try:
            self.version = str(pytesseract.get_tesseract_version())
        except (pytesseract.TesseractNotFoundError, OSError) as e:
            raise EngineError(f"The tesseract command is not installed: {e}") from e

    def read(self, image: np.ndarray, *, psm: int = 6, variant: str = "") -> Reading:
        import pytesseract

        start = time.perf_counter()
        grey = as_grey(image)
        if min(grey.shape[:2]) < 4:
            return Reading(self.name, self.version, (), seconds=0.0, variant=variant)
        config = f'--psm {psm} --dpi {SOURCE_DPI} --tessdata-dir "{self.tessdata}"' + "".join(
            f" -c {name}={value}" for name, value in VARIABLES.items())
        try:
            data = pytesseract.image_to_data(
                grey, lang=self.languages, config=config, output_type=pytesseract.Output.DICT, timeout=self.seconds
            )
        except RuntimeError as e:  # pytesseract's time-out
            raise EngineError(f"Tesseract did not finish within {self.seconds:g} s: {e}") from e
        except (pytesseract.TesseractError, OSError) as e:
            raise EngineError(f"Tesseract failed: {e}") from e
        grouped: dict[tuple[int, int, int], list[Word]] = {}
        for i, text in enumerate(data["text"]):
            text = (text or "").strip()
            conf = float(data["conf"][i])
            if not text or conf < 0:
                continue
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            box = (data["left"][i], data["top"][i], data["width"][i], data["height"][i])
            grouped.setdefault(key, []).append(Word(text, round(conf, 1), box))
        lines = [make_line(words) for words in grouped.values()]
        return Reading(
            self.name, self.version, top_to_bottom(lines), seconds=round(time.perf_counter() - start, 3), variant=variant
        )

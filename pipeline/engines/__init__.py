"""OCR engines behind one interface (`OcrEngine`, `LineRecognizer`), built once per process.

    get_engine(settings)      Tesseract via tesserocr; the pytesseract CLI wrapper without it
    get_recognizer(settings)  PP-OCRv4 line recogniser (rapidocr-onnxruntime)
"""

from __future__ import annotations

from functools import lru_cache

from pipeline.engines.base import LineRecognizer, OcrEngine
from pipeline.settings import ReadingSettings

__all__ = ["LineRecognizer", "OcrEngine", "get_engine", "get_recognizer"]


@lru_cache(maxsize=4)
def get_engine(settings: ReadingSettings) -> OcrEngine:
    """The page engine for these settings, loaded once per process."""
    from pipeline.engines.tesseract import PytesseractEngine, TesseractEngine

    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return PytesseractEngine(settings.languages, settings.tessdata_dir, settings.ocr_seconds)
    return TesseractEngine(settings.languages, settings.tessdata_dir, settings.ocr_seconds)


@lru_cache(maxsize=1)
def get_recognizer(settings: ReadingSettings | None = None) -> LineRecognizer:
    """The PP-OCR line recogniser, on as many threads as one receipt's reading may use; its
    model loads on first use."""
    from pipeline.engines.rapid import RapidOcrRecognizer

    return RapidOcrRecognizer(settings.threads if settings is not None else 1)

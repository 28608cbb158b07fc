"""Real readings of committed samples, made once per test session and copied into each test's store.

Every process test starts on an empty database; OCR'ing the same samples again for
each one would cost a second per file. The readings here are real (Tesseract and
PP-OCR on the committed files), computed once, then stored into each fresh store
exactly as a first reading would have stored them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.extract import extract_receipt, options_for
from pipeline.intake import sniff
from pipeline.read import reader_version
from pipeline.settings import Settings


class ReadingsCache:
    def __init__(self, root: Path) -> None:
        from models.store import ReadingStore

        self.settings = Settings(data_dir=root, database_url=f"sqlite:///{root / 'cache.db'}")
        self.store = ReadingStore(self.settings.db_url, root)
        self.options = options_for(self.settings)

    def read(self, path: Path) -> str:
        """Read a file once (later calls find it stored); return its sha256."""
        data = path.read_bytes()
        extract_receipt(path.name, data, self.options, self.store)
        return hashlib.sha256(data).hexdigest()

    def warm(self, store, *paths: Path) -> None:
        """Copy the readings of these files into another store (same reader version)."""
        version = reader_version(self.options.reading)
        for path in paths:
            sha = self.read(path)
            stored = self.store.load_readings(sha, version)
            if stored is None:  # refused before reading (intake): nothing to copy
                continue
            if store.load_readings(sha, version) is not None:
                continue
            _, readings, legibility, metadata = stored
            data = path.read_bytes()
            kind = sniff(data)
            store.keep_file(path.name, data, sha, kind or "unknown")
            store.save_readings(sha, version, readings, legibility, metadata, 0.0)

"""Persistence for the reading stages: originals, OCR readings, extractions.

The pipeline asks this store before it decodes or OCRs anything; a file whose
sha256 was already read by the same reader version is never read again.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from models.db import migrate, session
from models.extractions import ExtractionRecord, OcrReading
from models.files import StoredFile
from pipeline.contract import extraction_to_contract, reading_from_dict, reading_to_dict
from pipeline.values import Extraction, Legibility, Reading


def original_path(data_dir: Path, sha256: str) -> Path:
    """Content-addressed location of an original: originals/ab/cd/<sha256>."""
    return data_dir / "originals" / sha256[:2] / sha256[2:4] / sha256


class ReadingStore:
    """SQLModel-backed store; one per process, safe to share between threads."""

    def __init__(self, database_url: str, data_dir: Path) -> None:
        self.url = database_url
        self.data_dir = Path(data_dir)
        migrate(database_url)

    # -- originals -----------------------------------------------------------------
    def keep_file(self, name: str, data: bytes, sha256: str, kind: str, *, keep_bytes: bool = True) -> None:
        """Record the file (idempotent) and write its bytes atomically, once."""
        if keep_bytes:
            path = original_path(self.data_dir, sha256)
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, path)
        with session(self.url) as s:
            if s.get(StoredFile, sha256) is None:
                s.add(StoredFile(sha256=sha256, kind=kind, size=len(data), first_name=name[:255]))
                try:
                    s.commit()
                except IntegrityError:  # another worker recorded it first
                    s.rollback()

    def load_original(self, sha256: str) -> bytes:
        return original_path(self.data_dir, sha256).read_bytes()

    def has_original(self, sha256: str) -> bool:
        return original_path(self.data_dir, sha256).is_file()

    # -- readings ------------------------------------------------------------------
    def load_readings(self, sha256: str, reader_version: str):
        """(row id, readings, legibility, metadata) stored for this file and reader, or None."""
        with session(self.url) as s:
            row = s.exec(
                select(OcrReading).where(OcrReading.file_sha256 == sha256,
                                         OcrReading.reader_version == reader_version)
            ).first()
            if row is None:
                return None
            readings = tuple(reading_from_dict(d) for d in row.readings)
            legibility = Legibility(**row.legibility) if row.legibility else None
            return row.id, readings, legibility, dict(row.metadata_)

    def save_readings(self, sha256: str, reader_version: str, readings: tuple[Reading, ...],
                      legibility: Legibility | None, metadata: dict[str, str], seconds: float) -> int:
        with session(self.url) as s:
            row = OcrReading(
                file_sha256=sha256, reader_version=reader_version,
                readings=[reading_to_dict(r) for r in readings],
                legibility=legibility.__dict__ if legibility else None,
                metadata_=metadata, seconds=seconds,
            )
            s.add(row)
            try:
                s.commit()
            except IntegrityError:  # a concurrent reader stored the same file first
                s.rollback()
                return self.load_readings(sha256, reader_version)[0]
            return row.id

    def replace_readings(self, sha256: str, reader_version: str, readings: tuple[Reading, ...],
                         legibility: Legibility | None, metadata: dict[str, str], seconds: float) -> int:
        """Store a fresh reading in place of the one kept for this file and version (reprocess --reocr)."""
        with session(self.url) as s:
            row = s.exec(select(OcrReading).where(OcrReading.file_sha256 == sha256,
                                                  OcrReading.reader_version == reader_version)).first()
            if row is None:
                return self.save_readings(sha256, reader_version, readings, legibility, metadata, seconds)
            row.readings = [reading_to_dict(r) for r in readings]
            row.legibility = legibility.__dict__ if legibility else None
            row.metadata_, row.seconds = metadata, seconds
            s.add(row)
            s.commit()
            return row.id

    # -- extractions ---------------------------------------------------------------
    def save_extraction(self, extraction: Extraction, *, parser_version: str, program: str | None,
                        reading_id: int | None) -> int:
        with session(self.url) as s:
            row = ExtractionRecord(
                file_sha256=extraction.sha256, reading_id=reading_id, parser_version=parser_version,
                program=program, ok=extraction.ok, error_code=extraction.error_code,
                error_message=extraction.error_message, fields=extraction_to_contract(extraction),
                seconds=extraction.seconds,
            )
            s.add(row)
            s.commit()
            return row.id

    def count_readings(self, sha256: str) -> int:
        with session(self.url) as s:
            return len(s.exec(select(OcrReading.id).where(OcrReading.file_sha256 == sha256)).all())

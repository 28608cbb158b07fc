"""What the reading stages produced, stored so that nothing is ever OCR'd twice.

`OcrReading` keeps the engine's words and lines per file and reader version: a
re-parse or a batch reprocessing starts from them. `ExtractionRecord` keeps the
parsed fields (the extract contract) with the versions that produced them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from models.base import ParisDateTime, now


class OcrReading(SQLModel, table=True):
    """All readings of one file by one reader version (engines, variants, words, boxes)."""

    __tablename__ = "ocr_reading"
    __table_args__ = (UniqueConstraint("file_sha256", "reader_version"),)

    id: int | None = Field(default=None, primary_key=True)
    file_sha256: str = Field(foreign_key="stored_file.sha256", index=True, max_length=64)
    reader_version: str = Field(max_length=64)  # pipeline reader + engine versions
    readings: list = Field(sa_column=Column(JSON, nullable=False))  # [{engine, version, variant, page, lines:[...]}]
    legibility: dict | None = Field(default=None, sa_column=Column(JSON))
    metadata_: dict = Field(default_factory=dict, sa_column=Column("metadata", JSON, nullable=False))
    seconds: float = 0.0
    created_at: datetime = Field(default_factory=now, sa_column=Column(ParisDateTime(), nullable=False))


class ExtractionRecord(SQLModel, table=True):
    """The fields parsed from a file (or its refusal), with the versions that made them."""

    __tablename__ = "extraction"

    id: int | None = Field(default=None, primary_key=True)
    file_sha256: str = Field(foreign_key="stored_file.sha256", index=True, max_length=64)
    reading_id: int | None = Field(default=None, foreign_key="ocr_reading.id")
    parser_version: str = Field(max_length=32)
    program: str | None = Field(default=None, max_length=64)
    ok: bool
    error_code: str | None = Field(default=None, max_length=32, index=True)
    error_message: str | None = None
    fields: dict = Field(sa_column=Column(JSON, nullable=False))  # the extract contract
    seconds: float = 0.0
    created_at: datetime = Field(default_factory=now, sa_column=Column(ParisDateTime(), nullable=False))

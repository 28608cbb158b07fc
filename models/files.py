"""Stored originals: content-addressed by sha256, so the same bytes are kept once."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Column, Field, SQLModel

from models.base import ParisDateTime, now


class StoredFile(SQLModel, table=True):
    """One uploaded file's bytes, kept under `<data_dir>/originals/ab/cd/<sha256>`."""

    __tablename__ = "stored_file"

    sha256: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=8)  # jpeg | png | pdf | unknown (refused at intake)
    size: int
    first_name: str = Field(max_length=255)  # the name it was first uploaded under
    created_at: datetime = Field(default_factory=now, sa_column=Column(ParisDateTime(), nullable=False))

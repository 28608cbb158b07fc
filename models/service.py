"""Service tables: API keys for the upload API, and batch reprocessing runs.

API keys are scoped to one program and stored hashed. A key is
`rk_<key_id>_<secret>`: the `key_id` (public, indexed) finds the row, the whole
key's sha256 is compared in constant time. A plain sha256 is enough here, unlike
for passwords: the secret is 256 random bits, so there is nothing to guess from a
leaked hash, and a slow hash (bcrypt, argon2) would only add latency to every request.

A reprocessing run keeps its selection and every declaration it has finished
(`reprocess_item`), so an interrupted run resumes where it stopped and a
declaration is never applied twice by the same run.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from models.base import ParisDateTime, now


class ApiKey(SQLModel, table=True):
    """One client's key for one program; revoked keys stay for the audit trail."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    key_id: str = Field(max_length=32, unique=True, index=True)
    secret_sha256: str = Field(max_length=64)
    program: str = Field(max_length=64, index=True)
    label: str | None = Field(default=None, max_length=255)
    rate_limit_per_minute: int | None = None  # None: the service's default
    created_at: datetime = Field(default_factory=now, sa_column=Column(ParisDateTime(), nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(ParisDateTime()))


class ReprocessRun(SQLModel, table=True):
    """One `receipts reprocess` invocation: its selection and progress."""

    __tablename__ = "reprocess_run"

    id: int | None = Field(default=None, primary_key=True)
    program: str = Field(max_length=64, index=True)
    selection: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    reocr: bool = False
    dry_run: bool = False
    total: int = 0
    cursor: int = 0  # highest declaration id handed out so far (ids are processed in order)
    created_at: datetime = Field(default_factory=now, sa_column=Column(ParisDateTime(), nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=Column(ParisDateTime()))


class ReprocessItem(SQLModel, table=True):
    """One declaration finished by a run, with what changed (or would change)."""

    __tablename__ = "reprocess_item"
    __table_args__ = (UniqueConstraint("run_id", "declaration_id"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="reprocess_run.id", index=True)
    declaration_id: int = Field(foreign_key="declaration.id")
    before_status: str = Field(max_length=16)
    after_status: str = Field(max_length=16)
    before_points: int = 0
    after_points: int = 0
    applied: bool = False
    done_at: datetime = Field(default_factory=now, sa_column=Column(ParisDateTime(), nullable=False))

"""Participants and their declarations: the rows every later stage works on.

A `Declaration` is one uploaded file declared by one participant in one program.
It is written *before* any work is queued (status `queued`), so that nothing is
lost when a worker or Redis dies; every stage after that updates this row:

    queued -> processing -> accepted | rejected | review      (decided, with reasons)
                         -> failed                             (dead-lettered; operator replays)

The decision (status, reasons, points, per-item details) records the rules and
catalog versions it was made with. Points themselves live in the ledger, never
here: `points` is a copy of what the decision credited, for display.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from models.base import ParisDateTime, now

STATUSES = ("queued", "processing", "accepted", "rejected", "review", "failed")
DECIDED = ("accepted", "rejected", "review")


class Participant(SQLModel, table=True):
    """A member of one program, known by the loyalty site's own id (`external_id`).

    Identity fields are personal data (seed 001): erasure blanks them and sets
    `erased_at`; the row itself stays so that the ledger keeps reconciling.
    """

    __tablename__ = "participant"
    __table_args__ = (
        UniqueConstraint("program", "external_id"),
        Index("ix_participant_identity", "program", "identity_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    program: str = Field(max_length=64, index=True)
    external_id: str = Field(max_length=128)
    last_name: str | None = Field(default=None, max_length=255)
    first_name: str | None = Field(default=None, max_length=255)
    birth_date: date | None = None
    email: str | None = Field(default=None, max_length=255)
    postal_address: str | None = Field(default=None, max_length=512)
    postal_code: str | None = Field(default=None, max_length=16)
    city: str | None = Field(default=None, max_length=128)
    country: str | None = Field(default=None, max_length=2)  # ISO 3166-1 alpha-2, "FR"
    favourite_salon: str | None = Field(default=None, max_length=255)
    # normalised (last name, first name, birth date, postal address): one account per person
    identity_key: str | None = Field(default=None, max_length=128)
    profile_completed_at: datetime | None = Field(default=None, sa_column=Column(ParisDateTime()))
    created_at: datetime = Field(default_factory=now, sa_column=Column(ParisDateTime(), nullable=False))
    closed_at: datetime | None = Field(default=None, sa_column=Column(ParisDateTime()))
    erased_at: datetime | None = Field(default=None, sa_column=Column(ParisDateTime()))


class Declaration(SQLModel, table=True):
    """One file declared by one participant, and what was decided about it."""

    __tablename__ = "declaration"
    __table_args__ = (
        UniqueConstraint("program", "idempotency_key"),
        Index("ix_declaration_participant_declared", "participant_id", "declared_at"),
        Index("ix_declaration_status_updated", "status", "updated_at"),
        Index("ix_declaration_program_declared", "program", "declared_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    program: str = Field(max_length=64)
    participant_id: int = Field(foreign_key="participant.id")
    file_sha256: str = Field(foreign_key="stored_file.sha256", index=True, max_length=64)
    file_name: str = Field(max_length=255)
    declared_at: datetime = Field(default_factory=now, sa_column=Column(ParisDateTime(), nullable=False))
    # what the participant said on the form (checked against the receipt; a mismatch -> review)
    declared_purchase_date: date | None = None
    declared_retailer: str | None = Field(default=None, max_length=255)
    offer: dict | None = Field(default=None, sa_column=Column(JSON))  # e.g. {"kind": "birthday", "iban": ...}
    idempotency_key: str | None = Field(default=None, max_length=128)  # client's Idempotency-Key

    status: str = Field(default="queued", max_length=16)
    reasons: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    points: int = 0
    extraction_id: int | None = Field(default=None, foreign_key="extraction.id")
    purchase_key: str | None = Field(default=None, max_length=128, index=True)
    decision: dict | None = Field(default=None, sa_column=Column(JSON))  # items, matches, rule details
    fraud: dict | None = Field(default=None, sa_column=Column(JSON))  # {"score","band","signals":[...]}
    rules_version: str | None = Field(default=None, max_length=64)
    catalog_version: str | None = Field(default=None, max_length=64)

    # service bookkeeping: the sweeper re-enqueues what sits too long in queued/processing
    attempts: int = 0
    error: str | None = None  # last failure (failed / retried), for operators
    decided_at: datetime | None = Field(default=None, sa_column=Column(ParisDateTime()))
    updated_at: datetime = Field(default_factory=now, sa_column=Column(ParisDateTime(), nullable=False))

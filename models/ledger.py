"""The points ledger: append-only entries, reward orders, refunds, pro-club events.

Sign convention: `LedgerEntry.points` is the signed change of the participant's
total (credit +, debit -, expiry -, reversal -, adjustment +/-). A `release`
moves a lot from pending to available and changes no total: its `points` is 0.

A *lot* is the entry that created points (a `credit` or a positive `adjustment`)
and every later entry about those points carries `lot_id` = that entry's id, so
a lot's remaining points are the sum of the entries with its `lot_id`. A lot whose
remaining is negative is a debt (points reversed after they were spent).
Nothing is ever updated or deleted; balances are derived (see `ledger.balances`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Index, Numeric, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from models.base import ParisDateTime, now

KINDS = ("credit", "release", "debit", "expiry", "reversal", "adjustment")


class LedgerEntry(SQLModel, table=True):
    """One movement of points, never updated: the audit trail of a participant's account."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        UniqueConstraint("idempotency_key", name="uq_ledger_entry_key"),
        Index("ix_ledger_entry_program_participant", "program", "participant_id", "lot_id"),
        Index("ix_ledger_entry_lot", "lot_id"),
        Index("ix_ledger_entry_declaration", "declaration_id"),
        Index("ix_ledger_entry_order", "order_id"),
        Index("ix_ledger_entry_program_kind_available", "program", "kind", "available_on"),
        Index("ix_ledger_entry_program_kind_expires", "program", "kind", "expires_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    program: str = Field(max_length=64)
    participant_id: int = Field(foreign_key="participant.id")
    kind: str = Field(max_length=16)  # one of KINDS
    points: int  # signed change of the total (0 for a release)
    lot_id: int | None = None  # the lot this entry applies to (a lot points at itself)
    declaration_id: int | None = Field(default=None, foreign_key="declaration.id")
    order_id: int | None = Field(default=None, foreign_key="reward_order.id")
    idempotency_key: str = Field(max_length=160)
    effective_on: date
    acquired_on: date | None = None  # lots only
    available_on: date | None = None  # lots only
    expires_on: date | None = None  # lots only; None = never expires
    note: str = Field(default="", max_length=512)
    created_at: datetime = Field(default_factory=now, sa_column=Column(ParisDateTime(), nullable=False))


class RewardOrder(SQLModel, table=True):
    """A reward ordered with points; cancelling it re-credits the points (002 art. 3.3, 000 art. 6)."""

    __tablename__ = "reward_order"
    __table_args__ = (
        UniqueConstraint("idempotency_key", name="uq_reward_order_key"),
        Index("ix_reward_order_participant", "program", "participant_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    program: str = Field(max_length=64)
    participant_id: int = Field(foreign_key="participant.id")
    points: int
    reward: str = Field(max_length=255)
    status: str = Field(default="placed", max_length=16)  # placed | cancelled
    idempotency_key: str = Field(max_length=160)
    ordered_on: date
    cancelled_on: date | None = None
    cancel_key: str | None = Field(default=None, max_length=160)  # idempotency key of the cancellation
    created_at: datetime = Field(default_factory=now, sa_column=Column(ParisDateTime(), nullable=False))
    cancelled_at: datetime | None = Field(default=None, sa_column=Column(ParisDateTime()))


class Refund(SQLModel, table=True):
    """Money owed to a participant (the birthday offer: a Fusio-Dose refunded up to 15 EUR)."""

    __tablename__ = "refund"
    __table_args__ = (
        UniqueConstraint("idempotency_key", name="uq_refund_key"),
        Index("ix_refund_participant", "program", "participant_id"),
        Index("ix_refund_status", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    program: str = Field(max_length=64)
    participant_id: int = Field(foreign_key="participant.id")
    declaration_id: int | None = Field(default=None, foreign_key="declaration.id", index=True)
    amount: Decimal = Field(sa_column=Column(Numeric(12, 2), nullable=False))
    currency: str = Field(default="EUR", max_length=3)
    status: str = Field(default="to_pay", max_length=16)  # to_pay | paid
    idempotency_key: str = Field(max_length=160)
    created_at: datetime = Field(default_factory=now, sa_column=Column(ParisDateTime(), nullable=False))
    paid_at: datetime | None = Field(default=None, sa_column=Column(ParisDateTime()))


class ProOrder(SQLModel, table=True):
    """A B2B order placed during a pro-club promotional operation (seed 000 art. 4).

    Events update the row (payment, return); the points themselves only ever go
    through ledger entries, credited by `settle` the month after the operation ends.
    """

    __tablename__ = "pro_order"
    __table_args__ = (
        UniqueConstraint("program", "order_ref", name="uq_pro_order_ref"),
        Index("ix_pro_order_operation", "program", "operation_id"),
        Index("ix_pro_order_participant", "program", "participant_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    program: str = Field(max_length=64)
    participant_id: int = Field(foreign_key="participant.id")
    order_ref: str = Field(max_length=128)
    operation_id: str = Field(max_length=64)
    ordered_on: date
    amount: Decimal = Field(sa_column=Column(Numeric(12, 2), nullable=False))  # EUR incl. tax
    quantity: int = 0
    products: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    due_on: date  # payment terms: fully paid by this date, or no points
    returned_on: date | None = None  # refusal or return of goods: points cancelled
    created_at: datetime = Field(default_factory=now, sa_column=Column(ParisDateTime(), nullable=False))


class ProPayment(SQLModel, table=True):
    """A payment towards a pro-club order; the order is fully paid on the day the sum reaches its amount."""

    __tablename__ = "pro_payment"
    __table_args__ = (
        UniqueConstraint("idempotency_key", name="uq_pro_payment_key"),
        Index("ix_pro_payment_order", "order_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="pro_order.id")
    paid_on: date
    amount: Decimal = Field(sa_column=Column(Numeric(12, 2), nullable=False))
    idempotency_key: str = Field(max_length=160)
    created_at: datetime = Field(default_factory=now, sa_column=Column(ParisDateTime(), nullable=False))


class AccountClosure(SQLModel, table=True):
    """A pro-club customer account closed (temporarily or for good): no points credited after it."""

    __tablename__ = "account_closure"
    __table_args__ = (
        UniqueConstraint("idempotency_key", name="uq_account_closure_key"),
        Index("ix_account_closure_participant", "program", "participant_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    program: str = Field(max_length=64)
    participant_id: int = Field(foreign_key="participant.id")
    closed_on: date
    idempotency_key: str = Field(max_length=160)
    created_at: datetime = Field(default_factory=now, sa_column=Column(ParisDateTime(), nullable=False))

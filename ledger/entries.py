"""Writing entries: credits, reversals, adjustments, refunds. Flush, never commit.

Every write carries an idempotency key backed by a UNIQUE constraint and is made
inside a savepoint, so a replay (or a concurrent worker doing the same thing)
writes nothing instead of crediting twice.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models.ledger import LedgerEntry, Refund


def open_transaction(s: Session) -> None:
    """Make sure a real transaction is open before a savepoint.

    The sqlite3 driver only sends BEGIN before an INSERT/UPDATE/DELETE, so a SAVEPOINT
    sent first would open the transaction itself and its RELEASE would *commit*,
    breaking the promise that the caller commits. Sending BEGIN here keeps it nested.
    """
    conn = s.connection()
    if conn.dialect.name != "sqlite":
        return
    raw = conn.connection.dbapi_connection
    if not raw.in_transaction:
        raw.execute("BEGIN")


def insert_once(s: Session, row):
    """Add `row` in a savepoint; None when its idempotency key (or another unique key) exists."""
    open_transaction(s)
    try:
        with s.begin_nested():
            s.add(row)
            s.flush()
    except IntegrityError:
        return None
    return row


def key_exists(s: Session, model, key: str) -> bool:
    return s.exec(select(model.id).where(model.idempotency_key == key)).first() is not None


def lot_remaining(s: Session, lot_id: int) -> int:
    """Points left in a lot: the sum of every entry about it (negative = debt)."""
    return int(s.exec(select(func.coalesce(func.sum(LedgerEntry.points), 0))
                      .where(LedgerEntry.lot_id == lot_id)).one())


def new_lot(s: Session, *, kind: str, program: str, participant_id: int, points: int, key: str,
            acquired_on: date, available_on: date, expires_on: date | None,
            declaration_id: int | None = None, note: str = "") -> LedgerEntry | None:
    """Write an entry that starts a lot (its lot_id is its own id)."""
    if key_exists(s, LedgerEntry, key):  # cheap path; the constraint is the real guard
        return None
    entry = LedgerEntry(program=program, participant_id=participant_id, kind=kind, points=points,
                        declaration_id=declaration_id, idempotency_key=key, effective_on=acquired_on,
                        acquired_on=acquired_on, available_on=available_on, expires_on=expires_on,
                        note=note)
    if insert_once(s, entry) is None:
        return None
    entry.lot_id = entry.id
    s.add(entry)
    s.flush()
    return entry


def entry_on(s: Session, lot: LedgerEntry, *, kind: str, points: int, key: str, on: date,
             note: str = "", order_id: int | None = None) -> LedgerEntry | None:
    """Write an entry about an existing lot.

    Only reversals repeat the lot's declaration_id: summing entries by declaration then
    gives what the declaration credited net of reversals, whatever was spent or expired.
    """
    entry = LedgerEntry(program=lot.program, participant_id=lot.participant_id, kind=kind, points=points,
                        lot_id=lot.id, declaration_id=lot.declaration_id if kind == "reversal" else None,
                        order_id=order_id,
                        idempotency_key=key, effective_on=on, note=note)
    return insert_once(s, entry)


def credit(s: Session, *, program: str, participant_id: int, points: int, key: str,
           acquired_on: date, available_on: date, expires_on: date | None,
           declaration_id: int | None = None, note: str = "") -> LedgerEntry | None:
    """Credit a new lot of points; None (and nothing written) when `key` was already used."""
    if points <= 0:
        raise ValueError(f"a credit is a positive number of points, not {points}")
    return new_lot(s, kind="credit", program=program, participant_id=participant_id, points=points, key=key,
                   acquired_on=acquired_on, available_on=available_on, expires_on=expires_on,
                   declaration_id=declaration_id, note=note)


def reverse_lot(s: Session, lot: LedgerEntry, *, key: str, on: date, note: str = "") -> int:
    """Take back everything a lot credited: what remains, and what was spent (which becomes a debt).

    Expired points are not taken back (they are already gone). Returns the points reversed.
    """
    if key_exists(s, LedgerEntry, key):
        return 0
    entries = s.exec(select(LedgerEntry).where(LedgerEntry.lot_id == lot.id)).all()
    remaining = sum(e.points for e in entries)
    expired = -sum(e.points for e in entries if e.kind == "expiry")
    reversed_before = -sum(e.points for e in entries if e.kind == "reversal")
    # what is still owed: the lot's own points minus what expired and what was reversed already
    owed = max(0, lot.points - expired - reversed_before)
    if owed == 0:
        return 0
    written = entry_on(s, lot, kind="reversal", points=-owed, key=key, on=on,
                       note=note or f"reversal of lot {lot.id} ({max(remaining, 0)} left, rest spent)")
    return owed if written is not None else 0


def reverse_declaration(s: Session, *, declaration_id: int, key: str, on: date, note: str = "") -> int:
    """Reverse the points a declaration credited; spent points become a debt. Returns points reversed."""
    lots = s.exec(select(LedgerEntry).where(LedgerEntry.declaration_id == declaration_id,
                                            LedgerEntry.kind == "credit",
                                            LedgerEntry.lot_id == LedgerEntry.id)
                  .order_by(LedgerEntry.id)).all()
    total = 0
    for lot in lots:
        total += reverse_lot(s, lot, key=f"{key}:lot:{lot.id}", on=on, note=note)
    return total


def adjust(s: Session, *, program: str, participant_id: int, points: int, key: str, on: date,
           note: str, expires_on: date | None = None) -> LedgerEntry | None:
    """An operator correction, as its own lot: positive = points given (available at once),
    negative = points taken (a debt, repaid from the next available points by `settle`)."""
    if points == 0:
        raise ValueError("an adjustment of 0 points changes nothing")
    if not note:
        raise ValueError("an adjustment needs a note saying why")
    return new_lot(s, kind="adjustment", program=program, participant_id=participant_id, points=points,
                   key=key, acquired_on=on, available_on=on, expires_on=expires_on if points > 0 else None,
                   note=note)


def record_refund(s: Session, *, declaration_id: int, participant_id: int, program: str, amount: Decimal,
                  key: str) -> Refund | None:
    """Record money to pay back (the birthday offer); None when `key` was already used."""
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount <= 0:
        raise ValueError(f"a refund is a positive amount, not {amount}")
    if key_exists(s, Refund, key):
        return None
    return insert_once(s, Refund(program=program, participant_id=participant_id, declaration_id=declaration_id,
                                 amount=amount, idempotency_key=key))

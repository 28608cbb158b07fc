"""The daily job: release pending lots, expire old ones, repay debts, credit pro-club operations.

Every entry written here has a key derived from the lot (and the state it acts
on), so running `settle` twice for the same day, or from two workers at once,
writes each entry once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, text
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from ledger.balances import balances
from ledger.entries import entry_on
from ledger.policy import LedgerPolicy
from models.ledger import LedgerEntry


@dataclass(frozen=True)
class SettleCounts:
    """What one `settle` run wrote."""

    released: int = 0  # lots released from pending
    expired: int = 0  # lots expired
    expired_points: int = 0
    repaid_points: int = 0  # debt made up from newly available points
    operations_credited: int = 0  # pro-club orders credited
    operation_points: int = 0


def release_due(s: Session, *, program: str, today: date) -> int:
    """A release entry (0 points) for each lot whose available_on has come."""
    rel = aliased(LedgerEntry)
    lots = s.exec(select(LedgerEntry)
                  .outerjoin(rel, and_(rel.lot_id == LedgerEntry.id, rel.kind == "release"))
                  .where(LedgerEntry.program == program, LedgerEntry.kind.in_(("credit", "adjustment")),
                         LedgerEntry.lot_id == LedgerEntry.id, LedgerEntry.points > 0,
                         LedgerEntry.available_on <= today, rel.id.is_(None))
                  .order_by(LedgerEntry.id)).all()
    n = 0
    for lot in lots:
        if entry_on(s, lot, kind="release", points=0, key=f"release:{lot.id}", on=lot.available_on,
                    note="available") is not None:
            n += 1
    return n


def expire_due(s: Session, *, program: str, today: date, policy: LedgerPolicy) -> tuple[int, int]:
    """An expiry entry for what remains of each lot past its expiry date (or of every lot once
    redemption has closed after a program stop)."""
    closes = policy.redemption_closes_on()
    everything = closes is not None and today > closes
    sums = select(LedgerEntry.lot_id.label("lot_id"), func.sum(LedgerEntry.points).label("remaining"),
                  func.count(LedgerEntry.id).label("n"))
    if everything:
        sums = sums.where(LedgerEntry.program == program)
    else:  # only the entries of lots past their expiry date (index program+kind+expires_on, then lot_id)
        sums = sums.where(LedgerEntry.lot_id.in_(
            select(LedgerEntry.id).where(LedgerEntry.program == program,
                                         LedgerEntry.kind.in_(("credit", "adjustment")),
                                         LedgerEntry.expires_on < today)))
    sums = sums.group_by(LedgerEntry.lot_id).subquery()
    q = (select(LedgerEntry, sums.c.remaining, sums.c.n).join(sums, sums.c.lot_id == LedgerEntry.id)
         .where(sums.c.remaining > 0))
    if not everything:
        q = q.where(LedgerEntry.expires_on.is_not(None), LedgerEntry.expires_on < today)
    lots, points = 0, 0
    for lot, remaining, n in s.exec(q.order_by(LedgerEntry.id)).all():
        on = closes if everything and (lot.expires_on is None or lot.expires_on >= closes) else lot.expires_on
        # n (entries on the lot so far) makes the key unique per state: re-credited points expire again
        if entry_on(s, lot, kind="expiry", points=-int(remaining), key=f"expiry:{lot.id}:{n}", on=on,
                    note="redemption closed after program stop" if on == closes else "expired") is not None:
            lots += 1
            points += int(remaining)
    return lots, points


def repay_debts(s: Session, *, program: str, today: date, policy: LedgerPolicy) -> int:
    """Make up debts (spent points reversed) from the participant's available points, oldest first."""
    # only lots that can be negative: reversed ones and negative adjustments (index program+kind)
    maybe = select(LedgerEntry.lot_id).where(
        LedgerEntry.program == program,
        or_(LedgerEntry.kind == "reversal", and_(LedgerEntry.kind == "adjustment", LedgerEntry.points < 0)))
    debtors = s.exec(select(LedgerEntry.participant_id)
                     .where(LedgerEntry.lot_id.in_(maybe))
                     .group_by(LedgerEntry.participant_id, LedgerEntry.lot_id)
                     .having(func.sum(LedgerEntry.points) < 0)).all()
    repaid = 0
    for participant_id in sorted(set(debtors)):
        b = balances(s, program=program, participant_id=participant_id, today=today, policy=policy)
        sources = [l for l in b.lots if l.state == "available"]
        for debt in (l for l in sorted(b.lots, key=lambda l: l.lot_id) if l.state == "debt"):
            owed = -debt.remaining
            for src in sources:
                if owed == 0:
                    break
                take = min(src.remaining, owed)
                if take <= 0:
                    continue
                src_row, debt_row = s.get(LedgerEntry, src.lot_id), s.get(LedgerEntry, debt.lot_id)
                key = f"repay:{debt.lot_id}:{src.lot_id}:{owed}"
                if entry_on(s, src_row, kind="debit", points=-take, key=f"{key}:out", on=today,
                            note=f"makes up debt of lot {debt.lot_id}") is None:
                    continue
                entry_on(s, debt_row, kind="adjustment", points=take, key=f"{key}:in", on=today,
                         note=f"debt made up from lot {src.lot_id}")
                owed -= take
                repaid += take
                sources = [l if l.lot_id != src.lot_id else _less(l, take) for l in sources]
    return repaid


def _less(lot, take: int):
    from dataclasses import replace
    return replace(lot, remaining=lot.remaining - take)


def lock_program(s: Session, program: str) -> None:
    """One settle per program at a time (a transaction-scoped advisory lock; SQLite's write lock)."""
    conn = s.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": f"ledger-settle:{program}"})
    elif conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        if not raw.in_transaction:
            raw.execute("BEGIN IMMEDIATE")


def settle(s: Session, *, program: str, today: date, policy: LedgerPolicy) -> SettleCounts:
    """Write the day's release, expiry, debt and pro-club operation entries; flush, never commit."""
    from ledger.operations import credit_operations

    lock_program(s, program)
    credited, op_points = credit_operations(s, program=program, today=today, policy=policy)
    released = release_due(s, program=program, today=today)
    expired, expired_points = expire_due(s, program=program, today=today, policy=policy)
    repaid = repay_debts(s, program=program, today=today, policy=policy)
    return SettleCounts(released=released, expired=expired, expired_points=expired_points, repaid_points=repaid,
                        operations_credited=credited, operation_points=op_points)

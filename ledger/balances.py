"""Balances derived from entries only: per lot, then totals. Nothing here writes.

A lot's state as of `today`:
    pending    available_on > today (002 art. 3.2.3: 7 days after the declaration)
    available  released and not past its expiry date
    lapsed     past expires_on but `settle` has not written its expiry entry yet (not spendable)
    expired    its expiry entry is written (what is left, if anything, was re-credited later)
    spent      nothing left
    debt       negative remaining: points reversed after they were spent; blocks redemption

Reconciliation: sum of every entry's points == pending + available + lapsed - debt.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import case, func
from sqlmodel import Session, select

from ledger.policy import LedgerPolicy
from models.ledger import LedgerEntry


@dataclass(frozen=True)
class Lot:
    """Points acquired together (one declaration, one operation order, one adjustment)."""

    lot_id: int
    kind: str  # credit | adjustment
    acquired_on: date
    available_on: date
    expires_on: date | None
    points: int  # as credited
    remaining: int  # negative = debt
    state: str  # pending | available | lapsed | expired | spent | debt
    declaration_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Balances:
    """A participant's points in one program as of `today`."""

    program: str
    participant_id: int
    today: date
    pending: int
    available: int
    expiring_soon: int  # available points expiring within policy.expiring_soon_days
    debt: int
    spent: int  # net of cancelled orders
    expired: int
    reversed: int
    lapsed: int
    total: int  # sum of every entry
    point_value_eur: Decimal
    available_eur: Decimal
    lots: tuple[Lot, ...]

    @property
    def reconciles(self) -> bool:
        return self.total == self.pending + self.available + self.lapsed - self.debt


def lot_rows(s: Session, *, program: str, participant_id: int) -> list[tuple[LedgerEntry, int, int]]:
    """Each lot of the participant with its remaining points and its expired points (one query)."""
    lot = LedgerEntry
    sums = (select(LedgerEntry.lot_id.label("lot_id"),
                   func.sum(LedgerEntry.points).label("remaining"),
                   func.sum(case((LedgerEntry.kind == "expiry", LedgerEntry.points), else_=0)).label("expired"))
            .where(LedgerEntry.program == program, LedgerEntry.participant_id == participant_id)
            .group_by(LedgerEntry.lot_id).subquery())
    rows = s.exec(select(lot, sums.c.remaining, sums.c.expired)
                  .join(sums, sums.c.lot_id == lot.id)
                  .where(lot.program == program, lot.participant_id == participant_id)
                  .order_by(lot.id)).all()
    return [(r[0], int(r[1]), -int(r[2])) for r in rows]


def lot_state(lot: LedgerEntry, remaining: int, expired: int, today: date) -> str:
    if remaining < 0:
        return "debt"
    if remaining == 0:
        return "expired" if expired else "spent"
    if lot.available_on is not None and lot.available_on > today:
        return "pending"
    if lot.expires_on is not None and lot.expires_on < today:
        return "lapsed"
    return "available"


def spend_order(lot: Lot) -> tuple:
    """Oldest points first: earliest expiry, then earliest acquisition (002 art. 3.3)."""
    return (lot.expires_on or date.max, lot.acquired_on, lot.lot_id)


def balances(s: Session, *, program: str, participant_id: int, today: date, policy: LedgerPolicy) -> Balances:
    """Pending, available, expiring soon, debt... and the lots, derived from the entries."""
    lots = []
    for entry, remaining, expired in lot_rows(s, program=program, participant_id=participant_id):
        lots.append(Lot(lot_id=entry.id, kind=entry.kind, acquired_on=entry.acquired_on,
                        available_on=entry.available_on, expires_on=entry.expires_on, points=entry.points,
                        remaining=remaining, state=lot_state(entry, remaining, expired, today),
                        declaration_id=entry.declaration_id, note=entry.note))
    totals = dict(s.exec(select(LedgerEntry.kind, func.sum(LedgerEntry.points))
                         .where(LedgerEntry.program == program, LedgerEntry.participant_id == participant_id)
                         .group_by(LedgerEntry.kind)).all())
    soon = today + timedelta(days=policy.expiring_soon_days)
    available = sum(l.remaining for l in lots if l.state == "available")
    value = policy.point_value_eur
    return Balances(
        program=program, participant_id=participant_id, today=today,
        pending=sum(l.remaining for l in lots if l.state == "pending"),
        available=available,
        expiring_soon=sum(l.remaining for l in lots
                          if l.state == "available" and l.expires_on is not None and l.expires_on <= soon),
        debt=-sum(l.remaining for l in lots if l.state == "debt"),
        # debits of orders net of re-credits (entries with order_id); debt repayments are not spending
        spent=-int(s.exec(select(func.coalesce(func.sum(LedgerEntry.points), 0))
                          .where(LedgerEntry.program == program, LedgerEntry.participant_id == participant_id,
                                 LedgerEntry.order_id.is_not(None))).one()),
        expired=-int(totals.get("expiry") or 0),
        reversed=-int(totals.get("reversal") or 0),
        lapsed=sum(l.remaining for l in lots if l.state == "lapsed"),
        total=int(sum(v or 0 for v in totals.values())),
        point_value_eur=value,
        available_eur=(value * available).quantize(Decimal("0.01")),
        lots=tuple(sorted(lots, key=spend_order)),
    )


def balances_to_dict(b: Balances) -> dict:
    """JSON-ready balances: dates as ISO strings, euros as strings."""
    out = asdict(b)
    out["today"] = b.today.isoformat()
    out["point_value_eur"] = str(b.point_value_eur)
    out["available_eur"] = str(b.available_eur)
    out["reconciles"] = b.reconciles
    out["lots"] = [{**asdict(l), "acquired_on": l.acquired_on.isoformat(),
                    "available_on": l.available_on.isoformat() if l.available_on else None,
                    "expires_on": l.expires_on.isoformat() if l.expires_on else None} for l in b.lots]
    return out

"""Spending points on rewards, and cancelling a reward order (which re-credits its points).

Cancelled orders give the points back *to the lots they came from*, keeping their
original acquisition and expiry dates: points are valid one year after their
acquisition (002 art. 5), and ordering-then-cancelling must not extend that. If a
lot's expiry date has passed by the time of the cancellation, its re-credited
points lapse and the next `settle` expires them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlmodel import Session, select

from ledger.balances import balances
from ledger.entries import entry_on, insert_once
from ledger.policy import LedgerPolicy
from models.base import now
from models.declarations import Participant
from models.ledger import LedgerEntry, RewardOrder
from pipeline.errors import LedgerError, Reason


def lock_participant(s: Session, participant_id: int) -> Participant:
    """Serialise point-spending per participant: a row lock on PostgreSQL; on SQLite, take the
    database's write lock *before* reading the balance (BEGIN IMMEDIATE), since the sqlite3
    driver would otherwise read outside any transaction and two writers could both spend."""
    conn = s.connection()
    if conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        if not raw.in_transaction:
            raw.execute("BEGIN IMMEDIATE")
    p = s.exec(select(Participant).where(Participant.id == participant_id).with_for_update()).first()
    if p is None:
        raise ValueError(f"no participant with id {participant_id}")
    return p


def redeem(s: Session, *, program: str, participant_id: int, points: int, reward: str, today: date,
           policy: LedgerPolicy, key: str) -> RewardOrder:
    """Order a reward with `points`, spending the oldest available points first; replaying `key` returns the order."""
    existing = s.exec(select(RewardOrder).where(RewardOrder.idempotency_key == key)).first()
    if existing is not None:
        return existing
    if points <= 0:
        raise ValueError(f"a reward costs a positive number of points, not {points}")
    lock_participant(s, participant_id)
    closes = policy.redemption_closes_on()
    if closes is not None and today > closes:
        raise LedgerError(f"The program stopped on {policy.stop_on.isoformat()}; rewards could be ordered "
                          f"until {closes.isoformat()}.", reason=Reason.REDEMPTION_CLOSED)
    b = balances(s, program=program, participant_id=participant_id, today=today, policy=policy)
    if b.debt > 0:
        raise LedgerError(f"{b.debt} points were taken back after being spent; they must be made up "
                          "before a new reward can be ordered.", reason=Reason.DEBT_OUTSTANDING)
    if b.available < policy.min_redemption:
        raise LedgerError(f"Rewards can be ordered from {policy.min_redemption} available points; "
                          f"you have {b.available}.", reason=Reason.BELOW_REDEMPTION_MINIMUM)
    if points > b.available:
        raise LedgerError(f"This reward costs {points} points; you have {b.available} available.",
                          reason=Reason.INSUFFICIENT_POINTS)
    order = insert_once(s, RewardOrder(program=program, participant_id=participant_id, points=points,
                                       reward=reward, idempotency_key=key, ordered_on=today))
    if order is None:  # a concurrent replay of the same key won
        return s.exec(select(RewardOrder).where(RewardOrder.idempotency_key == key)).one()
    left = points
    for lot in b.lots:  # already in spending order: earliest expiry, then earliest acquisition
        if left == 0:
            break
        if lot.state != "available":
            continue
        take = min(lot.remaining, left)
        source = s.get(LedgerEntry, lot.lot_id)
        entry_on(s, source, kind="debit", points=-take, key=f"{key}:lot:{lot.lot_id}", on=today,
                 note=f"reward order {order.id}: {reward}", order_id=order.id)
        left -= take
    assert left == 0, "available balance and lots disagree"
    return order


def cancel_order(s: Session, *, order_id: int, today: date, key: str) -> int:
    """Cancel a reward order and re-credit its points to their original lots; returns points re-credited."""
    participant_id = s.exec(select(RewardOrder.participant_id).where(RewardOrder.id == order_id)).first()
    if participant_id is None:
        raise LedgerError(f"No reward order {order_id}.", reason=Reason.ORDER_NOT_FOUND)
    lock_participant(s, participant_id)  # then read the order's status under the lock
    order = s.exec(select(RewardOrder).where(RewardOrder.id == order_id).with_for_update()
                   .execution_options(populate_existing=True)).one()
    if order.cancel_key == key:
        return 0  # this cancellation was already applied
    if order.status == "cancelled":
        raise LedgerError(f"Reward order {order_id} is already cancelled.", reason=Reason.ORDER_ALREADY_CANCELLED)
    per_lot: dict[int, int] = defaultdict(int)
    for e in s.exec(select(LedgerEntry).where(LedgerEntry.order_id == order_id)).all():
        per_lot[e.lot_id] -= e.points  # debits are negative
    total = 0
    for lot_id, pts in sorted(per_lot.items()):
        if pts <= 0:
            continue
        lot = s.get(LedgerEntry, lot_id)
        if entry_on(s, lot, kind="credit", points=pts, key=f"{key}:lot:{lot_id}", on=today,
                    note=f"reward order {order_id} cancelled", order_id=order_id) is not None:
            total += pts
    order.status = "cancelled"
    order.cancelled_on = today
    order.cancel_key = key
    order.cancelled_at = now()
    s.add(order)
    s.flush()
    return total

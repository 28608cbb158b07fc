"""Pro-club (seed 000): orders, payments, returns and account closures, as events.

Rules (art. 4 and 5), all applied from the program config:
- points per promotional operation, on its own scale (per EUR, per unit, tiers),
  for orders placed between its dates on its products;
- credited the month after the operation ends (`settle` on or after the first of that month);
- only for orders fully paid, on time (by the order's due date);
- a refusal or a return cancels the points (reversed if already credited);
- nothing is credited to an account closed before the credit;
- points expire after the operation's validity; a point is worth 0.10 EUR.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

from sqlmodel import Session, select

from ledger.entries import insert_once, key_exists, new_lot, reverse_lot
from ledger.policy import LedgerPolicy, Operation
from models.ledger import AccountClosure, LedgerEntry, ProOrder, ProPayment
from pipeline.errors import LedgerError, Reason


def order_points(op: Operation, *, amount: Decimal, quantity: int, products: list[str]) -> int:
    """Points an order earns on the operation's scale (0 when none of its products is in the operation)."""
    if op.products and not set(p.strip().lower() for p in products) & {p.lower() for p in op.products}:
        return 0
    points = int((amount * op.points_per_eur).to_integral_value(rounding=ROUND_FLOOR))
    points += quantity * op.points_per_unit
    bonus = [pts for minimum, pts in op.tiers if amount >= minimum]
    return points + (max(bonus) if bonus else 0)


def lot_key(order: ProOrder) -> str:
    return f"{order.program}:order:{order.order_ref}"


def record_order(s: Session, *, program: str, participant_id: int, order_ref: str, operation_id: str,
                 ordered_on: date, amount: Decimal, quantity: int = 0, products: list[str] | None = None,
                 due_on: date | None = None, policy: LedgerPolicy) -> ProOrder | None:
    """Record an order placed during an operation; None when `order_ref` is already recorded."""
    op = policy.operation(operation_id)
    if not op.starts_on <= ordered_on <= op.ends_on:
        raise LedgerError(f"Order {order_ref} of {ordered_on} is outside operation {op.id} "
                          f"({op.starts_on} to {op.ends_on}).", reason=Reason.INVALID_EVENT)
    if s.exec(select(ProOrder.id).where(ProOrder.program == program, ProOrder.order_ref == order_ref)).first():
        return None
    return insert_once(s, ProOrder(program=program, participant_id=participant_id, order_ref=order_ref,
                                   operation_id=op.id, ordered_on=ordered_on, amount=Decimal(amount),
                                   quantity=quantity, products=list(products or []),
                                   due_on=due_on or ordered_on + timedelta(days=op.payment_days)))


def find_order(s: Session, program: str, order_ref: str) -> ProOrder:
    order = s.exec(select(ProOrder).where(ProOrder.program == program, ProOrder.order_ref == order_ref)).first()
    if order is None:
        raise LedgerError(f"No order {order_ref} in {program}.", reason=Reason.ORDER_NOT_FOUND)
    return order


def record_payment(s: Session, *, program: str, order_ref: str, paid_on: date, amount: Decimal,
                   key: str) -> ProPayment | None:
    """Record a payment towards an order; None when `key` was already recorded."""
    order = find_order(s, program, order_ref)
    if key_exists(s, ProPayment, key):
        return None
    return insert_once(s, ProPayment(order_id=order.id, paid_on=paid_on, amount=Decimal(amount),
                                     idempotency_key=key))


def fully_paid_on(s: Session, order: ProOrder) -> date | None:
    """The day the payments reached the order's amount, None while it is not fully paid."""
    paid = Decimal("0")
    for p in s.exec(select(ProPayment).where(ProPayment.order_id == order.id)
                    .order_by(ProPayment.paid_on, ProPayment.id)).all():
        paid += Decimal(p.amount)
        if paid >= Decimal(order.amount):
            return p.paid_on
    return None


def record_return(s: Session, *, program: str, order_ref: str, on: date, key: str, note: str = "") -> int:
    """A refusal or return of goods: the order earns nothing; points already credited are reversed."""
    order = find_order(s, program, order_ref)
    if order.returned_on is None:
        order.returned_on = on
        s.add(order)
        s.flush()
    lot = s.exec(select(LedgerEntry).where(LedgerEntry.idempotency_key == lot_key(order))).first()
    if lot is None:
        return 0
    return reverse_lot(s, lot, key=key, on=on, note=note or f"order {order_ref} refused or returned")


def record_closure(s: Session, *, program: str, participant_id: int, closed_on: date,
                   key: str) -> AccountClosure | None:
    """A customer account closed (temporarily or for good): no points credited from then on."""
    if key_exists(s, AccountClosure, key):
        return None
    return insert_once(s, AccountClosure(program=program, participant_id=participant_id, closed_on=closed_on,
                                         idempotency_key=key))


def closed_by(s: Session, *, program: str, participant_id: int, on: date) -> bool:
    return s.exec(select(AccountClosure.id).where(AccountClosure.program == program,
                                                  AccountClosure.participant_id == participant_id,
                                                  AccountClosure.closed_on <= on)).first() is not None


@dataclass(frozen=True)
class OrderVerdict:
    """Whether an order earns its points now, and why not."""

    points: int
    credit_on: date | None  # None: not (yet) creditable
    reason: str  # "" | not_yet | not_paid | paid_late | returned | account_closed | no_points


def judge_order(s: Session, order: ProOrder, op: Operation, today: date) -> OrderVerdict:
    points = order_points(op, amount=Decimal(order.amount), quantity=order.quantity, products=order.products)
    if order.returned_on is not None:
        return OrderVerdict(points, None, "returned")
    if points <= 0:
        return OrderVerdict(0, None, "no_points")
    if today < op.credit_on():
        return OrderVerdict(points, None, "not_yet")
    paid_on = fully_paid_on(s, order)
    if paid_on is None:
        return OrderVerdict(points, None, "not_paid" if today <= order.due_on else "paid_late")
    if paid_on > order.due_on:
        return OrderVerdict(points, None, "paid_late")
    on = max(op.credit_on(), paid_on)
    if closed_by(s, program=order.program, participant_id=order.participant_id, on=on):
        return OrderVerdict(points, None, "account_closed")
    return OrderVerdict(points, on, "")


def credit_operations(s: Session, *, program: str, today: date, policy: LedgerPolicy) -> tuple[int, int]:
    """Credit every order of every ended operation that earns its points; returns (orders, points)."""
    count, total = 0, 0
    for op in policy.operations:
        if today < op.credit_on():
            continue
        if policy.stop_on is not None and op.credit_on() > policy.stop_on:
            continue  # no new points after a program-stop announcement
        orders = s.exec(select(ProOrder).where(ProOrder.program == program, ProOrder.operation_id == op.id,
                                               ProOrder.returned_on.is_(None)).order_by(ProOrder.id)).all()
        for order in orders:
            if key_exists(s, LedgerEntry, lot_key(order)):
                continue
            verdict = judge_order(s, order, op, today)
            if verdict.credit_on is None:
                continue
            lot = new_lot(s, kind="credit", program=program, participant_id=order.participant_id,
                          points=verdict.points, key=lot_key(order), acquired_on=verdict.credit_on,
                          available_on=verdict.credit_on,
                          expires_on=policy.expires_on(verdict.credit_on, op.validity_months),
                          note=f"operation {op.id}, order {order.order_ref}")
            if lot is not None:
                count += 1
                total += verdict.points
    return count, total

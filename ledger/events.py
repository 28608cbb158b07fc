"""Pro-club events from a CSV file: orders, payments, returns/refusals, account closures.

Columns (header row required; unused cells may be empty):

    event_id    unique id of the event (its idempotency key: importing a file twice changes nothing)
    event       order | payment | return | refusal | closure
    date        YYYY-MM-DD: ordered on, paid on, returned/refused on, closed on
    participant the customer account's id (enrolled on first sight)
    order_ref   the order (order, payment, return, refusal)
    operation   the operation id in the program's [[operations]] (order)
    amount      EUR incl. tax, "1200.00" (order: its amount; payment: the amount paid)
    quantity    units ordered (order)
    products    product names separated by "|" (order)
    due_on      YYYY-MM-DD payment due date (order; default: date + the operation's payment_days)
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlmodel import Session, select

from ledger.operations import find_order, record_closure, record_order, record_payment, record_return
from ledger.policy import LedgerPolicy
from models.declarations import Participant
from pipeline.errors import LedgerError, Reason

COLUMNS = ("event_id", "event", "date", "participant", "order_ref", "operation", "amount", "quantity",
           "products", "due_on")
EVENTS = ("order", "payment", "return", "refusal", "closure")


def enrol(s: Session, *, program: str, external_id: str) -> int:
    """The participant's row id, creating the account on first sight."""
    pid = s.exec(select(Participant.id).where(Participant.program == program,
                                              Participant.external_id == external_id)).first()
    if pid is not None:
        return pid
    p = Participant(program=program, external_id=external_id)
    s.add(p)
    s.flush()
    return p.id


def _required(row: dict, column: str, line: int) -> str:
    value = (row.get(column) or "").strip()
    if not value:
        raise LedgerError(f"Line {line}: the {column} column is empty.", reason=Reason.INVALID_EVENT)
    return value


def _date(row: dict, column: str, line: int, required: bool = True) -> date | None:
    value = (row.get(column) or "").strip()
    if not value and not required:
        return None
    try:
        return date.fromisoformat(_required(row, column, line))
    except ValueError as e:
        raise LedgerError(f"Line {line}: {column} {value!r} is not a YYYY-MM-DD date.",
                          reason=Reason.INVALID_EVENT) from e


def _amount(row: dict, line: int) -> Decimal:
    value = _required(row, "amount", line)
    try:
        amount = Decimal(value.replace(",", "."))
    except InvalidOperation as e:
        raise LedgerError(f"Line {line}: amount {value!r} is not a number.", reason=Reason.INVALID_EVENT) from e
    if amount <= 0:
        raise LedgerError(f"Line {line}: amount must be positive.", reason=Reason.INVALID_EVENT)
    return amount


def apply_event(s: Session, row: dict, *, program: str, policy: LedgerPolicy, line: int = 0) -> bool:
    """Apply one event row; False when it was already applied (same event_id or order_ref)."""
    event = _required(row, "event", line).lower()
    if event not in EVENTS:
        raise LedgerError(f"Line {line}: unknown event {event!r} (expected {', '.join(EVENTS)}).",
                          reason=Reason.INVALID_EVENT)
    key = f"{program}:event:{_required(row, 'event_id', line)}"
    on = _date(row, "date", line)
    if event == "closure":
        pid = enrol(s, program=program, external_id=_required(row, "participant", line))
        return record_closure(s, program=program, participant_id=pid, closed_on=on, key=key) is not None
    ref = _required(row, "order_ref", line)
    try:
        if event == "order":
            pid = enrol(s, program=program, external_id=_required(row, "participant", line))
            products = [p.strip() for p in (row.get("products") or "").split("|") if p.strip()]
            quantity = int((row.get("quantity") or "0").strip() or 0)
            return record_order(s, program=program, participant_id=pid, order_ref=ref,
                                operation_id=_required(row, "operation", line), ordered_on=on,
                                amount=_amount(row, line), quantity=quantity, products=products,
                                due_on=_date(row, "due_on", line, required=False), policy=policy) is not None
        if event == "payment":
            return record_payment(s, program=program, order_ref=ref, paid_on=on, amount=_amount(row, line),
                                  key=key) is not None
        already = find_order(s, program, ref).returned_on is not None
        record_return(s, program=program, order_ref=ref, on=on, key=key, note=f"order {ref}: {event}")
        return not already
    except LedgerError as e:
        raise LedgerError(f"Line {line}: {e.message}", reason=e.reason) from e
    except ValueError as e:  # unknown operation, bad quantity
        raise LedgerError(f"Line {line}: {e}", reason=Reason.INVALID_EVENT) from e


def import_events(s: Session, path: Path, *, program: str, policy: LedgerPolicy) -> Counter:
    """Apply every row of an events CSV in file order; counts per event kind (and `skipped`)."""
    counts: Counter = Counter()
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = {"event_id", "event", "date"} - set(reader.fieldnames or ())
        if missing:
            raise LedgerError(f"{path.name}: missing column(s) {', '.join(sorted(missing))}; expected "
                              f"{', '.join(COLUMNS)}.", reason=Reason.INVALID_EVENT)
        for line, row in enumerate(reader, start=2):
            applied = apply_event(s, row, program=program, policy=policy, line=line)
            counts[row["event"].strip().lower() if applied else "skipped"] += 1
    return counts

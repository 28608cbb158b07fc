"""The ledger rules of a program, read from its `[ledger]` table (config is data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta


@dataclass(frozen=True)
class Operation:
    """A pro-club promotional operation (seed 000 art. 4): its dates, products and scale."""

    id: str
    name: str
    starts_on: date
    ends_on: date
    products: tuple[str, ...] = ()
    points_per_eur: Decimal = Decimal("0")  # points per EUR of the order amount (floored)
    points_per_unit: int = 0  # points per unit ordered
    tiers: tuple[tuple[Decimal, int], ...] = ()  # (minimum amount EUR, bonus points): best tier reached
    validity_months: int = 12
    payment_days: int = 30  # payment terms: due this many days after the order

    def credit_on(self) -> date:
        """Points are credited the month after the operation ends: the first day of that month."""
        return (self.ends_on + relativedelta(months=1)).replace(day=1)


@dataclass(frozen=True)
class LedgerPolicy:
    """How points live in one program: pending delay, validity, redemption threshold, stop."""

    program: str
    pending_days: int = 7  # 002 art. 3.2.3: available 7 days after the declaration
    validity_months: int = 12  # 002 art. 5: removed 1 year after acquisition
    min_redemption: int = 140  # 002 art. 3.3
    expiring_soon_days: int = 30
    point_value_eur: Decimal = Decimal("0")  # 000 art. 5: 0.10 EUR; 0 = not stated
    stop_on: date | None = None  # program-stop announcement (002 art. 8)
    redemption_months_after_stop: int = 3
    operations: tuple[Operation, ...] = field(default_factory=tuple)

    def available_on(self, declared_on: date) -> date:
        return declared_on + relativedelta(days=self.pending_days)

    def expires_on(self, acquired_on: date, months: int | None = None) -> date:
        """Last day the lot can be spent: the day before its anniversary."""
        return acquired_on + relativedelta(months=months or self.validity_months) - relativedelta(days=1)

    def redemption_closes_on(self) -> date | None:
        """Last day a reward can be ordered after a stop, None while the program runs."""
        if self.stop_on is None:
            return None
        return self.stop_on + relativedelta(months=self.redemption_months_after_stop)

    def operation(self, operation_id: str) -> Operation:
        for op in self.operations:
            if op.id == operation_id:
                return op
        raise ValueError(f"unknown operation {operation_id!r} in program {self.program!r}")


def _date(value) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _operation(raw: dict) -> Operation:
    tiers = tuple(sorted((Decimal(str(t["min_amount"])), int(t["points"])) for t in raw.get("tiers", [])))
    return Operation(
        id=str(raw["id"]), name=str(raw.get("name", raw["id"])),
        starts_on=_date(raw["starts_on"]), ends_on=_date(raw["ends_on"]),
        products=tuple(raw.get("products", ())),
        points_per_eur=Decimal(str(raw.get("points_per_eur", 0))),
        points_per_unit=int(raw.get("points_per_unit", 0)),
        tiers=tiers,
        validity_months=int(raw.get("validity_months", 12)),
        payment_days=int(raw.get("payment_days", 30)),
    )


def policy_for(program_config: dict) -> LedgerPolicy:
    """Build the policy from a loaded program TOML (`[program]`, `[ledger]`, `[[operations]]`)."""
    name = program_config.get("program", {}).get("name", "")
    raw = program_config.get("ledger", {})
    stop = program_config.get("stop", {})  # the program's own stop table, when it has one
    return LedgerPolicy(
        program=name,
        pending_days=int(raw.get("pending_days", 7)),
        validity_months=int(raw.get("validity_months", 12)),
        min_redemption=int(raw.get("min_redemption", 140)),
        expiring_soon_days=int(raw.get("expiring_soon_days", 30)),
        point_value_eur=Decimal(str(raw.get("point_value_eur", "0"))),
        stop_on=_date(raw.get("stop_on") or stop.get("announced_on")),
        redemption_months_after_stop=int(raw.get("redemption_months_after_stop",
                                                 stop.get("redemption_months", 3))),
        operations=tuple(_operation(op) for op in program_config.get("operations", [])),
    )

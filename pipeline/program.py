"""A program's rules as data: `samples/programs/NAME.toml` parsed into frozen values.

Nothing program-specific lives in code: the decision stage (`pipeline.decide`) reads
every threshold, amount and date from a `ProgramRules`. A program whose config has no
table for a rule (pro-club acts on orders, not receipts) gets that rule "off".

    load_rules(programs_dir, name) -> ProgramRules
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pipeline.errors import Reason
from pipeline.settings import load_program


@dataclass(frozen=True)
class Territory:
    """Where purchases and members must be (seed 002 art. 2 and 3.1)."""

    postal_code_patterns: tuple[str, ...] = ()  # regular expressions; empty: anywhere
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2 of members; empty: anywhere

    def allows_postal_code(self, postal_code: str | None) -> bool:
        if not self.postal_code_patterns:
            return True
        code = (postal_code or "").strip().upper()
        return any(re.fullmatch(p, code) for p in self.postal_code_patterns)


@dataclass(frozen=True)
class PurchaseRules:
    """What makes a receipt a valid proof of purchase (art. 3.2.1.1)."""

    retailer_kinds: tuple[str, ...] = ()  # catalog retailer kinds allowed; empty: no retailer check
    max_age_months: int | None = None  # declared within N months of the purchase (inclusive)
    allow_future: bool = True
    currencies: tuple[str, ...] = ()  # empty: any
    refused_markers: tuple[str, ...] = ()  # "card_slip", "duplicata"
    beneficiary_must_match: bool = False


@dataclass(frozen=True)
class PointsRules:
    """How many points an accepted receipt earns (art. 3.2.1.2)."""

    per_euro: Decimal = Decimal(0)  # points = floor(per_euro x sum of eligible product line totals)
    service_points: int = 0  # per eligible service unit
    service_min_price: Decimal | None = None  # unit price range, inclusive
    service_max_price: Decimal | None = None
    service_retailer_kinds: tuple[str, ...] = ()  # services only count at these kinds (salons)


@dataclass(frozen=True)
class MonthlyCap:
    """At most N units per participant per calendar month of declaration (art. 3.2.1.1)."""

    units: int | None = None  # None: no cap


@dataclass(frozen=True)
class DeclaredChecks:
    """The participant's declared place and date of purchase, checked against the receipt."""

    check_date: bool = False
    date_tolerance_days: int = 0
    check_retailer: bool = False


@dataclass(frozen=True)
class Bonuses:
    """One-off points for actions on the site (art. 3.2.2)."""

    profile_completed: int = 0
    first_favourite_salon: int = 0


@dataclass(frozen=True)
class BirthdayOffer:
    """A service in the birthday month, refunded up to a maximum (art. 4)."""

    enabled: bool = False
    max_refund: Decimal = Decimal(0)
    declare_within_months: int = 0  # counted from the 1st day of the birthday month
    points: bool = False  # the offer's declaration earns no points


@dataclass(frozen=True)
class ProgramStop:
    """After the stop is announced no new points are recorded (art. 8)."""

    announced_on: date | None = None
    redemption_months: int = 0  # redemption stays open this long after the announcement


@dataclass(frozen=True)
class Membership:
    """Who may enrol (art. 2)."""

    min_age: int | None = None
    one_account_per_person: bool = False


@dataclass(frozen=True)
class MatchingRules:
    """Fuzzy-matching bands (scores 0-100) and the text normalisation of receipt lines.

    A best score at or above `*_match` with a margin of at least `margin` over the
    runner-up is a clear match; below `*_none` it is clearly nothing; anything else is
    doubtful and sends the declaration to review.
    """

    retailer_match: float = 90.0
    retailer_none: float = 70.0
    item_match: float = 88.0
    item_none: float = 72.0
    margin: float = 6.0
    name_match: float = 88.0  # printed beneficiary against the participant's name
    name_none: float = 70.0
    ignore_tokens: tuple[str, ...] = ()  # brand prefixes on receipt lines ("KER", "K")
    abbreviations: tuple[tuple[str, str], ...] = ()  # ("B", "BAIN"): token expansions

    def __post_init__(self) -> None:
        for what in ("retailer", "item", "name"):
            none, match = getattr(self, f"{what}_none"), getattr(self, f"{what}_match")
            if not 0 <= none <= match <= 100:
                raise ValueError(f"[matching] needs 0 <= {what}_none <= {what}_match <= 100, "
                                 f"got {what}_none={none} and {what}_match={match}")
        if not 0 <= self.margin <= 100:
            raise ValueError(f"[matching] margin must be between 0 and 100, got {self.margin}")


@dataclass(frozen=True)
class ProgramRules:
    """Every knob of one program, as data."""

    name: str
    version: str
    effective_date: date | None = None
    currency: str = "EUR"
    territory: Territory = Territory()
    purchase: PurchaseRules = PurchaseRules()
    points: PointsRules = PointsRules()
    cap: MonthlyCap = MonthlyCap()
    declared: DeclaredChecks = DeclaredChecks()
    bonuses: Bonuses = Bonuses()
    birthday: BirthdayOffer = BirthdayOffer()
    stop: ProgramStop = ProgramStop()
    membership: Membership = Membership()
    matching: MatchingRules = field(default_factory=MatchingRules)


# -- loading ---------------------------------------------------------------------------

def load_rules(programs_dir: Path, name: str) -> ProgramRules:
    """Read `<programs_dir>/<name>.toml` into `ProgramRules`; ValueError names the bad key."""
    return rules_from_config(load_program(programs_dir, name), name)


def rules_from_config(config: dict, name: str) -> ProgramRules:
    """Build `ProgramRules` from a parsed program config (tables absent: rule off)."""
    program = config.get("program", {})
    territory = config.get("territory", {})
    for pattern in territory.get("postal_code_patterns", ()):
        try:
            re.compile(pattern)
        except re.error as e:
            raise ValueError(f"program {name!r}: [territory] postal_code_patterns has a bad pattern "
                             f"{pattern!r}: {e}") from e
    matching = _table(config, "matching", MatchingRules, name, convert={
        "ignore_tokens": lambda v: tuple(str(t).upper() for t in v),
        "abbreviations": lambda v: tuple((str(k).upper(), str(x).upper()) for k, x in dict(v).items()),
    })
    rules = ProgramRules(
        name=str(program.get("name", name)),
        version=str(program.get("version", "unversioned")),
        effective_date=_date(program.get("effective_date"), name, "program", "effective_date"),
        currency=str(program.get("currency", "EUR")),
        territory=_table(config, "territory", Territory, name),
        purchase=_table(config, "purchase", PurchaseRules, name),
        points=_table(config, "points", PointsRules, name),
        cap=_table(config, "cap", MonthlyCap, name),
        declared=_table(config, "declared", DeclaredChecks, name),
        bonuses=_table(config, "bonuses", Bonuses, name),
        birthday=_table(config, "birthday", BirthdayOffer, name),
        stop=_table(config, "stop", ProgramStop, name),
        membership=_table(config, "membership", Membership, name),
        matching=matching,
    )
    _check(rules)
    return rules


def _check(rules: ProgramRules) -> None:
    p, name = rules.points, rules.name
    if p.per_euro < 0 or p.service_points < 0:
        raise ValueError(f"program {name!r}: [points] per_euro and service_points cannot be negative")
    if (p.service_min_price is not None and p.service_max_price is not None
            and p.service_min_price > p.service_max_price):
        raise ValueError(f"program {name!r}: [points] service_min_price {p.service_min_price} is above "
                         f"service_max_price {p.service_max_price}")
    unknown = [m for m in rules.purchase.refused_markers if m not in {r.value for r in Reason}]
    if unknown:
        raise ValueError(f"program {name!r}: [purchase] refused_markers must be reason codes such as card_slip "
                         f"or duplicata, got {', '.join(unknown)}")
    if rules.cap.units is not None and rules.cap.units < 0:
        raise ValueError(f"program {name!r}: [cap] units cannot be negative")
    if rules.purchase.max_age_months is not None and rules.purchase.max_age_months < 0:
        raise ValueError(f"program {name!r}: [purchase] max_age_months cannot be negative")


def _table(config: dict, table: str, cls: type, program: str, convert: dict | None = None) -> Any:
    """One TOML table into one frozen dataclass, each value converted to its field's type."""
    raw = config.get(table, {})
    if not isinstance(raw, dict):
        raise ValueError(f"program {program!r}: [{table}] must be a table")
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ValueError(f"program {program!r}: [{table}] has unknown keys: {', '.join(unknown)}; "
                         f"known: {', '.join(known)}")
    values = {}
    for key, value in raw.items():
        try:
            if convert and key in convert:
                values[key] = convert[key](value)
            else:
                values[key] = _convert(value, known[key].type, program, table, key)
        except ValueError:
            raise
        except (TypeError, AttributeError) as e:
            raise ValueError(f"program {program!r}: [{table}] {key} has the wrong type: {value!r}") from e
    return cls(**values)


def _convert(value: Any, annotation: str, program: str, table: str, key: str) -> Any:
    where = f"program {program!r}: [{table}] {key}"
    if "Decimal" in annotation:
        if value in ("", None) and "None" in annotation:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError(f"{where} must be an amount such as \"8.00\", got {value!r}")
        try:
            return Decimal(str(value))
        except InvalidOperation as e:
            raise ValueError(f"{where} must be an amount such as \"8.00\", got {value!r}") from e
    if "date" in annotation:
        return _date(value, program, table, key)
    if annotation.startswith("tuple"):
        if not isinstance(value, list):
            raise ValueError(f"{where} must be a list, got {value!r}")
        return tuple(str(v) for v in value)
    if annotation == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{where} must be true or false, got {value!r}")
        return value
    if annotation.startswith("int"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{where} must be a whole number, got {value!r}")
        return value
    if annotation == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{where} must be a number, got {value!r}")
        return float(value)
    return value


def _date(value: Any, program: str, table: str, key: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as e:
        raise ValueError(f"program {program!r}: [{table}] {key} must be a date YYYY-MM-DD, got {value!r}") from e

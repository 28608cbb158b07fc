"""A purchase (what happened at the till) and its ground truth in the extraction contract."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from . import goods
from .places import STAFF, Shop, make_beneficiary, make_shop

CENT = Decimal("0.01")
FIRST_DAY = date(2024, 6, 1)
LAST_DAY = date(2026, 11, 21)
OPENING = {"salon": (9, 19), "supermarket": (8, 21), "fastfood": (11, 23), "diy": (8, 19), "beauty": (10, 19),
           "restaurant": (12, 23), "bakery": (7, 20), "fuel": (6, 22)}


@dataclass(frozen=True)
class Line:
    name: str  # catalogue name; the layout may truncate it when printing
    quantity: int | float  # units, or kg for weighed goods
    unit_price: Decimal
    total: Decimal
    vat_rate: str  # "20.00"
    kind: str = ""  # "kerastase", "fusio" or ""


@dataclass(frozen=True)
class Purchase:
    shop: Shop
    when: datetime
    ticket: int  # the running ticket number; the layout decides how it is printed
    till: int
    lines: tuple[Line, ...]
    discount: Decimal  # loyalty discount, 0 when none
    payment: str  # card, contactless, cash, cheque, meal_voucher, other
    cash_given: Decimal | None
    beneficiary: str | None
    staff: str | None
    language: str = "fr"

    @property
    def subtotal(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount

    def vat(self) -> list[tuple[str, Decimal, Decimal]]:
        """(rate, base, tax) per rate; the discount comes off the largest group first."""
        groups: dict[str, Decimal] = {}
        for line in self.lines:
            groups[line.vat_rate] = groups.get(line.vat_rate, Decimal("0.00")) + line.total
        left = self.discount
        for rate in sorted(groups, key=lambda r: -groups[r]):
            cut = min(left, groups[rate])
            groups[rate] -= cut
            left -= cut
        out = []
        for rate in sorted(groups, key=Decimal):
            ttc = groups[rate]
            tax = (ttc * Decimal(rate) / (100 + Decimal(rate))).quantize(CENT, ROUND_HALF_UP)
            out.append((rate, ttc - tax, tax))
        return out

    @property
    def key(self) -> str:
        """Identity of the purchase: the same for a reprint or a second photo of it."""
        raw = f"{self.shop.name}|{self.shop.postal_code}|{self.when:%Y-%m-%d %H:%M}|{self.ticket}|{self.total}"
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _amount(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def make_purchase(rng: random.Random, sector: str, shop: Shop | None = None, when: datetime | None = None) -> Purchase:
    shop = shop or make_shop(rng, sector)
    if when is None:
        day = FIRST_DAY + timedelta(days=rng.randint(0, (LAST_DAY - FIRST_DAY).days))
        opens, closes = OPENING[sector]
        when = datetime(day.year, day.month, day.day, rng.randint(opens, closes - 1), rng.randint(0, 59), rng.randint(0, 59))
    raw = goods.salon_lines(rng) if sector == "salon" else goods.shop_lines(rng, sector)
    lines = []
    for name, qty, unit, rate, kind in raw:
        unit_d = Decimal(str(unit)) if sector == "fuel" else _amount(unit)  # a pump's price per litre has 3 decimals
        lines.append(Line(name, qty, unit_d, (unit_d * Decimal(str(qty))).quantize(CENT, ROUND_HALF_UP), rate, kind))
    subtotal = sum((line.total for line in lines), Decimal("0.00"))
    discount = Decimal("0.00")
    if rng.random() < (0.3 if sector in ("salon", "beauty") else 0.12) and subtotal > 15:
        discount = rng.choice((Decimal("2.00"), Decimal("5.00"), (subtotal * Decimal("0.1")).quantize(CENT)))
    total = subtotal - discount
    payment = rng.choices(("card", "contactless", "cash", "cheque", "meal_voucher", "other"),
                          weights=(45, 20, 18, 5 if sector == "salon" else 1,
                                   8 if sector in ("fastfood", "supermarket", "restaurant", "bakery") else 0, 2))[0]
    cash_given = None
    if payment == "cash":
        notes = [Decimal(n) for n in (5, 10, 20, 30, 50, 100, 200, 500) if n >= total]
        cash_given = notes[0] if notes else (total / 10).to_integral_value(rounding="ROUND_CEILING") * 10
        if rng.random() < 0.2:
            cash_given = total
    beneficiary = make_beneficiary(rng) if sector in ("salon", "beauty") and rng.random() < 0.4 else None
    staff = rng.choice(STAFF) if sector == "salon" and rng.random() < 0.5 else None
    return Purchase(shop, when, rng.randint(12, 99999), rng.randint(1, 12), tuple(lines), discount, payment,
                    cash_given, beneficiary, staff, "en" if rng.random() < 0.04 else "fr")


def lookalike_of(rng: random.Random, first: Purchase) -> Purchase:
    """Another purchase at the same shop, same day, same total: different ticket and time."""
    other = make_purchase(rng, first.shop.sector, first.shop)
    opens, closes = OPENING[first.shop.sector]
    start = first.when.replace(hour=opens, minute=0, second=0)
    while True:
        when = start + timedelta(seconds=rng.randint(0, (closes - opens) * 3600 - 1))
        if abs(when - first.when) > timedelta(minutes=8):
            break
    lines = list(other.lines)
    while len(lines) > 1 and sum(line.total for line in lines[:-1]) >= first.total:
        lines.pop()
    rest = first.total - sum((line.total for line in lines[:-1]), Decimal("0.00"))
    if rest <= 0:  # a single line cannot be cheaper than nothing: the same basket again
        lines = list(reversed(first.lines))
        discount = first.discount
    else:
        lines[-1] = replace(lines[-1], quantity=1, unit_price=rest, total=rest)
        discount = Decimal("0.00")
    later = when > first.when
    return replace(other, when=when, ticket=max(1, first.ticket + (rng.randint(1, 60) if later else -rng.randint(1, 60))),
                   lines=tuple(lines), discount=discount, payment=first.payment, cash_given=first.cash_given)


def fmt(value: Decimal) -> str:
    return f"{value:.2f}"


def truth_of(purchase: Purchase, printed: dict, scenario: str, markers: list[str]) -> dict:
    """The extraction contract as the pipeline must fill it for this paper."""
    shop = purchase.shop
    slip = "card_slip" in markers
    items = [] if slip else [
        {"name": name, "quantity": line.quantity, "price": fmt(line.total)}
        for name, line in zip(printed["item_names"], purchase.lines)
    ]
    return {
        "retailer": {
            "name": printed.get("shop_name", shop.name),
            "address": None if slip else shop.street,
            "postal_code": shop.postal_code,
            "city": shop.city,
            "siret": None if slip else (shop.siret if printed.get("siret_printed") else None),
        },
        "date": purchase.when.strftime("%Y-%m-%d"),
        "time": purchase.when.strftime("%H:%M"),
        "ticket": None if slip else printed.get("ticket"),
        "beneficiary": None if slip else printed.get("beneficiary"),
        "items": items,
        "subtotal": None if slip or not printed.get("subtotal_printed") else fmt(purchase.subtotal),
        "vat": [] if slip else [{"rate": rate, "amount": fmt(tax)} for rate, _, tax in printed.get("vat", [])],
        "total": fmt(purchase.total),
        "currency": "EUR",
        "payment": purchase.payment,
        "markers": markers,
        "scenario": scenario,
        "sector": shop.sector,
        "language": purchase.language,
        "declarable": [i for i, line in enumerate(purchase.lines) if line.kind and not slip],
    }

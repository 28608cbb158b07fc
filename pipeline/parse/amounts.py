"""Money amounts as printed on French receipts: `24,50`, `€ 24.50`, `19 964,29`, `*6.50`.

`find_amounts` reads every amount of one line (already folded and digit-repaired,
see `text.TextLine.digits`); `parse_amount` reads one string that should be an
amount and nothing else. Both return `Decimal` with two places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pipeline.parse.text import digitize, fold

CENT = Decimal("0.01")
CURRENCY_WORDS = r"(?:€|EUROS?\b|EUR\b|E\b|\$|£|USD\b|GBP\b|CHF\b)"
UNITS_AFTER_QUANTITY = r"(?:KG|G|GR|L|CL|ML|M|M2|M3|LITRES?)\b"

# One decimal amount: optional sign, thousands groups, a 2-digit (or 3 with a
# glued €-as-6) decimal part. Positions are those of the line given.
AMOUNT = re.compile(
    r"""
    (?<![\d.,])
    (?P<sign>[-\u2212\u2013]\s?)?
    (?P<int>(?<![A-Z])\d{1,3}(?:[ .'\u202f\u00a0]\d{3})+(?=\s?[.,]\s?\d)|\d{1,7})  # `BTE200 108,90`
    (?:\s?[.,]|;|\s?[,.]\s(?=\d{2}(?!\d))|€(?=\d{2}(?![\d.,])))  # `8, 60`, `50. 00`, `218 , 30`, `2;59`; `12€50` as written in France
    (?P<dec>\d{2,3})
    (?![\d])(?![.,]\d)
    (?P<post>\s?(?:€|EUROS?\b|EUR\b|E\b|C\b))?
    (?P<trail>-(?![\d]))?
    """,
    re.VERBOSE,
)
# An integer amount only counts next to a currency sign (`5 €`, `EUR 12`).
INTEGER_WITH_CURRENCY = re.compile(
    r"(?<![\d.,])(?P<int>\d{1,6})\s?(?:€|EUROS?\b|EUR\b)(?!\s?/)|(?:€|EUR\b)\s?(?P<int2>\d{1,6})(?![\d.,])"
)
PERCENT_AFTER = re.compile(r"^\s?%")
COMMA_LOST_BEFORE = re.compile(r"(?<![\d.,/:])(\d{1,4}) $")  # the euros of `149 60€`, before the cents
PER_UNIT_AFTER = re.compile(r"^\s?(?:€|EUR)?\s?/\s?(?:KG|K|L|U|UN|UNITE|PCE|M|M2|100\s?G)\b")
CURRENCY_BEFORE = re.compile(r"(?:€|EUR|\$|£)\s?$")
QUANTITY_UNIT_AFTER = re.compile(r"^\s?" + UNITS_AFTER_QUANTITY)


@dataclass(frozen=True)
class AmountMatch:
    value: Decimal
    start: int
    end: int
    currency: bool = False  # a currency sign is printed against it
    per_unit: bool = False  # `2,99 €/kg`
    guessed: bool = False  # repaired (a glued `€` read as `6`)


def _to_decimal(int_part: str, dec: str, negative: bool) -> Decimal | None:
    digits = re.sub(r"\D", "", int_part)
    try:
        value = Decimal(f"{digits or '0'}.{dec}").quantize(CENT)
    except InvalidOperation:
        return None
    return -value if negative else value


def find_amounts(s: str, *, euro_expected: bool = False) -> list[AmountMatch]:
    """Every amount of one folded, digit-repaired line, left to right.

    Percentages are skipped (they are rates); `2,99 €/kg` is kept but marked
    `per_unit`; `0,532 KG` is a quantity, not an amount. A three-decimal
    `24,506` reads as 24.50 when the last digit is a `€` misread as `6` and an
    amount in euros is expected.
    """
    found: list[AmountMatch] = []
    taken: list[tuple[int, int]] = []
    for m in AMOUNT.finditer(s):
        after = s[m.end() :]
        if PERCENT_AFTER.match(after):
            continue
        dec = m.group("dec")
        guessed = False
        if len(dec) == 3:
            if QUANTITY_UNIT_AFTER.match(after) or not (euro_expected and dec[2] in "68"):
                continue
            dec, guessed = dec[:2], True
        negative = bool(m.group("sign") or m.group("trail"))
        value = _to_decimal(m.group("int"), dec, negative)
        if value is None:
            continue
        before = s[: m.start()]
        currency = bool(m.group("post")) and m.group("post").strip() not in ("E", "C")
        currency = currency or bool(CURRENCY_BEFORE.search(before)) or "€" in s[m.end("int") : m.start("dec")]
        if m.group("post") and m.group("post").strip() in ("E", "C"):
            currency = euro_expected or currency
        found.append(
            AmountMatch(
                value=value,
                start=m.start(),
                end=m.end(),
                currency=currency,
                per_unit=bool(PER_UNIT_AFTER.match(after)),
                guessed=guessed,
            )
        )
        taken.append((m.start(), m.end()))
    for m in INTEGER_WITH_CURRENCY.finditer(s):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        digits = m.group("int") or m.group("int2")
        lost = COMMA_LOST_BEFORE.search(s[: m.start()]) if m.group("int") and len(digits) == 2 else None
        if lost and not any(a < m.start() and lost.start() < b for a, b in taken):
            # `TOTAL TTC 149 60€`: the comma read as a space, the cents taken for euros
            found.append(AmountMatch(value=Decimal(f"{lost.group(1)}.{digits}"), start=lost.start(), end=m.end(),
                                     currency=True, guessed=True))
            continue
        found.append(
            AmountMatch(
                value=Decimal(digits).quantize(CENT),
                start=m.start(),
                end=m.end(),
                currency=True,
                per_unit=bool(PER_UNIT_AFTER.match(s[m.end() :])),
            )
        )
    found.sort(key=lambda a: a.start)
    return found


# Whole-string forms for `parse_amount`, tried in order on a cleaned string.
_SIGN = r"(?P<sign>[-\u2212\u2013])?"
WHOLE_FORMS = (
    re.compile(_SIGN + r"(?P<int>\d{1,3}(?:[ .'\u202f\u00a0]\d{3})+|\d+)\s?[,.]\s?(?P<dec>\d{2})(?P<trail>-)?$"),
    re.compile(_SIGN + r"(?P<int>\d{1,3}(?:,\d{3})+)\.(?P<dec>\d{2})(?P<trail>-)?$"),  # 1,234.56
    re.compile(_SIGN + r"(?P<int>\d+)[,.](?P<dec>\d)(?P<trail>-)?$"),  # 1,5
    re.compile(_SIGN + r"(?P<int>\d+) (?P<dec>\d{2})(?P<trail>-)?$"),  # `24 50`: comma read as space
)
INTEGER_FORM = re.compile(_SIGN + r"(?P<int>\d{1,3}(?:[ .'\u202f\u00a0]\d{3})+|\d+)(?P<trail>-)?$")
EURO_AS_SIX = re.compile(_SIGN + r"(?P<int>\d+)[,.](?P<dec>\d{2})[68]$")
STRIP_AROUND = re.compile(r"^[\s*:=#>]+|[\s*:=#<]+$")


def parse_amount(
    s: str, *, implied_decimals: bool = False, euro_expected: bool = False
) -> Decimal | None:
    """One amount from a string that holds nothing else (currency signs allowed).

    `implied_decimals`: a bare `2450` reads as 24.50 (only when the layout makes
    two decimals certain). `euro_expected`: `24,506` reads as 24.50.
    """
    if not s:
        return None
    t = fold(digitize(s.strip()))
    t = re.sub(r"\(([^()]*)\)", r"-\1", t) if re.fullmatch(r"\s*\(.*\)\s*", t) else t
    had_currency = bool(re.search(CURRENCY_WORDS, t))
    t = re.sub(CURRENCY_WORDS, " ", t)
    t = re.sub(r"(?<=\d)[EC]$", "", t.strip())  # a glued `e` or `C` for `€`
    t = STRIP_AROUND.sub("", t)
    t = re.sub(r"^([-\u2212\u2013])\s+", r"\1", t)
    if not t:
        return None
    for form in WHOLE_FORMS:
        m = form.match(t)
        if m:
            if form is WHOLE_FORMS[3] and len(m.group("int").split(" ")[-1]) > 4:
                return None
            dec = m.group("dec").ljust(2, "0")
            return _to_decimal(m.group("int"), dec, bool(m.group("sign") or m.group("trail")))
    m = EURO_AS_SIX.match(t)
    if m and (euro_expected or had_currency):
        return _to_decimal(m.group("int"), m.group("dec"), bool(m.group("sign")))
    m = INTEGER_FORM.match(t)
    if m:
        digits = re.sub(r"\D", "", m.group("int"))
        negative = bool(m.group("sign") or m.group("trail"))
        if implied_decimals and len(digits) >= 3:
            return _to_decimal(digits[:-2], digits[-2:], negative)
        return _to_decimal(digits, "00", negative)
    return None


def format_amount(value: Decimal) -> str:
    """French display form, `1 234,56`."""
    q = value.quantize(CENT)
    sign = "-" if q < 0 else ""
    whole, dec = f"{abs(q):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{sign}{' '.join(groups)},{dec}"

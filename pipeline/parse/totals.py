"""Amount lines below the items: total due, subtotal, VAT table, payments, change, currency.

The total is chosen among labelled candidates (label priority from `labels.TOTAL_LABELS`)
and cross-checked against the payments, the VAT table's TTC and the items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pipeline.parse import labels as L
from pipeline.parse.amounts import AmountMatch, find_amounts
from pipeline.parse.items import DIGIT_CONFUSIONS
from pipeline.parse.text import TextLine, one_letter_from
from pipeline.values import Tender, VatLine

TOLERANCE = Decimal("0.01")
VAT_TOLERANCE = Decimal("0.02")
TOTAL_RULES = tuple((re.compile(p), prio) for p, prio in L.TOTAL_LABELS)
PAYMENT_RULES = tuple((re.compile(p), method) for p, method in L.PAYMENT_LABELS)
PAYMENT_WORDS = {"CARTE": "card", "BANCAIRE": "card", "ESPECES": "cash", "CHEQUE": "cheque", "MAESTRO": "card"}
NOT_A_PAYMENT = re.compile(r"ACCEPT|REFUS|MINIMUM|A PARTIR DE|NUMERO DE CARTE FID|CARTE FID|FIDELITE")
TABLE_RATE = re.compile(r"^\s*(?:TVA\s*)?(?:(?:[A-F]\d?|T\d|\d)\s+|[A-F]\d?\s*[:=]\s*)?(\d{1,2}(?:[.,]\d{1,2})?)(?![\d.,%])")
KNOWN_RATES_2DP = tuple(f"{Decimal(r):.2f}" for r in L.VAT_RATES)
CENTS = re.compile(r"\d\s?[.,]\s?\d{2}(?!\d)")  # an amount printed with its cents
RATE_PERCENT = re.compile(r"(?<![\d.,])(\d{1,2}(?:[.,]\d{1,3})?)\s?%")


@dataclass(frozen=True)
class Candidate:
    value: Decimal
    priority: int
    line: int
    conf: float
    reason: str


@dataclass(frozen=True)
class Payment:
    method: str
    amount: Decimal | None
    line: int
    conf: float


def amounts_of(line: TextLine, *, euro_expected: bool = True) -> list[AmountMatch]:
    """Amounts of a line that could be money (not unit prices), cut at `DONT` (`dont TVA`)."""
    text = line.digits
    cut = re.search(r"\bDONT\b|\(DONT", line.labels)
    if cut:
        text = text[: cut.start()]
    return [a for a in find_amounts(text, euro_expected=euro_expected) if not a.per_unit]


def _amount_only(line: TextLine) -> bool:
    rest = re.sub(r"€|EUROS?|EUR|[\d\s.,*:\-]", "", line.labels)
    return len(rest) <= 1


def line_amount(lines: list[TextLine], i: int) -> tuple[Decimal, float] | None:
    """The amount of a labelled line: its last amount, or the next line when it holds only that."""
    found = amounts_of(lines[i])
    if found:
        return found[-1].value, lines[i].conf * (0.85 if found[-1].guessed else 1.0)
    if re.search(r"\d", lines[i].digits):
        return None
    if i + 1 < len(lines) and _amount_only(lines[i + 1]):
        nxt = amounts_of(lines[i + 1])
        if nxt:
            return nxt[-1].value, lines[i + 1].conf * 0.9
    return None


def label_priority(line: TextLine) -> int:
    """Priority of the total label on a line, 0 when it is none (or a subtotal, VAT...)."""
    if L.NOT_TOTAL.search(line.labels) or L.column_header(line.labels) or L.rule_debris(line.labels):
        return 0
    for rule, prio in TOTAL_RULES:
        if rule.search(line.labels):
            return prio
    return 0


def first_total_line(lines: list[TextLine]) -> int | None:
    """Where the items end: the first total, subtotal or strong payment line."""
    for i, line in enumerate(lines):
        if L.SUBTOTAL.search(line.labels) or label_priority(line) >= 80:
            return i
    return None


def total_candidates(lines: list[TextLine]) -> list[Candidate]:
    """Labelled totals; reason `whole` where the amount was printed without cents (`369€`)."""
    out = []
    for i, line in enumerate(lines):
        prio = label_priority(line)
        if not prio:
            continue
        got = line_amount(lines, i)
        if got and got[0] > 0:
            source = line if amounts_of(line) else lines[i + 1]
            whole = not CENTS.search(source.digits)
            out.append(Candidate(got[0], prio, i, got[1], "whole" if whole else "label"))
    return out


def find_subtotal(lines: list[TextLine]) -> tuple[Decimal, float, int] | None:
    for i, line in enumerate(lines):
        if L.SUBTOTAL.search(line.labels):
            got = line_amount(lines, i)
            if got:
                return got[0], got[1], i
    return None


def payment_method(line: TextLine) -> str | None:
    if NOT_A_PAYMENT.search(line.labels):
        return None
    for rule, method in PAYMENT_RULES:
        if rule.search(line.labels):
            return method
    # `CARTS BLEUE 10,52`: a payment word opening an amount line, one letter misread
    first = re.match(r"[A-Z]{5,}", line.labels.strip())
    if first and amounts_of(line):
        near = one_letter_from(first.group(), PAYMENT_WORDS)
        return PAYMENT_WORDS[near] if near else None
    return None


def find_payments(lines: list[TextLine], start: int = 0) -> tuple[list[Payment], Decimal | None]:
    """Payment lines from `start` on, and the change given back (`RENDU`)."""
    payments: list[Payment] = []
    change: Decimal | None = None
    for i in range(start, len(lines)):
        line = lines[i]
        if L.CHANGE.search(line.labels):
            got = line_amount(lines, i)
            if got and change is None:
                change = abs(got[0])
            continue
        method = payment_method(line)
        if method is None or label_priority(line) >= 80:
            continue
        got = line_amount(lines, i)
        amount = got[0] if got and got[0] > 0 else None
        payments.append(Payment(method, amount, i, line.conf))
    return payments, change


def choose_method(payments: list[Payment]) -> tuple[str, float] | None:
    if not payments:
        return None
    with_amount = [p for p in payments if p.amount is not None]
    best = max(with_amount, key=lambda p: p.amount) if with_amount else payments[0]
    method = best.method
    if method == "card" and any(p.method == "contactless" for p in payments):
        method = "contactless"
    conf = best.conf * (1.0 if with_amount else 0.85)
    return method, round(conf, 3)


def tenders(payments: list[Payment], change: Decimal | None, total: Decimal | None,
            method: str | None) -> tuple[Tender, ...]:
    """What paid the total, means by means: `TICKET RESTAURANT 9,00` and `CB 3,50` under a
    total of 12,50; `CB 10,00`, `ESPECES 5,00` and `RENDU 2,50` (the cash's share 2,50). A
    card payment printed again with the same amount (the card terminal's slip under the
    ticket, its `SANS CONTACT` beside the ticket's `CB`) counts once; two vouchers of 9,00 are
    18,00. Only when the shares make the total; otherwise `method` alone, for the whole total."""
    shares: dict[str, Decimal] = {}  # in the order printed
    cards: dict[Decimal, str] = {}  # card amounts seen, and as which means
    for p in payments:
        if p.amount is None:
            continue
        if p.method in ("card", "contactless") and p.amount in cards:
            if p.method == "contactless" and cards[p.amount] == "card":  # the same payment, without contact
                shares["card"] -= p.amount
                if not shares["card"]:
                    del shares["card"]
                shares["contactless"] = shares.get("contactless", Decimal(0)) + p.amount
                cards[p.amount] = "contactless"
            continue
        if p.method in ("card", "contactless"):
            cards[p.amount] = p.method
        shares[p.method] = shares.get(p.method, Decimal(0)) + p.amount
    given = change or Decimal(0)
    if total is not None and len(shares) >= 2 and sum(shares.values(), Decimal(0)) - given == total and (
            not given or shares.get("cash", Decimal(0)) > given):
        if given:
            shares["cash"] -= given
        return tuple(Tender(m, a) for m, a in shares.items())
    return (Tender(method, total),) if method else ()


def paid_amounts(payments: list[Payment], change: Decimal | None) -> set[Decimal]:
    """Every amount the payments could say was due (each payment, their sum, minus change)."""
    values = {p.amount for p in payments if p.amount is not None}
    if len(values) > 1:
        values.add(sum(values, Decimal(0)))
    if change:
        values |= {v - change for v in values if v > change}
    return values


def _rate_value(text: str) -> Decimal:
    return Decimal(text.replace(",", ".")).quantize(Decimal("0.01"))


def _vat_row(line: TextLine, in_table: bool) -> tuple[VatLine, Decimal | None] | None:
    """One VAT table row: `TVA 20,00% 4,08` or `A 20.00 20.42 4.08 24.50`."""
    amounts = [a for a in find_amounts(line.digits, euro_expected=True)]
    rate = None
    m = RATE_PERCENT.search(line.digits)
    if m:
        rate = _rate_value(m.group(1))
        numbers = [a.value for a in amounts if a.start > m.end() or a.end < m.start()]
    elif in_table or L.VAT_HEADER.search(line.labels):
        # `A 5,5  0,28  5,14  5,42` or `B 20 0,83 4,16 4,99`: the first number is the rate
        first = TABLE_RATE.match(line.digits)
        if not first or first.group(1).replace(",", ".") not in L.VAT_RATES + KNOWN_RATES_2DP:
            return None
        rate = _rate_value(first.group(1))
        numbers = [a.value for a in amounts if a.start >= first.end(1)]
        if len(numbers) < 1:
            return None
    else:
        return None
    if rate is None or rate > 30 or not numbers:
        return None
    for i, ht in enumerate(numbers):
        for tva in numbers[i + 1 :] + numbers[:i]:
            if tva != ht and abs(ht * rate / 100 - tva) <= max(VAT_TOLERANCE, ht * Decimal("0.001")):
                return VatLine(rate, tva), ht + tva  # printed or not, the rate vouches for the pair
    if len(numbers) == 1:
        return VatLine(rate, numbers[0]), None
    if len(numbers) >= 3:
        return VatLine(rate, numbers[1]), numbers[2]
    return VatLine(rate, min(numbers)), None


def find_vat(lines: list[TextLine]) -> tuple[tuple[VatLine, ...], Decimal | None, float]:
    """The VAT table, the sum of its TTC column (printed, or HT plus VAT where the rate
    checks them) and a confidence."""
    rows: list[VatLine] = []
    ttcs: list[Decimal | None] = []
    confs: list[float] = []
    in_table = False
    for line in lines:
        if L.VAT_HEADER.search(line.labels) and not find_amounts(line.digits):
            in_table = True
            continue
        if label_priority(line) >= 80 and "TVA" not in line.labels:
            in_table = False
            continue
        row = _vat_row(line, in_table)
        if row is None:
            if in_table and not re.search(r"\d", line.digits):
                in_table = False
            continue
        if "TOTAL" in line.labels and rows:
            continue  # `TOTAL 4,08 24,50` under the rows
        rows.append(row[0])
        ttcs.append(row[1])
        confs.append(line.conf)
    ttc = sum(ttcs, Decimal(0)) if ttcs and all(t is not None for t in ttcs) else None
    conf = min(confs) if confs else 0.0
    return tuple(rows), ttc, round(conf, 3)


def find_currency(lines: list[TextLine]) -> str | None:
    text = " ".join(line.up for line in lines)
    counts = {
        "EUR": len(re.findall(r"€|\bEUROS?\b|\bEUR\b", text)),
        "USD": len(re.findall(r"\$|\bUSD\b", text)),
        "GBP": len(re.findall(r"£|\bGBP\b", text)),
        "CHF": len(re.findall(r"\bCHF\b", text)),
    }
    if counts["EUR"]:
        return "EUR"
    others = {k: v for k, v in counts.items() if v}
    if others:
        return max(others, key=others.get)
    if any(find_amounts(line.digits) for line in lines):
        return "EUR"  # a French receipt without a currency sign
    return None


def zero_variants(value: Decimal) -> list[Decimal]:
    """`value` with some of its 6, 8 and 9 read as the zeros they may be."""
    text = f"{value:.2f}"
    spots = [i for i, ch in enumerate(text) if ch in "689"]
    if not spots or len(spots) > 4:
        return []
    variants = []
    for mask in range(1, 1 << len(spots)):
        chosen = {spots[k] for k in range(len(spots)) if mask >> k & 1}
        variant = Decimal("".join("0" if i in chosen else ch for i, ch in enumerate(text)))
        if variant > 0:
            variants.append(variant)
    return variants


def one_digit_variants(value: Decimal) -> list[Decimal]:
    """`value` with one digit swapped for a look-alike."""
    text = f"{value:.2f}"
    out = []
    for i, ch in enumerate(text):
        for alt in DIGIT_CONFUSIONS.get(ch, ""):
            v = Decimal(text[:i] + alt + text[i + 1 :])
            if v > 0:
                out.append(v)
    return out


def choose_total(
    candidates: list[Candidate],
    *,
    paid: set[Decimal],
    vat_ttc: Decimal | None,
    items_net: Decimal | None,
    subtotal: Decimal | None,
    discounts_after: dict[int, Decimal],
    change: Decimal | None = None,
    subtotal_net: Decimal | None = None,
) -> tuple[Decimal, float, list[str]] | None:
    """The amount due, scored by label priority plus agreement with the other evidence."""
    pool = list(candidates)
    # no total line read: with change given back, the cash handed over was more than was due
    net = {v for v in paid if change and v + change in paid}
    for c in candidates:
        cut = discounts_after.get(c.line)
        if cut and c.value + cut > 0:
            pool.append(Candidate(c.value + cut, c.priority - 5, c.line, c.conf, "after_discount"))
    if not pool:
        for value, prio, reason in (
            *((v, 70 if not net or v in net else 65, "payment") for v in sorted(paid, reverse=True)),
            (vat_ttc, 60, "vat_ttc"),
            (items_net, 40, "items"),
            (subtotal, 40, "subtotal"),
        ):
            if value is not None and value > 0:
                pool.append(Candidate(value, prio, -1, 0.6, reason))
    if not pool:
        return None

    def checks(value: Decimal) -> list[str]:
        found = []
        if any(abs(value - p) <= TOLERANCE for p in paid):
            found.append("payment")
        if vat_ttc is not None and abs(value - vat_ttc) <= TOLERANCE:
            found.append("vat_ttc")
        if items_net is not None and abs(value - items_net) <= TOLERANCE:
            found.append("items")
        if subtotal_net is not None and abs(value - subtotal_net) <= TOLERANCE:
            found.append("subtotal_net")
        return found

    # A thermal font's dotted or slashed 0 read as 6/8/9 (`81.96` for 81.90): the reading with
    # those zeros restored competes too, but only where the other evidence vouches for it. Items
    # misread the same way (`13,06` for 13,00) vouch for the misread total: the payment line and
    # the card slip's amount may still vouch for the zero.
    pool += [Candidate(v, c.priority - 3, c.line, c.conf * 0.9, "zero_repaired")
             for c in pool if set(checks(c.value)) <= {"items"}
             for v in zero_variants(c.value) if set(checks(v)) - set(checks(c.value))]

    # A decimal separator lost (`TOTALTTC 10170€` for 101,70): the same digits with two
    # decimals, where the evidence vouches for them and none vouches for the whole number.
    for c in [c for c in pool if c.reason == "whole"]:
        cents = (c.value / 100).quantize(TOLERANCE)
        if c.value >= 100 and not checks(c.value) and checks(cents):
            pool.append(Candidate(cents, c.priority - 3, c.line, c.conf * 0.9, "separator_restored"))

    # Any other look-alike digit (`337,10` for 337,70) only where two kinds of evidence agree on it.
    pool += [Candidate(v, c.priority - 4, c.line, c.conf * 0.85, "digit_repaired")
             for c in list(pool) if not checks(c.value) for v in one_digit_variants(c.value) if len(checks(v)) >= 2]

    # A total line misread beyond repair (`TOTAL EUR 369€` for 38,69: no cents) that nothing
    # vouches for yields to a payment another kind of evidence vouches for (the items, the
    # VAT table). A total printed with its cents stays: an edited total must stay visible.
    if candidates and all(c.reason == "whole" for c in candidates) and not any(checks(c.value) for c in pool):
        pool += [Candidate(v, 70, -1, 0.6, "payment") for v in paid if len(checks(v)) >= 2]

    weights = {"payment": 30, "vat_ttc": 20, "items": 15, "subtotal_net": 15}
    best = max(pool, key=lambda c: (c.priority + sum(weights[k] for k in checks(c.value)), c.line))
    agree = checks(best.value)
    evidence = bool(paid) + (vat_ttc is not None) + (items_net is not None) + (subtotal_net is not None)
    conf = best.conf * (0.9 if best.priority >= 80 else 0.75)
    conf += 0.1 * len(agree)
    if evidence and not agree:
        conf *= 0.8
    return best.value, round(min(1.0, conf), 3), agree

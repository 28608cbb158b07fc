"""Item lines between the header and the total: name, quantity, line price.

Handles `NAME  24,50`, `2 X NAME 12,25 24,50`, `NAME` then `2 x 12,25  24,50`,
`QTE 2 PU 12,25`, `0,532 kg x 2,99 €/kg  1,59`, `42,13 L x 1,789 €/L` at the pump,
columns under titles (`Article Qte Prix Total`), a trailing VAT code (`24,50 A`),
and discount lines (negative, or labelled REMISE...), which are returned apart.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from itertools import product

from pipeline.parse import labels as L
from pipeline.parse.amounts import CENT, AmountMatch, find_amounts
from pipeline.parse.dates import find_date_matches
from pipeline.parse.text import TextLine, zeros_misread_in
from pipeline.values import Item

ONE = Decimal(1)
# A star after a space is the price's own mark (`X12 *4.30`), not a multiplication (`2*12,50`);
# `2 XX 4,20` and `2°2,09` are the x read twice or as a degree sign.
# A price per litre has a third decimal (`42,13 L x 1,789 €/L`), seen before its `/` or after
# the litres' L. A count never follows a letter: `SP98 *70.21` is a grade and its starred price.
QTY_TIMES_UNIT = re.compile(
    r"(?<![\d.,A-Z])(?P<q>\d{1,4}(?:[.,]\d{1,3})?)\s*(?P<unit>KG|G|L)?(?:\s*:?\s*[X×]{1,2}:?|\*|(?<=\d)°\*?)\s*"
    r"(?P<u>\d{1,5}(?:[.,][.,;]?\s?|;)\d{2}(?:\d(?=\s*(?:€|EUR|E)?\s*/)|(?(unit)\d(?!\d)))?)"
)
# a pump's grade, a name of one letter or none (`E85 54,36`, `SP95-E10`, `GPL`)
FUEL_GRADE = re.compile(r"^(?:E\s?(?:85|10|5)|B\s?(?:7|10)|SP\s?9[58](?:\s?-?\s?E\s?(?:10|5))?|GPL|GO|ADBLUE)$")
# `2 x THON`, `2XTHON` (glued), `_2 X THON`, `I X THON`; not `6X1,5L EAU` (a pack size)
LEADING_QTY_X = re.compile(r"^[\W_]*(?P<q>\d{1,3}|[IL](?=\s+X\s))\s*[X*×]\s*(?=[A-Z]{2}|[A-Z]\b)")
# `SOIN 1*14,00` with the line total cut off: the last amount is the unit price; not
# `B.HYDRATATION 250*35.20`, a size (its ML lost) before a price marked with a star
QTY_BEFORE_PRICE = re.compile(r"(?<![\d.,])(?P<q>\d{1,2})(?:\s*[X×]|\*)\s*$")
# a size whose digits were read as letters (`SOCL`, `2SOML`, `1OOML`): only before a unit that
# never ends a word, and with at least one letter among the digits to restore
MISREAD_SIZE = re.compile(r"\b(?P<n>(?=[0-9OSIl]*[OSIl])[1-9SI][0-9OSIl]{1,3})(?P<unit>CL|ML|KG)\b")
SIZE_LOOKALIKES = str.maketrans("OSIl", "0511")
UNIT_WITHOUT_SEPARATOR = re.compile(r"\s(?P<q>\d{1,2})\s?[*X×]\s?(?P<u>\d{3,6})[\s*]*$")
# `2*2,30 4,60` read `272,30 4,60`, `1*1,30 1,30` read `11:30 1,30`: a count x unit price
# whose star was read as a figure or lost, before the line total
STAR_AS_DIGIT = re.compile(r"(?<!\S)(?P<token>[1-9][\d+]{1,5}[.,:;]\d{2})\s*$")
STAR_LOOKALIKES = "714+"


def star_lost_count(token: str, total: Decimal) -> Decimal | None:
    """The count of `token` read as count, star and unit price run together, when exactly one
    way to split it (the star read as 7, 1, 4 or +, or lost) makes count x unit the line total."""
    head, cents = token[:-3], token[-2:]
    found = set()
    for k in (1, 2):  # the count's digits
        count, rest = head[:k], head[k:]
        for unit in ([rest[1:]] if rest[:1] in STAR_LOOKALIKES else []) + [rest]:
            if count.isdigit() and unit.isdigit() and not (len(unit) > 1 and unit[0] == "0"):
                if till_cents(int(count) * Decimal(f"{unit}.{cents}")) == total:
                    found.add(int(count))
    return Decimal(found.pop()) if len(found) == 1 else None


# OCR debris after a name: `FUSIO-DOSE se __`, `COUPE |` (short lower-case bits, rules)
NAME_TAIL_JUNK = re.compile(r"(?:\s+(?:[a-z]{1,3}|[_|~—=<>^,;]+|\W))+$")
# OCR debris before a name, from the table or a shadow left of the print: `ae Ss LAIT`, `“SOIN`
NAME_HEAD_JUNK = re.compile(r"^(?:(?:\S*[a-z\[\]{}]\S*|[“”‘’\"`]\S?|\W+)\s+)+|^[“”‘’\"`]+")
# ... but a word of four letters or more, two of them capitals, is the name's own (`soIN`)
MISREAD_WORD = re.compile(r"^(?=(?:[a-z]*[A-Z]){2})[A-Za-z]{4,}\b")
LEADING_QTY = re.compile(r"^[\W_]*(?P<q>\d{1,2})\s+(?=[A-Z]{2})(?!(?:KG|G|GR|L|CL|ML|X|CM|MM|M)\b)")
QTE = re.compile(r"\bQ(?:TE|TY|UANTITE)\.?\s*:?\s*(?P<q>\d{1,4}(?:[.,]\d{1,3})?)")
PU = re.compile(r"\bP\.?\s?U\.?\s*(?:TTC)?\s*:?\s*(?P<u>\d{1,5}[.,]\d{2})")
# After the price: a VAT code, a currency, a star: `24,50 A`, `1,99 B 5.5%`, `3,20 €  1`.
TRAILER = re.compile(r"^\s*(?:€|EUR|EU[A-Z]|[A-Z]UR)?\s*[*]?\s*(?:[A-F]|T?\d|[A-F]\d)?\s*[*]?\s*(?:\d{1,2}(?:[.,]\d{1,2})?\s?%)?\s*[*]?[\s_|—\-.]*$")
NAME_JUNK = re.compile(r"^[\s*.:>\-#|_~]+|[\s*.:>\-#€|_~]+$")
QTY_COLUMN = re.compile(r"\b(?:[QO]TE|QTY|QUANTITE|QT)\b")  # `OTE`: its Q read as O
MIN_NAME_LETTERS = 2
MAX_GARBLED_QTY = 99  # units a misread quantity line may give
MAX_TABLE_COUNT = 20  # a number ending a name in a table is its size rather than its count above this
MIN_UNPRICED_LETTERS = 6  # a line among the items with no price must name a product to be given one


@dataclass(frozen=True)
class ItemsResult:
    items: tuple[Item, ...]
    discounts: Decimal  # sum of discount lines in the item zone (negative or zero)
    conf: float
    # the items and discounts if lines with a minus but no discount label are items (`- 50,09`:
    # a pen's trace before a price); None when there are none
    signless: tuple[tuple[Item, ...], Decimal] | None = None
    # the items with each line total that disagrees with its printed `quantity x unit price`
    # replaced by that product (`2*5,00 10,66`: one of the two was misread); None when all agree
    multiplied: tuple[Item, ...] | None = None
    # items followed by a quantity line that could not be read (`SR 3570`, `5 X 2,5¢`), each with
    # the count its line opens with (None if none): `items_counted` may settle them
    unsettled: tuple[tuple[int, int | None], ...] = ()
    # items under a count column with no unit price beside their count (`CAFE MOULU 250G 4 3,69`):
    # nothing on their line vouches for the count, the till's article count may (`counts_mended`)
    bare_counts: tuple[int, ...] = ()


def till_cents(value: Decimal) -> Decimal:
    """A product rounded to the cent as a till does, half up (0,642 kg x 2,50 = 1,605: 1,61)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _q(text: str) -> Decimal:
    if text in ("I", "L"):  # `I X SHAMPOING`: a 1 read as a letter before the times sign
        return ONE
    return Decimal(re.sub(r"[.,;]+", ".", re.sub(r"\s", "", text)))  # `12,;80`: a separator read twice


def _letters(s: str) -> int:
    return sum(c.isalpha() for c in s)


def _price(line: TextLine) -> tuple[AmountMatch, list[AmountMatch]] | None:
    """The line price (last amount, only a VAT code or currency after it) and the others."""
    found = [a for a in find_amounts(line.digits, euro_expected=True) if not a.per_unit]
    if not found:
        return None
    last = found[-1]
    if not TRAILER.match(line.digits[last.end :]):
        return None
    return last, found[:-1]


def _is_info(line: TextLine) -> bool:
    """Header and footer lines that never hold an item (dates, phones, legal lines)."""
    if L.NOT_ITEM.search(line.labels):
        return True
    return bool(find_date_matches(line.digits))


def _size_digits(m: re.Match) -> str:
    return m["n"].translate(SIZE_LOOKALIKES) + m["unit"]


# `PATINE.1*3.3300`, `L'HU 1°2909`: the line's `1*33,00` garbled and glued to the name
NAME_TAIL_QTY = re.compile(r"(?<=[A-Za-z])[\s.]+\d{1,2}\s?[*°]\s?\d[\d.,;:]*$")


def _clean_name(raw: str) -> str:
    name = NAME_TAIL_QTY.sub("", NAME_JUNK.sub("", raw).strip())
    name = MISREAD_SIZE.sub(_size_digits, name)  # `EAU SOCL`: a size's 5 and 0 read as S and O
    if sum(c.isupper() for c in name) > 2 * sum(c.islower() for c in name):
        name = NAME_TAIL_JUNK.sub("", name)  # lower-case bits at the end of a capitals name
        for _ in range(3):  # and at its start, a token or a stray quote at a time
            if MISREAD_WORD.match(name):
                break  # `soIN PROFOND`: a word of the name with letters misread in lower case
            name = NAME_HEAD_JUNK.sub("", name)
    return NAME_JUNK.sub("", re.sub(r"\s{2,}", " ", name)).strip()


def _qty_line(line: TextLine) -> tuple[Decimal, Decimal | None, Decimal | None] | None:
    """A line that only says quantity x unit price (and maybe the line total)."""
    m = QTY_TIMES_UNIT.search(line.digits)
    if m:
        starts, q, u, end = m.start(), _q(m["q"]), _q(m["u"]), m.end()
    else:
        qte, pu = QTE.search(line.digits), PU.search(line.digits)
        if not (qte and pu):
            return None
        starts, q, u = min(qte.start(), pu.start()), _q(qte["q"]), _q(pu["u"])
        end = max(qte.end(), pu.end())
    if _letters(line.labels[:starts]) > 2 or q == 0:
        return None
    rest = [a for a in find_amounts(line.digits[end:], euro_expected=True) if not a.per_unit]
    total = rest[-1].value if rest else None
    return q, u, total


def zeros_misread_unit(quantity: Decimal, unit: Decimal, price: Decimal) -> bool:
    """Whether `unit` is the price per unit that makes `quantity` cost `price`, read with some
    of its zeros as 6, 8 or 9 (a thermal font's marked zero)."""
    if quantity <= 0:
        return False
    places = Decimal(1).scaleb(min(unit.as_tuple().exponent, -2))
    real = (price / quantity).quantize(places, rounding=ROUND_HALF_UP)
    return (real != unit and till_cents(quantity * real) == price
            and zeros_misread_in(f"{unit:f}".replace(".", ""), f"{real:f}".replace(".", "")))


def units_in(price: Decimal, unit: Decimal) -> Decimal | None:
    """How many `unit`s make `price`, when a whole number of them from 2 up does."""
    count = price / unit
    return count if count == count.to_integral_value() and 2 <= count <= MAX_GARBLED_QTY else None


def garbled_quantity(line: TextLine, price: Decimal) -> Decimal | None:
    """The quantity of a `2 x 3,50` line under an item, its signs misread (`2°4:3;50`, `8" x 2; 50`).

    Only digits are trusted: the last three to five are the unit price, and the item's
    price divided by it must be a whole number of units, for exactly one such split. A
    quantity digit misread (3 as 8) is then what the arithmetic says; a unit price digit
    misread (`2:%:5;10` for 2 x 5,70) only where the count printed is the arithmetic's.
    """
    if _letters(re.sub(r"[xX×]", "", line.raw)) > 1:
        return None
    digits = re.sub(r"\D", "", line.digits)
    found = set()
    # `dx 1270` under 50,80: the count read as a letter before its times sign, the unit price whole
    countless = bool(re.search(r"[xX×*]\s*\d", line.raw))
    for k in range(3, 6):
        lead = len(digits) - k
        if not (1 <= lead <= 3 or (lead == 0 and countless)) or digits[-k] == "0":
            continue
        read = digits[-k:]
        # the unit price as read; or with one digit misread (`2:%:5;10` for 2 x 5,70), when
        # the count printed before it is the one the arithmetic gives
        for text in (read, *(read[:i] + alt + read[i + 1 :] for i, ch in enumerate(read)
                             for alt in DIGIT_CONFUSIONS.get(ch, "") if i or alt != "0")):
            q = units_in(price, Decimal(text) / 100)
            if q is not None and (text == read or digits[:lead] == str(int(q))):
                found.add(int(q))
    return Decimal(found.pop()) if len(found) == 1 else None


def parse_items(lines: list[TextLine], start: int, end: int) -> ItemsResult:
    """Items of lines[start:end] (the zone above the total)."""
    items: list[Item] = []
    confs: list[float] = []
    discounts = Decimal(0)
    pending: TextLine | None = None  # a name line waiting for its `2 x 1,50  3,00` line
    loose: TextLine | None = None  # a line ending in figures read as no amount (`SP98 21 25`)
    signless: list[tuple[int, Item, Decimal]] = []
    just_priced = False  # the line before was an item's
    products: dict[int, Decimal] = {}  # item index -> its printed quantity times unit price
    unsettled: list[tuple[int, int | None]] = []
    counted = False  # under the titles of a table with a quantity column
    tallied = False  # under the till's count of the articles above: only discounts follow
    bare_counts: list[int] = []
    for line in lines[start:end]:
        if L.column_header(line.labels):
            counted = bool(QTY_COLUMN.search(line.labels))
            continue
        if items and is_article_count(line):
            tallied = True
        if tallied:
            # `NOMBRE D'ARTICLES 6` then a total whose label was misread (`TOLEBTIG 212,69`): no item
            got = _price(line)
            if got is not None and (got[0].value < 0 or L.DISCOUNT.search(line.labels)):
                discounts -= abs(got[0].value)
            continue
        after_item, just_priced = just_priced, False
        qty = _qty_line(line)
        if qty is not None:
            q, u, total = qty
            price = total if total is not None else till_cents(q * u)
            source = pending or loose
            named = source and (separator_lost_name(source, price) or (pending and pending.raw))
            if named:
                # `SP98 21 25` over `10,75 L x 1,977 €/L`: the price whose comma was lost is the product's
                items.append(Item(_clean_name(named), q, price, source.underlined or line.underlined))
                products[len(items) - 1] = till_cents(q * u)
                confs.append(min(source.conf, line.conf))
                pending = loose = None
            elif items and (items[-1].price == price or items[-1].price == till_cents(q * u)):
                last = items[-1]
                items[-1] = Item(last.name, q, last.price, last.underlined or line.underlined)
            elif after_item and items[-1].price == price * 100:
                # `PAIN DE CAMPAGNE 590€` over `2x 2.95`: the price's point lost, the product restores it
                last = items[-1]
                items[-1] = Item(last.name, q, price, last.underlined or line.underlined)
            elif items and items[-1].price >= 1000 and items[-1].price % 1000 == price:
                # `ANTI-USURE 200 104,38` then `2 x 52,19`: the size was read as a thousands group
                last = items[-1]
                items[-1] = Item(f"{last.name} {int(last.price // 1000)}", q, price, last.underlined or line.underlined)
            elif after_item and total is None and u and zeros_misread_unit(q, u, items[-1].price):
                # `55,05 L x 8,818 €/L` under 44,59: the price per litre's zeros read as 8 (0,810)
                last = items[-1]
                items[-1] = Item(last.name, q, last.price, last.underlined or line.underlined)
            elif after_item and items[-1].quantity == ONE and u and (count := units_in(items[-1].price, u)):
                # `3 x 31,39` under 62,78: the count misread, the unit price dividing the item's
                last = items[-1]
                items[-1] = Item(last.name, count, last.price, last.underlined or line.underlined)
            elif after_item and items[-1].quantity == ONE and u and one_digit_misread(items[-1].price, price):
                # `CLEMENTINES 3,62` over `0,973 kg x 3,10 €/kg` (3,02): the quantity is the line's;
                # which of the two amounts was misread, the total settles (`multiplied`)
                last = items[-1]
                items[-1] = Item(last.name, q, last.price, last.underlined or line.underlined)
                products[len(items) - 1] = price
            elif after_item and items[-1].quantity == ONE:
                unsettled.append((len(items) - 1, _lead_count(line)))  # `5 X 2,5¢` under 15,54
            continue
        if _is_info(line) and not L.DISCOUNT.search(line.labels):
            pending = None
            continue
        if after_item and items[-1].quantity == 1:
            q = garbled_quantity(line, items[-1].price)
            if q is not None:
                last = items[-1]
                items[-1] = Item(last.name, q, last.price, last.underlined or line.underlined)
                continue
        row = table_row(line) if counted and not L.DISCOUNT.search(line.labels) else None
        if row is not None:
            items.append(Item(row.name, row.quantity, row.price, line.underlined))
            if row.product != row.price:
                products[len(items) - 1] = row.product
            confs.append(line.conf)
            just_priced, pending, loose = True, None, None
            continue
        got = _price(line)
        if after_item and items[-1].quantity == 1 and got is None and _garbled_count_line(line):
            unsettled.append((len(items) - 1, _lead_count(line)))  # `6:x 7;58`, `SR 3570`
            continue
        if got is None:
            amounts = find_amounts(line.digits)
            plain = _letters(line.raw) >= 3 and not amounts
            pending = line if plain and not L.DISCOUNT.search(line.labels) else None
            loose = line if not plain and not L.DISCOUNT.search(line.labels) else None
            continue
        loose = None
        price, others = got
        labelled = bool(L.DISCOUNT.search(line.labels))
        if price.value < 0 or labelled:
            discounts -= abs(price.value)
            pending = None
            if not labelled:
                item = _read_item(line, replace(price, value=abs(price.value)), others)
                if item is not None:
                    signless.append((len(items), item, abs(price.value)))
            continue
        item = _read_item(line, price, others, counted)
        pending = None
        if item is None:
            continue
        items.append(item)
        just_priced = True
        if counted and not others and item.quantity == item.quantity.to_integral_value():
            bare_counts.append(len(items) - 1)
        times = QTY_TIMES_UNIT.search(line.digits[: price.start])
        if times and item.quantity == _q(times["q"]):
            products[len(items) - 1] = till_cents(item.quantity * _q(times["u"]))
        confs.append(line.conf * (0.9 if price.guessed else 1.0))
    conf = min(confs) if confs else 0.0
    alternative = None
    if signless:
        alt = list(items)
        for at, item, _ in reversed(signless):
            alt.insert(at, item)
        alternative = (tuple(alt), discounts + sum((v for _, _, v in signless), Decimal(0)))
    multiplied = None
    if any(items[k].price != v for k, v in products.items() if k < len(items)):
        multiplied = tuple(replace(it, price=products.get(k, it.price)) for k, it in enumerate(items))
    return ItemsResult(tuple(items), discounts, round(conf, 3), alternative, multiplied,
                       tuple((k, c) for k, c in unsettled if k < len(items)), tuple(bare_counts))


def separator_lost_name(line: TextLine, price: Decimal) -> str | None:
    """The name of a line ending in `price`'s figures with its separator lost (`SP98 21 25`,
    `COCA 740` for 7,40), when a name of two letters or a pump's grade comes before them."""
    m = re.search(r"(?<!\S)(\d[\d ]*\d)\s*(?:€|EUR)?\s*$", line.digits)
    if not m or m.group(1).replace(" ", "") != f"{price:.2f}".replace(".", ""):
        return None
    name = line.raw[: m.start()].strip()
    return name if _letters(name) >= MIN_NAME_LETTERS or FUEL_GRADE.match(name.upper()) else None


def _garbled_count_line(line: TextLine) -> bool:
    """A line of figures with two letters at most, no amount read: a `2 x 3,70` garbled."""
    return sum(ch.isdigit() for ch in line.digits) >= 2 and _letters(re.sub(r"[xX×]", "", line.raw)) <= 2


def _lead_count(line: TextLine) -> int | None:
    m = re.match(r"\s*(\d{1,2})(?!\d)", line.digits)
    return int(m.group(1)) if m else None


ARTICLE_COUNT = re.compile(
    r"^\s*(?:NB\.?\s*(?:D\W?\s*)?ART(?:ICLES?|\.)?(?:\(S\))?|NOMBRE\s+D\W?\s*ARTICLES?)\s*:?\s*(\d{1,3})\b"
    r"|^\s*(\d{1,3})\s*ART(?:ICLES?)?\b")
MAX_UNSETTLED = 4
MAX_SPLITS = 20_000  # sets of counts tried at most


def _article_count_match(line: TextLine) -> re.Match | None:
    return ARTICLE_COUNT.match(line.digits) or ARTICLE_COUNT.match(line.labels)


def is_article_count(line: TextLine) -> bool:
    """Whether the line is the till's count of articles (`9 ARTICLE(S)`, `NOMBRE D'ARTICLES 6`)."""
    return _article_count_match(line) is not None


def article_count(lines: list[TextLine]) -> int | None:
    """The number of articles the till printed (`17 ARTICLES`, `NB ARTICLES : 4`), if one line says so."""
    found = {int(m.group(1) or m.group(2)) for line in lines if (m := _article_count_match(line))}
    return found.pop() if len(found) == 1 else None


def items_counted(items: tuple[Item, ...], unsettled: tuple[tuple[int, int | None], ...],
                  count: int | None) -> tuple[Item, ...] | None:
    """The items with the quantities of their unreadable quantity lines settled by the till's
    article count (a weighed article counts once): the one set of counts that makes it up,
    each a whole number of cents apart, preferring the counts the lines open with when
    several do. None when nothing is settled."""
    if not count or not unsettled or len(unsettled) > MAX_UNSETTLED:
        return None
    counted = sum(int(i.quantity) if i.quantity == i.quantity.to_integral_value() else 1 for i in items)
    missing = count - counted
    if missing <= 0:
        return None
    choices = []
    for k, _ in unsettled:
        price = items[k].price
        choices.append([q for q in range(2, min(MAX_GARBLED_QTY, missing + 1) + 1)
                        if (price / q) == (price / q).quantize(CENT)])
    if math.prod(len(c) for c in choices) > MAX_SPLITS:
        return None  # a count misread into the hundreds: too many ways, none to trust
    fits = [combo for combo in product(*choices) if sum(q - 1 for q in combo) == missing]
    if len(fits) > 1:
        fits = [c for c in fits if all(q == lead for q, (_, lead) in zip(c, unsettled))]
    if len(fits) != 1:
        return None
    out = list(items)
    for q, (k, _) in zip(fits[0], unsettled):
        out[k] = replace(out[k], quantity=Decimal(q))
    return tuple(out)


def counts_mended(items: tuple[Item, ...], bare: tuple[int, ...], count: int | None) -> tuple[Item, ...] | None:
    """The items with one misread count under a count column mended by the till's article count
    (`VIS BOIS 4X40 BTE200 18 98,00` under two articles of one, over `NOMBRE D'ARTICLES 12`: 10
    read 18): the one count, among those no unit price vouches for, that makes the articles add
    up, its price a whole number of cents per unit. None when no such count, or more than one,
    would do (a weighed article counts once), and when the count is the number of lines: a till
    that counts its lines would print that whatever the counts."""
    if not count or not bare or count == len(items):
        return None
    whole = [i.quantity == i.quantity.to_integral_value() for i in items]
    counted = sum(int(i.quantity) if w else 1 for i, w in zip(items, whole))
    if counted == count:
        return None
    fits = []
    for k in bare:
        if k >= len(items) or not whole[k]:
            continue
        q = count - (counted - int(items[k].quantity))
        if 1 <= q <= MAX_GARBLED_QTY and (items[k].price / q) == (items[k].price / q).quantize(CENT):
            fits.append((k, q))
    if len(fits) != 1:
        return None
    k, q = fits[0]
    return tuple(replace(item, quantity=Decimal(q)) if n == k else item for n, item in enumerate(items))


def _read_item(line: TextLine, price: AmountMatch, others: list[AmountMatch], counted: bool = False) -> Item | None:
    """An item line; `counted`: under a table whose titles have a quantity column
    (`DESIGNATION QTE PRIX`), where a bare count before the one amount is the quantity."""
    up = line.digits
    name_end = others[0].start if others else price.start
    quantity = ONE
    settled = False  # a count the line's figures vouch for, even one
    name_start = 0
    m = QTY_TIMES_UNIT.search(up[: price.start])
    if m and _letters(line.labels[: m.start()]) >= MIN_NAME_LETTERS:
        quantity = _q(m["q"])
        name_end = min(name_end, m.start())
        unit_price = _q(m["u"])
        count = price.value / unit_price if unit_price > 0 else None
        if (count is not None and till_cents(quantity * unit_price) != price.value
                and count == count.to_integral_value() and 1 <= count <= MAX_GARBLED_QTY):
            quantity = count  # `2*3,50 10,50`: the line total is a whole number of units, the count misread
    m = QTE.search(up)
    if m:
        quantity = _q(m["q"])
        name_end = min(name_end, m.start())
    pu = PU.search(up)
    if pu:
        name_end = min(name_end, pu.start())
    lead = LEADING_QTY_X.match(up) or LEADING_QTY.match(up)
    if lead:
        quantity = _q(lead["q"])
        name_start = lead.end()
    value = price.value
    unit = QTY_BEFORE_PRICE.search(up[: price.start])
    if unit and not others and _letters(line.labels[: unit.start()]) >= MIN_NAME_LETTERS and int(unit["q"]):
        quantity = Decimal(unit["q"])
        value = till_cents(quantity * price.value)
        name_end = min(name_end, unit.start())
    name = line.raw[name_start:name_end]
    # `NAME  2  12,25  24,50`: a count before unit price and total
    if len(others) == 1 and quantity == ONE:
        between = re.search(r"\s(\d{1,3})\s*$", up[:name_end])
        count = int(between.group(1)) if between else None
        if count and till_cents(others[0].value * count) == price.value:
            quantity, settled = Decimal(count), True
            name = line.raw[name_start : between.start()]
    if len(others) == 1 and quantity == ONE and (
            grouped := re.fullmatch(r"(\d{1,3})\s(\d{3}[.,]\d{2})", up[others[0].start : others[0].end].strip())):
        # `PERCEUSE 2 164,30 328,60`: a count and the unit price, not `2 164,30` with a thousands space
        count, unit_price = int(grouped.group(1)), _q(grouped.group(2))
        ratio = price.value / unit_price if unit_price else Decimal(0)
        if count and till_cents(count * unit_price) == price.value:
            quantity, settled = Decimal(count), True
        elif counted and ratio == ratio.to_integral_value() and 2 <= ratio <= MAX_GARBLED_QTY:
            quantity, settled = ratio, True  # under a count column: `16 193,00 1930,00`, its 10 read 16
    if counted and not others and quantity == ONE:
        between = re.search(r"(?<=\S)\s(\d{1,3})[\s*]*$", up[:name_end])  # `X8 1 *2,10`: the price's star
        grouped = re.match(r"(\d{1,3})\s(\d{3}[.,]\d{2})(?!\d)", up[price.start : price.end])
        if grouped and between and int(between.group(1)) > MAX_TABLE_COUNT:
            between = None  # `TONDEUSE ELECTRIQUE 140 1 235,40`: a size ends the name, the count went with the price
        if between and int(between.group(1)):
            quantity = Decimal(between.group(1))  # `COCA COLA 1.5L 3 5,37` under `DESIGNATION QTE PRIX`
            name = line.raw[name_start : between.start()]
        elif grouped and int(grouped.group(1)):
            # `AMPOULE LED E27 X3 10 103,90`: the count column read with the price as a thousands group
            quantity, value = Decimal(grouped.group(1)), _q(grouped.group(2))
    if not others and quantity == ONE:
        # `RESISTANCE B 2*4319 86,38`: the unit price's separator lost, the product vouches for it
        glued = UNIT_WITHOUT_SEPARATOR.search(up[:name_end])
        if glued and int(glued["q"]) > 1 and int(glued["q"]) * Decimal(glued["u"]) / 100 == value:
            quantity = Decimal(glued["q"])
            name = line.raw[name_start : glued.start()]
    if quantity == ONE and len(others) <= 1:
        # `COCA-COLA 1,5L 272,30 4.60`: `2*2,30` with its star read as a 7; `11:30 1.30`: `1*1,30`
        starred = STAR_AS_DIGIT.search(up[: price.start])
        count = starred and star_lost_count(starred["token"], value)
        if count:
            quantity, settled = count, True
            name = line.raw[name_start : starred.start()]
    if counted and len(others) == 1 and quantity == ONE and not settled and (
            between := re.search(r"(?<=\S)\s(\d{1,3})\s*$", up[:name_end])) and int(between.group(1)):
        # `VIS BOIS 4X40 STE200 4 9,50 38,08`: the count column's, when no figures settle it (a
        # misread total leaves the product off); or the unit price dividing the line's total
        ratio = price.value / others[0].value if others[0].value else Decimal(0)
        whole = ratio == ratio.to_integral_value() and 1 <= ratio <= MAX_GARBLED_QTY
        quantity = ratio if whole else Decimal(between.group(1))
        name = line.raw[name_start : between.start()]
    name = price_echo_cut(_clean_name(name), price.value)
    if (_letters(name) < MIN_NAME_LETTERS and not FUEL_GRADE.match(name.upper())) or quantity <= 0:
        return None
    return Item(name=name, quantity=quantity, price=value, underlined=line.underlined)


ECHO_COUNT_AS_LETTER = re.compile(r"[TLIl|!][\d.,:;]{3,}")  # `T5559`: `1 5,59`, its count read as a letter


def price_echo_cut(name: str, price: Decimal) -> str:
    """`name` without a last word of figures that holds the price's own digits and more
    (`BALAYAGE 110750` before 107,50: a `1 x 107,50` whose signs were lost; `1:3:70` before
    3,70; `T5559` before 5,59, the count of one read as a letter), or the price itself with
    a separator and the count of one before it (`1 1:19` before 1,19: a table's count and unit
    price). A number that is part of the name does not hold its price (`ROULEAU PEINTURE 180`)."""
    head, _, last = name.rpartition(" ")
    token = last[1:] if ECHO_COUNT_AS_LETTER.fullmatch(last) else last
    digits = re.sub(r"[.,:;]", "", token)
    cents = f"{price:.2f}".replace(".", "")
    if head and digits.isdigit() and len(digits) > len(cents) and cents in digits:
        return head.rstrip(" .,-")
    if head and digits == cents and re.search(r"\d[.,:;]\d\d$", token):
        return re.sub(r"\s1$", "", head).rstrip(" .,-")
    return name


# Digits Tesseract takes for one another on till fonts (`11,00` read `11,60`).
DIGIT_CONFUSIONS = {"0": "689", "6": "085", "8": "063", "9": "0", "5": "6", "3": "8", "1": "7", "7": "1"}


# A table row's figures, read apart: a count, a unit price, the line's total
ROW_COUNT = re.compile(r"\d{1,2}")
ROW_AMOUNT = re.compile(r"\d{1,5}[.,]\d\d")
ROW_TOTAL = re.compile(r"(?P<amount>\d{1,5}[.,]\d\d)|(?P<bare>\d{3,7})|(?P<cut>\d{1,5}[.,]\d?)")


@dataclass(frozen=True)
class TableRow:
    """A row under a table's titles whose figures only add up once one was mended."""

    name: str
    quantity: Decimal
    price: Decimal  # the line's total as read, mended where it was cut or lost its separator
    product: Decimal  # the count times the unit price


def table_row(line: TextLine) -> TableRow | None:
    """`NAME  COUNT  UNIT  TOTAL` under titles with a count column, whose figures add up only once
    what the camera or the engine garbled is undone: the total's separator lost (`3 2,60 780€`),
    its end cut by the photo's edge (`1 96,30 96,3`), one of its digits misread (`2 130,00
    260,08`), the count glued to the unit price (`32,60 7,80`, `412150 486,00` for 4 x 121,50),
    a unit price's digit misread beside a count glued to it (`22,99 5,80` for 2 x 2,90). The
    product must come out to the cent (or one confusable digit from the total as read); rows
    whose figures already add up are left to the usual reading."""
    tokens = list(re.finditer(r"\S+", line.digits))
    while tokens and not re.search(r"\d", tokens[-1].group()) and len(tokens[-1].group()) <= 3:
        tokens.pop()  # `€`, `EUR`, a VAT code
    if len(tokens) < 3:
        return None
    last = tokens[-1].group()
    total = ROW_TOTAL.fullmatch(re.sub(r"\D+$", "", last))  # less a currency, VAT code or speck after it
    if total is None:
        return None
    for quantity, unit, start, glued in _count_and_unit(tokens[:-1]):
        product = till_cents(quantity * unit)
        if product <= 0:
            continue
        shown = f"{product:.2f}"
        if total["amount"]:
            read = _q(total["amount"])
            if read == product and not glued:
                return None  # count, unit and total apart and adding up: the usual reading's
            if read == product or one_digit_misread(read, product):
                price = read  # a misread digit: which of the two it was, the receipt's total settles
            elif glued and (read / quantity).quantize(CENT) * quantity == read \
                    and one_digit_misread(unit, read / quantity):
                price = product = read  # `22,99 5,80`: the unit price's digit misread beside its count
            else:
                continue
        elif total["bare"]:
            if total["bare"] != shown.replace(".", ""):
                continue
            price = product
        else:
            cut = total["cut"].replace(",", ".")
            if not (len(cut) >= 3 and len(cut) < len(shown) and shown.startswith(cut)):
                continue
            price = product
        name = _clean_name(line.raw[:start])
        if _letters(name) < MIN_NAME_LETTERS:
            return None
        return TableRow(name, quantity, price, product)
    return None


def _count_and_unit(tokens: list[re.Match]) -> list[tuple[Decimal, Decimal, int, bool]]:
    """The (count, unit price, where the figures start, whether the two were glued) a row's
    tokens before its total may give: `2 12,25`, or the two glued (`212,25`; `21225`)."""
    found = []
    if len(tokens) >= 2 and ROW_COUNT.fullmatch(tokens[-2].group()) and ROW_AMOUNT.fullmatch(tokens[-1].group()):
        if int(tokens[-2].group()):
            found.append((Decimal(tokens[-2].group()), _q(tokens[-1].group()), tokens[-2].start(), False))
    glued = tokens[-1].group()
    for n in (1, 2):
        count, rest = glued[:n], glued[n:]
        if not count.isdigit() or count.startswith("0") or re.match(r"0\d", rest):
            continue
        if ROW_AMOUNT.fullmatch(rest):
            found.append((Decimal(count), _q(rest), tokens[-1].start(), True))
        elif rest.isdigit() and 3 <= len(rest) <= 6:
            found.append((Decimal(count), Decimal(rest) / 100, tokens[-1].start(), True))
    return found


def one_digit_misread(read: Decimal, other: Decimal) -> bool:
    """Whether `read` is `other` with one digit taken for another the till font confuses
    (`192,00` for 102,00, `3,62` for 3,02)."""
    a, b = f"{read:.2f}", f"{other:.2f}"
    if len(a) != len(b):
        return False
    differ = [(x, y) for x, y in zip(a, b) if x != y]
    return len(differ) == 1 and (differ[0][0] in DIGIT_CONFUSIONS.get(differ[0][1], "")
                                 or differ[0][1] in DIGIT_CONFUSIONS.get(differ[0][0], ""))


def reconcile_prices(items: tuple[Item, ...], target: Decimal) -> tuple[Item, ...] | None:
    """The items with one misread price digit repaired, when exactly one repair makes them sum to `target`."""
    gap = target - sum((i.price for i in items), Decimal(0))
    if not gap:
        return None
    fixes = []
    for k, it in enumerate(items):
        text = f"{it.price:.2f}"
        for pos, ch in enumerate(text):
            for alt in DIGIT_CONFUSIONS.get(ch, ""):
                value = Decimal(text[:pos] + alt + text[pos + 1 :])
                if value > 0 and value - it.price == gap:
                    fixes.append((k, value))
    if len(fixes) != 1:
        return None
    k, value = fixes[0]
    return items[:k] + (Item(items[k].name, items[k].quantity, value, items[k].underlined),) + items[k + 1 :]


# Prices the amount reader refuses, as damaged print leaves them at the end of an item line;
# (pattern, cents filled in): `27 70` (a comma swallowed by a pen stroke), `3410` (lost),
# `78,0€` (a zero read as the euro sign), `51,504` (the euro sign read as a digit).
DAMAGED_PRICES = (
    re.compile(r"(?<![\d,.])(?P<units>\d{1,4})(?:\s|\s?[/:;']\s?)(?P<cents>\d\d)\s*(?:€|EUR)?\s*[A-F]?\s*$"),
    re.compile(r"(?<![\d,.\s])\s(?P<units>\d{1,4})(?P<cents>\d\d)\s*(?:€|EUR)?\s*[A-F]?\s*$"),
    re.compile(r"(?<![\d,.])(?P<units>\d{1,4})[,.](?P<cents>\d)\s?€\s*(?:EUR)?\s*[A-F]?\s*$"),
    re.compile(r"(?<![\d,.])(?P<units>\d{1,4})[,.](?P<cents>\d\d)\d\s*[A-F]?\s*$"),
)


COUNT_BEFORE_BARE_PRICE = re.compile(
    r"(?<=[A-Za-z0-9%])\s(?P<q>\d{1,2})\s(?P<units>\d{1,4})(?P<cents>\d\d)\s*(?:€|EUR)?\s*[A-F]?[\s|]*$")


def damaged_price(digits: str) -> re.Match | None:
    return next((m for rule in DAMAGED_PRICES if (m := rule.search(digits))), None)


def _shown_digits(text: str) -> str:
    """The figures of `text` but its zeros (a lost price's zeros are often lost with it)."""
    return re.sub(r"\D", "", text).replace("0", "")


def recover_items(lines: list[TextLine], start: int, end: int, items: tuple[Item, ...],
                  target: Decimal) -> tuple[Item, ...] | None:
    """The items with the lines whose price could not be read added back, when that makes
    them sum exactly to `target` (a total the payment or VAT lines vouch for).

    A damaged price (see `DAMAGED_PRICES`) is read as its digits allow. A price lost
    altogether (print smeared to debris, or `27,9` for 27,09) is the gap left by the
    other items, taken only for the one line among the items that has a product name
    and no price, and only if the digits it does show agree with that gap.
    """
    gap = target - sum((i.price for i in items), Decimal(0))
    if gap <= 0:
        return None
    first = next((i for i in range(start, end) if parse_items(lines, start, i + 1).items), None)
    priced = next((i for i in range(start, end) if (damaged_price(lines[i].digits) or COUNT_BEFORE_BARE_PRICE.search(
        lines[i].digits)) and not _is_info(lines[i])), end)
    if first is None:  # no item read at all: they start below the header's last phone, legal or date line
        first = max((i + 1 for i in range(start, priced) if _is_info(lines[i])), default=start)
    elif priced < first and not any(_is_info(lines[i]) for i in range(priced, first)):
        first = priced  # the first item's price is the damaged one
    above = _shown_digits(lines[first - 1].digits) if start < first else ""
    if len(above) >= 2 and above == _shown_digits(f"{gap:.2f}") and not _is_info(lines[first - 1]):
        first -= 1  # `GANTS DE TRAVAIL “409` above the first item read: its price, separator lost
    found: list[tuple[int, Item]] = []
    unpriced: list[tuple[int, str, Decimal]] = []
    bare_found: list[int] = []
    for i in range(first, end):
        line = lines[i]
        if _price(line) is not None or _qty_line(line) is not None or _is_info(line) or L.DISCOUNT.search(line.labels):
            continue
        if i + 1 < end and _qty_line(lines[i + 1]) is not None:
            continue  # a name whose quantity line follows
        m = damaged_price(line.digits)
        lead = LEADING_QTY_X.match(line.digits) or LEADING_QTY.match(line.digits)
        quantity = _q(lead["q"]) if lead and int(lead["q"]) else ONE
        if m is None and (bare := COUNT_BEFORE_BARE_PRICE.search(line.digits)) and int(bare["q"]):
            # `SHAMPOOING DOUX 250ML 2 598` under `PRODUIT QTE MONTANT`: the count, then the
            # price with its separator lost (`1 120` for 7,20: a digit misread too, see below)
            name = _clean_name(line.raw[: bare.start()])
            if _letters(name) >= MIN_NAME_LETTERS:
                price = Decimal(f"{int(bare['units'])}.{bare['cents']}")
                found.append((i, Item(name, Decimal(bare["q"]), price, line.underlined)))
                bare_found.append(len(found) - 1)
            continue
        raw = line.raw[lead.end() if lead else 0 : m.start() if m else None]
        name = _clean_name(m and raw or re.sub(r"[\d\s,.:;'/]+(?:€|EUR|E)?\W*$", "", raw, flags=re.IGNORECASE))
        if _letters(name) < MIN_NAME_LETTERS:
            continue
        if m:
            price = Decimal(f"{int(m['units'])}.{m['cents']:0<2}")
            found.append((i, Item(name, quantity, price, line.underlined)))
        elif _letters(name) >= MIN_UNPRICED_LETTERS:
            unpriced.append((i, name, quantity))
    rest = gap - sum((it.price for _, it in found), Decimal(0))
    if rest > 0 and len(unpriced) == 1:
        i, name, quantity = unpriced[0]
        times = QTY_TIMES_UNIT.search(lines[i].digits)
        shown = _shown_digits(lines[i].digits[lines[i].digits.find(name.upper()[-3:]) + 3 :])
        if times and _q(times["q"]) * _q(times["u"]) == rest and lines[i].raw[: times.start()].strip():
            # `BLOND ABSOLU 2*51,50 103, AA`: the count and unit price say what the lost price is
            name, quantity, shown = _clean_name(lines[i].raw[: times.start()]), _q(times["q"]), ""
        if shown == _shown_digits(f"{rest:.2f}") or not shown:
            found = sorted([*found, (i, Item(name, quantity, rest, lines[i].underlined))], key=lambda f: f[0])
    short = gap - sum((it.price for _, it in found), Decimal(0))
    if short and len(bare_found) == 1 and not unpriced:
        i, item = found[bare_found[0]]
        if item.price + short > 0 and one_digit_misread(item.price, item.price + short):
            found[bare_found[0]] = (i, replace(item, price=item.price + short))
    if not found or sum(it.price for _, it in found) != gap:
        return None
    out = list(items)
    for i, item in reversed(found):  # each at its place: after the items of the lines above it
        out.insert(len(parse_items(lines, start, i).items), item)
    return tuple(out)


def separators_restored(items: tuple[Item, ...], target: Decimal) -> tuple[Item, ...] | None:
    """The items with prices read as whole euros given their cents back (`PAIN AU CHOCOLAT 130€`
    and `PAIN DE CAMPAGNE 590€` under a paid 7,20: the points lost), when that alone makes them
    add up to `target`: all such prices at once, or else the one that does."""
    whole = [k for k, it in enumerate(items) if it.price >= 100 and it.price == it.price.to_integral_value()]
    if not whole:
        return None
    for ks in [whole] + ([[k] for k in whole] if len(whole) > 1 else []):
        mended = tuple(replace(it, price=(it.price / 100).quantize(CENT)) if k in ks else it
                       for k, it in enumerate(items))
        if sum((it.price for it in mended), Decimal(0)) == target:
            return mended
    return None


def split_thousands(items: tuple[Item, ...], discounts: Decimal, vouched: set[Decimal]) -> tuple[Item, ...] | None:
    """`PERCEUSE VISSEUSE 18 169,00`: a number ending the name, read with the price as a
    thousands group (18 169,00). Split back when that alone makes the items add up to an
    amount the payment, subtotal or VAT lines give, and only one such item does."""
    total = sum((i.price for i in items), Decimal(0)) + discounts
    if not vouched or total in vouched:
        return None
    fixes = []
    for k, it in enumerate(items):
        if it.price < 1000:  # whatever the count: the price is the line total
            continue
        head, price = divmod(it.price, 1000)
        if total - it.price + price in vouched:
            fixes.append((k, Item(f"{it.name} {int(head)}", it.quantity, price, it.underlined)))
    if len(fixes) != 1:
        return None
    k, fixed = fixes[0]
    return items[:k] + (fixed,) + items[k + 1 :]

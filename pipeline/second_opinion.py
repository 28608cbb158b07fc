"""Which lines of a primary reading the second engine reads again.

Tesseract is weakest on the few fields that matter most: confusable digits in the
total (large or faint print) and the postal code. A throw-away trial on real French
scans found PP-OCR right on 0.96 of totals and all postal codes where Tesseract
plateaued near 0.76 and 0.95, so those lines are re-read (a few crops cost tens of
milliseconds, a full-page PP-OCR pass seconds), the total's unless the items and two
total or payment lines already agree on it. Other lines are re-read
only when the primary parse is missing them or inconsistent: the first header
lines when the shop name is missing, date lines when the date is, and the item
lines when the items do not add up to the total, the ticket number's line when it
starts with a digit a padding zero is misread as (6, 8, 9; or holds one where the SIRET or the
postal code show the font's zeros misread), the SIRET's line when it fails its check
keys, and the shop name's line when one of its words was read with doubt. Lines a
participant underlined are always re-read whole: the pen runs through their letters.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rapidfuzz import fuzz

from pipeline.parse import postcodes
from pipeline.parse.retailer import luhn_ok, zero_variants
from pipeline.parse.text import fold, zeros_misread_in
from pipeline.values import Line, ReceiptFields

TOTAL_LABELS = re.compile(r"TOTAL|TOT\b|PAYER|MONTANT|NET\b|TTC|\bDU\b|CB\b|CARTE|ESPECES|CHEQUE|PERCU|RENDU")
# a postal code, or what is left of one: letters or a € for some digits, a character too many
# (`0GC000 NICE`, `5900€ LILLE`): the parser finds no code there, PP-OCR may
POSTAL = re.compile(r"(?<![\w€])\d[\dOILSBGCDQ€]{4,5}(?![\w€])")
POSTAL_DIGITS = 3  # of them, at least
# a date, a time, or a date that lost its second separator (`LE 11 08/72026`: 17/08/2026)
DATE_LIKE = re.compile(r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}|\d{1,2}\s*[H:]\s*\d{2}|\b\d{1,2}\s*/\s*\d{5,6}\b")
# a price at the end of a line, its separator read, misread or lost (`13,70`, `41,/9`, `135710`, `27 70`),
# its comma read as a mark (`32; 99`, `E3%50` for 13,50), or a digit too many in its cents (`30,060`)
PRICE_AT_END = re.compile(r"(?:\d\s*[,.:;/%]\s*\S?\d|\d[,.]\d{3}|\s\d{3,6}|\s\d{1,4}\s\d\d)\s*(?:€|EUR|[A-Z])?\s*$")
ZERO_LOOKALIKES = re.compile(r"[689]")
# a ticket's number opening with 6 or 8 after a zero-padded till number (`0003-671948`): its own padding zero
PADDED_GROUP = re.compile(r"^0\d*[-\s/](?=[68]\d{3,}$)")
STREET_NUMBER_B = re.compile(r"^\d{1,3}8\s")
NAME_LINES = 2  # the shop name is printed in the first lines of the header
MAX_POSTAL_LINES = 2
MAX_TOTAL_LINES = 4
CONFIRMING_LINES = 2  # lines printing the total (its own, a payment's) that, with the items, confirm it
MAX_ITEM_LINES = 16
FOOTER_DIGITS = 5  # a footer line holding this many digits may be a garbled date and time
MAX_FOOTER_LINES = 3
DOUBTED_WORD = 90.0  # a shop name with a word read with less confidence is read again (0-100)
SKIPPED_WORD_GAP = 2.5  # characters between two words of a name: one space is one character
NAME_LINE_MATCH = 90  # rapidfuzz partial ratio of the parsed name to the line it was cut from


def items_agree(fields: ReceiptFields) -> bool:
    """The items add up to the total or the subtotal, less the discounts printed among them
    (`AVANTAGE FIDELITE -5,00` between the products and `MONTANT DU`) or not."""
    if not fields.items or fields.total is None:
        return False
    items = sum((i.price for i in fields.items), Decimal(0))
    return items in (fields.total, fields.subtotal) or (
        fields.discounts != 0 and items + fields.discounts in (fields.total, fields.subtotal))


def lines_to_recheck(lines: tuple[Line, ...], fields: ReceiptFields) -> list[tuple[int, bool]]:
    """(line index, figures only) for each line to read again, in page order.

    "Figures only" lines are re-read on the span of their digits: the total, the postal
    code, the prices. Name and date lines are re-read whole.
    """
    folded = [fold(line.text) for line in lines]
    header = max(3, len(lines) // 3)
    whole: set[int] = set()
    figures: set[int] = set()

    postal = [i for i in range(min(header, len(lines)))
              if any(sum(c.isdigit() for c in m) >= POSTAL_DIGITS for m in POSTAL.findall(folded[i]))]
    figures.update(postal[:MAX_POSTAL_LINES])
    totals = [i for i, t in enumerate(folded) if TOTAL_LABELS.search(t) and re.search(r"\d", t)]
    if not total_confirmed([lines[i] for i in totals], fields):
        figures.update(totals[:MAX_TOTAL_LINES])

    if fields.retailer.name is None or fields.confidence.get("retailer", 0) < 0.8:
        whole.update(range(min(NAME_LINES, len(lines))))
    elif (at := name_line(lines[:header], fields.retailer.name)) is not None and (
            any(w.conf < DOUBTED_WORD for w in lines[at].words) or word_skipped(lines[at])):
        whole.add(at)  # `NOCTBELLE`, `STYL HAIR`: a letter or an apostrophe misread; `CAFE SPORTS`
    # lines a participant underlined: the pen crossed their letters' feet (read whole, unerased)
    whole.update([i for i, line in enumerate(lines) if line.underlined][:MAX_ITEM_LINES])
    if fields.date is None:
        whole.update(i for i, t in enumerate(folded) if DATE_LIKE.search(t))
        # a date line garbled past a date's shape (`Seti 20-11352` for `3.11.26 11:52`): the
        # lines of figures in the lower half that are no price, total or payment
        figures_below = [i for i in range(len(lines) // 2, len(lines))
                         if sum(c.isdigit() for c in folded[i]) >= FOOTER_DIGITS
                         and not PRICE_AT_END.search(folded[i]) and not TOTAL_LABELS.search(folded[i])]
        whole.update(figures_below[:MAX_FOOTER_LINES])
    if fields.retailer.address and STREET_NUMBER_B.match(fields.retailer.address):
        # `278 AV.`: the B of 27B (bis) is read as an 8; PP-OCR tells them apart
        figures.update([i for i, line in enumerate(lines[:header]) if fields.retailer.address in line.text][:1])
    if fields.ticket and (ZERO_LOOKALIKES.match(fields.ticket) or PADDED_GROUP.match(fields.ticket) or (
            ZERO_LOOKALIKES.search(fields.ticket) and zeros_in_doubt(lines, fields))):
        # `046184` read `646184`: a padding zero read as 6, 8 or 9; `56884` for 56804 in a font
        # whose zeros the SIRET or postal code show misread
        figures.update([i for i, line in enumerate(lines) if fields.ticket in line.text][:1])
    if fields.retailer.siret and not luhn_ok(fields.retailer.siret):
        # `26127103600006`: misread digits the parser could not repair from the check keys
        figures.update([i for i, line in enumerate(lines) if fields.retailer.siret in digits_of(line.text)][:1])
    if (fields.items or fields.total is not None) and not items_agree(fields):
        # the items end at the first total line below a price (`PLACE DU MARCHE` is no `MONTANT DU`)
        first_price = next((i for i, t in enumerate(folded) if PRICE_AT_END.search(t)), 0)
        end = next((i for i in totals if i > first_price), len(lines))
        item_lines = [i for i in range(header // 2, end) if PRICE_AT_END.search(folded[i])]
        figures.update(item_lines[:MAX_ITEM_LINES])
    return sorted({i: i not in whole for i in whole | figures}.items())


def word_skipped(line: Line) -> bool:
    """Whether two neighbouring words of the line stand so far apart that a word between them
    went unread (`CAFE     SPORTS`: Tesseract dropped DES and read the rest confidently)."""
    words = [w for w in line.words if any(c.isalnum() for c in w.text)]  # not a rule's `|` in the margin
    for a, b in zip(words, words[1:]):
        advance = (a.box[2] + b.box[2]) / (len(a.text) + len(b.text))  # a character's, with its spacing
        if b.box[0] - (a.box[0] + a.box[2]) > SKIPPED_WORD_GAP * advance:
            return True
    return False


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


def zeros_in_doubt(lines: tuple[Line, ...], fields: ReceiptFields) -> bool:
    """The print shows a font whose zeros Tesseract reads as 6, 8 or 9: the SIRET passed
    its check keys only with such digits read as 0 (`845696707 66957`), or the postal
    code is no place while the same code with zeros is (`67666` for 67000), or was printed
    so and its city restored it."""
    siret = fields.retailer.siret
    if siret and luhn_ok(siret) and printed_with_zeros_misread(lines, siret, r"\d{14}"):
        return True
    code = fields.retailer.postal_code
    if code and len(code) == 5:
        if printed_with_zeros_misread(lines, code, r"(?<!\d)\d{5}(?!\d)"):
            return True  # `67666 STRASBOURG`: the code its city restored
        places = postcodes.table()
        return not places.exists(code) and any(n and places.exists(v) for n, v in zero_variants(code, 2))
    return False


def printed_with_zeros_misread(lines: tuple[Line, ...], value: str, runs: str) -> bool:
    """Some line prints `value` (as the `runs` pattern finds figures) with zeros read as 6, 8 or 9."""
    return any(run != value and zeros_misread_in(run, value)
               for line in lines for run in re.findall(runs, digits_of(line.text)))


def total_confirmed(total_lines: list[Line], fields: ReceiptFields) -> bool:
    """The total is printed on two of its `total_lines` or more (the total's, a payment's) and
    the items add up to it: three readings agree, and re-reading those lines could not do
    better (on 418 generated receipts, skipping the crops changed no field)."""
    if fields.total is None or not items_agree(fields):
        return False
    amount = f"{fields.total:.2f}".replace(".", ",")
    return sum(amount in line.text.replace(".", ",").replace(" ", "") for line in total_lines) >= CONFIRMING_LINES


def name_line(lines: tuple[Line, ...], name: str) -> int | None:
    """The index of the line the shop name was read from (tidied, so matched loosely)."""
    scores = [fuzz.partial_ratio(fold(name), fold(line.text)) for line in lines]
    best = max(range(len(scores)), key=scores.__getitem__, default=None)
    return best if best is not None and scores[best] >= NAME_LINE_MATCH else None


CURRENCY_WORD = re.compile(r"^(?:€|EUR|EUROS?|E)[.,:;]?$", re.IGNORECASE)
FIGURE = re.compile(r"^[^A-Za-z]*\d[^A-Za-z]*(?:€|EUR|E)?$")  # 24,50  *6.50  24,50€ ; not 250ML, X8


SEPARATORS = (",", ".")


def is_figure(word: str) -> bool:
    return bool(FIGURE.match(word))


def digit_span(line: Line) -> tuple[int, int, int, int]:
    """The box of the line's figures: its trailing run of words holding digits (a price,
    a total), else its first word holding digits (a postal code); the whole line if none."""
    has_digit = [is_figure(w.text) for w in line.words]
    if not any(has_digit):
        return line.box
    last = len(has_digit) - 1
    while last > 0 and not has_digit[last] and CURRENCY_WORD.match(line.words[last].text):
        last -= 1  # `115,20 EUR`: the figures before the currency word
    if has_digit[last]:
        has_digit = has_digit[: last + 1]
        start = len(has_digit) - 1
        while start > 0 and (has_digit[start - 1] or (  # `218 , 30€`: a separator read apart
                start > 1 and line.words[start - 1].text in SEPARATORS and has_digit[start - 2])):
            start -= 1
        # `ROULEAU PEINTURE 180  1*12.90  12.90`: a bare number before the figures ends the name
        priced = re.search(r"\d[,.]\d\d", line.words[len(has_digit) - 1].text)
        while priced and start < len(has_digit) - 1 and line.words[start].text.isdigit():
            start += 1
        boxes = [w.box for w in line.words[start : len(has_digit)]]
    else:
        boxes = [line.words[has_digit.index(True)].box]
    x0 = min(b[0] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    return (x0, line.box[1], x1 - x0, line.box[3])

"""Turn stored readings into fields: parse the readings, then take each field from
the engine that reads it best.

This is the only step a batch re-parse runs: it needs no image and no OCR. Lines
re-read by the second engine replace the primary engine's lines at the same place;
that merged text is the reference for the total and the postal code (the fields
the second engine was chosen for), and for the items when only its items add up.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from difflib import SequenceMatcher
from itertools import accumulate

from pipeline.parse import parse_receipt, postcodes
from pipeline.parse.retailer import FRENCH_PARTICLES, letters_dropped, luhn_ok
from pipeline.parse.text import LETTER_LOOKALIKES
from pipeline.parse.words import is_word
from pipeline.second_opinion import PADDED_GROUP, digits_of, is_figure, items_agree
from pipeline.values import Line, Reading, ReceiptFields, Tender

PARSER_VERSION = "91"
QUOTE_MARKS = {'"', "“", "”", "‘", "’", "`", "´"}  # what an apostrophe is read as
WORD_BREAK = re.compile("[\\s'" + "".join(sorted(QUOTE_MARKS)) + "]+")
CLEARER = 5.0  # an underlined line's name re-read whole replaces the first when this much more confident (0-100)
GLUED = 0.6  # ...and when it has at least this share of the first's words (PP-OCR may drop spaces)
SURER = 0.05  # a second reading this much more confident than the first replaces it
WEAK_NAME = 0.6  # a shop name read with less confidence yields to the second engine's better read
CLEAR_NAME = 0.9  # a second reading of the name this confident may mend the first's letters
HEADER_LINES = 4  # the first engine's lines where a name it doubted may stand


# PP-OCR may drop the space between two amounts of a crop: `1*29,8029,80` is `1*29,80 29,80`
GLUED_AMOUNTS = re.compile(r"(\d[,.]\d\d)(?=\d{1,5}[,.]\d\d(?!\d))")
# and a postal code glued to its city: `13001MARSEILLE`
GLUED_POSTCODE = re.compile(r"(?<!\d)(\d{5})(?=[A-Za-z]{3})")
# and a price glued to the name before it: `250M34.30`, `KA18.00`
GLUED_PRICE = re.compile(r"([A-Za-z])(?=\d{1,5}[,.]\d\d(?!\d))")
# and a date glued to the word after it: `22/05/2025Heure:18:42`
GLUED_DATE = re.compile(r"(?<!\d)(\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2}))(?=[A-Za-z])")
# and a date glued to its time: `3.11.2611:52`, `22/05/202518:42` (a year is 20xx or two digits)
GLUED_DATE_TIME = re.compile(r"(?<!\d)(\d{1,2}[/.\-]\d{1,2}[/.\-](?:20\d\d|\d\d))(?=\d{1,2}[:H]\d\d(?!\d))")
# and a count of one glued to a unit price that lost its comma, before the same amount as the
# line's total: `1390939.09` is `1 39,09 39.09`
GLUED_ECHO = re.compile(r"(?<![\d,.])(1)(\d{1,4})(\d\d)(?=(\2[,.]\3)(?!\d))")
MINUS = re.compile(r"^\s*[-—–]")
CENTS_BOTH = re.compile(r"\d[,.]\d\d(?!\d)")
ONE_CENT_DIGIT = re.compile(r"\d+[,.]\d")
AMOUNT_AT_END = re.compile(r"\d\s?[,.]\s?\d\d\s*(?:€|EUR|E|[A-Z]UR)?\W{0,2}$", re.IGNORECASE)


def unglue(text: str) -> str:
    """The spaces the second engine may drop between two amounts, a count and a unit price,
    a postal code and its city, a name and its price, or a date and the word or the time after it."""
    text = GLUED_ECHO.sub(r"\1 \2,\3 ", text)
    text = GLUED_PRICE.sub(r"\1 ", GLUED_POSTCODE.sub(r"\1 ", GLUED_AMOUNTS.sub(r"\1 ", text)))
    return GLUED_DATE_TIME.sub(r"\1 ", GLUED_DATE.sub(r"\1 ", text))


def spaced_like(read: str, words: list[str]) -> str:
    """`read` cut where the first reading cut the same characters into `words`, when the second
    engine dropped spaces the first kept between groups of figures, and the two differ only in
    digits (`0191005021948 19/09/202514:27:59` over `6191 005 921948 19/99/2025 14:27:59`: a
    till line's numbers, date and time). Not a separator the first read apart (`39 , 50`)."""
    bare, first = read.replace(" ", ""), "".join(words)
    if (len(words) < 2 or read.count(" ") >= len(words) - 1 or len(bare) != len(first)
            or not all(len(w) >= 2 and any(c.isdigit() for c in w) for w in words)
            or any(a != b and not (a.isdigit() and b.isdigit()) for a, b in zip(bare, first))):
        return read
    cuts = [0, *accumulate(len(w) for w in words)]
    return " ".join(bare[a:b] for a, b in zip(cuts, cuts[1:]))


def splice(line: Line, correction: Line) -> Line:
    """The line with the words under the correction's span replaced by its text."""
    correction = replace(correction, text=unglue(correction.text))
    span = correction.words[0].box if correction.words else line.box
    if span == line.box or not line.words:
        text = spaced_like(correction.text, [w.text for w in line.words])
        return Line(text=text, conf=correction.conf, box=line.box, underlined=line.underlined)
    x0, x1 = span[0], span[0] + span[2]
    inside = lambda w: w.box[0] + w.box[2] > x0 and w.box[0] < x1  # noqa: E731
    before = [w.text for w in line.words if not inside(w) and w.box[0] < x0]
    after = [w.text for w in line.words if not inside(w) and w.box[0] >= x1]
    replaced = "".join(w.text for w in line.words if inside(w))
    read = spaced_like(correction.text, [w.text for w in line.words if inside(w)])
    if CENTS_BOTH.search(replaced) and ONE_CENT_DIGIT.fullmatch(read.strip()):
        return line  # `183.6` read over `183.60`: the second engine lost a digit of the cents
    if MINUS.match(replaced) and not MINUS.match(read) and is_figure(read):
        read = "-" + read  # PP-OCR drops the minus of a discount (`-5,00` read `5,00`)
    text = " ".join([*before, read, *after])
    return Line(text=text, conf=min(line.conf, correction.conf) if before or after else correction.conf,
                box=line.box, words=line.words, underlined=line.underlined)


def name_and_figures(text: str) -> tuple[str, str]:
    """A line's text cut before its trailing figures (`SOIN FUSIO 18,00 EUR`: `SOIN FUSIO`,
    `18,00 EUR`); the figures are empty when none end it."""
    tokens = text.split()
    end = len(tokens)
    while end and not re.search(r"\d", tokens[end - 1]) and len(tokens[end - 1]) <= 3:
        end -= 1  # a currency word, read well or not (`EUR`, `FUR`, `€`), or a speck
    start = end
    while start and is_figure(tokens[start - 1]):
        start -= 1
    name = tokens[:start] if start < end else tokens[:]
    while name and re.search(r"\d", name[-1]) and sum(c.isalpha() for c in name[-1]) <= 1:
        name.pop()  # figures garbled by the pen (`t40-29-`, `F0`): neither name nor price
    return " ".join(name), " ".join(tokens[start:]) if start < end else ""


def underlined_line(line: Line, correction: Line, figures_second: bool = False) -> Line:
    """An underlined line from its two readings, the second read whole on the page before
    a dark pen was erased: the name from the clearer one (not from one that glued the words
    together), the figures from the clearer one of those that end in an amount (from the
    second whenever it ends in one, with `figures_second`)."""
    first, second = line.text, unglue(correction.text)
    name_1, figures_1 = name_and_figures(first)
    name_2, figures_2 = name_and_figures(second)
    clearer = correction.conf >= line.conf + CLEARER
    name = name_2 if clearer and len(name_2.split()) >= GLUED * len(name_1.split()) else name_1
    ends_2 = bool(figures_2) and AMOUNT_AT_END.search(second)
    if ends_2 and len(second) - ends_2.start() > len(figures_2):
        figures_2 = second[ends_2.start():]  # `N.8, 50.`: the amount began inside a token with a letter
    figures = figures_2 if ends_2 and (clearer or figures_second or not AMOUNT_AT_END.search(first)) else figures_1
    if name == name_1 and figures == figures_1:
        return line
    return Line(text=f"{name} {figures}".strip(), conf=correction.conf if clearer else line.conf,
                box=line.box, underlined=True)


def merge_lines(primary: tuple[Line, ...], corrections: tuple[Line, ...],
                figures_second: bool = False) -> tuple[Line, ...]:
    """The primary lines with the second engine's corrections spliced in (matched by box),
    and the lines it read where the primary engine saw none, in their place from the top.
    With `figures_second`, an underlined line re-read whole takes the second's figures
    even where its reading was no clearer."""
    by_box = {c.box: c for c in corrections if c.text.strip()}
    merged = []
    for line in primary:
        c = by_box.pop(line.box, None)
        if c is not None and line.underlined and c.words and c.words[0].box == line.box:
            merged.append(underlined_line(line, c, figures_second))  # re-read whole: the better parts of the two
        else:
            merged.append(line if c is None else splice(line, c))
    for extra in sorted(by_box.values(), key=lambda c: c.box[1], reverse=True):
        at = next((i for i, line in enumerate(merged) if line.box[1] > extra.box[1]), len(merged))
        merged.insert(at, extra)
    return tuple(merged)


def same_code_misread(first: str | None, second: str | None) -> bool:
    """Two readings of one postal code: same department, a few confusable digits apart
    (not another line's number)."""
    if not second or not first or first == second or len(first) != len(second):
        return bool(second) and not first
    return first[:2] == second[:2] and sum(a != b for a, b in zip(first, second)) <= 3


def name_mended(first: str, second: str) -> str | None:
    """`first` mended by a second reading of its line that shows what Tesseract gets wrong
    in shop names: an apostrophe it lost (`STYL HAIR`, `COIFFAND CO`) or read as a quote mark
    (`QUICK" EAT`), or one letter misread
    (`NOCTBELLE`), or more where each word they change becomes a French or English word
    (`WATSON CAPILLATRE` by `MAISON CAPILLAIRE`). Words and letters the second reading lacks
    stay: a stray letter of the table (`A BELLE MECHE`) looks like a chain's (`U CITY MARCHE`,
    `L'ESPACE K`), and PP-OCR drops letters (`ARTEMIS COIFURE` mends `ARTENIS COIFFURE`).
    The second reading often drops spaces (`PROXICENTRE`), so letters are compared without
    them and the first's spaces kept. A word it shows between two of the first's, where
    nothing else differs, is one Tesseract skipped (`CAFE SPORTS` by `CAFE DES SPORTS`). Any
    other difference (an apostrophe it lacks: `LANBASSADE`) leaves the name as it was."""
    target = second.replace(" ", "").upper()
    bare = first.replace(" ", "")
    if bare.upper() == target:
        return None  # the same letters: nothing to mend
    spaces = {i - k for k, i in enumerate(j for j, ch in enumerate(first) if ch == " ")}  # before bare[i]
    out: list[tuple[str, str]] = []  # (an apostrophe or a whole word, or a letter)
    letters = words = 0
    for op, i1, i2, j1, j2 in SequenceMatcher(None, bare.upper(), target, autojunk=False).get_opcodes():
        if op == "equal":
            out += [("", bare[i]) for i in range(i1, i2)]
        elif op == "insert" and target[j1:j2] == "'" and 0 < i1 < len(bare):
            out.append(("'", ""))
        elif op == "replace" and target[j1:j2] == "'" and bare[i1:i2] in QUOTE_MARKS and 0 < i1 < len(bare) - 1:
            out.append(("'", bare[i1]))  # its apostrophe read as a quote mark (`QUICK" EAT`)
        elif op == "insert" and i1 in spaces and skipped_word(target[j1:j2]):
            words += 1
            out.append((target[j1:j2] if first.isupper() else target[j1:j2].lower(), ""))
        elif op == "delete" and bare[i1:i2].isalpha():
            out += [("", bare[i]) for i in range(i1, i2)]  # letters the second reading dropped stay
        elif op == "replace" and i2 - i1 == j2 - j1 and bare[i1:i2].isalpha() and target[j1:j2].isalpha():
            letters += i2 - i1
            out += [("", t if b.isupper() else t.lower()) for b, t in zip(bare[i1:i2], target[j1:j2])]
        else:
            return None
    mended, i = "", 0
    for mark, ch in out:
        if len(mark) > 1:
            mended += " " + mark  # the word Tesseract skipped; the space after it is the first's
        elif mark:
            mended += mark
            i += len(ch)  # the quote mark the apostrophe stands for
        else:
            mended += (" " if i in spaces and not mended.endswith("'") else "") + ch
            i += 1
    if words and (words > 1 or letters or any(mark == "'" for mark, _ in out)):
        return None  # a skipped word is put back only where nothing else differs
    # word by word, an apostrophe parting words as a space does (`L ATELIER` mended `L'ATELIER`)
    pairs = list(zip(apart(first), apart(mended)))
    if letters > 1 and not all(is_word(b) for a, b in pairs if a != b):
        return None  # more than one letter changed, unless into words (`WATSON CAPILLATRE`)
    if any(a != b and a.upper() in FRENCH_PARTICLES for a, b in pairs):
        return None  # `LE BISTROT DU MARCHE` read `DO` by PP-OCR: a particle is read right, or mended apart
    return mended if mended != first else None


def apart(name: str) -> list[str]:
    """A name's words, parted by spaces, apostrophes and what an apostrophe is read as."""
    return [w for w in WORD_BREAK.split(name) if w]


def skipped_word(letters: str) -> bool:
    """Whether letters a second reading shows between two words of the first are a word of
    their own, one Tesseract skipped while reading its neighbours confidently (`CAFE SPORTS`
    for CAFE DES SPORTS): a French particle or `ET`, or a French or English word of three letters
    or more (Tesseract's word lists hold most pairs of letters)."""
    return letters.isalpha() and (letters.upper() in FRENCH_PARTICLES | {"ET"} or (len(letters) >= 3 and is_word(letters)))


def word_put_back(first: str, mended: str) -> bool:
    """Whether `mended` is `first` with one word more between two of its words."""
    a, b = first.split(), mended.split()
    return len(b) == len(a) + 1 and any(b[:k] + b[k + 1 :] == a for k in range(1, len(a)))


def spaces_dropped(first: str, second: str) -> bool:
    """Whether `second` is `first` with spaces dropped (`SALON UCAPELLU` for SALON U
    CAPELLU, whose space the first reading's page showed): PP-OCR glues words."""
    return len(second.split()) < len(first.split()) and "".join(first.upper().split()) == "".join(second.upper().split())


AS_LETTERS = str.maketrans(LETTER_LOOKALIKES)


def garbled_replaced(first: str, second: str) -> str | None:
    """`second`, when all it changes in `first` are runs of words holding debris of a misread
    (a lone character, a word with a figure: `SUPERE 1 1E DU PORT` for SUPERETTE DU PORT),
    each replaced by one word of letters beginning as the run does; every other word equal."""
    a, b = first.split(), second.split()
    if not a or not b or any(not re.fullmatch(r"[A-Za-zÀ-ÿ'&.\-]{2,}", w) for w in b):
        return None
    changed = False
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        run = a[i1:i2]
        if op != "replace" or j2 - j1 != 1 or not any(len(w) == 1 or re.search(r"\d", w) for w in run):
            return None
        if b[j1][:3].upper() != run[0][:3].upper().translate(AS_LETTERS):
            return None
        changed = True
    return second if changed and any(w in a for w in b) else None


def zeros_restored(first: str | None, second: str | None, elsewhere: int = 0) -> str | None:
    """`first` with its leading zero restored, when the second reading shows the 6, 8 or 9 it
    was read as (`646184` and `046184`; PP-OCR may drop the zero: `20831` for `620831`).
    Ticket numbers are zero-padded; elsewhere in them (`F2026`, `081622`) PP-OCR read a 6
    as 0 as often as the reverse, on the generated corpus: a zero inside is restored when
    the second reading restores two (a barred-zero font), or one where it restored
    `elsewhere` zeros on the receipt's other lines (postal code, SIRET, prices)."""
    if not first or not second or first == second:
        return None
    if len(second) == len(first) - 1 and first[0] in "68" and first[1:] == second:
        return "0" + second
    if len(first) == len(second) and first[0] in "689" and second[0] == "0" and first[1:] == second[1:]:
        return second  # `921948` read `021948`
    if (m := PADDED_GROUP.match(first)) and second == f"{first[:m.end()]}0{first[m.end() + 1:]}":
        return second  # `0003-671948`: the number after a padded till number is padded too
    if len(first) == len(second) and all(a == b or a in "68" and padding(second, k)
                                         for k, (a, b) in enumerate(zip(first, second))):
        return second  # `0604-051744`: a till number's padding zero, among zeros
    if (here := zeros_misread(first, second)) >= BARRED_ZEROS or (here and elsewhere >= BARRED_ZEROS):
        return second  # a font whose zeros are barred (θ): Tesseract reads them all as 6 or 8
    return None


BARRED_ZEROS = 2  # zeros the second reading restores throughout a number, for a font's sake


def padding(number: str, at: int) -> bool:
    """Whether `number[at]` is a zero padding a group of figures: zeros from the group's
    start up to it, and figures after it (`0004` in `0004-051744`)."""
    start = max(number.rfind(sep, 0, at) for sep in "-/ ") + 1
    return (at > start and set(number[start : at + 1]) == {"0"} and at + 1 < len(number)
            and number[at + 1].isdigit())


def zeros_elsewhere(primary: tuple[Line, ...], corrections: tuple[Line, ...], ticket: str | None) -> int:
    """Zeros the second reading restored (read as 6 or 8 by the first) on the re-read lines
    that do not hold the ticket number: the font's evidence for the ticket's own."""
    by_box = {line.box: line for line in primary}
    count = 0
    for c in corrections:
        line = by_box.get(c.box)
        if line is None or not c.words or (ticket and ticket in line.text):
            continue
        x0, _, w, _ = c.words[0].box
        replaced = " ".join(word.text for word in line.words
                            if word.box[0] + word.box[2] > x0 and word.box[0] < x0 + w)
        count += zeros_misread(digits_of(replaced), digits_of(c.text))
    return count


def zeros_misread(first: str, second: str) -> int:
    """How many zeros of `second` `first` read as 6 or 8 (one of them as two digits at
    most), when that is all that sets them apart; else 0."""
    count, split = 0, 0
    for op, i1, i2, j1, j2 in SequenceMatcher(None, first, second, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1 and set(first[i1:i2]) <= set("68") and set(second[j1:j2]) == {"0"}:
            count += i2 - i1
        elif op == "replace" and i2 - i1 == j2 - j1 + 1 and set(first[i1:i2]) <= set("068") and set(second[j1:j2]) == {"0"}:
            count, split = count + j2 - j1, split + 1
        elif op == "delete" and i2 - i1 == 1 and first[i1] in "068":
            split += 1
        else:
            return 0
    return count if split <= 1 else 0


def bis_restored(first: str | None, second: str | None) -> str | None:
    """`278 AV. DE LA LIBERATION` with the number's B restored (`27B`) when the second
    reading of the number shows it."""
    if not first or not second:
        return None
    number, _, rest = first.partition(" ")
    if number[-1:] == "8" and re.match(rf"{re.escape(number[:-1])}B(?![\dA-Z])|{re.escape(number[:-1])}B(?=RUE|AV|BD)", second):
        return f"{number[:-1]}B {rest}"
    return None


def prefer_second(base: ReceiptFields, second: ReceiptFields, zeros: int = 0,
                  header: tuple[str, ...] = (), second_figures: ReceiptFields | None = None) -> ReceiptFields:
    """Base fields, with the second engine's shop name (when the first missed or doubted it),
    date (when the first found none), ticket zeros, total, postal code and (when they add up) items.
    `zeros`: the zeros the second reading restored on lines other than the ticket's; `header`:
    the first engine's first lines, which may hold the letters a second name dropped;
    `second_figures`: the second reading parsed with every underlined line's figures its own."""
    fields = base
    conf = dict(base.confidence)
    places = postcodes.table()
    if same_code_misread(base.retailer.postal_code, second.retailer.postal_code) and (
            places.exists(second.retailer.postal_code) or not places.exists(base.retailer.postal_code or "")):
        # the city checked again, or read after the code the second engine found (`5900€ LILLE`)
        code, city = places.repair(second.retailer.postal_code, fields.retailer.city or second.retailer.city)
        fields = replace(fields, retailer=replace(fields.retailer, postal_code=code, city=city))
        conf["postal_code"] = second.confidence.get("postal_code", conf.get("postal_code", 0.5))
    if second.retailer.name and (base.retailer.name is None or (
            second.retailer.name != base.retailer.name
            and (" " in second.retailer.name or " " not in base.retailer.name)  # PP-OCR may drop spaces
            and not letters_dropped(base.retailer.name, second.retailer.name)
            and not spaces_dropped(base.retailer.name, second.retailer.name)
            and conf.get("retailer", 0) < WEAK_NAME <= second.confidence.get("retailer", 0))):
        # the name lines are re-read whole when the primary engine missed or doubted the name;
        # a line it read too faintly to take for the name may still hold letters PP-OCR dropped
        name = next((text for text in header if letters_dropped(text, second.retailer.name)), second.retailer.name)
        fields = replace(fields, retailer=replace(fields.retailer, name=name))
        conf["retailer"] = second.confidence.get("retailer", 0.5)
    elif (base.retailer.name and second.retailer.name
          and second.confidence.get("retailer", 0) >= CLEAR_NAME
          and (name := name_mended(base.retailer.name, second.retailer.name)
                   or garbled_replaced(base.retailer.name, second.retailer.name)) is not None
          and (second.confidence.get("retailer", 0) >= conf.get("retailer", 0) + SURER
               or word_put_back(base.retailer.name, name))):
        # the name's line is re-read whole when one of its words was read with doubt, or when
        # its words stand apart as if one between them went unread: a word put back needs no
        # surer reading, Tesseract reads the words it does not skip confidently
        fields = replace(fields, retailer=replace(fields.retailer, name=name))
        conf["retailer"] = second.confidence["retailer"]
    siret = second.retailer.siret
    if siret and siret != base.retailer.siret and luhn_ok(siret) and (
            base.retailer.siret is None or not luhn_ok(base.retailer.siret)
            or second.confidence.get("siret", 0) > conf.get("siret", 0) + SURER):
        # PP-OCR re-reads the SIRET line's figures; its read passes the check keys without repair
        fields = replace(fields, retailer=replace(fields.retailer, siret=siret))
        conf["siret"] = second.confidence.get("siret", 0.5)
    if (address := bis_restored(base.retailer.address, second.retailer.address)) is not None:
        fields = replace(fields, retailer=replace(fields.retailer, address=address))
    if base.date is None and second.date is not None:
        # date lines are re-read whole when the primary reading found no date (`13 août 2626`),
        # and the time beside it with them (`92;10.25 18:90` read `22.10.25 18:56`)
        fields = replace(fields, date=second.date, time=second.time or fields.time)
        conf["date"] = second.confidence.get("date", 0.5)
        if second.time is not None:
            conf["time"] = second.confidence.get("time", 0.5)
    if (ticket := zeros_restored(base.ticket, second.ticket, zeros)) is not None:
        fields = replace(fields, ticket=ticket)
    elif base.ticket is None and second.ticket is not None:
        # a line the first engine lost between two others (`Receipt No.34465`), read by the second
        fields = replace(fields, ticket=second.ticket)
        conf["ticket"] = second.confidence.get("ticket", 0.5)
    if second.total is not None and second.total != base.total:
        # The second engine reads totals better; Tesseract's total stays only when it is
        # the better confirmed of the two (by items, subtotal, payment or VAT lines), and
        # never against items that add up to the second's while its own do not.
        if base.total is None or second.confidence.get("total", 0) >= base.confidence.get("total", 0) or (
                second.items and sum(i.price for i in second.items) == second.total and not items_agree(base)):
            whole = (Tender(fields.payment, second.total),) if fields.payment else ()  # the shares of that total
            fields = replace(fields, total=second.total, subtotal=second.subtotal or fields.subtotal,
                             payments=second.payments if len(second.payments) > 1 else whole)
            conf["total"] = second.confidence.get("total", conf.get("total", 0.5))
    adding_up = lambda other: other is not None and any(  # noqa: E731
        items_agree(replace(other, total=fields.total, subtotal=sub)) for sub in (fields.subtotal, other.subtotal))
    if second.items and [(i.quantity, i.price) for i in second.items] == [(i.quantity, i.price) for i in fields.items]:
        # the same figures: names from the clearer reading of each underlined line
        fields = replace(fields, items=second.items)
    elif not items_agree(fields) and adding_up(second):
        fields = replace(fields, items=second.items)
        conf["items"] = second.confidence.get("items", conf.get("items", 0.5))
    if not items_agree(fields) and adding_up(second_figures) and len(second_figures.items) == len(fields.items):
        # `COUPE HOMME 1*32.66` read `1*32.0 32.00` under the pen, no clearer: the figures that
        # add up, under the names already chosen
        fields = replace(fields, items=tuple(replace(new, name=old.name)
                                             for new, old in zip(second_figures.items, fields.items)))
        conf["items"] = second_figures.confidence.get("items", conf.get("items", 0.5))
    return replace(fields, confidence=conf)


def interpret(readings: tuple[Reading, ...]) -> ReceiptFields:
    """Fields from every reading of every page (pages read in order as one ticket)."""
    if not readings:
        return ReceiptFields()
    primary: dict[int, list[Line]] = defaultdict(list)
    corrected: dict[int, tuple[Line, ...]] = {}
    for r in readings:
        if r.variant == "lines":
            corrected[r.page] = r.lines
        else:
            primary[r.page].extend(r.lines)
    base = tuple(line for page in sorted(primary) for line in primary[page])
    fields = parse_receipt(base)
    if corrected:
        merged = tuple(line for page in sorted(primary)
                       for line in merge_lines(tuple(primary[page]), corrected.get(page, ())))
        zeros = sum(zeros_elsewhere(tuple(primary[page]), corrected.get(page, ()), fields.ticket) for page in primary)
        header = tuple(line.text.strip() for page in sorted(primary) for line in primary[page][:HEADER_LINES])
        own = tuple(line for page in sorted(primary)
                    for line in merge_lines(tuple(primary[page]), corrected.get(page, ()), figures_second=True))
        fields = prefer_second(fields, parse_receipt(merged), zeros, header,
                               parse_receipt(own) if own != merged else None)
    if any(r.engine == "text-layer" for r in readings):
        fields = replace(fields, markers=tuple(dict.fromkeys((*fields.markers, "e_ticket"))))
    return fields

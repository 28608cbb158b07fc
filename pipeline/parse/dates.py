"""Dates and times of purchase: `21/11/26`, `21 NOV 2026`, `2026-11-21`, `14H32`.

`find_dates` / `find_times` read one string; `pick_date` / `pick_time` choose the
purchase date and time among all the lines of a receipt, keeping away from
validity, expiry and next-appointment dates.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from pipeline.parse.text import ZERO_LOOKALIKES, TextLine, digitize, fold, one_letter_from, zeros_misread_in

MIN_YEAR, MAX_YEAR = 2000, 2099

MONTHS = {
    "JANVIER": 1, "JANV": 1, "JAN": 1, "JANUARY": 1,
    "FEVRIER": 2, "FEVR": 2, "FEV": 2, "FEB": 2, "FEBRUARY": 2,
    "MARS": 3, "MAR": 3, "MARCH": 3,
    "AVRIL": 4, "AVR": 4, "APR": 4, "APRIL": 4,
    "MAI": 5, "MAY": 5,
    "JUIN": 6, "JUN": 6, "JUNE": 6,
    "JUILLET": 7, "JUIL": 7, "JUL": 7, "JULY": 7,
    "AOUT": 8, "AOU": 8, "AUG": 8, "AUGUST": 8,
    "SEPTEMBRE": 9, "SEPT": 9, "SEP": 9, "SEPTEMBER": 9,
    "OCTOBRE": 10, "OCT": 10, "OCTOBER": 10,
    "NOVEMBRE": 11, "NOV": 11, "NOVEMBER": 11,
    "DECEMBRE": 12, "DEC": 12, "DECEMBER": 12,
}  # fmt: skip
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_SEP = r"(?:\s*[/\-]\s*|\.)"

NUMERIC_DMY = re.compile(
    rf"(?<![\d.,])(?P<d>\d{{1,2}}){_SEP}(?P<m>\d{{1,2}}){_SEP}(?P<y>\d{{4}}(?=\d{{1,2}}[:H]\d{{2}})|(?:\d{{4}}|\d{{2}})(?!\d))"
    r"(?!,\d)"
)  # `06/07/202514:53`: a time glued to the year
# `27/1 1/2024`: a month of two ones read apart (a monospace 1 is narrow, its neighbour far)
SPLIT_MONTH_DMY = re.compile(r"(?<![\d.,])(?P<d>\d{1,2})\s?/\s?(?P<m>1\s[0-2])\s?/\s?(?P<y>\d{4}|\d{2})(?!\d)")
# `29.01 26 14:42`: the second separator read as a space; the time after the year vouches for it
SPACED_YEAR_DMY = re.compile(
    r"(?<![\d.,])(?P<d>\d{1,2})[./-](?P<m>\d{1,2})\s(?P<y>\d{4}|\d{2})\s+(?=\d{1,2}[:H]\d{2}(?!\d))")
PHONE = re.compile(r"(?<!\d)0[1-9]([\s.\-]?)\d{2}(?:\1\d{2}){3}(?!\d)")
# A purchase date is recent: later years are misreads (`2064`), kept only when alone.
PLAUSIBLE_YEARS_AHEAD = 1
ISO_YMD = re.compile(r"(?<![\d.,])(?P<y>20\d{2})\s*([-/.])\s*(?P<m>\d{1,2})\s*\2\s*(?P<d>\d{1,2})(?!\d)")
NAMED_MONTH = re.compile(
    rf"(?<!\d)(?P<d>\d{{1,2}})(?:ER)?\s*[-/ .]?\s*(?P<m>{_MONTH_ALT})(?![A-Z])\.?\s*[-/ .,]?\s*(?P<y>\d{{4}}|\d{{2}})(?!\d)"
)
MONTH_FIRST = re.compile(
    rf"(?<![A-Z])(?P<m>{_MONTH_ALT})\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})(?!\d)"
)
# `DATE 220926`, a card slip's `LE 220926 A 150726` with its slashes and colons lost, and
# `LE17082026` (PP-OCR's reading of a slip's date, its separators lost)
COMPACT_AFTER_LABEL = re.compile(r"(?:DATE\s*:?\s*|\bLE\s+(?=\d{6}\s+[AÀ]\s+\d{6}(?!\d))|\bLE\s*(?=\d{8}(?!\d)))"
                                 r"(?P<d>\d{2})(?P<m>\d{2})(?P<y>\d{4}|\d{2})(?!\d)")
SLIP_COMPACT_TIME = re.compile(r"\bLE\s+\d{6}\s+[AÀ]\s+(?P<h>[01]\d|2[0-3])(?P<mi>[0-5]\d)[0-5]\d(?!\d)")
# `LE 12/10/24 A 09-48-26`: a card slip's time, its colons read as dashes (the seconds make it a time)
SLIP_DASHED_TIME = re.compile(r"\bLE\s+\S+\s+[AÀ]\s+(?P<h>[01]\d|2[0-3])\s?-\s?(?P<mi>[0-5]\d)\s?-\s?[0-5]\d(?!\d)")

TIME = re.compile(  # `Heure:18:42` (a label's colon), not the `34:56` of `12:34:56`
    r"(?<![\d.,/])(?<![\d.,/]:)(?P<h>[01]?\d|2[0-3])\s?(?P<sep>[:H]|\.)\s?(?P<mi>[0-5]\d)"
    r"(?:\s?:\s?(?P<s>[0-5]\d))?(?![\d.,/])(?!\s?%)"
)
LOOSE_TIME = re.compile(r"(?<![\d.,:/])(?P<h>\d{1,2})\s?[:H]\s?(?P<mi>\d\d)(?:\s?:\s?\d\d)?(?![\d.,/])(?!\s?%)")
TIME_RANGE = re.compile(r"^\s?(?:-|A|À)\s?\d{1,2}\s?[H:]")

# Words that make a date on the same line something else than the purchase date.
NOT_PURCHASE_WORDS = (
    "VALABLE", "VALIDITE", "VALIDE", "JUSQU", "EXPIR", "EXP ", "EXP.", "EXP:", "LIMITE",
    "DLC", "DLUO", "A CONSOMMER", "AVANT LE", "OFFRE", "FIN ", "NAISSANCE", "NE LE",
    "NEE LE", "ECHEANCE", "GARANTIE", "PROCHAIN", "RDV", "RENDEZ", "REEDITE", "REIMPR",
    "EDITE LE", "UTILISABLE", "RETOUR", "ECHANGE", "PERIODE", "DEPUIS",
    "ADHESION", "INSCRIPTION",
)  # fmt: skip
# Labels printed on the line above a date they qualify (`VALABLE JUSQU'AU :` / `12/12/26`).
LABEL_ABOVE_WORDS = ("VALABLE", "VALIDITE", "JUSQU", "EXPIR", "LIMITE", "ECHEANCE", "PROCHAIN",
                     "RDV", "RENDEZ", "NAISSANCE", "A CONSOMMER", "UTILISABLE")  # fmt: skip
# Words that say "this is when the purchase happened".
PURCHASE_WORDS = ("DATE", "LE ", "TICKET", "CAISSE", "VENTE", "ACHAT", "HEURE", "TRANSACTION")
OPENING_HOURS_WORDS = ("OUVERT", "HORAIRE", "LUNDI", "MARDI", "MERCREDI", "JEUDI", "VENDREDI",
                       "SAMEDI AU", "DIMANCHE", "DU LUNDI", "7J/7", "7/7")  # fmt: skip


@dataclass(frozen=True)
class DateMatch:
    value: date
    start: int
    end: int
    kind: str  # "dmy", "iso", "named", "compact", "mdy"


def _year(y: str) -> int:
    return 2000 + int(y) if len(y) == 2 else int(y)


def _make(d: str, m: int | str, y: str) -> date | None:
    try:
        value = date(_year(y), int(m), int(d))
    except ValueError:
        return None
    return value if MIN_YEAR <= value.year <= MAX_YEAR else None


def find_date_matches(s: str) -> list[DateMatch]:
    """Dates in a folded, digit-repaired line, left to right, impossible ones dropped."""
    found: list[DateMatch] = []

    def overlaps(a: int, b: int) -> bool:
        return any(x.start < b and a < x.end for x in found)

    for m in PHONE.finditer(s):
        found.append(DateMatch(date.min, m.start(), m.end(), "phone"))  # blocks dates inside it
    for m in ISO_YMD.finditer(s):
        value = _make(m["d"], m["m"], m["y"])
        if value:
            found.append(DateMatch(value, m.start(), m.end(), "iso"))
    for m in NUMERIC_DMY.finditer(s):
        if overlaps(m.start(), m.end()):
            continue
        value, kind = _make(m["d"], m["m"], m["y"]), "dmy"
        if value is None and int(m["m"]) > 12:
            value, kind = _make(m["m"], m["d"], m["y"]), "mdy"
        if value:
            found.append(DateMatch(value, m.start(), m.end(), kind))
    for m in SPLIT_MONTH_DMY.finditer(s):
        if not overlaps(m.start(), m.end()) and (value := _make(m["d"], m["m"].replace(" ", ""), m["y"])):
            found.append(DateMatch(value, m.start(), m.end(), "dmy"))
    for m in SPACED_YEAR_DMY.finditer(s):
        if not overlaps(m.start(), m.end()) and (value := _make(m["d"], m["m"], m["y"])):
            found.append(DateMatch(value, m.start(), m.end(), "dmy"))
    s = MONTH_WORD.sub(_month_spelled, s)  # `12 JUILLOT 2024`: one letter of the month misread
    s = DAY_LETTERS.sub(lambda m: m.group().translate(DAY_DIGITS), s)  # `OL JUL 2024`: the 1st
    for pattern in (NAMED_MONTH, MONTH_FIRST, COMPACT_AFTER_LABEL):
        for m in pattern.finditer(s):
            if overlaps(m.start(), m.end()):
                continue
            month = MONTHS.get(m["m"], m["m"])
            value = _make(m["d"], month, m["y"])
            if value is None and pattern is not COMPACT_AFTER_LABEL:
                # `39 JUN 2026`, `13 AOUT 2626`: a zero read as 9 or 6 in the day or the year
                year = m["y"] if len(m["y"]) == 2 or m["y"].startswith("20") else m["y"][0] + "0" + m["y"][2:]
                day = _zeroed(m["d"], 31)
                value = _make(day, month, year) if day is not None else None
            if value:
                kind = "compact" if pattern is COMPACT_AFTER_LABEL else "named"
                found.append(DateMatch(value, m.start(), m.end(), kind))
    found = [x for x in found if x.kind != "phone"]
    found.sort(key=lambda x: x.start)
    return found


LONG_MONTHS = [name for name in MONTHS if len(name) >= 5]
# a day read with letters for its digits, before a month's name and a year
DAY_LETTERS = re.compile(
    rf"(?<![A-Z0-9])(?=[0-9]?[OIL])[0-9OIL]{{1,2}}(?=\s*[-/ .]?\s*(?:{_MONTH_ALT})(?![A-Z])\.?\s*[-/ .,]?\s*(?:\d{{4}}|\d{{2}})(?!\d))"
)
DAY_DIGITS = str.maketrans("OIL", "011")
MONTH_WORD = re.compile(r"(?<![A-Z])[A-Z]{5,9}(?![A-Z])")


MISREAD_TWICE = 7  # a word this long may have two letters of its month misread (`SOPTOMBRE`)


def _month_spelled(m: re.Match) -> str:
    """A word one letter away from a long month name, spelled as that month (same length);
    or two letters away, when the word is long and every month that near is the same one
    (`SOPTOMBRE`: SEPTEMBRE and SEPTEMBER)."""
    word = m.group()
    if word in MONTHS:
        return word
    near = one_letter_from(word, LONG_MONTHS)
    if near is None and len(word) >= MISREAD_TWICE:
        twice = [v for v in LONG_MONTHS if len(v) == len(word) and sum(a != b for a, b in zip(v, word)) <= 2]
        near = twice[0] if twice and len({MONTHS[v] for v in twice}) == 1 else None
    return near or word


def find_dates(s: str) -> list[date]:
    """Every possible date printed in `s` (any French form, OCR look-alikes repaired)."""
    return [m.value for m in find_date_matches(fold(digitize(s)))]


def _repair_time_digits(s: str) -> str:
    # `14H3O`, `l4:32`, `14h0&`: repair look-alikes around an H or a colon between digits;
    # `T6:18:34`: a serif 1 read as T before an hour's second digit
    s = re.sub(r"(?<![A-Z])T(?=[0-9]\s?[H:]\s?[0-9]{2}\b)", "1", s)
    return re.sub(
        r"(?<![A-Z])[0-9OIL]{1,2}\s?[H:]\s?[0-9OIL&]{2}",  # not the O ending `HEURO : 17:14`
        lambda m: m.group().replace("O", "0").replace("I", "1").replace("L", "1").replace("&", "8"),
        s,
    )


RANGE_BEFORE = re.compile(r"(?:\d{1,2}\s?[H:]\s?\d{2}|\d{1,2}\s?H)\s?-\s?$")  # `8H30-`, `9H -`: a range's start
MERIDIEM = re.compile(r"(?::\d{2})?\s?([AP])\.?M\b\.?")
# `02/04/25:13:38`: the space between a date and its time read as a colon (the time is no
# seconds of the date)
DATE_COLON_TIME = re.compile(r"(?<![\d/.\-])(\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})):(?=\d{1,2}\s?[:H]\s?\d\d)")


def find_time_matches(s: str, *, allow_dot: bool = False) -> list[tuple[str, int, int]]:
    """Times in a folded line as ("HH:MM", start, end); `14.32` only when `allow_dot`."""
    s = DATE_COLON_TIME.sub(r"\1 ", _repair_time_digits(s))  # the same length: spans hold
    out = []
    for m in TIME.finditer(s):
        if m["sep"] == "." and not allow_dot:
            continue
        if TIME_RANGE.match(s[m.end() :]) or RANGE_BEFORE.search(s[: m.start()]):
            continue  # opening hours `8H30-20H00` (not `21.11.26 - 14:32`)
        hour = int(m["h"])
        if (meridiem := MERIDIEM.match(s[m.end() :])) and hour <= 12:
            hour = hour % 12 + (12 if meridiem[1] == "P" else 0)  # `2:32 PM`
        out.append((f"{hour:02d}:{m['mi']}", m.start(), m.end()))
    if not out:
        out = [(f"{m['h']}:{m['mi']}", m.start("h"), m.end())
               for pattern in (SLIP_COMPACT_TIME, SLIP_DASHED_TIME) for m in pattern.finditer(s)]
    if not out:
        # `69:52`, `09H64`: a zero read as 6, 8 or 9 makes an impossible time; the zero makes it right
        for m in LOOSE_TIME.finditer(s):
            h, mi = _zeroed(m["h"], 23), _zeroed(m["mi"], 59)
            if h is not None and mi is not None and (h, mi) != (m["h"], m["mi"]):
                out.append((f"{int(h):02d}:{mi}", m.start(), m.end()))
    return out


def _zeroed(part: str, most: int) -> str | None:
    """`part` if at most `most`, else with its first 6, 8 or 9 read as 0 when that brings it there."""
    if int(part) <= most:
        return part
    fixed = re.sub(r"[689]", "0", part, count=1)
    return fixed if int(fixed) <= most else None


def find_times(s: str) -> list[str]:
    """Every time of day printed in `s`, as "HH:MM" (`14.32` only next to a date)."""
    up = fold(digitize(s))
    return [t for t, _, _ in find_time_matches(up, allow_dot=bool(find_date_matches(up)))]


def _context_score(line: TextLine, prev: TextLine | None) -> float:
    up = line.labels + " "
    score = 0.0
    if any(w in up for w in NOT_PURCHASE_WORDS):
        score -= 2.0
    elif prev is not None and any(w in prev.labels + " " for w in LABEL_ABOVE_WORDS):
        score -= 1.0
    if any(w in up for w in PURCHASE_WORDS):
        score += 0.3
    return score


DATE_SHAPE = re.compile(r"(?<![\d.,])(\d{2})([/.\-])(\d{2})\2(\d{4}|\d{2})(?!\d)")


def _zero(part: str, at: int) -> str:
    return part[:at] + "0" + part[at + 1 :] if part[at] in ZERO_LOOKALIKES else part


def repaired_date(s: str) -> date | None:
    """A dd/mm/yyyy date made valid by reading misread zeros as 0 (`22/07/2826` -> 2026-07-22)."""
    for m in DATE_SHAPE.finditer(s):
        d, mo, y = m.group(1), m.group(3), m.group(4)
        d = _zero(d, 0) if int(d) > 31 else d
        mo = _zero(mo, 0) if int(mo) > 12 else mo
        if len(y) == 4 and not y.startswith("20"):
            y = _zero(y, 1)
        value = _make(d, mo, y)
        if value and value.year <= date.today().year + PLAUSIBLE_YEARS_AHEAD:
            return value
    return None


def zero_of(first: date, second: date) -> bool:
    """Whether `second` is `first` with some of its 6, 8 and 9 read as the zeros they were."""
    return first != second and zeros_misread_in(f"{first:%d%m%Y}", f"{second:%d%m%Y}")


@dataclass(frozen=True)
class DatePick:
    value: date
    line: int
    conf: float


def pick_date(lines: list[TextLine]) -> DatePick | None:
    """The purchase date: a date with a time beside it, away from validity wording."""
    candidates: list[tuple[float, int, DateMatch, TextLine]] = []
    for i, line in enumerate(lines):
        for m in find_date_matches(line.digits):
            score = 1.0 + _context_score(line, lines[i - 1] if i else None)
            if find_time_matches(line.digits, allow_dot=True):
                score += 0.6
            elif i + 1 < len(lines) and find_time_matches(lines[i + 1].digits):
                score += 0.3
            if m.kind == "mdy":
                score -= 0.5
            if m.value.year > date.today().year + PLAUSIBLE_YEARS_AHEAD:
                score -= 3.0
            if len(re.findall(r"\b\d{3,}\b", line.digits[: m.start])) >= 2:
                score += 0.3  # a till footer `0006 002 000027 26/01/2017`
            candidates.append((score, i, m, line))
    if not candidates:
        repairs = [DatePick(repaired, i, round(line.conf * 0.6, 3)) for i, line in enumerate(lines)
                   if (repaired := repaired_date(line.digits))
                   and (find_time_matches(line.digits, allow_dot=True) or "DATE" in line.labels)]
        if not repairs:
            return None
        # `28-64-2625` and the card slip's `20/64/25`: a font whose zeros are read 6, 8 or 9 may
        # have misread a day's 0 too, where the result is still a date: the other line's zero wins
        best = repairs[0]
        for other in repairs[1:]:
            if zero_of(best.value, other.value):
                best = other
        return best
    counts = Counter(c[2].value for c in candidates if c[0] > 0)
    best = max(candidates, key=lambda c: (c[0] + 0.2 * (counts[c[2].value] - 1), -c[1]))
    score, i, m, line = best
    agree = sum(1 for c in candidates if c[2].value == m.value and c[0] > 0)
    conf = line.conf * (0.75 if score < 1 else 0.9 if score < 1.5 else 1.0)
    conf = min(1.0, conf + 0.05 * (agree - 1))
    return DatePick(m.value, i, round(conf, 3))


def pick_time(lines: list[TextLine], date_line: int | None) -> tuple[str, float] | None:
    """The time of purchase: on the date line, else next to it, else the first plain one."""
    order: list[int] = []
    if date_line is not None:
        order = [date_line, date_line + 1, date_line - 1]
    order += [i for i in range(len(lines)) if i not in order]
    for rank, i in enumerate(order):
        if not 0 <= i < len(lines):
            continue
        line = lines[i]
        if any(w in line.labels for w in OPENING_HOURS_WORDS):
            continue
        if date_line is not None and i != date_line and find_date_matches(line.digits):
            if any(w in line.labels for w in NOT_PURCHASE_WORDS):
                continue
        has_date = bool(find_date_matches(line.digits))
        times = find_time_matches(line.digits, allow_dot=has_date)
        if times:
            near = date_line is not None and rank < 3
            return hour_zero_restored(times[0][0], lines, i), round(line.conf * (1.0 if near else 0.8), 3)
    return None


def hour_zero_restored(time: str, lines: list[TextLine], at: int) -> str:
    """`time` with its hour's zero restored when another line prints the same minute with
    the hour misread otherwise (`16:34` and the card slip's `18:34` for 10:34), or right
    (`10:34`). Only the hour: a slip printed a few minutes apart (`10:36`, `10:38`) differs in
    its minutes."""
    if not set(time[:2]) & set(ZERO_LOOKALIKES + "0"):
        return time  # no hour digit a zero or its look-alike: nothing another line could settle
    for j, line in enumerate(lines):
        if j == at:
            continue
        for other, _, _ in find_time_matches(line.digits, allow_dot=bool(find_date_matches(line.digits))):
            if other[2:] != time[2:] or other == time:
                continue
            spots = [k for k in range(2) if other[k] != time[k]]
            if len(spots) == 1 and {time[spots[0]], other[spots[0]]} <= set(ZERO_LOOKALIKES + "0"):
                k = spots[0]
                return time[:k] + "0" + time[k + 1 :]
    return time

"""French postal codes and the place names printed beside them: misread digits in a
postal code, or letters in its city, repaired by the pair they must form.

A till prints `63000 CLERMONT-FERRAND`; OCR may give `63006` (a zero read as a six)
or `CLERMONT-FERR`. Each half vouches for the other: a code that is no code of the
printed city is changed for the one code of that city a few confusable digits
away, and a city cut or garbled is completed from the code's own names, only when
exactly one answer fits. The table (`data/postcodes-fr.tsv.gz`, about 6,200 codes) is
built by `scripts/build_postcodes.py` from the Base Adresse Nationale's list, and
loaded once per process.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from collections import defaultdict
from functools import cache
from importlib import resources

from rapidfuzz import fuzz, process

from pipeline.parse.text import zeros_misread_in

# Digits a till font's misread turns into one another (a slashed or dotted zero read 6, 8 or 9).
CONFUSABLE = {"0": "6896", "6": "085", "8": "0369", "9": "08", "5": "6", "3": "8", "1": "74", "7": "1", "4": "1"}
MAX_DIGITS_CHANGED = 2
CITY_SCORE = 85  # fuzzy score for a garbled city read to stand for a name of its code
MIN_PREFIX = 4  # a city cut at the paper's edge (`GRENOBL`) keeps at least this many letters
MISREAD_CITY = 40  # similarity (0-100) of a city read as no place's name to the one its code serves
LETTERS_OF_A_NAME = re.compile(r"[A-Za-z]{4}")  # a read with no four letters in a row is no city name
LOWER_TAIL = re.compile(r"(?<=[A-Z])[a-z]{1,2}$")


def fold(name: str) -> str:
    """A place name reduced for comparison: capitals, no accents, hyphens and apostrophes as spaces."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    plain = re.sub(r"[-'’.\s]+", " ", plain).strip()
    return re.sub(r"\bSTE\b", "SAINTE", re.sub(r"\bST\b", "SAINT", plain))


class PostalTable:
    """Postal code -> printed names, and folded name -> codes."""

    def __init__(self, rows: dict[str, tuple[str, ...]]):
        self.names = rows
        self.folded = {code: {fold(n) for n in names} for code, names in rows.items()}
        by_name: dict[str, set[str]] = defaultdict(set)
        for code, names in self.folded.items():
            for n in names:
                by_name[n].add(code)
        self.codes_of = dict(by_name)

    def exists(self, code: str) -> bool:
        return code in self.names

    def matches(self, code: str, city: str) -> bool:
        return fold(city) in self.folded.get(code, ())

    def repair(self, code: str | None, city: str | None) -> tuple[str | None, str | None]:
        """(code, city) with a misread half restored from the other, or as given."""
        if code and city and self.matches(code, city):
            return code, city
        if code and city:
            # two digits misread, or any number of zeros read as 6, 8 or 9 (`66066 NICE`: 06000)
            near = [c for c in self.codes_of.get(fold(city), ()) if misread_of(code, c) or zeros_misread_in(code, c)]
            if len(near) == 1:
                return near[0], city
        if code and self.exists(code):
            completed = self.complete_city(code, city) if city else None
            if completed is not None and completed != city:
                return code, completed
            if city is None or not self.matches(code, city) and (not LETTERS_OF_A_NAME.search(city)
                                                                 or city.islower()):
                # no city, or debris for one (`ee`, `aucr ec`: no place is printed in small
                # letters that are not its name): the code's one place, when it has only one
                return code, self.only_name(code) or city
            if not self.matches(code, city) and fold(city) not in self.codes_of:
                # no place is called that (`MAPSFTLIF`): the code's one place, when it reads alike
                name = self.only_name(code)
                if name and abs(len(name) - len(city)) <= 1 and fuzz.ratio(fold(name), fold(city)) >= MISREAD_CITY:
                    return code, name
            return code, city
        if code:
            # no such code: one variant with the same misread digits that exists and fits the city
            variants = [c for c in variants_of(code) if self.exists(c)]
            if city:
                variants = [c for c in variants if self.complete_city(c, city) != city or self.matches(c, city)]
            if len(variants) == 1:
                fixed = variants[0]
                return fixed, self.complete_city(fixed, city) if city else city
        return code, city

    def only_name(self, code: str) -> str | None:
        """The place a code serves, when it serves only one (75008: PARIS; 20137: several)."""
        names = self.names.get(code, ())
        return printed_form(list(names)) if len({fold(n) for n in names}) == 1 else None

    def complete_city(self, code: str, city: str) -> str:
        """The code's name that a cut or garbled city read stands for, when only one does."""
        folded = fold(city)
        names = self.names.get(code, ())
        if not folded or folded in self.folded.get(code, ()):
            return city
        words = folded.split()
        for k in range(len(words) - 1, 0, -1):  # `NICE RER`: debris read after the name
            head = [n for n in names if fold(n) == " ".join(words[:k])]
            if head:
                return printed_form(head)
        # cut mid-word only: `LE CHESNAY` is an older name of LE CHESNAY-ROCQUENCOURT, not a cut;
        # a capitals name may end in a lower-case speck of the edge (`SAINT-Er`)
        if (speck := LOWER_TAIL.search(city)) and city[: speck.start()].isupper():
            folded = fold(city[: speck.start()])
        cut = [n for n in names if len(folded) >= MIN_PREFIX and fold(n).startswith(folded)
               and fold(n)[len(folded) : len(folded) + 1].isalpha()]
        if len({fold(n) for n in cut}) == 1:
            return printed_form(cut)
        scored = process.extract(folded, {n: fold(n) for n in names}, scorer=fuzz.ratio, limit=2)
        good = [key for _, score, key in scored if score >= CITY_SCORE]
        if len({fold(n) for n in good}) == 1:
            return printed_form(good)
        return city


def printed_form(names: list[str]) -> str:
    """Of equivalent names, the one with its hyphens (`PORTO-VECCHIO` over `PORTO VECCHIO`)."""
    return max(names, key=lambda n: n.count("-"))


def misread_of(read: str, real: str) -> bool:
    """`read` is `real` with at most two digits swapped for look-alikes."""
    if len(read) != len(real) or read == real:
        return False
    diffs = [(a, b) for a, b in zip(read, real) if a != b]
    return len(diffs) <= MAX_DIGITS_CHANGED and all(a in CONFUSABLE.get(b, "") for a, b in diffs)


def variants_of(code: str) -> set[str]:
    """Codes that print as `code` after one or two digit misreads."""
    out: set[str] = set()
    back = defaultdict(set)  # read digit -> real digits it may stand for
    for real, reads in CONFUSABLE.items():
        for r in reads:
            back[r].add(real)
    frontier = {code}
    for _ in range(MAX_DIGITS_CHANGED):
        step = set()
        for c in frontier:
            for i, ch in enumerate(c):
                for real in back.get(ch, ()):
                    step.add(c[:i] + real + c[i + 1 :])
        out |= step
        frontier = step
    out.discard(code)
    return out


@cache
def table() -> PostalTable:
    data = resources.files("pipeline.parse").joinpath("data/postcodes-fr.tsv.gz").read_bytes()
    rows = {}
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        code, names = line.split("\t")
        rows[code] = tuple(names.split("|"))
    return PostalTable(rows)

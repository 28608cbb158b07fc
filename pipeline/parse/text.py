"""Text helpers shared by the field parsers: folding, OCR-confusion repair, clean lines.

Every helper that rewrites characters does it one for one, so a position found in
the rewritten text is the same position in the printed text (names are then cut
from the printed text, amounts and dates read from the repaired one).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.values import Line

# Characters OCR commonly reads instead of a digit, inside a number-like token.
DIGIT_LOOKALIKES = {"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "i": "1", "!": "1",
                    "S": "5", "s": "5", "B": "8"}  # fmt: skip
NUMBER_TOKEN_CHARS = set("0123456789,.-+*€/%()'") | set(DIGIT_LOOKALIKES)
TOKEN = re.compile(r"[^\s:;=]+")
LITRE_TOKEN = re.compile(r"^\d(?:[.,]\d{1,2})?[lL]$")  # `1,5l` is a volume, not `1,51`
# `118B RUE ...`: a street number with a letter suffix (bis), not `1188`.
STREET_SUFFIX_TOKEN = re.compile(r"^\d{1,4}[B]$")
# Digits OCR commonly reads instead of a letter, when they sit among letters.
LETTER_LOOKALIKES = {"0": "O", "1": "I", "5": "S", "8": "B"}

SEPARATOR_LINE = re.compile(r"^[\s=\-_*#~.+:|<>]{3,}$")
# Marks read off the paper's edge or a fold: `| 130 PLACE`, `NANTES |`, `2,00 —`.
EDGE_NOISE = re.compile(r"^(?:[|'`‘’\[\]!—_.,]+\s+)+|(?:\s+[|'`‘’\[\]—_.,]+)+$")
PLAIN_TEXT_CONF = 90.0


def fold(s: str) -> str:
    """Upper-case, accent-free text of the same length (for matching labels)."""
    out = []
    for ch in s:
        if ch in "€°£$":
            out.append(ch)
            continue
        base = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in base if not unicodedata.combining(c))
        out.append(base.upper()[:1] if base else " ")
    return "".join(out)


def digitize(s: str) -> str:
    """Repair digit look-alikes inside number-like tokens (`2O,5O` -> `20,50`).

    A token is number-like when it holds a real digit and nothing but digits,
    look-alikes and number punctuation; `LOT2` or `200ML` are left alone.
    """
    chars = list(s)
    for m in TOKEN.finditer(s):
        tok = m.group()
        if not any(c.isdigit() for c in tok) or not set(tok) <= NUMBER_TOKEN_CHARS:
            continue
        if LITRE_TOKEN.match(tok):
            continue
        if STREET_SUFFIX_TOKEN.match(tok) and re.match(r"\s+[A-Za-zÀ-ÿ]{2}", s[m.end() :]):
            continue
        for i in range(m.start(), m.end()):
            if chars[i] in DIGIT_LOOKALIKES:
                chars[i] = DIGIT_LOOKALIKES[chars[i]]
    return "".join(chars)


def letterize(s: str) -> str:
    """Replace letter look-alikes among letters (`T0TAL` -> `TOTAL`), for label matching."""
    chars = list(s)
    for i, ch in enumerate(chars):
        if ch in LETTER_LOOKALIKES:
            left = chars[i - 1] if i > 0 else " "
            right = chars[i + 1] if i + 1 < len(chars) else " "
            if left.isalpha() and (right.isalpha() or right in " :."):
                chars[i] = LETTER_LOOKALIKES[ch]
    return "".join(chars)


def is_separator(s: str) -> bool:
    """A rule line (`=====`, `-----`, `*****`, `_____`) or an empty line."""
    stripped = s.strip()
    return not stripped or bool(SEPARATOR_LINE.match(stripped))


def lines_from_text(text: str) -> tuple[Line, ...]:
    """Lines built from plain text (no boxes, a fixed confidence)."""
    return tuple(
        Line(text=t.rstrip(), conf=PLAIN_TEXT_CONF, box=(0, 0, 0, 0))
        for t in text.splitlines()
        if t.strip()
    )


@dataclass(frozen=True)
class TextLine:
    """A receipt line ready for matching: printed text, folded text, repaired forms."""

    index: int  # position among the cleaned lines
    raw: str  # as printed (stripped)
    up: str  # folded: upper-case, no accents, same length as raw
    digits: str  # `up` with digit look-alikes repaired (amounts, dates)
    labels: str  # `up` with letter look-alikes repaired (labels)
    conf: float  # 0..1
    underlined: bool = False


def strip_edge_separators(s: str) -> str:
    """Drop rule characters glued at both ends (`*** TOTAL ***`)."""
    return re.sub(r"^[=\-_*#~]{3,}\s*|\s*[=\-_*#~]{3,}$", "", s)


LAST_AMOUNT = re.compile(r"(?<![\d.,])\d{1,6}\s?[.,]\s?\d{2}(?:\s?(?:EUR|€))?(?!\d)")
TAIL_MAX = 14  # characters of debris after the amount
DEBRIS_CONF = 50.0


def drop_tail_debris(raw: str, words: Sequence = ()) -> str:
    """Cut what the camera caught beside the paper after a line's last amount.

    A photo cropped a little wide reads the table or fabric at the right edge as short
    words (`PATINE 34,00 EUR Ca`, `TOTAL 104,56 oa`); they break the amount-at-the-end
    shape of item and total lines. A short tail without figures is dropped when it holds
    lower-case letters or stray symbols, or when the engine itself doubted those words.
    A till's VAT code after a price (`12,50 A`, `3,20 B`) is upper-case and kept.
    """
    matches = list(LAST_AMOUNT.finditer(raw))
    if not matches:
        return raw
    end = matches[-1].end()
    tail = raw[end:].strip()
    if not tail or len(tail) > TAIL_MAX or any(ch.isdigit() for ch in tail):
        return raw
    odd = any(ch.islower() for ch in tail) or bool(re.search(r"[^\w\s*€%]", tail))
    tail_words = [w for w in words if w.text and w.text in tail.split()]
    doubted = bool(tail_words) and max(w.conf for w in tail_words) < DEBRIS_CONF
    return raw[:end].rstrip() if odd or doubted else raw


FAR_GAP = 3.0  # a blank this many character heights wide parts a line's words from a stray mark
FAR_TOKEN = re.compile(r"^[^\W\d_]{1,2}$")  # one or two letters, no digit
KEPT_SHORT = {"CB"}  # a payment label may stand alone at the far left of its amount
FAR_RUN = 3  # words of debris at most, read from the table beside the paper
CURRENCY = re.compile(r"^(?:EUR|EUROS?|€)\W*$", re.IGNORECASE)


def drop_far_ends(raw: str, words: Sequence = ()) -> str:
    """Cut what stands far out at either end of a line: the table beside the paper, or the
    paper's edge, read as words (`A    BELLE MECHE`, `BELLE MECHE        Le`, `AE SEG   BALAYAGE`).

    The blank must be wider than FAR_GAP character heights (words of a phrase are a fraction
    of one apart). Cut are: a run of up to FAR_RUN words without digits that the engine
    doubted, or a lone letter or two on a line without figures (a till prints VAT codes
    and labels far from their amounts, confidently).
    """
    words = [w for w in words if w.text.strip()]
    tokens = raw.split()
    if len(words) < 2 or len(tokens) < 2 or not any(w.box[3] for w in words):
        return raw
    heights = sorted(w.box[3] for w in words if w.conf >= DEBRIS_CONF) or sorted(w.box[3] for w in words)
    far = FAR_GAP * heights[(len(heights) - 1) // 2]
    figures = any(ch.isdigit() for ch in raw)

    def stray(run: list) -> bool:
        if len(run) == 1 and FAR_TOKEN.match(run[0].text) and run[0].text.upper() not in KEPT_SHORT and (
                not figures or run[0].conf < DEBRIS_CONF):
            return True
        return all(w.conf < DEBRIS_CONF and not any(ch.isdigit() for ch in w.text) for w in run)

    gap = lambda a, b: b.box[0] - (a.box[0] + a.box[2])  # noqa: E731
    # a label doubted far left of its amount (`TOTAAL LG      63,09 EUR`) is no debris: what is
    # left must hold a word (a currency is none)
    cut_left = max((n for n in range(1, min(FAR_RUN, len(words) - 1) + 1)
                    if gap(words[n - 1], words[n]) >= far and stray(words[:n])
                    and any(sum(ch.isalpha() for ch in w.text) >= 3 and not CURRENCY.match(w.text)
                            for w in words[n:])), default=0)
    if cut_left and tokens[:cut_left] == [w.text for w in words[:cut_left]]:
        tokens, words = tokens[cut_left:], words[cut_left:]
    cut_right = max((n for n in range(1, min(FAR_RUN, len(words) - 1) + 1)
                     if gap(words[-n - 1], words[-n]) >= far and stray(words[-n:])), default=0)
    if cut_right and tokens[-cut_right:] == [w.text for w in words[-cut_right:]]:
        tokens = tokens[:-cut_right]
    return raw if len(tokens) == len(raw.split()) else " ".join(tokens)


def clean_lines(lines: Sequence[Line] | Iterable[Line]) -> list[TextLine]:
    """Separator lines removed; each remaining line folded and repaired once."""
    out: list[TextLine] = []
    for line in lines:
        raw = EDGE_NOISE.sub("", strip_edge_separators(line.text.strip()).strip())
        raw = drop_far_ends(drop_tail_debris(raw, line.words), line.words)
        if is_separator(raw):
            continue
        up = fold(raw)
        conf = max(0.0, min(1.0, (line.conf or 0.0) / 100.0))
        out.append(
            TextLine(
                index=len(out),
                raw=raw,
                up=up,
                digits=fold(digitize(raw)),
                labels=letterize(up),
                conf=conf,
                underlined=line.underlined,
            )
        )
    return out


WORD_TOKEN = re.compile(r"\S+")


def repair_words(raw: str) -> str:
    """Printed text with obvious look-alikes fixed, case kept (`CARREF0UR` -> `CARREFOUR`).

    Number-like tokens get their digits repaired (`l2` -> `12`); a word of three
    letters or more with a single 0/1/5/8 in it gets the letter (`0berkampf`).
    """
    text = digitize(raw)
    out = []
    last = 0
    for m in WORD_TOKEN.finditer(text):
        tok = m.group()
        digits = [c for c in tok if c.isdigit()]
        letters = sum(c.isalpha() for c in tok)
        if len(digits) == 1 and digits[0] in LETTER_LOOKALIKES and letters >= 3:
            i = next(i for i, c in enumerate(tok) if c.isdigit())
            neighbours = tok[max(0, i - 1) : i] + tok[i + 1 : i + 2]
            if neighbours.isalpha():
                letter = LETTER_LOOKALIKES[tok[i]]
                if letter == "I" and i > 0 and tok[i - 1].isalpha() and i + 1 == len(tok):
                    letter = "L"  # a word ending in 1 ends in L more often (`TOTA1`)
                near = tok[i + 1] if i + 1 < len(tok) and tok[i + 1].isalpha() else tok[i - 1]
                lower = i > 0 and near.islower()
                tok = tok[:i] + (letter.lower() if lower else letter) + tok[i + 1 :]
        out.append(text[last : m.start()] + tok)
        last = m.end()
    out.append(text[last:])
    return "".join(out)


ZERO_LOOKALIKES = "689"  # a thermal font's dotted or slashed 0 is read as 6, 8 or 9


def zeros_misread_in(read: str, real: str) -> bool:
    """`read` is `real` with none, some or all of its zeros read as 6, 8 or 9 (a thermal
    font's dotted or slashed 0), and no other digit changed."""
    return len(read) == len(real) and all(a == b or (a in ZERO_LOOKALIKES and b == "0") for a, b in zip(read, real))


def one_letter_from(word: str, vocabulary) -> str | None:
    """The one word of `vocabulary` with `word`'s length that differs from it by one letter, if
    exactly one does (`JUILLOT` -> JUILLET, `AVONUE` -> AVENUE)."""
    near = [v for v in vocabulary if len(v) == len(word) and sum(a != b for a, b in zip(v, word)) == 1]
    return near[0] if len(near) == 1 else None

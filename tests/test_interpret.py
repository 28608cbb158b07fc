"""Interpretation from stored readings: the second engine's figures spliced into lines."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.interpret import interpret, merge_lines, same_code_misread, splice
from pipeline.read import digit_span, tidy
from pipeline.second_opinion import lines_to_recheck
from pipeline.parse import parse_receipt
from pipeline.values import Line, Reading, Word


def line(text: str, y: int, conf: float = 90.0) -> Line:
    words, x = [], 10
    for token in text.split():
        words.append(Word(token, conf, (x, y, 14 * len(token), 26)))
        x += 14 * len(token) + 14
    return Line(text=text, conf=conf, box=(10, y, x - 24, 26), words=tuple(words))


TESSERACT = (
    line("SALON ELEGANCE", 0), line("12 RUE DE LA PAIX", 40), line("75088 PARIS", 80),
    line("SHAMPOOING KERASTASE 24,50", 160), line("SOIN FUSIO DOSE 15,00", 200),
    line("TOTAL TTC 39,56 EUR", 240), line("CB 39,50", 280), line("LE 21/11/2026 A 14H32", 320),
)


def test_digit_span_is_the_trailing_figures_or_the_postal_code():
    total = TESSERACT[5]  # TOTAL TTC 39,56 EUR: last word has no digit -> the first figure
    assert digit_span(total) == total.words[2].box
    item = TESSERACT[3]
    assert digit_span(item) == item.words[-1].box
    assert digit_span(TESSERACT[2]) == TESSERACT[2].words[0].box
    assert digit_span(TESSERACT[0]) == TESSERACT[0].box
    sized = line("KERAST. BAIN SATIN 250ML 32,96", 0)  # a size is part of the name, not a figure
    assert digit_span(sized) == sized.words[-1].box


@pytest.mark.parametrize("raw, clean", [("20,69 1", "20,69"), ("( 63000", "63000"), ("39,50", "39,50"), ("θ,90", "0,90")])
def test_tidy_drops_neighbour_glyph_slivers(raw, clean):
    assert tidy(raw) == clean


def test_splice_replaces_only_the_words_under_the_span():
    total = TESSERACT[5]
    fix = Line(text="39,50", conf=97.0, box=total.box, words=(Word("39,50", 97.0, total.words[2].box),))
    assert splice(total, fix).text == "TOTAL TTC 39,50 EUR"
    whole = Line(text="SALON ELEGANCE", conf=95.0, box=TESSERACT[0].box, words=(Word("x", 95.0, TESSERACT[0].box),))
    assert splice(TESSERACT[0], whole).text == "SALON ELEGANCE"


@pytest.mark.parametrize("first, second, same", [
    ("75088", "75008", True), ("66088", "66000", True), (None, "31000", True),
    ("78666", "78000", True), ("17781", "34000", False), ("75008", "69008", False), ("75008", "75008", False), ("75008", None, False),
])
def test_postal_code_is_replaced_only_by_a_reading_of_the_same_code(first, second, same):
    assert same_code_misread(first, second) is same


def test_second_engine_fixes_total_and_postal_code_from_stored_readings():
    primary = Reading("tesseract", "5", TESSERACT, variant="psm6")
    fixes = tuple(
        Line(text=t, conf=98.0, box=TESSERACT[i].box, words=(Word(t, 98.0, digit_span(TESSERACT[i])),))
        for i, t in ((2, "75008"), (5, "39,50"))
    )
    second = Reading("rapidocr", "1", fixes, variant="lines")
    alone = interpret((primary,))
    both = interpret((primary, second))
    assert alone.retailer.postal_code == "75088"
    assert both.retailer.postal_code == "75008" and both.retailer.city == "PARIS"
    assert both.total == Decimal("39.50")
    assert merge_lines(TESSERACT, fixes)[5].text == "TOTAL TTC 39,50 EUR"


def test_lines_to_recheck_takes_figures_of_total_and_postal_lines():
    picks = dict(lines_to_recheck(TESSERACT, parse_receipt(TESSERACT)))
    assert picks[2] is True and picks[5] is True and picks[6] is True  # postal, total, payment
    assert 7 not in picks  # the date was read: its line is left alone


def test_decorative_rows_do_not_make_a_crisp_receipt_illegible():
    from pipeline.errors import IllegibleError
    from pipeline.read import check_confidence
    from pipeline.settings import LegibilityLimits

    crisp = [line(t, 40 * i, conf=95.0) for i, t in enumerate(("SALON", "75008 PARIS", "TOTAL 24,50"))]
    stars = [line("KKKKKKKK KKK KEKE KKK", 200 + 40 * i, conf=2.0) for i in range(2)]
    check_confidence(Reading("tesseract", "5", tuple(crisp + stars)), LegibilityLimits())
    murky = tuple(line(t, 40 * i, conf=30.0) for i, t in enumerate(("SA1ON", "7S0O8 PAR1S", "T0TAL 2A,S0")))
    with pytest.raises(IllegibleError, match=r"OCR confidence 30% .* at least 45% needed"):
        check_confidence(Reading("tesseract", "5", murky), LegibilityLimits())
